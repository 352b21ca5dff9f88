// The human summary of a run: what it says about pages left pending.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../functions/cli/run-summary.js';
import { parseCommand, type RunConfig } from '../../functions/cli/args.js';
import { pipelineHarness } from '../helpers/pipeline-harness.js';

describe('formatSummary', () => {
  it('says how many pages are pending and how to take those set aside', async () => {
    const report = await pipelineHarness().run({ since: '2025-06-01' });
    const config = parseCommand(['run', '--data', '/tmp/x', '--since', '2025-06-01']) as RunConfig;
    const text = formatSummary(report, config);
    expect(text).toContain('pending     6 pages set aside (older than this run\'s window or --since: take them with --backfill or an earlier --since)');
  });

  it('says nothing about pending pages when none are', async () => {
    const report = await pipelineHarness().run();
    const text = formatSummary(report, parseCommand(['run', '--data', '/tmp/x']) as RunConfig);
    expect(text).not.toContain('pending');
  });
});
