// The one Store contract, run against the folder store and the S3 store. The S3 store talks real
// HTTP to fauxqs through the conditional-write proxy (fauxqs ignores If-None-Match / If-Match;
// real S3 honours them, and the proxy adds exactly that).
import path from 'node:path';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { FsStore } from '#adapters/fs-store.js';
import { S3Store } from '#adapters/s3-store.js';
import { fauxqsEndpoint, testS3Client, uniqueName } from '#test/helpers/aws-clients.js';
import { type ConditionalS3Proxy, startConditionalS3Proxy } from '#test/helpers/fauxqs.js';
import { MemoryStore } from '#test/helpers/memory-store.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { describeStoreContract } from './store-contract.js';

let proxy: ConditionalS3Proxy;
let client: S3Client;
const bucket = uniqueName('contract');

beforeAll(async () => {
  proxy = await startConditionalS3Proxy(fauxqsEndpoint());
  client = testS3Client(proxy.endpoint);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  client?.destroy();
  await proxy?.close();
});

describeStoreContract('FsStore', async () => {
  const { dir, cleanup } = await tempDir('store-contract-');
  return { store: await FsStore.open(path.join(dir, 'store')), cleanup };
});

// Each test gets its own prefix in the bucket: a fresh, empty store.
describeStoreContract('S3Store', async () => ({
  store: new S3Store({ bucket, prefix: uniqueName('run'), client }),
  cleanup: async () => {},
}));

// The in-memory store the core's tests run on: held to the same contract, so what they prove holds
// for the real adapters.
describeStoreContract('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
