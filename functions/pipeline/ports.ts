// The ports: everything the pipeline core needs from the outside world.
// Adapters in functions/adapters implement them; the core never reaches past these interfaces.

/** Validators from an earlier response, for a conditional GET. */
export interface FetchConditions {
  etag?: string;
  lastModified?: string;
}

export type FetchResult =
  | {
      status: 'ok';
      /** Canonical URL of what was finally served (after redirects, mirror mapped back). */
      url: string;
      body: string;
      contentType?: string;
      etag?: string;
      lastModified?: string;
    }
  | { status: 'not-modified'; url: string }
  /** 404 or 410: the page is gone (or never existed). Not an error. */
  | { status: 'gone'; url: string; httpStatus: number };

/**
 * HTTP GET of a canonical https://www.ilo.org URL. The adapter decides where it is really fetched
 * from (a mirror), and applies politeness, retries and limits. Failures throw FetchFailure.
 */
export interface Fetcher {
  fetch(url: string, conditions?: FetchConditions): Promise<FetchResult>;
}

export interface StoredObject {
  body: string;
  etag: string;
  /** When the object was last written, where the store knows it (`serve` answers If-Modified-Since with it). */
  lastModified?: Date;
}

export interface PutOptions {
  contentType: string;
  cacheControl?: string;
  /** "*": create only if the key does not exist yet (an atomic claim). */
  ifNoneMatch?: '*';
  /** Replace only if the current object still has this ETag (compare-and-swap). */
  ifMatch?: string;
}

/** A key-value object store: a folder locally, an S3 bucket on AWS. Keys use "/" separators. */
export interface Store {
  get(key: string): Promise<StoredObject | undefined>;
  /** Throws PreconditionFailed when ifNoneMatch/ifMatch does not hold. */
  put(key: string, body: string, options: PutOptions): Promise<{ etag: string }>;
  /** Every key under the prefix, in lexicographic order. */
  list(prefix: string): AsyncIterable<string>;
  delete(key: string): Promise<void>;
}

/** The SNS message shape; the local outbox writes the same object as one JSON line. */
export interface NotificationEnvelope {
  Subject: string;
  /** With MessageStructure "json": a JSON object of one text per SNS protocol, `default` required. */
  Message: string;
  MessageStructure?: 'json';
  MessageAttributes: Record<string, { DataType: 'String' | 'String.Array' | 'Number'; StringValue: string }>;
}

export interface Notifier {
  /** Publishes one message; resolves, once the service accepted it, to the id it gave it (SNS's MessageId). */
  publish(message: NotificationEnvelope): Promise<{ messageId: string }>;
  /**
   * The id of an accepted message with this dedupe key (`<id>@<version>`), where the notifier can tell:
   * the local outbox can, SNS cannot. Lets a publish that lost its record of a send not send again.
   */
  findSent?(dedupeKey: string): Promise<string | undefined>;
}

/** Unique tokens: a run marks what it claims with one, to tell its own claims from other runs'. */
export interface TokenSource {
  newToken(): string;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** What became of one page of a run. */
export interface PageResult {
  outcome: 'new' | 'updated' | 'unchanged' | 'covered' | 'gone' | 'rejected' | 'failed';
  /** The story's id, when the page was stored. */
  id?: string;
  reason?: string;
}

/** How far a run has got, for a person watching: the CLI draws it, the Lambdas pass no listener. */
export type RunProgress =
  | { stage: 'ingest'; total: number }
  | { stage: 'page-start'; url: string; done: number; total: number }
  | ({ stage: 'page-done'; url: string; done: number; total: number } & PageResult)
  | { stage: 'publish' };

export interface PipelinePorts {
  fetcher: Fetcher;
  store: Store;
  notifier: Notifier;
  clock: Clock;
  tokens: TokenSource;
  logger: Logger;
  /** Told of each page as a run goes (optional; must not throw). */
  progress?: (event: RunProgress) => void;
}

// The partner's side (`pull`): it reads the public exports and writes a static site's files.

export type ExportResponse =
  | { status: 'ok'; body: string; etag?: string }
  | { status: 'not-modified' }
  | { status: 'gone' };

/**
 * HTTP GET of a public export document, conditional on an ETag. The adapter fetches only from the
 * source it was given (redirects included) and throws a one-line error for anything else.
 */
export interface ExportSource {
  get(url: string, etag?: string): Promise<ExportResponse>;
}

/** The partner's site folder. Paths are relative and "/"-separated. */
export interface SiteFolder {
  read(path: string): Promise<string | undefined>;
  /** Replaces the file whole (never half-written). */
  write(path: string, content: string): Promise<void>;
  /** Removes the file if it is there. */
  remove(path: string): Promise<void>;
}
