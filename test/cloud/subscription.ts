// An SQS subscriber of the notification topic, with the filter policy the README tells operators to
// use (read from the README itself, so the two cannot drift). fauxqs 1.9.2 delivers SNS to SQS but
// matches a String.Array attribute as one string (real SNS matches any of its elements) and ignores
// MessageStructure (docs/NOTES.md). So the topic delivers everything raw to a tap queue, and this
// applies what SNS does: the filter policy with SNS's semantics, then the `sqs` text of the message.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { sqsText } from '#test/helpers/sns-delivery.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

type Attributes = Record<string, { DataType?: string; StringValue?: string }>;
type FilterPolicy = Record<string, unknown[]>;

/** The FilterPolicy of the README's `aws sns subscribe` example. */
export function readmeFilterPolicy(): FilterPolicy {
  const readme = readFileSync(README, 'utf8');
  const attributes = /--attributes '(\{[^']*"FilterPolicy"[^']*\})'/.exec(readme)?.[1];
  if (!attributes)
    throw new Error('the README has no `aws sns subscribe ... --attributes` example with a FilterPolicy');
  return JSON.parse((JSON.parse(attributes) as { FilterPolicy: string }).FilterPolicy) as FilterPolicy;
}

/**
 * SNS attribute filtering: every key of the policy must match (AND), any of its values (OR). A
 * String.Array attribute matches when any element does. Supports the forms this project documents
 * (exact strings and numbers, `exists`, `prefix`, `anything-but` of strings); anything else throws.
 */
export function matchesFilterPolicy(policy: FilterPolicy, attributes: Attributes): boolean {
  return Object.entries(policy).every(([key, conditions]) => {
    const attribute = attributes[key];
    const values =
      attribute === undefined
        ? []
        : attribute.DataType === 'String.Array'
          ? (JSON.parse(attribute.StringValue ?? '[]') as unknown[]).map(String)
          : [String(attribute.StringValue)];
    return conditions.some((condition) => {
      if (typeof condition === 'string' || typeof condition === 'number') return values.includes(String(condition));
      const operator = condition as Record<string, unknown>;
      if ('exists' in operator) return operator.exists === (attribute !== undefined);
      if ('prefix' in operator) return values.some((v) => v.startsWith(String(operator.prefix)));
      if ('anything-but' in operator) {
        // SNS: values "that don't include any of the policy values": every element of an array.
        const excluded = ([] as unknown[]).concat(operator['anything-but']).map(String);
        return attribute !== undefined && values.every((v) => !excluded.includes(v));
      }
      throw new Error(`filter operator not emulated: ${JSON.stringify(condition)}`);
    });
  });
}

export interface Delivered {
  /** The event JSON the subscriber reads (the message's `sqs` text). */
  event: { type: string; id: string; version: number; dedupeKey?: string; languages: string[] };
  attributes: Attributes;
}

/** Everything the tap queue holds now (received and deleted), as SQS subscribers of the topic get it. */
export async function drainTap(sqs: SQSClient, tapUrl: string): Promise<Delivered[]> {
  const all: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: tapUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    all.push(...Messages);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: tapUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return all.map((m) => ({
    event: JSON.parse(sqsText(m.Body!)) as Delivered['event'],
    attributes: (m.MessageAttributes ?? {}) as Attributes,
  }));
}
