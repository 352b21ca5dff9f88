// The Lambda service, locally, for the synthesized stack: it runs each function's bundle
// (cdk.out/asset.*/index.mjs) in execution environments of its own (child processes under the Node
// binary given: 24, the runtime's major, or the machine's) with exactly the template's environment,
// and drives them as AWS does from what the template says:
// - SQS event source mappings: batch size, maximum concurrency, partial batch responses; messages
//   that failed (reported, or the whole invocation failed or timed out) stay invisible for the
//   queue's visibility timeout and come back; fauxqs counts receives and dead-letters past
//   maxReceiveCount (its redrive policy is honoured: docs/NOTES.md);
// - the EventBridge schedule: an asynchronous invocation of discover with the function's
//   EventInvokeConfig (retry attempts, on-failure destination record sent to its queue);
// - timeouts: an invocation still running at the function's timeout is killed, its container too;
// - IAM (with `iam`): each function signs with credentials of its own and gets only what its role's
//   policies allow (iam-gate.ts), and the service checks the roles for what it does on their behalf.
// Time is virtual: `advance` moves the clock (the functions see it through the bootstrap's shifted
// Date) and lets visibility timeouts run out without waiting for them. Logs are kept per function;
// embedded-format metrics (EMF) are read from them as CloudWatch would, and the service adds the AWS
// metrics the alarms watch: AWS/Lambda Invocations and Errors, SQS's sends to the on-failure queue
// (only this service sends there) and, sampled on demand, every queue's visible messages.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { TEST_AWS } from '#test/helpers/aws-clients.js';
import {
  type CfnTemplate,
  type EmulatedQueue,
  type EmulatedStack,
  EMULATED_ACCOUNT,
  EMULATED_REGION,
} from '#test/helpers/emulated-stack.js';
import { type IamGate, type Statement, credentialsFor, isAllowed, permissionsFor, roleStatements } from './iam-gate.js';

const BOOTSTRAP = fileURLToPath(new URL('./lambda-bootstrap.mjs', import.meta.url));

export interface LambdaFunction {
  logicalId: string;
  /** POWERTOOLS_SERVICE_NAME: discover, ingest, publish. */
  service: string;
  name: string;
  arn: string;
  timeoutMs: number;
  memoryMb: number;
  bundle: string;
  /** The template's variables, resolved: nothing added. */
  environment: Record<string, string>;
  /** The execution role's identity policies, resolved (what the emulated IAM evaluates). */
  statements: Statement[];
}

export type InvocationOutcome =
  | { ok: true; result: unknown }
  | { ok: false; kind: 'error' | 'init' | 'timeout'; errorType: string; errorMessage: string };

export interface Invocation {
  service: string;
  requestId: string;
  event: unknown;
  /** Virtual time of the start. */
  at: number;
  outcome: InvocationOutcome;
}

export interface LogLine {
  service: string;
  /** Parsed JSON line, or { text } for anything else. */
  entry: Record<string, unknown>;
}

export interface Datapoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  value: number;
  /** Epoch ms, as the function's (virtual) clock gave it. */
  timestamp: number;
}

interface EventSourceMapping {
  fn: LambdaFunction;
  queue: EmulatedQueue;
  batchSize: number;
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
}

interface Container {
  child: ChildProcess;
  busy: boolean;
  pending: { id: string; resolve: (outcome: InvocationOutcome) => void } | undefined;
}

export interface LambdaServiceOptions {
  stack: EmulatedStack;
  /** The folder of cdk.out holding the asset paths the template's metadata names. */
  assemblyDir: string;
  nodeBinary: string;
  /** What the runtime sets besides the function's variables: region, credentials, endpoints. */
  runtimeEnvironment: Record<string, string>;
  /** The SQS endpoint the service polls (fauxqs). */
  sqsEndpoint: string;
  /**
   * The emulated IAM the proxy consults: each function then signs with credentials of its own and
   * gets only what its role's policies allow; the service's own deliveries check the roles too.
   */
  iam?: IamGate;
}

