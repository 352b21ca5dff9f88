// The stack as `cdk deploy` would create it, run locally: one real synth with bundling; the
// template's queues (redrive policies, FIFO), bucket and topic created in fauxqs; each function's
// synthesized bundle run by the local Lambda service (lambda-service.ts) with exactly the template's
// environment and event-source settings, under Node 24 (the Lambda runtime's major) and the
// machine's Node; the bundled ILO replica as the origin, with faults injected in front of it.
// schedule -> discover -> ingest queue -> ingest -> publish queue (FIFO) -> publish -> SNS -> a queue
// subscribed with the README's filter policy.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { App } from 'aws-cdk-lib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_REPLICA, type ReplicaServer, fileFor, startReplicaServer } from '#replica/replica-server.js';
import { S3Store } from '#adapters/s3-store.js';
import { METRIC } from '#handlers/metric-names.js';
import { readWholeCrawlState } from '#pipeline/discover/crawl-store.js';
import { CACHE_CONTROL } from '#pipeline/state/store-keys.js';
import { readConfig } from '#lib/config.js';
import { SyndicationStack } from '#lib/syndication-stack.js';
import {
  fauxqsEndpoint,
  testAwsEnv,
  testS3Client,
  testSnsClient,
  testSqsClient,
  uniqueName,
} from '#test/helpers/aws-clients.js';
import { type CloudFrontStandIn, startCloudFrontStandIn } from '#test/helpers/cloudfront-standin.js';
import { type CfnTemplate, type EmulatedStack, emulateStack } from '#test/helpers/emulated-stack.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '#test/helpers/fauxqs.js';
import { validateJsonFeed11 } from '#test/helpers/json-feed-rules.js';
import { RUNTIMES, lambdaNode } from '#test/helpers/lambda-node.js';
import { findAll, parseStrictXml } from '#test/helpers/strict-xml.js';
import { type MetricAlarm, alarmState } from './alarm-state.js';
import { IamGate } from './iam-gate.js';
import { LambdaService } from './lambda-service.js';
import { type Delivered, drainTap, matchesFilterPolicy, readmeFilterPolicy } from './subscription.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SCHEDULE = 30 * MINUTE;
const SEED = '/resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china';
const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

/** What the origin does instead of serving the replica: answer a status, or serve a changed file. */
type OriginFault = { applies: (pathname: string) => boolean } & (
  | { status: number; headers?: Record<string, string> }
  | { rewrite: (body: string, pathname: string) => string }
);

interface Deployment {
  /** Each deployment has a distribution of its own, so its invalidations can be told apart. */
  distribution: { id: string; domainName: string };
  stack: EmulatedStack;
  service: LambdaService;
  bucket: string;
  tapUrl: string;
  queues: { ingest: string; ingestDeadLetters: string; publishDeadLetters: string; discoverFailures: string };
}

