// The S3 store over real HTTP: fauxqs 1.9.2 on loopback, with the conditional-write proxy in front
// (fauxqs ignores If-None-Match / If-Match; real S3 honours them). The shared Store contract runs in
// store-contract.test.ts; this file covers what is S3's own: object metadata, the prefix, list
// pagination, error mapping, the reachability check and the client factory.
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store, createS3Client } from '#adapters/s3-store.js';
import { PreconditionFailed, assertIsError } from '#pipeline/errors.js';
import { fauxqsEndpoint, testS3Client, uniqueName } from '#test/helpers/aws-clients.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '#test/helpers/fauxqs.js';
import { collect, rejectionOf } from './store-contract.js';

const JSON_TYPE = { contentType: 'application/json; charset=utf-8' };

let proxy: ConditionalS3Proxy;
let client: S3Client;
const bucket = uniqueName('s3-store');

beforeAll(async () => {
  proxy = await startConditionalS3Proxy(fauxqsEndpoint());
  client = testS3Client(proxy.endpoint);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
});

/** A store on a prefix of its own, so the tests of this file never see each other's keys. */
function freshStore(options: { pageSize?: number } = {}): S3Store {
  return new S3Store({ bucket, prefix: uniqueName('t'), client, ...options });
}

/** Every object key in the bucket under a raw prefix, as S3 itself lists them. */
async function bucketKeys(prefix: string): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((object) => object.Key!);
}

describe('S3Store: objects', () => {
  it('round-trips CJK text and stores the content type and cache control it was given', async () => {
    const store = freshStore();
    const body = '{"title":"国际劳工组织与微软合作加强中国人工智能技能培训","quote":"“引号” 😀"}';
    const { etag } = await store.put('articles/国际/meta.json', body, {
      ...JSON_TYPE,
      cacheControl: 'public, max-age=3600',
    });

    expect(await store.get('articles/国际/meta.json')).toMatchObject({ body, etag });
    const head = await client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: `${store.prefix}/articles/国际/meta.json` }),
    );
    expect(head.ContentType).toBe('application/json; charset=utf-8');
    expect(head.ETag).toBe(etag);
    expect(head.ContentLength).toBe(Buffer.byteLength(body, 'utf8'));
    // fauxqs 1.9.2 keeps no Cache-Control (real S3 does), so check the PutObject that went out.
    const put = proxy.requests.findLast(
      (r) => r.method === 'PUT' && r.path === `/${bucket}/${store.prefix}/articles/国际/meta.json`,
    );
    expect(put?.headers['cache-control']).toBe('public, max-age=3600');
    expect(put?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('keeps keys under "<prefix>/" in the bucket and gives them back without it', async () => {
    const prefix = uniqueName('site');
    // Slashes around the prefix are not part of it.
    const store = new S3Store({ bucket, prefix: `/${prefix}/v1/`, client });
    await store.put('feeds/en/rss.xml', '<rss/>', { contentType: 'application/rss+xml; charset=utf-8' });
    await store.put('state/crawl.json', '{}', JSON_TYPE);
    // A key next to the prefix that merely starts with the same characters is not the store's.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/v10/other.json`, Body: '{}' }));

    expect(await bucketKeys(`${prefix}/`)).toEqual([
      `${prefix}/v1/feeds/en/rss.xml`,
      `${prefix}/v1/state/crawl.json`,
      `${prefix}/v10/other.json`,
    ]);
    expect(await collect(store.list(''))).toEqual(['feeds/en/rss.xml', 'state/crawl.json']);
    expect(await collect(store.list('state/'))).toEqual(['state/crawl.json']);
    expect((await store.get('feeds/en/rss.xml'))?.body).toBe('<rss/>');
  });

  it('works without a prefix, at the root of the bucket', async () => {
    const own = uniqueName('root');
    const store = new S3Store({ bucket, client });
    await store.put(`${own}/a.json`, '{}', JSON_TYPE);
    expect(await bucketKeys(`${own}/`)).toEqual([`${own}/a.json`]);
    expect(await collect(store.list(`${own}/`))).toEqual([`${own}/a.json`]);
  });

  it('lists page after page with a continuation token, and returns every key in order', async () => {
    const store = freshStore({ pageSize: 7 });
    const keys = Array.from({ length: 30 }, (_, i) => `exports/v1/archive/${String(i).padStart(3, '0')}.json`);
    keys.push('exports/v1/archive/中文.json', 'exports/v1/archive/Z.json');
    // Written in a shuffled order, so the order listed is the store's, not the writes'.
    const shuffled = [...keys].sort(() => Math.random() - 0.5);
    await Promise.all(shuffled.map((key) => store.put(key, key, JSON_TYPE)));
    const before = proxy.requests.length;

    const listed = await collect(store.list('exports/v1/archive/'));

    expect(listed).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(listed).toHaveLength(32);
    const pages = proxy.requests.slice(before).filter((r) => r.method === 'GET' && r.query.get('list-type') === '2');
    expect(pages).toHaveLength(5); // 32 keys, 7 a page
    expect(pages.map((p) => p.query.get('max-keys'))).toEqual(['7', '7', '7', '7', '7']);
    expect(pages[0]!.query.has('continuation-token')).toBe(false);
    expect(pages.slice(1).every((p) => p.query.has('continuation-token'))).toBe(true);
  });

  it('answers undefined for a missing key, but throws for a missing bucket', async () => {
    expect(await freshStore().get('nothing/here.json')).toBeUndefined();
    const nowhere = new S3Store({ bucket: uniqueName('no-such-bucket'), client });
    const error = await rejectionOf(nowhere.get('nothing/here.json'));
    assertIsError(error);
    expect(error.name).toBe('NoSuchBucket');
  });

  it('deletes the object from the bucket', async () => {
    const store = freshStore();
    await store.put('raw/x/en.html', '<p>x</p>', { contentType: 'text/html; charset=utf-8' });
    expect(await bucketKeys(`${store.prefix}/`)).toEqual([`${store.prefix}/raw/x/en.html`]);
    await store.delete('raw/x/en.html');
    expect(await bucketKeys(`${store.prefix}/`)).toEqual([]);
    expect(await store.get('raw/x/en.html')).toBeUndefined();
  });
});

