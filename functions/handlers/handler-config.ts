// The Lambdas' configuration, read from the environment once per container and validated, so a
// misconfigured deployment fails on its first invocation with a message naming the variable.
// An optional variable that is absent is simply absent: only a value that is present is checked.
import type { ContentMode } from '../pipeline/config.js';

export interface HandlerConfig {
  bucket: string;
  /** Key prefix inside the bucket ("" for the whole bucket). */
  prefix: string;
  topicArn?: string;
  ingestQueueUrl?: string;
  publishQueueUrl?: string;
  /** The CloudFront distribution serving the public files (publish invalidates what changed). */
  distributionId?: string;
  /** Where the ILO site is fetched from (https://www.ilo.org, or a mirror). */
  origin: string;
  /** The CloudFront URL the public files are served from. */
  publicUrl?: string;
  contentMode: ContentMode;
  userAgent?: string;
  maxPerRun: number;
  requestsPerSecond: number;
}

/** The settings a handler cannot run without (the bucket is needed by all of them). */
export type RequiredSetting = 'topicArn' | 'ingestQueueUrl' | 'publishQueueUrl' | 'publicUrl' | 'distributionId';

/** The environment variable of each setting: the names the stack (lib/) sets. */
export const VARIABLES = {
  bucket: 'STORE_BUCKET',
  prefix: 'STORE_PREFIX',
  topicArn: 'TOPIC_ARN',
  ingestQueueUrl: 'INGEST_QUEUE_URL',
  publishQueueUrl: 'PUBLISH_QUEUE_URL',
  distributionId: 'DISTRIBUTION_ID',
  origin: 'ORIGIN',
  publicUrl: 'PUBLIC_URL',
  contentMode: 'CONTENT_MODE',
  userAgent: 'USER_AGENT',
  maxPerRun: 'MAX_PER_RUN',
  requestsPerSecond: 'REQUESTS_PER_SECOND',
} as const satisfies Record<keyof HandlerConfig, string>;

/** What each function needs besides the bucket: a template that leaves one out fails its tests. */
export const REQUIRED_SETTINGS = {
  discover: ['ingestQueueUrl', 'publishQueueUrl'],
  ingest: ['publishQueueUrl', 'publicUrl'],
  publish: ['topicArn', 'publicUrl', 'distributionId'],
} as const satisfies Record<string, readonly RequiredSetting[]>;

type Env = Record<string, string | undefined>;

/** A configuration in which the required settings are known to be present. */
export type ConfigWith<K extends RequiredSetting> = HandlerConfig & { [P in K]-?: string };

/** Reads the variables a handler needs; `required` names the ones this handler cannot run without. */
export function readHandlerConfig<K extends RequiredSetting>(env: Env, required: readonly K[]): ConfigWith<K> {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const url = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    if (!/^https?:\/\/[^\s/]+/.test(value)) problems.push(`${name} must be an http(s) URL, got '${value}'`);
    return value.replace(/\/+$/, '');
  };
  const number = (name: string, fallback: number, min: number, max: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max)
      problems.push(`${name} must be a number from ${min} to ${max}, got '${value}'`);
    return n;
  };
  const optional = <T extends string, V>(key: T, value: V | undefined) =>
    value === undefined ? {} : ({ [key]: value } as { [P in T]: V });
  const contentMode = text(VARIABLES.contentMode) ?? 'full';
  if (contentMode !== 'full' && contentMode !== 'summary')
    problems.push(`${VARIABLES.contentMode} must be 'full' or 'summary', got '${contentMode}'`);

  const bucket = text(VARIABLES.bucket);
  if (bucket === undefined) problems.push(`${VARIABLES.bucket} is not set`);
  const config: HandlerConfig = {
    bucket: bucket ?? '',
    prefix: (text(VARIABLES.prefix) ?? '').replace(/^\/+|\/+$/g, ''),
    ...optional('topicArn', text(VARIABLES.topicArn)),
    ...optional('ingestQueueUrl', url(VARIABLES.ingestQueueUrl)),
    ...optional('publishQueueUrl', url(VARIABLES.publishQueueUrl)),
    ...optional('distributionId', text(VARIABLES.distributionId)),
    origin: url(VARIABLES.origin) ?? 'https://www.ilo.org',
    ...optional('publicUrl', url(VARIABLES.publicUrl)),
    contentMode: contentMode as ContentMode,
    ...optional('userAgent', text(VARIABLES.userAgent)),
    maxPerRun: number(VARIABLES.maxPerRun, 200, 1, 10_000),
    requestsPerSecond: number(VARIABLES.requestsPerSecond, 1, 0, 20),
  };
  for (const key of required) if (config[key] === undefined) problems.push(`${VARIABLES[key]} is not set`);
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return config as ConfigWith<K>;
}
