// Errors that cross the port boundary. Adapters throw them; the core decides what they mean.

/** A conditional write lost: the key exists (ifNoneMatch) or changed (ifMatch). */
export class PreconditionFailed extends Error {
  constructor(readonly key: string) {
    super(`precondition failed for ${key}`);
    this.name = 'PreconditionFailed';
  }
}

export type FetchFailureReason =
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'too-large'
  | 'truncated'
  | 'host-not-allowed'
  | 'robots-disallowed'
  /** robots.txt answered 5xx: RFC 9309 says the whole site is off limits until it can be read. */
  | 'robots-unreachable'
  | 'bad-content';

/** A page could not be fetched. Per-story failures are reported and retried next run, never fatal. */
export class FetchFailure extends Error {
  constructor(
    readonly url: string,
    readonly reason: FetchFailureReason,
    /** What went wrong, without the URL ("connection refused (ECONNREFUSED)", "answered 503"). */
    readonly detail: string,
    readonly httpStatus?: number,
  ) {
    super(`${url}: ${detail}`);
    this.name = 'FetchFailure';
  }
}

/**
 * `pull`: the export source answered something that cannot be used (an HTTP error, a document that
 * is not what its schema says, a link off the source). One line; thrown before anything is written.
 */
export class BadExport extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadExport';
  }
}
