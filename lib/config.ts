// The stack's configuration: CDK context values (cdk.json or `-c key=value`), each read by its one
// definition in functions/settings/settings.ts (the functions check what the stack passes them by
// the same definitions), so a bad value fails `cdk synth` with a message naming the key before
// anything is deployed.
import { Array as ArrayOf, Object as ObjectOf, Optional, type Static, type TSchema } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';
import { narrowed, readSetting } from '../functions/settings/setting.js';
import { SETTINGS } from '../functions/settings/settings.js';

/** The stack's configuration: its type and shape come from the settings' definitions. */
const SYNDICATION_CONFIG = ObjectOf({
  scheduleMinutes: SETTINGS.scheduleMinutes,
  origin: SETTINGS.origin,
  contentMode: SETTINGS.contentMode,
  /** Subscribed to the notification topic (each must confirm). */
  subscriberEmails: ArrayOf(SETTINGS.email),
  /** For operational alarms; without it, alarms still show in CloudWatch. */
  alarmEmail: Optional(SETTINGS.email),
  userAgent: Optional(SETTINGS.userAgent),
  removalPolicy: SETTINGS.removalPolicy,
  maxPerRun: SETTINGS.maxPerRun,
  originRate: SETTINGS.originRate,
  heartbeatHours: SETTINGS.heartbeatHours,
  storyHeartbeatDays: SETTINGS.storyHeartbeatDays,
});
export type SyndicationConfig = Static<typeof SYNDICATION_CONFIG>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the context; `get` is `(key) => app.node.tryGetContext(key)`. */
export function readConfig(get: (key: string) => unknown): SyndicationConfig {
  const text = (key: string): string | undefined => {
    const value = get(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new ConfigError(`context '${key}' must be a string, got ${JSON.stringify(value)}`);
    return String(value).trim();
  };
  const read = <S extends TSchema>(key: string, schema: S, given = text(key)): Static<S> => {
    if (given === undefined) return schema.default as Static<S>;
    const reading = readSetting(schema, given, `context '${key}'`);
    if (!reading.ok) throw new ConfigError(reading.problem);
    return reading.value;
  };

  // "15", "15 min" or "15 minutes".
  const scheduleMinutes = read('schedule', SETTINGS.scheduleMinutes, text('schedule')?.replace(/\s*min(utes?)?$/i, ''));
  const rawEmails = get('subscriberEmails');
  const emails = (Array.isArray(rawEmails) ? rawEmails.map(String) : (text('subscriberEmails') ?? '').split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  for (const email of emails)
    if (!Check(SETTINGS.email, email))
      throw new ConfigError(`context 'subscriberEmails' has an invalid address: '${email}'`);
  const alarmEmail = text('alarmEmail') === undefined ? undefined : read('alarmEmail', SETTINGS.email);
  const userAgent = text('userAgent') === undefined ? undefined : read('userAgent', SETTINGS.userAgent);

  // One late run must not fire the heartbeat: at least two schedule intervals (CloudWatch evaluates
  // an alarm over at most 7 days).
  const minHeartbeat = Math.max(SETTINGS.heartbeatHours.minimum ?? 0, Math.ceil((2 * scheduleMinutes) / 60));
  const heartbeat = narrowed(SETTINGS.heartbeatHours, { minimum: minHeartbeat, reason: 'two schedule intervals' });

  return {
    scheduleMinutes,
    origin: read('origin', SETTINGS.origin).replace(/\/+$/, ''),
    contentMode: read('contentMode', SETTINGS.contentMode),
    subscriberEmails: [...new Set(emails)],
    ...(alarmEmail ? { alarmEmail } : {}),
    ...(userAgent ? { userAgent } : {}),
    removalPolicy: read('removalPolicy', SETTINGS.removalPolicy),
    maxPerRun: read('maxPerRun', SETTINGS.maxPerRun),
    originRate: read('originRate', SETTINGS.originRate),
    heartbeatHours: read(
      'heartbeatHours',
      heartbeat,
      text('heartbeatHours') ?? String(Math.max(SETTINGS.heartbeatHours.default, minHeartbeat)),
    ),
    storyHeartbeatDays: read('storyHeartbeatDays', SETTINGS.storyHeartbeatDays),
  };
}
