// The Store port on an S3 bucket (optionally under a prefix): the store on AWS. Conditional writes
// are S3's own (If-None-Match / If-Match on PutObject), so claims and compare-and-swap hold across
// Lambdas and overlapping runs without any lock of ours.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { PreconditionFailed, errorMessage, isError } from '../pipeline/errors.js';
import type { PutOptions, Store, StoredObject } from '../pipeline/ports.js';

export interface S3StoreOptions {
  bucket: string;
  /** Keys live under "<prefix>/" in the bucket; the store's callers never see the prefix. */
  prefix?: string;
  client: S3Client;
  /** Keys per ListObjectsV2 page (S3's maximum and default is 1000). */
  pageSize?: number;
}

export class S3Store implements Store {
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly pageSize: number | undefined;
  /** "" or "<prefix>/": what is prepended to every key. */
  private readonly base: string;

  constructor(options: S3StoreOptions) {
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.base = this.prefix === '' ? '' : `${this.prefix}/`;
    this.client = options.client;
    this.pageSize = options.pageSize;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const objectKey = this.objectKey(key);
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (error) {
      // A missing bucket is also a 404, and must not read as "no such key".
      if (errorName(error) === 'NoSuchKey' || (httpStatus(error) === 404 && errorName(error) !== 'NoSuchBucket'))
        return undefined;
      throw error;
    }
    const body = response.Body ? await response.Body.transformToString('utf-8') : '';
    if (!response.ETag) throw new Error(`s3://${this.bucket}/${objectKey}: GetObject answered without an ETag`);
    return { body, etag: response.ETag, ...(response.LastModified ? { lastModified: response.LastModified } : {}) };
  }

  async put(key: string, body: string, options: PutOptions): Promise<{ etag: string }> {
    const objectKey = this.objectKey(key);
    const conditional = options.ifNoneMatch !== undefined || options.ifMatch !== undefined;
    let response: PutObjectCommandOutput;
    try {
      response = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: body,
          ContentType: options.contentType,
          ...(options.cacheControl !== undefined ? { CacheControl: options.cacheControl } : {}),
          ...(options.ifNoneMatch !== undefined ? { IfNoneMatch: options.ifNoneMatch } : {}),
          ...(options.ifMatch !== undefined ? { IfMatch: options.ifMatch } : {}),
        }),
      );
    } catch (error) {
      if (conditional && lostCondition(error, options)) throw new PreconditionFailed(key);
      throw error;
    }
    if (!response.ETag) throw new Error(`s3://${this.bucket}/${objectKey}: PutObject answered without an ETag`);
    return { etag: response.ETag };
  }

  async *list(prefix: string): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: `${this.base}${prefix}`,
          ...(this.pageSize !== undefined ? { MaxKeys: this.pageSize } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }),
      );
      // S3 lists in UTF-8 byte order, page after page, so yielding as we go keeps the order.
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) yield object.Key.slice(this.base.length);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  /**
   * Fails when the bucket cannot be listed (missing, no access, no network, no region): one
   * ListObjectsV2 of one key, so a run stops before it fetches anything. The message is one line.
   */
  async checkReachable(): Promise<void> {
    try {
      await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.base, MaxKeys: 1 }));
    } catch (error) {
      throw new Error(describeS3Error(error));
    }
  }

  /** The object key of a store key; refuses the keys the folder store refuses, so both hold the same keys. */
  private objectKey(key: string): string {
    if (
      key === '' ||
      key.startsWith('/') ||
      key.includes('\\') ||
      key.includes('\0') ||
      key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
    ) {
      throw new Error(`invalid store key: ${JSON.stringify(key)}`);
    }
    return `${this.base}${key}`;
  }
}

/**
 * A conditional put that lost: 412 PreconditionFailed; 409 ConditionalRequestConflict when another
 * write to the key raced it; and, for If-Match on a key that does not exist, 404 NoSuchKey.
 */
function lostCondition(error: unknown, options: PutOptions): boolean {
  const status = httpStatus(error);
  if (status === 412 || status === 409) return true;
  return options.ifMatch !== undefined && errorName(error) === 'NoSuchKey';
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  // SDK errors (S3ServiceException and the SDK's own) carry the HTTP status in $metadata.
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** An SDK or network error as one short line: "NoSuchBucket: The specified bucket does not exist". */
function describeS3Error(error: unknown): string {
  if (!isError(error)) return errorMessage(error);
  let message = error.message;
  // Network failures can arrive as an AggregateError with an empty message: use its parts.
  if (!message && error instanceof AggregateError)
    message = error.errors.map((e: unknown) => errorMessage(e)).join('; ');
  // Answers without a body (HEAD, some proxies) leave the SDK with nothing but the status.
  if (!message || message === 'UnknownError') message = `HTTP ${httpStatus(error) ?? 'error'}`;
  const name = error.name === 'Error' || error.name === 'AggregateError' ? '' : error.name;
  const text = name && !message.includes(name) ? `${name}: ${message}` : message;
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The S3 client for the CLI and the Lambdas. Region, credentials and a custom endpoint
 * (AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_S3) are read by the SDK itself; an emulator on a custom
 * endpoint cannot serve "<bucket>.host" virtual-hosted names, so those get path-style URLs.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const customEndpoint = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  return new S3Client(customEndpoint ? { forcePathStyle: true } : {});
}