describe('the synthesized stack, run locally', () => {
  let replica: ReplicaServer;
  let fault: OriginFault | undefined;
  let proxy: ConditionalS3Proxy;
  let cloudfront: CloudFrontStandIn;
  // IAM as the template's roles grant it, for every request a function makes (iam-gate.ts).
  const iam = new IamGate();
  let outdir: string;
  let template: CfnTemplate;
  let s3: S3Client;
  let sns: SNSClient;
  let sqs: SQSClient;
  const deployments: LambdaService[] = [];

  beforeAll(async () => {
    replica = await startReplicaServer({ hook: (request, response) => injectFault(fault, request, response) });
    proxy = await startConditionalS3Proxy(fauxqsEndpoint());
    proxy.gate(iam.check);
    cloudfront = await startCloudFrontStandIn();
    cloudfront.gate(iam.check);
    s3 = testS3Client(proxy.endpoint);
    sns = testSnsClient(fauxqsEndpoint());
    sqs = testSqsClient(fauxqsEndpoint());
    // One synth with bundling for every scenario, outside the project, beside a node_modules that
    // holds the AWS SDK and nothing else: what the Lambda runtime provides. A bundle that imports any
    // other package at run time fails here as it would in Lambda, instead of finding the project's.
    // The origin is the replica (a mirror the operator runs, so no pacing: originRate 0).
    outdir = await mkdtemp(path.join(tmpdir(), 'cdk.out.test-cloud-'));
    await mkdir(path.join(outdir, 'node_modules'));
    await symlink(path.join(ROOT, 'node_modules', '@aws-sdk'), path.join(outdir, 'node_modules', '@aws-sdk'), 'dir');
    const app = new App({
      outdir,
      context: { origin: replica.origin, originRate: '0', 'aws:cdk:enable-asset-metadata': true },
    });
    const stack = new SyndicationStack(app, 'CloudTest', { config: readConfig((key) => app.node.tryGetContext(key)) });
    template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  }, 180_000);

  afterEach(() => {
    fault = undefined;
  });

  afterAll(async () => {
    for (const service of deployments) await service.close();
    await replica?.close();
    await proxy?.close();
    await cloudfront?.close();
    s3?.destroy();
    sns?.destroy();
    sqs?.destroy();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  /** The template stood up in fauxqs under a fresh prefix, a tap queue on the topic, and the Lambda service. */
  async function deploy(nodeBinary: string, deployed: CfnTemplate = template): Promise<Deployment> {
    const distribution = {
      id: `E${randomBytes(6).toString('hex').toUpperCase()}`,
      domainName: `d${randomBytes(6).toString('hex')}.cloudfront.net`,
    };
    const stack = await emulateStack(deployed, { endpoint: proxy.endpoint, prefix: uniqueName('cloud'), distribution });
    const service = new LambdaService({
      stack,
      assemblyDir: outdir,
      nodeBinary,
      runtimeEnvironment: {
        PATH: process.env.PATH ?? '',
        ...testAwsEnv(proxy.endpoint),
        AWS_ENDPOINT_URL_CLOUDFRONT: cloudfront.endpoint,
      },
      sqsEndpoint: fauxqsEndpoint(),
      iam,
    });
    deployments.push(service);
    const fns = service.functions;
    const tapUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('tap') }))).QueueUrl!;
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: tapUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn: fns.publish!.environment.TOPIC_ARN,
        Protocol: 'sqs',
        Endpoint: Attributes!.QueueArn!,
        Attributes: { RawMessageDelivery: 'true' },
      }),
    );
    const ingestQueue = stack.queues.find((q) => q.url === fns.discover!.environment.INGEST_QUEUE_URL)!;
    const publishQueue = stack.queues.find((q) => q.url === fns.discover!.environment.PUBLISH_QUEUE_URL)!;
    const failureQueue = stack.queues.find(
      (q) =>
        q !== ingestQueue &&
        q !== publishQueue &&
        !q.redrive &&
        !stack.queues.some((o) => o.redrive?.deadLetterArn === q.arn),
    )!;
    return {
      distribution,
      stack,
      service,
      bucket: fns.discover!.environment.STORE_BUCKET!,
      tapUrl,
      queues: {
        ingest: ingestQueue.url,
        ingestDeadLetters: stack.queueByArn(ingestQueue.redrive!.deadLetterArn).url,
        publishDeadLetters: stack.queueByArn(publishQueue.redrive!.deadLetterArn).url,
        discoverFailures: failureQueue.url,
      },
    };
  }

  /** What the emulated IAM refused the functions of a deployment. */
  function denied(d: Deployment): string[] {
    const names = Object.values(d.service.functions).map((fn) => `/${fn.name}`);
    return iam.denied
      .filter((x) => names.some((n) => x.principal.endsWith(n)))
      .map((x) => `${x.permission.action} ${x.permission.resource}`);
  }

  async function keys(bucket: string, prefix: string): Promise<string[]> {
    const found: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      found.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return found.sort();
  }

  async function text(bucket: string, key: string): Promise<string> {
    return (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  }

  async function storedVersions(bucket: string): Promise<Record<string, number>> {
    const metas = (await keys(bucket, 'articles/')).filter((k) => k.endsWith('/meta.json'));
    return Object.fromEntries(
      await Promise.all(
        metas.map(
          async (k) => [k.split('/')[1]!, (JSON.parse(await text(bucket, k)) as { version: number }).version] as const,
        ),
      ),
    );
  }

  async function depth(queueUrl: string): Promise<number> {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return Number(Attributes!.ApproximateNumberOfMessages) + Number(Attributes!.ApproximateNumberOfMessagesNotVisible);
  }

  /** Each story version announced once, to the tap; and the subset the README's subscription gets. */
  function announced(delivered: Delivered[]): { keys: string[]; filtered: string[] } {
    const key = (d: Delivered) => `${d.event.id}@${d.event.version}`;
    const policy = readmeFilterPolicy();
    return {
      keys: delivered.map(key).sort(),
      filtered: delivered
        .filter((d) => matchesFilterPolicy(policy, d.attributes))
        .map(key)
        .sort(),
    };
  }

  /**
   * The state of the template's alarm (by its construct id, e.g. 'IngestFailures', 'DiscoverErrors',
   * 'IngestDeadLettersNotEmpty') now, on what the functions and the local Lambda service reported.
   * Queue depths are sampled first, and, since SQS reports them every minute, the current period counts.
   */
  async function alarm(d: Deployment, id: string): Promise<ReturnType<typeof alarmState>> {
    const found = Object.entries(d.stack.template.Resources).filter(
      ([logicalId, r]) => r.Type === 'AWS::CloudWatch::Alarm' && new RegExp(`^Alarms${id}[0-9A-F]{8}$`).test(logicalId),
    );
    expect(
      found.map(([logicalId]) => logicalId),
      `the alarm ${id}`,
    ).toHaveLength(1);
    const properties = found[0]![1].Properties as MetricAlarm;
    const resolved: MetricAlarm = {
      ...properties,
      Dimensions: (properties.Dimensions ?? []).map((dim) => ({ Name: dim.Name, Value: d.stack.resolve(dim.Value) })),
    };
    let at = d.service.now();
    if (resolved.MetricName === 'ApproximateNumberOfMessagesVisible') {
      await d.service.sampleQueueDepths();
      at = Math.ceil((at + 1) / (resolved.Period * 1000)) * resolved.Period * 1000;
    }
    return alarmState(resolved, d.service.metrics, at);
  }

  it('runs the bundles where only the AWS SDK can be imported, as in the Lambda runtime', async () => {
    const probe = (specifier: string) => path.join(outdir, `probe-${specifier.replace(/\W/g, '-')}.mjs`);
    for (const specifier of ['@aws-sdk/client-s3', 'yaml'])
      await writeFile(probe(specifier), `await import(${JSON.stringify(specifier)});\n`);
    const load = (specifier: string) =>
      promisify(execFile)(lambdaNode(), [probe(specifier)], { cwd: outdir }).then(
        () => 'loaded',
        (e: Error) => e.message,
      );
    expect(await load('@aws-sdk/client-s3')).toBe('loaded');
    // A package the project has but the runtime does not: not found from where the bundles run.
    expect(await load('yaml')).toMatch(/Cannot find package 'yaml'/);
  });

  it('bundles the three functions as small ES modules, each with only the SDK clients it uses', async () => {
    const functions = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties!.Runtime === 'nodejs24.x',
    );
    expect(functions).toHaveLength(3);
    for (const [, fn] of functions) {
      const asset = path.join(outdir, fn.Metadata!['aws:asset:path']!);
      expect((await readdir(asset)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      expect((await stat(path.join(asset, 'index.mjs'))).size).toBeLessThan(1_500_000);
      const code = await readFile(path.join(asset, 'index.mjs'), 'utf8');
      expect(code).not.toContain('S3ServiceException.prototype'); // the SDK is the runtime's, not bundled
      // Loaded at start (static imports), and on first use (dynamic imports).
      const clients = (pattern: RegExp) => [...new Set([...code.matchAll(pattern)].map((m) => m[1]))].sort();
      const service = fn.Properties!.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
      expect(clients(/from\s*"(@aws-sdk\/[a-z0-9-]+)"/g), service).toEqual(
        {
          discover: ['@aws-sdk/client-s3', '@aws-sdk/client-sqs'],
          ingest: ['@aws-sdk/client-s3', '@aws-sdk/client-sqs'],
          publish: ['@aws-sdk/client-s3', '@aws-sdk/client-sns'],
        }[service],
      );
      expect(clients(/import\(\s*"(@aws-sdk\/[a-z0-9-]+)"\s*\)/g), service).toEqual(
        service === 'publish' ? ['@aws-sdk/client-cloudfront'] : [],
      );
    }
  });

  it('refuses to start a bundle without its configuration, naming what is missing', async () => {
    const { service } = await deploy(lambdaNode());
    for (const fn of Object.values(service.functions)) {
      const { STORE_BUCKET: _, ...without } = fn.environment;
      fn.environment = without;
      const { outcome } = await service.invoke(fn.service, {}, { fresh: true });
      expect(outcome, fn.service).toMatchObject({
        ok: false,
        kind: 'init',
        errorMessage: expect.stringContaining('invalid configuration: STORE_BUCKET is not set'),
      });
    }
  });

  it("refuses a function what its role does not grant, as IAM would: publish without the landing page's grant fails", async () => {
    // The role as it was before the landing page (index.html) was granted: publish wrote it and failed.
    const narrowed = structuredClone(template);
    const publishPolicy = Object.values(narrowed.Resources).find(
      (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties!.Roles).includes('PublishRole'),
    )!;
    const puts = (
      publishPolicy.Properties!.PolicyDocument.Statement as { Action: unknown; Resource: unknown[] }[]
    ).find((st) => st.Action === 's3:PutObject')!;
    puts.Resource = puts.Resource.filter((r) => !JSON.stringify(r).includes('/index.html'));
    const d = await deploy(lambdaNode(), narrowed);
    const { outcome } = await d.service.invoke('publish', { Records: [] });
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'error',
      errorMessage: expect.stringMatching(/not authorized to perform: s3:PutObject/),
    });
    expect(denied(d)).toEqual([`s3:PutObject arn:aws:s3:::${d.bucket}/index.html`]);
  });

  describe.each(RUNTIMES)('under $name', ({ binary }) => {
    it('ingests every story of the replica, publishes valid feeds and exports, and announces each version once', async () => {
      const d = await deploy(binary());
      const [run] = await d.service.tickSchedule();
      expect(run!.outcome).toMatchObject({ ok: true, result: { queued: 9 } });
      await d.service.runUntilIdle();

      // Every story stored, once, at version 1.
      const versions = await storedVersions(d.bucket);
      expect(Object.keys(versions)).toHaveLength(6);
      expect(Object.values(versions).every((v) => v === 1)).toBe(true);

      // Feeds parse strictly; JSON Feed 1.1 is valid; exports validate against the published schema.
      for (const lang of ['en', 'zh']) {
        const rss = parseStrictXml(await text(d.bucket, `feeds/${lang}/rss.xml`));
        expect(findAll(rss, 'item').length).toBeGreaterThan(0);
        expect(findAll(parseStrictXml(await text(d.bucket, `feeds/${lang}/atom.xml`)), 'entry').length).toBeGreaterThan(
          0,
        );
        const jsonFeed = JSON.parse(await text(d.bucket, `feeds/${lang}/feed.json`)) as unknown;
        expect(validateJsonFeed11(jsonFeed), JSON.stringify(validateJsonFeed11.errors)).toBe(true);
      }
      expect(await text(d.bucket, 'feeds/en/rss.xml')).toContain(
        `https://${d.distribution.domainName}/feeds/en/rss.xml`,
      );
      const ajv = new Ajv2020.default({ allErrors: true, strict: true });
      addFormats.default(ajv);
      const validate = ajv.compile(JSON.parse(await text(d.bucket, 'exports/v1/schema.json')) as object);
      const exported = await keys(d.bucket, 'exports/v1/articles/');
      expect(exported).toHaveLength(6);
      for (const key of exported)
        expect(validate(JSON.parse(await text(d.bucket, key))), `${key} ${JSON.stringify(validate.errors)}`).toBe(true);

      // One notification per story version; the README's subscription gets the Chinese ones published.
      const first = announced(await drainTap(sqs, d.tapUrl));
      expect(first.keys).toEqual(
        Object.entries(versions)
          .map(([id, v]) => `${id}@${v}`)
          .sort(),
      );
      const chinese = await Promise.all(
        Object.keys(versions).map(
          async (id) =>
            [
              id,
              (
                JSON.parse(await text(d.bucket, `articles/${id}/meta.json`)) as { languages: string[] }
              ).languages.includes('zh'),
            ] as const,
        ),
      );
      expect(first.filtered).toEqual(
        chinese
          .filter(([, zh]) => zh)
          .map(([id]) => `${id}@1`)
          .sort(),
      );
      expect(first.filtered.length).toBeGreaterThan(0);

      // Nothing failed for good; the heartbeats were emitted with the dimensions the alarms watch.
      for (const queue of [d.queues.ingestDeadLetters, d.queues.publishDeadLetters, d.queues.discoverFailures])
        expect(await depth(queue)).toBe(0);
      expect(d.service.datapoints(METRIC.discoverRuns, 'discover').length).toBe(1);
      expect(d.service.datapoints(METRIC.storiesStored, 'ingest').reduce((sum, p) => sum + p.value, 0)).toBe(6);
      expect(d.service.invocations.filter((i) => !i.outcome.ok).map((i) => [i.service, i.outcome])).toEqual([]);
      // Every request each function made was one its role allows (none refused and then tolerated).
      expect(denied(d)).toEqual([]);

      // Logs carry the request id and the cold-start flag (true in each function's first invocation only).
      const lines = d.service.logs.filter((l) => typeof l.entry.level === 'string');
      expect(lines.length).toBeGreaterThan(0);
      const requestIds = new Set(d.service.invocations.map((i) => i.requestId));
      for (const { entry } of lines) {
        expect(requestIds.has(entry.function_request_id as string), JSON.stringify(entry)).toBe(true);
        expect(typeof entry.cold_start).toBe('boolean');
      }
      for (const service of ['discover', 'ingest', 'publish']) {
        const byRequest = d.service.invocations
          .filter((i) => i.service === service)
          .map((i) => lines.find((l) => l.entry.function_request_id === i.requestId)?.entry.cold_start);
        expect(byRequest.filter((c) => c !== undefined)[0], service).toBe(true);
      }

      // CloudFront: the first publish it sees invalidates everything.
      const invalidations = () => cloudfront.invalidations.filter((i) => i.distributionId === d.distribution.id);
      expect(invalidations().map((i) => i.paths)).toEqual([['/*']]);

      // A second scheduled run a little later: nothing new, nothing sent, nothing invalidated.
      const before = invalidations().length;
      await d.service.advance(SCHEDULE);
      const [again] = await d.service.tickSchedule();
      expect(again!.outcome).toMatchObject({ ok: true, result: { queued: 0 } });
      await d.service.runUntilIdle();
      expect(await drainTap(sqs, d.tapUrl)).toEqual([]);
      expect(invalidations().length).toBe(before);

      // The site edits a story (and keeps it edited): one new version, one notification, and its cached
      // files invalidated.
      fault = {
        applies: (pathname) => pathname === '/sitemap.xml' || pathname === SEED,
        rewrite: (body, pathname) =>
          pathname === SEED
            ? body.replaceAll('AI skilling', 'AI skills training')
            : body.replace('2024-11-12T10:04:31+01:00', '2026-11-20T10:00:00+01:00'),
      };
      await d.service.advance(SCHEDULE);
      await d.service.tickSchedule();
      await d.service.runUntilIdle();
      expect((await storedVersions(d.bucket))[SEED_ID]).toBe(2);
      expect(announced(await drainTap(sqs, d.tapUrl)).keys).toEqual([`${SEED_ID}@2`]);
      const latest = invalidations().at(-1)!;
      expect(invalidations().length).toBe(before + 1);
      expect(latest.paths).toEqual([`/articles/${SEED_ID}/*`, `/exports/v1/articles/${SEED_ID}.json`]);
      // Every file of the story cached longer than the feed lifetime is under those paths.
      for (const key of await keys(d.bucket, `articles/${SEED_ID}/`)) {
        const { CacheControl } = await s3.send(new HeadObjectCommand({ Bucket: d.bucket, Key: key }));
        if (CacheControl === CACHE_CONTROL.article)
          expect(
            latest.paths.some((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace('*', '.*')}$`).test(`/${key}`)),
            key,
          ).toBe(true);
      }

      // The operator switches the content mode (cdk deploy -c contentMode=summary): the next publish
      // renders every public file in summary mode and invalidates everything on CloudFront.
      d.service.redeploy((fn) => ({ ...fn.environment, CONTENT_MODE: 'summary' }));
      await d.service.advance(SCHEDULE);
      await d.service.tickSchedule();
      await d.service.runUntilIdle();
      expect(invalidations().at(-1)!.paths).toEqual(['/*']);
      expect(invalidations().length).toBe(before + 2);
      for (const key of await keys(d.bucket, 'exports/v1/articles/'))
        expect(JSON.parse(await text(d.bucket, key)), key).not.toHaveProperty('markdown');
      expect(await drainTap(sqs, d.tapUrl)).toEqual([]);
      expect(denied(d)).toEqual([]);
      // Nothing was written beside the code, which is read-only in Lambda (/var/task).
      for (const fn of Object.values(d.service.functions))
        expect((await readdir(path.dirname(fn.bundle))).sort(), fn.service).toEqual(['index.mjs', 'index.mjs.map']);
      fault = undefined;
    });
  });

  describe('with faults, under Node 24', () => {
    it('retries pages through an origin outage (503 for a while) and stores them all once it recovers', async () => {
      const d = await deploy(lambdaNode());
      expect((await d.service.tickSchedule())[0]!.outcome).toMatchObject({ ok: true, result: { queued: 9 } });
      // Down for maintenance for 40 minutes (a Retry-After longer than a retry can wait).
      fault = { applies: (pathname) => pathname !== '/robots.txt', status: 503, headers: { 'retry-after': '600' } };
      try {
        await d.service.runUntilIdle({ maxVirtualMs: 40 * MINUTE, scheduleEveryMs: SCHEDULE });
      } finally {
        fault = undefined;
      }
      expect(await storedVersions(d.bucket)).toEqual({});
      expect(d.service.deliveries('ingest').filter((r) => r.failed).length).toBeGreaterThanOrEqual(27);
      // discover's scheduled run in the outage failed: no Lambda retry, its record went to the failure queue.
      expect(await depth(d.queues.discoverFailures)).toBe(1);
      // One failed run (the next one does the same work) and 40 minutes of failing pages page no one.
      for (const id of ['DiscoverFailuresRepeated', 'DiscoverErrors', 'IngestErrors', 'IngestDeadLettersNotEmpty'])
        expect(await alarm(d, id), id).toBe('OK');

      await d.service.runUntilIdle({ maxVirtualMs: 2 * HOUR, scheduleEveryMs: SCHEDULE });
      const versions = await storedVersions(d.bucket);
      expect(Object.keys(versions)).toHaveLength(6);
      expect(Math.max(...d.service.deliveries('ingest').map((r) => r.receiveCount))).toBeGreaterThanOrEqual(4);
      expect(announced(await drainTap(sqs, d.tapUrl)).keys).toEqual(
        Object.keys(versions)
          .map((id) => `${id}@1`)
          .sort(),
      );
      expect(await depth(d.queues.ingestDeadLetters)).toBe(0);
      expect(await depth(d.queues.publishDeadLetters)).toBe(0);
      const failure = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: d.queues.discoverFailures, MaxNumberOfMessages: 10 }),
      );
      expect(JSON.parse(failure.Messages![0]!.Body!)).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 1 },
        responsePayload: { errorType: 'OriginUnreachable' },
      });
    });

    it('dead-letters a poison message after maxReceiveCount receives and does the rest; two publishes at once announce each version once', async () => {
      const d = await deploy(lambdaNode());
      await d.service.tickSchedule();
      const poison = '{"url": "not a story"';
      await sqs.send(new SendMessageCommand({ QueueUrl: d.queues.ingest, MessageBody: poison }));
      await d.service.runUntilIdle({ only: ['ingest'] });
      const maxReceiveCount = d.stack.queues.find((q) => q.url === d.queues.ingest)!.redrive!.maxReceiveCount;
      expect(maxReceiveCount).toBe(10);
      expect(
        d.service
          .deliveries('ingest')
          .filter((r) => r.body === poison)
          .map((r) => r.receiveCount),
      ).toEqual(Array.from({ length: maxReceiveCount }, (_, i) => i + 1));
      const dead = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: d.queues.ingestDeadLetters, MaxNumberOfMessages: 10 }),
      );
      expect(dead.Messages?.map((m) => m.Body)).toEqual([poison]);
      expect(Object.keys(await storedVersions(d.bucket))).toHaveLength(6);

      // Publish outside its FIFO queue, twice at the same moment in two execution environments.
      const [a, b] = await Promise.all([
        d.service.invoke('publish', { Records: [] }, { fresh: true }),
        d.service.invoke('publish', { Records: [] }, { fresh: true }),
      ]);
      expect([a!.outcome.ok, b!.outcome.ok]).toEqual([true, true]);
      const sent = [a, b].map(
        (i) => (i!.outcome as { result: { notificationsSent: number } }).result.notificationsSent,
      );
      expect(sent[0]! + sent[1]!).toBe(6);
      const delivered = announced(await drainTap(sqs, d.tapUrl)).keys;
      expect(delivered).toHaveLength(6);
      expect(new Set(delivered).size).toBe(6);
      // The publish requests still queued run one at a time and find nothing left to send.
      await d.service.runUntilIdle();
      expect(await drainTap(sqs, d.tapUrl)).toEqual([]);
      expect(await depth(d.queues.publishDeadLetters)).toBe(0);
    });

    it('loses nothing when the origin refuses us (403 to everything): failures and the missing heartbeat alarm, dead-lettered pages are queued again and stored once it lifts', async () => {
      const d = await deploy(lambdaNode());
      expect((await d.service.tickSchedule())[0]!.outcome).toMatchObject({ ok: true, result: { queued: 9 } });
      fault = { applies: () => true, status: 403 };
      try {
        await d.service.runUntilIdle({ maxVirtualMs: 2 * HOUR, scheduleEveryMs: SCHEDULE });
        expect(await alarm(d, 'IngestFailures')).toBe('ALARM');
        await d.service.runUntilIdle({ maxVirtualMs: 2.5 * HOUR, scheduleEveryMs: SCHEDULE });
        // No discover run succeeds, hour after hour; every page failed every retry.
        for (const id of [
          'DiscoverHeartbeat',
          'DiscoverFailuresRepeated',
          'DiscoverErrors',
          'IngestDeadLettersNotEmpty',
        ])
          expect(await alarm(d, id), id).toBe('ALARM');
        // Pages failing are failures of pages, not of the function (partial batch responses).
        expect(await alarm(d, 'IngestErrors')).toBe('OK');
      } finally {
        fault = undefined;
      }
      // Nothing lost: every page waits in the dead-letter queue (its alarm's condition), every failed
      // discover run in the failure queue, and the state still has the pages as queued, not done.
      expect(await storedVersions(d.bucket)).toEqual({});
      expect(await depth(d.queues.ingestDeadLetters)).toBe(9);
      expect(await depth(d.queues.discoverFailures)).toBe(9);
      const state = (await readWholeCrawlState(new S3Store({ bucket: d.bucket, client: s3 })))!;
      expect(Object.values(state.urls).filter((u) => u.outcome === 'queued' && u.queued)).toHaveLength(9);

      // The origin answers again: a later discover queues the pages again (their wait is over), no redrive needed.
      await d.service.runUntilIdle({ maxVirtualMs: 6 * HOUR, scheduleEveryMs: SCHEDULE });
      const versions = await storedVersions(d.bucket);
      expect(Object.keys(versions)).toHaveLength(6);
      expect(announced(await drainTap(sqs, d.tapUrl)).keys).toEqual(
        Object.keys(versions)
          .map((id) => `${id}@1`)
          .sort(),
      );
      for (const id of ['IngestFailures', 'DiscoverHeartbeat', 'DiscoverFailuresRepeated', 'DiscoverErrors'])
        expect(await alarm(d, id), id).toBe('OK');
      // The dead letters stay (and their alarm with them) until someone redrives or removes them.
      expect(await alarm(d, 'IngestDeadLettersNotEmpty')).toBe('ALARM');

      // The runbook's redrive of the dead-letter queue afterwards is harmless: nothing new, nothing sent.
      await redrive(d.queues.ingestDeadLetters, d.queues.ingest);
      await d.service.runUntilIdle();
      expect(await depth(d.queues.ingestDeadLetters)).toBe(0);
      // The alarm clears once a whole period (its Maximum) has seen the queue empty.
      await d.service.advance(5 * MINUTE);
      expect(await alarm(d, 'IngestDeadLettersNotEmpty')).toBe('OK');
      expect(await drainTap(sqs, d.tapUrl)).toEqual([]);
      expect(await storedVersions(d.bucket)).toEqual(versions);
    });
  });

  /** What `aws sqs start-message-move-task` does (fauxqs has no message move tasks): move every message back. */
  async function redrive(from: string, to: string): Promise<void> {
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: from, MaxNumberOfMessages: 10 }));
      if (Messages.length === 0) return;
      for (const message of Messages) {
        await sqs.send(new SendMessageCommand({ QueueUrl: to, MessageBody: message.Body! }));
        await sqs.send(new DeleteMessageCommand({ QueueUrl: from, ReceiptHandle: message.ReceiptHandle! }));
      }
    }
  }
});

/** Answers for the origin while a fault is set; the replica serves everything else. */
function injectFault(fault: OriginFault | undefined, request: IncomingMessage, response: ServerResponse): boolean {
  if (!fault) return false;
  const url = new URL(request.url ?? '/', 'http://replica');
  const pathname = decodeURIComponent(url.pathname);
  const where = url.searchParams.get('page') ? `${pathname}?page=${url.searchParams.get('page')}` : pathname;
  if (!fault.applies(pathname) && !fault.applies(where)) return false;
  if ('status' in fault) {
    response
      .writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers })
      .end(`injected ${fault.status}`);
    return true;
  }
  void readFile(fileFor(BUNDLED_REPLICA, request.url ?? '/')!, 'utf8').then((body) => {
    const type = pathname.endsWith('.xml') ? 'application/xml; charset=utf-8' : 'text/html; charset=utf-8';
    response.writeHead(200, { 'content-type': type }).end(fault.rewrite(body, pathname));
  });
  return true;
}
