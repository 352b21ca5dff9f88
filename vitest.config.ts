import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The synthesized stack run locally has its own command (npm run test:cloud, vitest.cloud.config.ts).
    exclude: ['test/cloud/**', '**/node_modules/**'],
    // Timeouts catch a hang; they judge no speed. A test that takes 10 s on an idle machine takes
    // three times that with both cores busy, and must stay green there.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers on 127.0.0.1 and spawn the CLI; forks isolate them cleanly.
    pool: 'forks',
    // vitest's default for a run is one worker fewer than the cores: a single worker on CI's 2 cores,
    // idle while a file waits on a spawned CLI, a browser or a server. One per core keeps both busy
    // (the suite took 470 s with one worker and 255 s with two, same machine and load).
    maxWorkers: Math.max(2, availableParallelism()),
    // One fauxqs (S3/SNS/SQS emulator) on 127.0.0.1 for the run; tests get it with inject('fauxqsEndpoint').
    globalSetup: ['test/helpers/fauxqs-global-setup.ts'],
  },
});
