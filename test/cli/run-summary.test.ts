// The human summary of a run: what it says about pages left pending.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '#cli/run-summary.js';
import { parseCommand, type RunConfig } from '#cli/args.js';
import { pipelineHarness } from '#test/helpers/pipeline-harness.js';

describe('formatSummary', () => {
  it('says how many pages are pending and how to take those set aside', async () => {
    const report = await pipelineHarness().run({ since: '2025-06-01' });
    const config = parseCommand(['run', '--data', '/tmp/x', '--since', '2025-06-01']) as RunConfig;
    const text = formatSummary(report, config);
    expect(text).toContain(
      "pending     6 pages set aside (older than this run's window or --since: take them with --backfill or an earlier --since)",
    );
  });

  it('tells a person where to open the site: the landing page, and the feeds to subscribe to', async () => {
    const report = await pipelineHarness().run();
    const text = formatSummary(
      report,
      parseCommand(['run', '--data', '/tmp/x', '--public-url', 'https://example.org/ilo/']) as RunConfig,
    );
    expect(text).toContain('npm run syndicate -- serve --data /tmp/x');
    expect(text).toContain(
      'open https://example.org/ilo/ in a browser (the landing page: every feed, feeds.opml, the exports)',
    );
    expect(text).toContain('subscribe a feed reader to https://example.org/ilo/feeds/en/rss.xml');
  });

  it("gives serve the port of the folder's public URL when it is not serve's default, so the links work", async () => {
    const report = await pipelineHarness().run();
    const serveLine = (publicUrl?: string) =>
      formatSummary(
        report,
        parseCommand(['run', '--data', '/tmp/x', ...(publicUrl ? ['--public-url', publicUrl] : [])]) as RunConfig,
      )
        .split('\n')
        .find((line) => line.includes('serve --data'));
    expect(serveLine('http://127.0.0.1:8186')).toBe(
      'To look at the site: npm run syndicate -- serve --data /tmp/x --port 8186',
    );
    expect(serveLine('http://localhost/')).toBe(
      'To look at the site: npm run syndicate -- serve --data /tmp/x --port 80',
    );
    for (const url of [undefined, 'http://127.0.0.1:8080/', 'https://example.org:8443/']) {
      expect(serveLine(url), url).toBe('To look at the site: npm run syndicate -- serve --data /tmp/x');
    }
  });

  it('says nothing about pending pages when none are', async () => {
    const report = await pipelineHarness().run();
    const text = formatSummary(report, parseCommand(['run', '--data', '/tmp/x']) as RunConfig);
    expect(text).not.toContain('pending');
  });
});

describe('formatSummary counts', () => {
  it('says "1 page", not "1 pages", everywhere it counts', async () => {
    const report = await pipelineHarness().run();
    const one = {
      ...report,
      knownPages: 1,
      discovery: { ...report.discovery, source: 'sitemap' as const, sitemapPagesFetched: 1 },
      candidates: 1,
      coveredByTwin: 1,
      gone: ['https://www.ilo.org/resource/news/x'],
      publish: { ...report.publish, notificationsSent: 1 },
    };
    const text = formatSummary(one, parseCommand(['run', '--data', '/tmp/x']) as RunConfig, [
      'exports/v1/archive/2025-01.json',
    ]);
    expect(text).toContain('discovered  1 news page known (sitemap: 1 page read,');
    expect(text).toContain('ingested    1 page to check ->');
    expect(text).toContain('1 page came with its other-language twin');
    expect(text).toContain('gone        1 page answered 404/410 (recorded, not fetched again until it changes)');
    expect(text).toContain('published   1 file written (1 archive page), 1 notification sent');
    expect(text).not.toMatch(/\b1 (news pages|pages|files|archive pages|notifications)\b/);
  });

  it('counts article files, archive pages, feeds and indexes apart', async () => {
    const report = await pipelineHarness().run();
    const written = [
      'articles/a/meta.json',
      'articles/a/en.md',
      'exports/v1/articles/a.json',
      'exports/v1/archive/2025-01.json',
      'exports/v1/archive/2024-12.json',
      'feeds/en/rss.xml',
      'exports/v1/index.json',
    ];
    const text = formatSummary(report, parseCommand(['run', '--data', '/tmp/x']) as RunConfig, written);
    expect(text).toMatch(
      /published {3}7 files written \(3 article files, 2 archive pages, 1 feed file, 1 index file\), \d+ notifications? sent/,
    );
  });
});
