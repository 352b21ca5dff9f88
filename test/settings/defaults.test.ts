// One set of defaults (DEFAULTS in pipeline/config.ts): a local run, the Lambdas and the stack start
// from the same origin, pages per run, rate and content mode, and the HTTP fetcher's own defaults
// are the CLI's, so a change in one place cannot leave the others behind.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_OPTIONS } from '#adapters/http-fetcher.js';
import { type RunConfig, type ServeConfig, parseCommand } from '#cli/args.js';
import { VARIABLES } from '#handlers/deployment.js';
import { readHandlerConfig } from '#handlers/handler-config.js';
import { readConfig } from '#lib/config.js';

describe('defaults', () => {
  const run = parseCommand(['run']) as RunConfig;
  const functions = readHandlerConfig({ [VARIABLES.bucket]: 'bucket' }, []);
  const stack = readConfig(() => undefined);

  it('a local run, the functions and the stack read the same origin, pages per run and content mode', () => {
    expect(functions.origin).toBe(run.origin);
    expect(stack.origin).toBe(run.origin);
    expect(functions.maxPerRun).toBe(run.max);
    expect(stack.maxPerRun).toBe(run.max);
    expect(functions.contentMode).toBe(run.contentMode);
    expect(stack.contentMode).toBe(run.contentMode);
  });

  it("the functions' and the stack's origin rate is the fetcher's", () => {
    expect(functions.requestsPerSecond).toBe(DEFAULT_HTTP_OPTIONS.requestsPerSecond);
    expect(stack.originRate).toBe(DEFAULT_HTTP_OPTIONS.requestsPerSecond);
  });

  it("the CLI's timeout, retries and concurrency are the fetcher's", () => {
    expect(run.timeoutMs).toBe(DEFAULT_HTTP_OPTIONS.timeoutMs);
    expect(run.retries).toBe(DEFAULT_HTTP_OPTIONS.retries);
    expect(run.concurrency).toBe(DEFAULT_HTTP_OPTIONS.concurrency);
  });

  it('the default public URL is where serve listens by default', () => {
    const serve = parseCommand(['serve']) as ServeConfig;
    expect(new URL(run.publicUrl).port).toBe(String(serve.port));
  });
});
