// The synthesized CloudFormation template, stood up on the emulator: every bucket, queue (with its
// redrive policy, FIFO and visibility settings) and topic of the template is created in fauxqs under
// a unique prefix, and the template's references (Ref, Fn::GetAtt, Fn::Join...) resolve to them. A
// function's environment is then exactly what the template gives it, nothing added by hand.
// CloudFront and Lambda are not in fauxqs: a distribution resolves to the id and domain the caller
// provides (the test's CloudFront stand-in), a function to its name and ARN.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TEST_AWS } from './aws-clients.js';

export interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: a synthesized template is untyped JSON that the checks walk freely
  Properties?: Record<string, any>;
  Metadata?: Record<string, string>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export const EMULATED_REGION = TEST_AWS.region;
export const EMULATED_ACCOUNT = '000000000000';

interface Emulated {
  ref: string;
  attributes: Record<string, string>;
}

export interface EmulatedQueue {
  logicalId: string;
  url: string;
  arn: string;
  name: string;
  fifo: boolean;
  visibilityTimeoutSeconds: number;
  /** From the template's RedrivePolicy, as created in fauxqs. */
  redrive?: { deadLetterArn: string; maxReceiveCount: number };
}

export interface EmulatedStack {
  template: CfnTemplate;
  /** Resolves a template value (a literal or an intrinsic function) to a string. */
  resolve(value: unknown): string;
  /** The function's environment variables exactly as the template sets them, references resolved. */
  environmentOf(functionLogicalId: string): Record<string, string>;
  /** The logical ids of the template's resources of a type. */
  idsOf(type: string): string[];
  queue(logicalId: string): EmulatedQueue;
  queueByArn(arn: string): EmulatedQueue;
  queues: EmulatedQueue[];
  bucketName(logicalId: string): string;
  /** The output values, resolved. */
  outputs(): Record<string, string>;
}

export interface EmulateOptions {
  /** The fauxqs endpoint (or the conditional proxy in front of it). */
  endpoint: string;
  /** Prefix of every name created, unique to the test. */
  prefix: string;
  /** What a CloudFront distribution resolves to (fauxqs has no CloudFront). */
  distribution?: { id: string; domainName: string };
}

