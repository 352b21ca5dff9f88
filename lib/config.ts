// The stack's configuration: CDK context values (cdk.json or `-c key=value`), validated with a
// message naming the key, so a bad value fails `cdk synth` before anything is deployed.

export interface SyndicationConfig {
  /** Minutes between two discover runs (EventBridge Scheduler). */
  scheduleMinutes: number;
  /** Where the ILO site is fetched from: https://www.ilo.org or a mirror. */
  origin: string;
  contentMode: 'full' | 'summary';
  /** Email addresses subscribed to the notification topic (each must confirm). */
  subscriberEmails: string[];
  /** An email for operational alarms; without it, alarms still show in CloudWatch. */
  alarmEmail?: string;
  userAgent?: string;
  /** `retain` keeps the bucket (and its archive) when the stack is deleted. */
  removalPolicy: 'retain' | 'destroy';
  /** Pages ingested at most per discover run. */
  maxPerRun: number;
  /** Requests per second to the origin, all functions together (0: unpaced, for a mirror you run). */
  originRate: number;
  /** The heartbeat alarm fires when no discover run succeeded for this many hours. */
  heartbeatHours: number;
  /** ... or when no new or updated story was stored for this many days. */
  storyHeartbeatDays: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** Reads and validates the context; `get` is `(key) => app.node.tryGetContext(key)`. */
export function readConfig(get: (key: string) => unknown): SyndicationConfig {
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new ConfigError(`context '${key}' must be a string, got ${JSON.stringify(value)}`);
    return String(value).trim();
  };

  const schedule = text('schedule') ?? '30';
  const scheduleMinutes = Number(/^(\d+)(\s*min(utes?)?)?$/i.exec(schedule)?.[1]);
  if (!Number.isInteger(scheduleMinutes) || scheduleMinutes < 5 || scheduleMinutes > 1440) {
    throw new ConfigError(`context 'schedule' must be a number of minutes from 5 to 1440, got '${schedule}'`);
  }

  const origin = text('origin') ?? 'https://www.ilo.org';
  if (!/^https?:\/\/[^\s/?#]+\/?$/.test(origin))
    throw new ConfigError(`context 'origin' must be an http(s) origin like https://www.ilo.org, got '${origin}'`);

  const contentMode = text('contentMode') ?? 'full';
  if (contentMode !== 'full' && contentMode !== 'summary')
    throw new ConfigError(`context 'contentMode' must be 'full' or 'summary', got '${contentMode}'`);

  const rawEmails = get('subscriberEmails');
  const emails = (Array.isArray(rawEmails) ? rawEmails.map(String) : (text('subscriberEmails') ?? '').split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  for (const email of emails)
    if (!EMAIL.test(email)) throw new ConfigError(`context 'subscriberEmails' has an invalid address: '${email}'`);

  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail))
    throw new ConfigError(`context 'alarmEmail' is not an email address: '${alarmEmail}'`);

  const userAgent = text('userAgent');
  if (userAgent !== undefined && !/^[\x20-\x7E]{8,300}$/.test(userAgent))
    throw new ConfigError("context 'userAgent' must be 8 to 300 printable ASCII characters");

  const removalPolicy = text('removalPolicy') ?? 'retain';
  if (removalPolicy !== 'retain' && removalPolicy !== 'destroy')
    throw new ConfigError(`context 'removalPolicy' must be 'retain' or 'destroy', got '${removalPolicy}'`);

  const maxText = text('maxPerRun') ?? '200';
  const maxPerRun = Number(maxText);
  if (!Number.isInteger(maxPerRun) || maxPerRun < 1 || maxPerRun > 10_000)
    throw new ConfigError(`context 'maxPerRun' must be a whole number from 1 to 10000, got '${maxText}'`);

  const rateText = text('originRate') ?? '1';
  const originRate = Number(rateText);
  if (rateText === '' || !Number.isFinite(originRate) || originRate < 0 || originRate > 20)
    throw new ConfigError(
      `context 'originRate' must be a number of requests per second from 0 to 20, got '${rateText}'`,
    );

  // One late run must not fire the heartbeat: at least two schedule intervals (CloudWatch evaluates
  // an alarm over at most 7 days).
  const minHeartbeat = Math.max(2, Math.ceil((2 * scheduleMinutes) / 60));
  const heartbeatText = text('heartbeatHours') ?? String(Math.max(3, minHeartbeat));
  const heartbeatHours = Number(heartbeatText);
  if (!Number.isInteger(heartbeatHours) || heartbeatHours < minHeartbeat || heartbeatHours > 168) {
    throw new ConfigError(
      `context 'heartbeatHours' must be a whole number of hours from ${minHeartbeat} (two schedule intervals) to 168, got '${heartbeatText}'`,
    );
  }
  const storyDaysText = text('storyHeartbeatDays') ?? '4';
  const storyHeartbeatDays = Number(storyDaysText);
  if (!Number.isInteger(storyHeartbeatDays) || storyHeartbeatDays < 1 || storyHeartbeatDays > 7) {
    throw new ConfigError(
      `context 'storyHeartbeatDays' must be a whole number of days from 1 to 7, got '${storyDaysText}'`,
    );
  }

  return {
    scheduleMinutes,
    origin: origin.replace(/\/+$/, ''),
    contentMode,
    subscriberEmails: [...new Set(emails)],
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(userAgent ? { userAgent } : {}),
    removalPolicy,
    maxPerRun,
    originRate,
    heartbeatHours,
    storyHeartbeatDays,
  };
}
