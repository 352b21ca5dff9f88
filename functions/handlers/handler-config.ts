// The Lambdas' configuration, read from the environment once per container and validated, so a
// misconfigured deployment fails on its first invocation with a message naming the variable.
// An optional variable that is absent is simply absent: only a value that is present is checked.
// Each value is read by its one definition (settings/settings.ts), the same the stack's context is
// checked by before it sets these variables.
import { Object as ObjectOf, Optional, type Static, type TSchema } from '@sinclair/typebox';
import { readSetting, tidyUrl } from '../settings/setting.js';
import { SETTINGS } from '../settings/settings.js';
import { type RequiredSetting, VARIABLES } from './deployment.js';

/** The functions' configuration: its type and shape come from the settings' definitions. */
const HANDLER_CONFIG = ObjectOf({
  bucket: SETTINGS.bucket,
  prefix: SETTINGS.prefix,
  topicArn: Optional(SETTINGS.topicArn),
  ingestQueueUrl: Optional(SETTINGS.queueUrl),
  publishQueueUrl: Optional(SETTINGS.queueUrl),
  distributionId: Optional(SETTINGS.distributionId),
  origin: SETTINGS.origin,
  /** The CloudFront URL the public files are served from. */
  publicUrl: Optional(SETTINGS.publicUrl),
  contentMode: SETTINGS.contentMode,
  userAgent: Optional(SETTINGS.userAgent),
  maxPerRun: SETTINGS.maxPerRun,
  requestsPerSecond: SETTINGS.originRate,
});
export type HandlerConfig = Static<typeof HANDLER_CONFIG>;

type Env = Record<string, string | undefined>;

/** A configuration in which the required settings are known to be present. */
export type ConfigWith<K extends RequiredSetting> = HandlerConfig & { [P in K]-?: string };

/** Reads the variables a handler needs; `required` names the ones this handler cannot run without. */
export function readHandlerConfig<K extends RequiredSetting>(env: Env, required: readonly K[]): ConfigWith<K> {
  // What is wrong, then what is missing.
  const problems: string[] = [];
  const missing: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(HANDLER_CONFIG.properties) as [keyof HandlerConfig, TSchema][]) {
    const name = VARIABLES[key];
    const text = env[name]?.trim();
    if (text === undefined || text === '') {
      // An optional setting has no default here (a missing public URL is missing, not the CLI's default).
      if ((HANDLER_CONFIG.required as string[]).includes(key) && schema.default !== undefined)
        values[key] = schema.default;
      else if (key === 'bucket' || (required as readonly string[]).includes(key)) missing.push(`${name} is not set`);
      continue;
    }
    const reading = readSetting(schema, text, name);
    if (reading.ok) values[key] = tidy(key, reading.value);
    else problems.push(reading.problem);
  }
  if (problems.length + missing.length > 0)
    throw new Error(`invalid configuration: ${[...problems, ...missing].join('; ')}`);
  return values as ConfigWith<K>;
}

/** URLs without their trailing slashes (paths are appended to them), the prefix without its slashes. */
function tidy(key: keyof HandlerConfig, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (key === 'prefix') return value.replace(/^\/+|\/+$/g, '');
  return /^https?:/i.test(value) ? tidyUrl(value) : value;
}
