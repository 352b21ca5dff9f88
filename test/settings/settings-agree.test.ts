// The stack checks its context by the settings' definitions and passes the values to the functions'
// environment, where the same definitions check them again: whatever the stack accepts, the
// functions accept and read as the same value (so a deploy never makes functions that refuse to start).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VARIABLES } from '#handlers/deployment.js';
import { readHandlerConfig } from '#handlers/handler-config.js';
import { readConfig } from '#lib/config.js';

// Mostly values the stack accepts (so the property has something to say), some it refuses.
const context = fc.record(
  {
    maxPerRun: fc.oneof(fc.integer({ min: -5, max: 20_000 }).map(String), fc.constantFrom('1.5', '1e2', 'x')),
    originRate: fc.oneof(
      fc.double({ min: 0, max: 20, noNaN: true }).map(String),
      fc.integer({ min: -1, max: 25 }).map(String),
    ),
    origin: fc.oneof(
      fc.webUrl({ validSchemes: ['http', 'https'] }).map((url) => new URL(url).origin),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.constant('https://www.ilo.org/'),
    ),
    contentMode: fc.constantFrom('full', 'summary', 'teaser'),
    userAgent: fc.oneof(fc.string({ minLength: 8, maxLength: 40 }), fc.string({ maxLength: 20 })),
  },
  { requiredKeys: [] },
);

describe('the stack and the functions read shared settings by one definition', () => {
  it('accept the same values, and read them alike', () => {
    let accepted = 0;
    fc.assert(
      fc.property(context, (ctx) => {
        let config: ReturnType<typeof readConfig>;
        try {
          config = readConfig((key) => ctx[key as keyof typeof ctx]);
        } catch {
          return; // refused by the stack: never deployed
        }
        accepted++;
        // As lib/constructs/pipeline-functions.ts writes them (ingest gets a share of the rate).
        for (const requestsPerSecond of [config.originRate, config.originRate / 2]) {
          const env = {
            [VARIABLES.bucket]: 'content',
            [VARIABLES.origin]: config.origin,
            [VARIABLES.contentMode]: config.contentMode,
            [VARIABLES.maxPerRun]: String(config.maxPerRun),
            [VARIABLES.requestsPerSecond]: String(requestsPerSecond),
            ...(config.userAgent ? { [VARIABLES.userAgent]: config.userAgent } : {}),
          };
          expect(readHandlerConfig(env, [])).toMatchObject({
            origin: config.origin,
            contentMode: config.contentMode,
            maxPerRun: config.maxPerRun,
            requestsPerSecond,
            ...(config.userAgent ? { userAgent: config.userAgent } : {}),
          });
        }
      }),
      { numRuns: 300, seed: 11 }, // a fixed seed: the same cases on every run
    );
    expect(accepted).toBeGreaterThan(30);
  });
});