/** Creates the template's buckets, queues and topics in fauxqs and returns the resolver over them. */
export async function emulateStack(template: CfnTemplate, options: EmulateOptions): Promise<EmulatedStack> {
  const s3 = new S3Client({ ...TEST_AWS, endpoint: options.endpoint, forcePathStyle: true });
  const sns = new SNSClient({ ...TEST_AWS, endpoint: options.endpoint });
  const sqs = new SQSClient({ ...TEST_AWS, endpoint: options.endpoint });
  const emulated = new Map<string, Emulated>();
  const queues: EmulatedQueue[] = [];
  const short = (id: string) => id.replace(/[^A-Za-z0-9]/g, '').slice(-40);
  const entries = Object.entries(template.Resources);

  const resolve = (value: unknown): string => resolveValue(value, emulated, options.prefix);
  try {
    let bucketIndex = 0;
    for (const [id, resource] of entries) {
      switch (resource.Type) {
        case 'AWS::S3::Bucket': {
          const name = `${options.prefix}-b${bucketIndex++}`.toLowerCase().slice(0, 63);
          await s3.send(new CreateBucketCommand({ Bucket: name }));
          emulated.set(id, {
            ref: name,
            attributes: {
              Arn: `arn:aws:s3:::${name}`,
              DomainName: `${name}.s3.amazonaws.com`,
              RegionalDomainName: `${name}.s3.${EMULATED_REGION}.amazonaws.com`,
            },
          });
          break;
        }
        case 'AWS::SNS::Topic': {
          const name = `${options.prefix}-${short(id)}`.slice(0, 256);
          const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
          emulated.set(id, { ref: TopicArn!, attributes: { TopicArn: TopicArn!, TopicName: name } });
          break;
        }
        case 'AWS::CloudFront::Distribution': {
          if (!options.distribution) break;
          emulated.set(id, {
            ref: options.distribution.id,
            attributes: { Id: options.distribution.id, DomainName: options.distribution.domainName },
          });
          break;
        }
        case 'AWS::Lambda::Function': {
          const name = `${options.prefix}-${short(id)}`.slice(0, 64);
          emulated.set(id, {
            ref: name,
            attributes: { Arn: `arn:aws:lambda:${EMULATED_REGION}:${EMULATED_ACCOUNT}:function:${name}` },
          });
          break;
        }
        // Names only (nothing to create): roles for the emulated IAM (test/cloud/iam-gate.ts), keys
        // for the KMS permissions it checks, log groups named by the roles, the schedule for the outputs.
        case 'AWS::IAM::Role': {
          const name = `${options.prefix}-${short(id)}`.slice(0, 64);
          emulated.set(id, {
            ref: name,
            attributes: {
              Arn: `arn:aws:iam::${EMULATED_ACCOUNT}:role/${name}`,
              RoleId: `AROA${short(id).toUpperCase()}`,
            },
          });
          break;
        }
        case 'AWS::KMS::Key': {
          const keyId = randomUUID();
          emulated.set(id, {
            ref: keyId,
            attributes: { Arn: `arn:aws:kms:${EMULATED_REGION}:${EMULATED_ACCOUNT}:key/${keyId}`, KeyId: keyId },
          });
          break;
        }
        case 'AWS::Logs::LogGroup': {
          const name = `/aws/lambda/${options.prefix}-${short(id)}`;
          emulated.set(id, {
            ref: name,
            attributes: { Arn: `arn:aws:logs:${EMULATED_REGION}:${EMULATED_ACCOUNT}:log-group:${name}:*` },
          });
          break;
        }
        case 'AWS::Scheduler::Schedule': {
          const name = `${options.prefix}-${short(id)}`.slice(0, 64);
          emulated.set(id, {
            ref: name,
            attributes: { Arn: `arn:aws:scheduler:${EMULATED_REGION}:${EMULATED_ACCOUNT}:schedule/default/${name}` },
          });
          break;
        }
      }
    }
    // Queues: dead-letter queues first, so a redrive policy can name its target's ARN.
    const queueIds = entries
      .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
      .sort(
        ([, a], [, b]) => Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
      );
    for (const [id, resource] of queueIds) {
      const props = resource.Properties ?? {};
      const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
      const name = `${options.prefix}-${short(id)}`.slice(0, fifo ? 75 : 80) + (fifo ? '.fifo' : '');
      const attributes: Record<string, string> = {};
      if (fifo) attributes.FifoQueue = 'true';
      if (props.ContentBasedDeduplication !== undefined)
        attributes.ContentBasedDeduplication = String(props.ContentBasedDeduplication);
      if (props.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(props.VisibilityTimeout);
      if (props.MessageRetentionPeriod !== undefined)
        attributes.MessageRetentionPeriod = String(props.MessageRetentionPeriod);
      if (props.DelaySeconds !== undefined) attributes.DelaySeconds = String(props.DelaySeconds);
      let redrive: EmulatedQueue['redrive'];
      if (props.RedrivePolicy) {
        redrive = {
          deadLetterArn: resolve(props.RedrivePolicy.deadLetterTargetArn),
          maxReceiveCount: Number(props.RedrivePolicy.maxReceiveCount),
        };
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: redrive.deadLetterArn,
          maxReceiveCount: redrive.maxReceiveCount,
        });
      }
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }),
      );
      const queue: EmulatedQueue = {
        logicalId: id,
        url: QueueUrl!,
        arn: Attributes!.QueueArn!,
        name,
        fifo,
        visibilityTimeoutSeconds: Number(Attributes!.VisibilityTimeout ?? props.VisibilityTimeout ?? 30),
        ...(redrive ? { redrive } : {}),
      };
      queues.push(queue);
      emulated.set(id, { ref: QueueUrl!, attributes: { Arn: queue.arn, QueueName: name, QueueUrl: QueueUrl! } });
    }
  } finally {
    s3.destroy();
    sns.destroy();
    sqs.destroy();
  }

  const find = <T>(found: T | undefined, what: string): T => {
    if (found === undefined) throw new Error(`the emulated stack has no ${what}`);
    return found;
  };
  return {
    template,
    resolve,
    environmentOf(functionLogicalId) {
      const fn = find(template.Resources[functionLogicalId], `resource ${functionLogicalId}`);
      if (fn.Type !== 'AWS::Lambda::Function') throw new Error(`${functionLogicalId} is a ${fn.Type}, not a function`);
      const variables = (fn.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, resolve(value)]));
    },
    idsOf: (type) => entries.filter(([, r]) => r.Type === type).map(([id]) => id),
    queue: (logicalId) =>
      find(
        queues.find((q) => q.logicalId === logicalId),
        `queue ${logicalId}`,
      ),
    queueByArn: (arn) =>
      find(
        queues.find((q) => q.arn === arn),
        `queue with ARN ${arn}`,
      ),
    queues,
    bucketName: (logicalId) => find(emulated.get(logicalId)?.ref, `bucket ${logicalId}`),
    outputs: () =>
      Object.fromEntries(Object.entries(template.Outputs ?? {}).map(([name, output]) => [name, resolve(output.Value)])),
  };
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': EMULATED_REGION,
  'AWS::AccountId': EMULATED_ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves the intrinsic functions a function environment or an output uses. Anything the emulator
 * does not provide is an error naming it, never a silent empty string.
 */
function resolveValue(value: unknown, emulated: Map<string, Emulated>, prefix: string): string {
  const resolve = (v: unknown) => resolveValue(v, emulated, prefix);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`cannot resolve template value ${JSON.stringify(value)}`);
  const [fn, argument] = Object.entries(value)[0] ?? [];
  switch (fn) {
    case 'Ref': {
      const name = argument as string;
      if (name === 'AWS::StackName') return prefix;
      if (PSEUDO[name] !== undefined) return PSEUDO[name];
      const resource = emulated.get(name);
      if (!resource) throw new Error(`the template refers to ${name}, which the emulator does not provide`);
      return resource.ref;
    }
    case 'Fn::GetAtt': {
      const [name, attribute] = (typeof argument === 'string' ? argument.split('.') : argument) as [string, string];
      const found = emulated.get(name)?.attributes[attribute];
      if (found === undefined)
        throw new Error(`the template reads ${name}.${attribute}, which the emulator does not provide`);
      return found;
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return parts.map(resolve).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number | string, unknown];
      const items = Array.isArray(list) ? list.map(resolve) : resolveList(list, resolve);
      const item = items[Number(index)];
      if (item === undefined) throw new Error(`Fn::Select index ${index} is out of range`);
      return item;
    }
    default:
      throw new Error(`the emulator cannot resolve ${fn ?? 'an empty object'} in ${JSON.stringify(value)}`);
  }
}

function resolveList(value: unknown, resolve: (v: unknown) => string): string[] {
  const split = (value as { 'Fn::Split'?: [string, unknown] })['Fn::Split'];
  if (!split) throw new Error(`cannot resolve a list from ${JSON.stringify(value)}`);
  return resolve(split[1]).split(split[0]);
}
