// Whole runs in process (fixture fetcher over the bundled replica, memory store): what a sequence of
// runs with different flags fetches, and what the run report says is left.
import { describe, expect, it } from 'vitest';
import { pipelineHarness } from '../helpers/pipeline-harness.js';
import { STORY, canonical } from '../helpers/replica.js';

describe('pages set aside', () => {
  it('stay pending: an earlier --since and --backfill take them later, --max at a time, and the report counts them', async () => {
    const { run, fetcher } = pipelineHarness();
    const first = await run({ since: '2025-06-01' });
    expect(first.newStories.sort()).toEqual(['youth-employment-rebounds-asia-pacific-but-informality-persists', 'zh-0320866f6ec8']);
    // The replica lists 9 news pages: 3 on or after the date (one of them a twin), 6 set aside.
    expect(first).toMatchObject({ pendingPages: 6, setAsidePages: 6 });

    const ordinary = await run();
    expect(ordinary.candidates).toBe(0); // an ordinary run leaves them alone
    expect(ordinary).toMatchObject({ pendingPages: 6, setAsidePages: 6 });

    const earlier = await run({ since: '2024-06-01' });
    expect(earlier.newStories.sort()).toEqual([
      'ilo-forum-calls-investment-care-economy-close-gender-gaps',
      'ilo-partners-microsoft-strengthen-ai-skilling-china',
      'survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots',
    ]);
    expect(earlier).toMatchObject({ pendingPages: 1, setAsidePages: 1 });

    fetcher.requests.length = 0;
    const backfill = await run({ backfill: true, max: 1 });
    expect(backfill.newStories).toEqual(['ilo-partners-launch-covid-19-workplace-safety-training-small-businesses']);
    expect(fetcher.requests).toContain(canonical(STORY.olderEn));
    expect(backfill).toMatchObject({ pendingPages: 0, setAsidePages: 0 });
    expect(backfill.publish.notificationsSent).toBe(1);
  });
});
