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

// Anything can be thrown (a string, undefined, a plain object): these say what was, on one line.

/** Whether a thrown value is an Error (also one from another realm: an object with a string name and message). */
export function isError(value: unknown): value is Error {
  if (value instanceof Error) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { name, message } = value as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string';
}

/** Narrows a caught value to an Error; anything else is a TypeError saying what was thrown instead. */
export function assertIsError(value: unknown): asserts value is Error {
  if (!isError(value)) throw new TypeError(`expected an Error, got ${thrownText(value)}`);
}

/** What went wrong: an Error's message, else the thrown value as one line of text. */
export function errorMessage(error: unknown): string {
  if (isError(error)) return error.message;
  return typeof error === 'string' ? oneLine(error) : `non-Error thrown: ${thrownText(error)}`;
}

/** The thrown value as an Error: itself when it is one, else an Error saying what it was (the value as `cause`). */
export function asError(error: unknown): Error {
  return isError(error) ? error : new Error(errorMessage(error), { cause: error });
}

const THROWN_TEXT_MAX = 200;

function thrownText(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'object' && value !== null) {
    try {
      text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value); // a cycle, a BigInt inside
    }
  } else text = String(value);
  const line = oneLine(text);
  return line.length > THROWN_TEXT_MAX ? `${line.slice(0, THROWN_TEXT_MAX - 1)}…` : line;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim();
}
