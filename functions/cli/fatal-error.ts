// The one line a run prints when it cannot go on (exit status 1). Errors the CLI expects carry a
// sentence of their own; anything else is named in one line too (its stack only with --verbose),
// so a user never reads an SDK warning and a stack trace to learn that an endpoint is down.
import { StoreBusy, StoreNotReadable, StoreNotWritable } from '../adapters/fs-store.js';
import { PullBusy } from '../adapters/site-folder-lock.js';
import { NotificationFailed } from '../adapters/sns-notifier.js';
import { OriginUnreachable } from '../pipeline/discover/read-sitemaps.js';
import { BadExport, errorMessage, isError } from '../pipeline/errors.js';
import { CorruptDocument } from '../pipeline/state/json-objects.js';
import { UsageError } from './args.js';

const EXPECTED = [
  OriginUnreachable,
  StoreNotWritable,
  StoreNotReadable,
  StoreBusy,
  NotificationFailed,
  CorruptDocument,
  UsageError,
  BadExport,
  PullBusy,
];

export interface FatalError {
  line: string;
  /** True when the error was not one the CLI expects: worth its stack trace with --verbose. */
  unexpected: boolean;
}

export function describeFatalError(error: unknown): FatalError {
  if (!isError(error)) return { line: firstLine(errorMessage(error)), unexpected: true };
  if (EXPECTED.some((type) => error instanceof type)) return { line: firstLine(error.message), unexpected: false };
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return { line: `port already in use (${firstLine(error.message)})`, unexpected: false };
  if (code === 'EACCES' && (error as NodeJS.ErrnoException).syscall === 'listen')
    return { line: `not allowed to listen there (${firstLine(error.message)})`, unexpected: false };
  // A system call's error says what happened ("ENOSPC: no space left on device, write"), with the
  // path where it has one (a write to an open file has none: a full disk was reported as a bug).
  if (code && ((error as NodeJS.ErrnoException).path || (error as NodeJS.ErrnoException).syscall))
    return { line: firstLine(error.message), unexpected: false };
  // An AWS SDK error names the service's error code (AccessDenied, NoSuchBucket...).
  if ('$metadata' in error)
    return { line: `AWS answered ${error.name}: ${firstLine(error.message)}`, unexpected: false };
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return { line: `${name}${firstLine(messageOf(error))}`, unexpected: true };
}

/** The message, or for an error that has none (AggregateError of a host's two addresses) its parts'. */
function messageOf(error: Error): string {
  if (error.message) return error.message;
  const parts = (error as { errors?: unknown[] }).errors;
  return Array.isArray(parts) && parts.length > 0
    ? parts.map((part) => errorMessage(part)).join('; ')
    : 'unknown error';
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? 'unknown error'
  );
}