export class LambdaService {
  readonly invocations: Invocation[] = [];
  readonly logs: LogLine[] = [];
  readonly metrics: Datapoint[] = [];
  readonly functions: Record<string, LambdaFunction>;
  private offsetMs = 0;
  private readonly containers = new Map<string, Container[]>();
  private readonly mappings: EventSourceMapping[];
  /** Messages a failed invocation left invisible: they come back when the clock passes visibleAt. */
  private invisible: { queueUrl: string; receiptHandle: string; visibleAt: number }[] = [];
  private readonly sqs: SQSClient;

  constructor(private readonly options: LambdaServiceOptions) {
    const template = options.stack.template;
    this.functions = Object.fromEntries(
      Object.entries(template.Resources)
        .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['aws:asset:path'])
        .map(([id, r]) => {
          const fn: LambdaFunction = {
            logicalId: id,
            service: r.Properties!.Environment.Variables.POWERTOOLS_SERVICE_NAME,
            name: options.stack.resolve({ Ref: id }),
            arn: options.stack.resolve({ 'Fn::GetAtt': [id, 'Arn'] }),
            timeoutMs: Number(r.Properties!.Timeout ?? 3) * 1000,
            memoryMb: Number(r.Properties!.MemorySize ?? 128),
            bundle: path.join(options.assemblyDir, r.Metadata!['aws:asset:path']!, 'index.mjs'),
            environment: options.stack.environmentOf(id),
            statements: roleStatements(template, options.stack, roleOf(r.Properties!.Role)),
          };
          return [fn.service, fn];
        }),
    );
    this.mappings = mappingsOf(template, options.stack, Object.values(this.functions));
    this.sqs = new SQSClient({ ...TEST_AWS, endpoint: options.sqsEndpoint });
    if (options.iam) {
      const { stack } = options;
      const topicKeys = new Map(
        Object.entries(template.Resources)
          .filter(([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties?.KmsMasterKeyId !== undefined)
          .map(([id, r]) => [stack.resolve({ Ref: id }), stack.resolve(r.Properties!.KmsMasterKeyId)] as const),
      );
      const names = {
        queueArn: (url: string) => stack.queues.find((q) => q.url === url)?.arn ?? `arn:unknown-queue:${url}`,
        topicKeyArn: (arn: string) => topicKeys.get(arn),
      };
      for (const fn of Object.values(this.functions)) {
        options.iam.register(credentialsFor(fn.name).AWS_ACCESS_KEY_ID, {
          arn: `arn:aws:sts::${EMULATED_ACCOUNT}:assumed-role/${stack.resolve({ Ref: roleOf(template.Resources[fn.logicalId]!.Properties!.Role) })}/${fn.name}`,
          statements: fn.statements,
          permissionsFor: (request) => permissionsFor(request, names),
        });
      }
      // Lambda polls a queue and deletes what succeeded with the function's role: it must allow that.
      for (const mapping of this.mappings) {
        for (const action of [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ChangeMessageVisibility',
        ]) {
          if (!isAllowed(mapping.fn.statements, { action, resource: mapping.queue.arn }))
            throw new Error(
              `the ${mapping.fn.service} role does not allow ${action} on its event source ${mapping.queue.arn}`,
            );
        }
      }
    }
  }

  /** The virtual time: real time plus how far the clock was moved. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock; messages whose visibility timeout ran out meanwhile become visible again. */
  async advance(ms: number): Promise<void> {
    this.offsetMs += ms;
    const due = this.invisible.filter((m) => m.visibleAt <= this.now());
    this.invisible = this.invisible.filter((m) => m.visibleAt > this.now());
    for (const message of due) {
      await this.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: message.queueUrl,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    }
  }

  /** A deployment that changes the functions' configuration: new environments, every container replaced. */
  redeploy(environment: (fn: LambdaFunction) => Record<string, string>): void {
    for (const fn of Object.values(this.functions)) fn.environment = environment(fn);
    for (const containers of this.containers.values())
      for (const container of containers) container.child.kill('SIGKILL');
    this.containers.clear();
  }

  /** Invokes a function synchronously (in an idle container, or a new one). */
  async invoke(service: string, event: unknown, options: { fresh?: boolean } = {}): Promise<Invocation> {
    const fn = this.fn(service);
    const requestId = randomUUID();
    const at = this.now();
    const container = options.fresh ? await this.spawn(fn) : await this.idleContainer(fn);
    let outcome: InvocationOutcome;
    if (!('child' in container)) {
      outcome = container;
    } else {
      container.busy = true;
      outcome = await new Promise<InvocationOutcome>((resolve) => {
        const timer = setTimeout(() => {
          container.pending = undefined;
          this.discard(fn, container);
          resolve({
            ok: false,
            kind: 'timeout',
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${fn.timeoutMs / 1000} seconds`,
          });
        }, fn.timeoutMs);
        container.pending = {
          id: requestId,
          resolve: (result: InvocationOutcome) => {
            clearTimeout(timer);
            resolve(result);
          },
        };
        container.child.send({
          type: 'invoke',
          id: requestId,
          event,
          requestId,
          timeoutMs: fn.timeoutMs,
          clockOffsetMs: this.offsetMs,
          functionName: fn.name,
          functionArn: fn.arn,
          memoryMb: fn.memoryMb,
        });
      });
      container.busy = false;
    }
    const invocation: Invocation = { service, requestId, event, at, outcome };
    this.invocations.push(invocation);
    // What Lambda reports to CloudWatch for every invocation (AWS/Lambda, by function name).
    for (const [name, value] of [
      ['Invocations', 1],
      ['Errors', outcome.ok ? 0 : 1],
    ] as const) {
      this.metrics.push({ namespace: 'AWS/Lambda', name, dimensions: { FunctionName: fn.name }, value, timestamp: at });
    }
    return invocation;
  }

  /**
   * What EventBridge Scheduler does at each tick: invoke the target asynchronously. An invocation
   * that fails sends its failure record to the function's on-failure destination (EventInvokeConfig).
   * The scheduler's own retries are for a delivery Lambda refused (throttled API, service error),
   * which the local service never does: accepted asynchronous invocations are not refused in AWS
   * either, even without concurrency to run them (Lambda queues them), so they are left out.
   */
  async tickSchedule(): Promise<Invocation[]> {
    const template = this.options.stack.template;
    const made: Invocation[] = [];
    for (const [, schedule] of Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Scheduler::Schedule',
    )) {
      const target = schedule.Properties!.Target;
      const fn = Object.values(this.functions).find((f) => f.arn === this.options.stack.resolve(target.Arn));
      if (!fn) throw new Error(`the schedule targets ${JSON.stringify(target.Arn)}, which is not a bundled function`);
      // The scheduler invokes with its own role, and with it puts an undelivered event in its
      // dead-letter queue, which must be a standard queue.
      if (this.options.iam) {
        const schedulerRole = roleStatements(template, this.options.stack, roleOf(target.RoleArn));
        if (!isAllowed(schedulerRole, { action: 'lambda:InvokeFunction', resource: fn.arn }))
          throw new Error(`the schedule's role does not allow lambda:InvokeFunction on ${fn.arn}`);
        if (target.DeadLetterConfig?.Arn) {
          const deadLetters = this.options.stack.queueByArn(this.options.stack.resolve(target.DeadLetterConfig.Arn));
          if (deadLetters.fifo)
            throw new Error(
              `the schedule's dead-letter queue ${deadLetters.arn} is FIFO, which EventBridge Scheduler does not deliver to`,
            );
          if (!isAllowed(schedulerRole, { action: 'sqs:SendMessage', resource: deadLetters.arn }))
            throw new Error(
              `the schedule's role does not allow sqs:SendMessage on its dead-letter queue ${deadLetters.arn}`,
            );
        }
      }
      const config = Object.values(template.Resources).find(
        (r) =>
          r.Type === 'AWS::Lambda::EventInvokeConfig' &&
          this.options.stack.resolve(r.Properties!.FunctionName) === fn.name,
      )?.Properties;
      const retries = Number(config?.MaximumRetryAttempts ?? 2);
      // Lambda retries a failed asynchronous invocation after 1, then 2 minutes, while the rest of
      // the pipeline goes on: not modelled here, so a template that turns them on is refused rather
      // than run with retries that come at once (this one turns them off: the next run retries).
      if (retries > 0)
        throw new Error(
          `Lambda's asynchronous retries (${retries} for ${fn.service}) are not emulated: their delays are not modelled`,
        );
      const event = target.Input ? JSON.parse(target.Input) : {};
      const invocation = await this.invoke(fn.service, event);
      made.push(invocation);
      const destination = config?.DestinationConfig?.OnFailure?.Destination;
      if (!invocation.outcome.ok && destination) {
        const queue = this.options.stack.queueByArn(this.options.stack.resolve(destination));
        // Lambda sends the failure record with the function's role.
        if (this.options.iam && !isAllowed(fn.statements, { action: 'sqs:SendMessage', resource: queue.arn })) {
          throw new Error(
            `the ${fn.service} role does not allow sqs:SendMessage on its on-failure destination ${queue.arn}: the record would be lost`,
          );
        }
        const { outcome } = invocation;
        await this.sqs.send(
          new SendMessageCommand({
            QueueUrl: queue.url,
            MessageBody: JSON.stringify({
              version: '1.0',
              timestamp: new Date(this.now()).toISOString(),
              requestContext: {
                requestId: invocation.requestId,
                functionArn: `${fn.arn}:$LATEST`,
                condition: 'RetriesExhausted',
                approximateInvokeCount: retries + 1,
              },
              requestPayload: event,
              responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
              responsePayload: { errorType: outcome.errorType, errorMessage: outcome.errorMessage },
            }),
          }),
        );
        // Nothing else sends to the on-failure queue: its SQS metric is this service's to report.
        this.metrics.push({
          namespace: 'AWS/SQS',
          name: 'NumberOfMessagesSent',
          dimensions: { QueueName: queue.name },
          value: 1,
          timestamp: this.now(),
        });
      }
    }
    return made;
  }

  /** One round of every event source mapping (or those of `only`): each poller takes a batch and invokes. Returns the messages delivered. */
  async pollOnce(only?: string[]): Promise<number> {
    let delivered = 0;
    for (const mapping of this.mappings.filter((m) => !only || only.includes(m.fn.service))) {
      const rounds = await Promise.all(Array.from({ length: mapping.maxConcurrency }, () => this.pollBatch(mapping)));
      delivered += rounds.reduce((a, b) => a + b, 0);
    }
    return delivered;
  }

  /**
   * Delivers until the queues are empty, moving the clock to the next visibility timeout when only
   * invisible messages are left. `schedule` ticks the schedule at its rate meanwhile.
   */
  async runUntilIdle(
    options: { maxVirtualMs?: number; scheduleEveryMs?: number; until?: () => boolean; only?: string[] } = {},
  ): Promise<void> {
    const stop = this.now() + (options.maxVirtualMs ?? 24 * 60 * 60 * 1000);
    let nextTick = options.scheduleEveryMs ? this.now() + options.scheduleEveryMs : Number.POSITIVE_INFINITY;
    for (;;) {
      if (options.until?.()) return;
      while ((await this.pollOnce(options.only)) > 0) {
        if (options.until?.()) return;
      }
      const watched = this.mappings
        .filter((m) => !options.only || options.only.includes(m.fn.service))
        .map((m) => m.queue.url);
      const nextVisible = this.invisible
        .filter((m) => watched.includes(m.queueUrl))
        .reduce((min, m) => Math.min(min, m.visibleAt), Number.POSITIVE_INFINITY);
      const next = Math.min(nextVisible, nextTick);
      if (!Number.isFinite(next) || next > stop) return;
      await this.advance(Math.max(0, next - this.now()));
      if (this.now() >= nextTick) {
        await this.tickSchedule();
        nextTick += options.scheduleEveryMs!;
      }
    }
  }

  /**
   * What SQS reports every minute for each queue, taken now: ApproximateNumberOfMessagesVisible (the
   * dead-letter alarms' metric). Call before evaluating an alarm on it.
   */
  async sampleQueueDepths(): Promise<void> {
    for (const queue of this.options.stack.queues) {
      const { Attributes } = await this.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      this.metrics.push({
        namespace: 'AWS/SQS',
        name: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: queue.name },
        value: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
        timestamp: this.now(),
      });
    }
  }

  /** The SQS records of the invocations of a function, with how often each had been received. */
  deliveries(service: string): { body: string; receiveCount: number; failed: boolean }[] {
    return this.invocations
      .filter((i) => i.service === service)
      .flatMap((i) => {
        const records =
          (
            i.event as {
              Records?: { messageId: string; body: string; attributes: { ApproximateReceiveCount?: string } }[];
            }
          ).Records ?? [];
        const reported = i.outcome.ok
          ? (
              (i.outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)?.batchItemFailures ?? []
            ).map((f) => f.itemIdentifier)
          : undefined;
        return records.map((r) => ({
          body: r.body,
          receiveCount: Number(r.attributes.ApproximateReceiveCount ?? 0),
          failed: reported === undefined || reported.includes(r.messageId),
        }));
      });
  }

  /** Metrics a function emitted, by name (and service dimension). */
  datapoints(name: string, service?: string): Datapoint[] {
    return this.metrics.filter((d) => d.name === name && (service === undefined || d.dimensions.service === service));
  }

  async close(): Promise<void> {
    for (const containers of this.containers.values())
      for (const container of containers) container.child.kill('SIGKILL');
    this.containers.clear();
    this.sqs.destroy();
  }

  private fn(service: string): LambdaFunction {
    const fn = this.functions[service];
    if (!fn) throw new Error(`no bundled function for ${service}`);
    return fn;
  }

  private async pollBatch(mapping: EventSourceMapping): Promise<number> {
    const { queue } = mapping;
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, mapping.batchSize),
        VisibilityTimeout: queue.visibilityTimeoutSeconds,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return 0;
    const event = { Records: Messages.map((m) => sqsRecord(m, queue)) };
    const invocation = await this.invoke(mapping.fn.service, event);
    let failed: Message[];
    if (!invocation.outcome.ok) {
      failed = Messages;
    } else if (mapping.reportBatchItemFailures) {
      const reported =
        (invocation.outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
          ?.batchItemFailures ?? [];
      const ids = reported.map((f) => f.itemIdentifier);
      // An identifier that names no message of the batch fails the whole batch, as in Lambda.
      failed = ids.some((id) => !Messages.some((m) => m.MessageId === id))
        ? Messages
        : Messages.filter((m) => ids.includes(m.MessageId));
    } else {
      failed = [];
    }
    const succeeded = Messages.filter((m) => !failed.includes(m));
    if (succeeded.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: succeeded.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    const visibleAt = this.now() + queue.visibilityTimeoutSeconds * 1000;
    for (const m of failed) this.invisible.push({ queueUrl: queue.url, receiptHandle: m.ReceiptHandle!, visibleAt });
    return Messages.length;
  }

  private async idleContainer(fn: LambdaFunction): Promise<Container | InvocationOutcome> {
    const idle = (this.containers.get(fn.service) ?? []).find((c) => !c.busy);
    return idle ?? this.spawn(fn);
  }

  private async spawn(fn: LambdaFunction): Promise<Container | InvocationOutcome> {
    const child = spawn(this.options.nodeBinary, [BOOTSTRAP, fn.bundle, 'handler', String(this.offsetMs)], {
      cwd: path.dirname(fn.bundle),
      env: {
        ...this.options.runtimeEnvironment,
        ...(this.options.iam ? credentialsFor(fn.name) : {}),
        ...fn.environment,
        AWS_REGION: EMULATED_REGION,
        AWS_DEFAULT_REGION: EMULATED_REGION,
        AWS_LAMBDA_FUNCTION_NAME: fn.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        LAMBDA_TASK_ROOT: path.dirname(fn.bundle),
        TZ: 'UTC',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const container: Container = { child, busy: false, pending: undefined };
    this.readLines(fn.service, child);
    const started = await new Promise<InvocationOutcome | undefined>((resolve) => {
      child.on(
        'message',
        (message: {
          type: string;
          id?: string;
          result?: unknown;
          error?: { errorType: string; errorMessage: string };
        }) => {
          if (message.type === 'ready') resolve(undefined);
          else if (message.type === 'init-error') resolve({ ok: false, kind: 'init', ...message.error! });
          else if (container.pending && message.id === container.pending.id) {
            const { resolve: done } = container.pending;
            container.pending = undefined;
            done(
              message.type === 'result'
                ? { ok: true, result: message.result }
                : { ok: false, kind: 'error', ...message.error! },
            );
          }
        },
      );
      child.on('exit', (code) => {
        resolve({
          ok: false,
          kind: 'init',
          errorType: 'Runtime.ExitError',
          errorMessage: `the runtime exited with ${code}`,
        });
        if (container.pending) {
          container.pending.resolve({
            ok: false,
            kind: 'error',
            errorType: 'Runtime.ExitError',
            errorMessage: `the runtime exited with ${code}`,
          });
          container.pending = undefined;
        }
        this.discard(fn, container);
      });
    });
    if (started) {
      child.kill('SIGKILL');
      return started;
    }
    this.containers.set(fn.service, [...(this.containers.get(fn.service) ?? []), container]);
    return container;
  }

  private discard(fn: LambdaFunction, container: Container): void {
    container.child.kill('SIGKILL');
    this.containers.set(
      fn.service,
      (this.containers.get(fn.service) ?? []).filter((c) => c !== container),
    );
  }

  /** Function output, line by line, as CloudWatch Logs would get it; EMF lines become metrics. */
  private readLines(service: string, child: ChildProcess): void {
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.trim()) this.record(service, line);
      });
    }
  }

  private record(service: string, line: string): void {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      entry = { text: line };
    }
    this.logs.push({ service, entry });
    const emf = entry._aws as
      | {
          Timestamp: number;
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      | undefined;
    if (!emf) return;
    for (const directive of emf.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(entry[name])]));
        for (const { Name } of directive.Metrics) {
          for (const value of ([] as number[]).concat(entry[Name] as number | number[])) {
            this.metrics.push({
              namespace: directive.Namespace,
              name: Name,
              dimensions,
              value,
              timestamp: emf.Timestamp,
            });
          }
        }
      }
    }
  }
}

/** The logical id of a function's role: its Role property is {Fn::GetAtt: [Role, Arn]}. */
function roleOf(role: unknown): string {
  const id = (role as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`a function's role is not a role of the template: ${JSON.stringify(role)}`);
  return id;
}

function mappingsOf(template: CfnTemplate, stack: EmulatedStack, functions: LambdaFunction[]): EventSourceMapping[] {
  return Object.values(template.Resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
    .map((r) => {
      const props = r.Properties!;
      const fn = functions.find((f) => f.name === stack.resolve(props.FunctionName));
      if (!fn)
        throw new Error(
          `an event source mapping names ${JSON.stringify(props.FunctionName)}, which is not a bundled function`,
        );
      const queue = stack.queueByArn(stack.resolve(props.EventSourceArn));
      return {
        fn,
        queue,
        batchSize: Number(props.BatchSize ?? 10),
        // Without a maximum, Lambda scales out; five pollers are plenty here. A FIFO queue's pollers
        // still get one batch per message group at a time (fauxqs locks the group).
        maxConcurrency: Number(props.ScalingConfig?.MaximumConcurrency ?? 5),
        reportBatchItemFailures: (props.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      };
    });
}

function sqsRecord(message: Message, queue: EmulatedQueue) {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { stringValue: value.StringValue, dataType: value.DataType, stringListValues: [], binaryListValues: [] },
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: EMULATED_REGION,
  };
}