describe('S3Store: conditional writes (through the proxy that does what S3 does)', () => {
  it('ifNoneMatch: the first claim wins, the second throws PreconditionFailed', async () => {
    const store = freshStore();
    await store.put('state/notified/a@000001.json', '{"n":1}', { ...JSON_TYPE, ifNoneMatch: '*' });
    const error = await rejectionOf(
      store.put('state/notified/a@000001.json', '{"n":2}', { ...JSON_TYPE, ifNoneMatch: '*' }),
    );
    expect(error).toBeInstanceOf(PreconditionFailed);
    expect((error as PreconditionFailed).key).toBe('state/notified/a@000001.json');
    expect((await store.get('state/notified/a@000001.json'))?.body).toBe('{"n":1}');
  });

  it('10 concurrent claims: exactly one wins, the others get PreconditionFailed', async () => {
    const store = freshStore();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.put('state/notified/b@000001.json', `claimant-${i}`, { ...JSON_TYPE, ifNoneMatch: '*' }),
      ),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailed),
    ).toBe(true);
    expect((await store.get('state/notified/b@000001.json'))?.body).toBe(`claimant-${winners[0]}`);
  });

  it('ifMatch: a stale ETag throws PreconditionFailed, the current one replaces', async () => {
    const store = freshStore();
    const v1 = await store.put('state/crawl.json', '{"v":1}', JSON_TYPE);
    const v2 = await store.put('state/crawl.json', '{"v":2}', JSON_TYPE);

    expect(
      await rejectionOf(store.put('state/crawl.json', '{"v":3}', { ...JSON_TYPE, ifMatch: v1.etag })),
    ).toBeInstanceOf(PreconditionFailed);
    const v3 = await store.put('state/crawl.json', '{"v":3}', { ...JSON_TYPE, ifMatch: v2.etag });
    expect(await store.get('state/crawl.json')).toMatchObject({ body: '{"v":3}', etag: v3.etag });
  });

  it('takes 409 ConditionalRequestConflict (a race S3 reports) as a lost condition, and other errors as errors', async () => {
    const store = freshStore();
    const onThisStore = (status: number, code: string) =>
      proxy.inject((r) =>
        r.method === 'PUT' && r.path.startsWith(`/${bucket}/${store.prefix}/`)
          ? { status, code, message: `injected ${code}` }
          : undefined,
      );
    try {
      onThisStore(409, 'ConditionalRequestConflict');
      expect(await rejectionOf(store.put('claim.json', '{}', { ...JSON_TYPE, ifNoneMatch: '*' }))).toBeInstanceOf(
        PreconditionFailed,
      );

      onThisStore(403, 'AccessDenied');
      const denied = await rejectionOf(store.put('claim.json', '{}', { ...JSON_TYPE, ifNoneMatch: '*' }));
      expect(denied).not.toBeInstanceOf(PreconditionFailed);
      assertIsError(denied);
      expect(denied.name).toBe('AccessDenied');

      // Without a condition, even a 412 is not a lost claim: nothing was claimed.
      onThisStore(412, 'PreconditionFailed');
      expect(await rejectionOf(store.put('plain.json', '{}', JSON_TYPE))).not.toBeInstanceOf(PreconditionFailed);
    } finally {
      proxy.inject(undefined);
    }
    expect(await store.get('claim.json')).toBeUndefined();
  });

  it('needs the proxy: fauxqs alone ignores If-None-Match (so a test without the proxy would prove nothing)', async () => {
    const direct = testS3Client(fauxqsEndpoint());
    try {
      const store = new S3Store({ bucket, prefix: uniqueName('bare'), client: direct });
      await store.put('claim.json', 'first', { ...JSON_TYPE, ifNoneMatch: '*' });
      await store.put('claim.json', 'second', { ...JSON_TYPE, ifNoneMatch: '*' });
      expect((await store.get('claim.json'))?.body).toBe('second');
    } finally {
      direct.destroy();
    }
  });
});

