// Every setting of the CLI, the Lambdas and the stack, each defined once: type, range or rule,
// default and description (docs/ARCHITECTURE.md, "Configuration"). The CLI (`cli/args.ts`), the
// handlers (`handlers/handler-config.ts`) and the stack (`lib/config.ts`) read them by the name they
// give them (a flag, an environment variable, a context key); the stack passes its values to the
// functions' environment, where the same definition checks them again.
import { FormatRegistry, Integer, Literal, Number as NumberOf, String as StringOf, Union } from '@sinclair/typebox';
import { DEFAULTS } from '../pipeline/config.js';
import { parseIloDate } from '../pipeline/parse/dates.js';
import './setting.js';

if (!FormatRegistry.Has('date-text')) FormatRegistry.Set('date-text', (value) => parseIloDate(value) !== undefined);

const httpUrl = (description: string) =>
  StringOf({ format: 'http-url', expected: 'an http(s) URL without a query or fragment', description });
const text = (description: string) => StringOf({ minLength: 1, expected: 'a text', description });

export const SETTINGS = {
  // Where and how the ILO site is read.
  origin: StringOf({
    format: 'http-origin',
    expected: 'an http(s) origin like https://www.ilo.org',
    default: DEFAULTS.origin,
    description: 'Where the ILO site is fetched from: https://www.ilo.org or a mirror (outputs keep www.ilo.org URLs)',
  }),
  userAgent: StringOf({
    pattern: '^[\\x20-\\x7E]{8,300}$',
    expected: '8 to 300 printable ASCII characters',
    echo: false,
    description: 'User-Agent sent to the origin (name your project and a contact URL)',
  }),
  /** A local run's pace; on AWS `originRate`, which all functions share, allows less. */
  rate: NumberOf({
    minimum: 0,
    maximum: 100,
    unit: 'requests per second',
    default: DEFAULTS.requestsPerSecond,
    description: 'Requests per second to the origin (0: unpaced, only for a mirror)',
  }),
  originRate: NumberOf({
    minimum: 0,
    maximum: 20,
    unit: 'requests per second',
    default: DEFAULTS.requestsPerSecond,
    description: 'Requests per second to the origin, all functions together (0: unpaced, for a mirror you run)',
  }),
  concurrency: Integer({
    minimum: 1,
    maximum: 16,
    default: DEFAULTS.concurrency,
    description: 'Stories ingested, and requests to the origin, at once',
  }),
  timeoutSeconds: Integer({
    minimum: 1,
    maximum: 600,
    unit: 'seconds',
    default: DEFAULTS.timeoutSeconds,
    description: 'Per-request timeout',
  }),
  retries: Integer({
    minimum: 0,
    maximum: 10,
    default: DEFAULTS.retries,
    description: 'Retries of a request that failed on 429, 5xx or the network, with backoff',
  }),
  since: StringOf({
    format: 'date-text',
    expected: 'a date like 2025-01-31',
    description: 'Only stories changed on or after this date',
  }),
  /** A local run may be unlimited (0) and long; a discover run on AWS must fit its Lambda's time. */
  maxPages: Integer({
    minimum: 0,
    maximum: 1_000_000,
    default: DEFAULTS.maxPages,
    description: 'Pages ingested at most by one run, the rest next run (0: no limit)',
  }),
  maxPerRun: Integer({
    minimum: 1,
    maximum: 10_000,
    default: DEFAULTS.maxPages,
    description: 'Pages ingested at most per discover run',
  }),

  // What is published, and where.
  publicUrl: StringOf({
    format: 'http-url',
    expected: 'an http(s) URL without a query or fragment',
    default: DEFAULTS.publicUrl,
    description: 'Where the public files are served; feed self links and notification links use it',
  }),
  contentMode: Union([Literal('full'), Literal('summary')], {
    default: DEFAULTS.contentMode,
    description: 'Full text in feeds and exports, or title, lead and link only',
  }),

  // The CLI's other commands.
  port: Integer({
    minimum: 0,
    maximum: 65535,
    default: DEFAULTS.servePort,
    description: 'Port of `serve` on 127.0.0.1 (0: any free port)',
  }),
  site: Union([Literal('hugo'), Literal('jekyll')], { description: 'The kind of partner site `pull` writes' }),

  // The deployment (CDK context).
  scheduleMinutes: Integer({
    minimum: 5,
    maximum: 1440,
    unit: 'minutes',
    default: 30,
    description: 'Minutes between two discover runs (EventBridge Scheduler)',
  }),
  removalPolicy: Union([Literal('retain'), Literal('destroy')], {
    default: 'retain',
    description: '`retain` keeps the bucket (and its archive) when the stack is deleted',
  }),
  email: StringOf({ format: 'email', expected: 'an email address', description: 'An email address' }),
  heartbeatHours: Integer({
    minimum: 2,
    maximum: 168,
    unit: 'hours',
    default: 3,
    description: 'The heartbeat alarm fires when no discover run succeeded for this many hours',
  }),
  storyHeartbeatDays: Integer({
    minimum: 1,
    maximum: 7,
    unit: 'days',
    default: 4,
    description: '... or when no new or updated story was stored for this many days',
  }),

  // What the stack tells the functions (environment variables).
  bucket: StringOf({
    pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
    expected: 'an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens)',
    description: 'The content bucket',
  }),
  prefix: StringOf({
    default: '',
    expected: 'a key prefix',
    description: 'Key prefix inside the bucket ("" for the whole bucket)',
  }),
  topicArn: StringOf({
    pattern: '^arn:aws[\\w-]*:sns:[a-z0-9-]+:\\d{12}:[\\w-]{1,256}$',
    expected: 'an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)',
    description: 'The notification topic',
  }),
  queueUrl: httpUrl('An SQS queue'),
  distributionId: text('The CloudFront distribution serving the public files (publish invalidates what changed)'),
} as const;
