// The Lambdas' configuration, read from the environment once per container and validated, so a
// misconfigured deployment fails on its first invocation with a message naming the variable.
import type { ContentMode } from '../pipeline/config.js';

export interface HandlerConfig {
  bucket: string;
  /** Key prefix inside the bucket ("" for the whole bucket). */
  prefix: string;
  topicArn: string;
  ingestQueueUrl: string;
  publishQueueUrl: string;
  /** Where the ILO site is fetched from (https://www.ilo.org, or a mirror). */
  origin: string;
  /** The CloudFront URL the public files are served from. */
  publicUrl: string;
  contentMode: ContentMode;
  userAgent?: string;
  maxPerRun: number;
  requestsPerSecond: number;
}

type Env = Record<string, string | undefined>;

/** Reads the variables a handler needs; `required` names the ones this handler cannot run without. */
export function readHandlerConfig(env: Env, required: (keyof HandlerConfig)[]): HandlerConfig {
  const problems: string[] = [];
  const text = (name: string, fallback?: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? fallback : value;
  };
  const url = (name: string, fallback?: string) => {
    const value = text(name, fallback);
    if (value !== undefined && !/^https?:\/\/[^\s/]+/.test(value)) problems.push(`${name} must be an http(s) URL, got '${value}'`);
    return value?.replace(/\/+$/, '');
  };
  const number = (name: string, fallback: number, min: number, max: number) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) problems.push(`${name} must be a number from ${min} to ${max}, got '${value}'`);
    return n;
  };
  const contentMode = text('CONTENT_MODE', 'full');
  if (contentMode !== 'full' && contentMode !== 'summary') problems.push(`CONTENT_MODE must be 'full' or 'summary', got '${contentMode}'`);

  const config: HandlerConfig = {
    bucket: text('STORE_BUCKET', '')!,
    prefix: (text('STORE_PREFIX', '') ?? '').replace(/^\/+|\/+$/g, ''),
    topicArn: text('TOPIC_ARN', '')!,
    ingestQueueUrl: url('INGEST_QUEUE_URL', '') ?? '',
    publishQueueUrl: url('PUBLISH_QUEUE_URL', '') ?? '',
    origin: url('ORIGIN', 'https://www.ilo.org')!,
    publicUrl: url('PUBLIC_URL', '') ?? '',
    contentMode: contentMode as ContentMode,
    ...(text('USER_AGENT') ? { userAgent: text('USER_AGENT')! } : {}),
    maxPerRun: number('MAX_PER_RUN', 200, 1, 10_000),
    requestsPerSecond: number('REQUESTS_PER_SECOND', 1, 0, 20),
  };
  const names: Record<string, string> = {
    bucket: 'STORE_BUCKET', topicArn: 'TOPIC_ARN', ingestQueueUrl: 'INGEST_QUEUE_URL', publishQueueUrl: 'PUBLISH_QUEUE_URL', publicUrl: 'PUBLIC_URL',
  };
  for (const key of required) if (config[key] === '' || config[key] === undefined) problems.push(`${names[key] ?? key} is not set`);
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return config;
}