describe('S3Store.checkReachable', () => {
  it('passes for a bucket that exists', async () => {
    await expect(freshStore().checkReachable()).resolves.toBeUndefined();
  });

  it('fails with a one-line reason for a missing bucket and for an endpoint nobody listens on', async () => {
    const missing = await rejectionOf(new S3Store({ bucket: 'missing-bucket', client }).checkReachable());
    assertIsError(missing);
    expect(missing.message).toMatch(/^NoSuchBucket: The specified bucket does not exist[^\n]*$/);

    const closed = testS3Client('http://127.0.0.1:9');
    try {
      const refused = await rejectionOf(new S3Store({ bucket, client: closed }).checkReachable());
      assertIsError(refused);
      expect(refused.message).toMatch(/^connect ECONNREFUSED 127\.0\.0\.1:9$/);
    } finally {
      closed.destroy();
    }
  });
});

describe('createS3Client', () => {
  it('uses path-style URLs when a custom endpoint is set, virtual-hosted ones otherwise', () => {
    const clients = [
      createS3Client({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_REGION: 'us-east-1' }),
      createS3Client({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566', AWS_REGION: 'us-east-1' }),
      createS3Client({ AWS_REGION: 'us-east-1' }),
    ];
    try {
      expect(clients.map((c) => c.config.forcePathStyle)).toEqual([true, true, false]);
    } finally {
      for (const c of clients) c.destroy();
    }
  });
});
