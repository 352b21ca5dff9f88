// vitest globalSetup: one fauxqs for the whole run, its endpoint handed to tests through
// inject('fauxqsEndpoint') (test/helpers/aws-clients.ts). Test files isolate themselves by
// resource name (uniqueName), so they can share it while running in parallel.
import type { TestProject } from 'vitest/node';
import { startFauxqsServer } from './fauxqs.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startFauxqsServer();
  project.provide('fauxqsEndpoint', emulator.endpoint);
  return () => emulator.close();
}
