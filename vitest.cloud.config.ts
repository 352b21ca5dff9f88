import { defineConfig } from 'vitest/config';

// `npm run test:cloud`: the synthesized stack run locally (test/cloud/). Apart from `npm test`
// because it synthesizes with bundling and runs the bundles in child processes under two Node
// versions; .ci/run runs both.
export default defineConfig({
  test: {
    include: ['test/cloud/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    globalSetup: ['test/helpers/fauxqs-global-setup.ts'],
  },
});
