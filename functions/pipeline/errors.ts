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
  | 'bad-content';

/** A page could not be fetched. Per-story failures are reported and retried next run, never fatal. */
export class FetchFailure extends Error {
  constructor(
    readonly url: string,
    readonly reason: FetchFailureReason,
    detail: string,
    readonly httpStatus?: number,
  ) {
    super(`${url}: ${detail}`);
    this.name = 'FetchFailure';
  }
}
