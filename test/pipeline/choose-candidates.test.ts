import { describe, expect, it } from 'vitest';
import { selectCandidates } from '#pipeline/discover/choose-candidates.js';
import {
  type DiscoveryState,
  countPending,
  emptyDiscoveryState,
  isSetAside,
  markHandled,
  mergeDiscoveryStates,
} from '#pipeline/discover/discovery-state.js';
import { parseNewsListing } from '#pipeline/discover/news-listing.js';
import { parseSitemap } from '#pipeline/discover/sitemap.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';
import { readFileSync } from 'node:fs';
import { REPLICA_SITE } from '#test/helpers/replica.js';

describe('parseSitemap', () => {
  it('reads the index and its pages, with lastmod as ISO', () => {
    const index = parseSitemap(readFileSync(`${REPLICA_SITE}/sitemap.xml`, 'utf8'));
    expect(index.kind).toBe('index');
    expect(index.entries.map((e) => e.loc)).toEqual([
      'https://www.ilo.org/sitemap.xml?page=1',
      'https://www.ilo.org/sitemap.xml?page=2',
    ]);
    const page = parseSitemap(readFileSync(`${REPLICA_SITE}/sitemap.page-1.xml`, 'utf8'));
    expect(page.kind).toBe('urlset');
    expect(page.entries).toContainEqual({ loc: canonical(STORY.seedEn), lastmod: '2024-11-12T10:04:31+01:00' });
  });

  it('refuses a document that is not a sitemap', () => {
    expect(() => parseSitemap('<html><body>Maintenance</body></html>')).toThrow(/not a sitemap/);
  });
});

describe('parseNewsListing', () => {
  it('reads story links and their unix-seconds dates from the cards', () => {
    const entries = parseNewsListing(
      replicaPage('/resource/news/all-news-recent'),
      'https://www.ilo.org/resource/news/all-news-recent',
    );
    expect(entries.map((e) => e.loc)).toContain(canonical(STORY.seedEn));
    expect(entries.find((e) => e.loc === canonical(STORY.seedEn))?.lastmod?.slice(0, 10)).toBe('2024-11-12');
    expect(entries.every((e) => e.loc.startsWith('https://www.ilo.org/resource/news/'))).toBe(true);
  });
});

function stateWith(urls: [string, 'en' | 'zh', string | null][]): DiscoveryState {
  const state = emptyDiscoveryState();
  for (const [url, lang, lastmod] of urls) state.urls[url] = { lang, lastmod };
  return state;
}

const options = { max: 100, backfill: false, firstRunWindow: 2 };

describe('selectCandidates', () => {
  it('takes pending pages newest first, English first on a tie', () => {
    const state = stateWith([
      ['https://www.ilo.org/zh-hans/resource/news/b', 'zh', '2025-01-02'],
      ['https://www.ilo.org/resource/news/a', 'en', '2025-01-01'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-02'],
    ]);
    expect(selectCandidates(state, false, options).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/b',
      'https://www.ilo.org/zh-hans/resource/news/b',
      'https://www.ilo.org/resource/news/a',
    ]);
  });

  it('selects nothing once every page was handled at its current lastmod, and a page again when its lastmod changes', () => {
    const state = stateWith([['https://www.ilo.org/resource/news/a', 'en', '2025-01-01']]);
    markHandled(state, 'https://www.ilo.org/resource/news/a', 'en', 'ingested');
    expect(selectCandidates(state, false, options)).toEqual([]);
    state.urls['https://www.ilo.org/resource/news/a']!.lastmod = '2025-02-01';
    expect(selectCandidates(state, false, options).map((c) => c.url)).toEqual(['https://www.ilo.org/resource/news/a']);
  });

  it('on a first run takes the newest window and sets the rest aside: pending, left alone by ordinary runs', () => {
    const state = stateWith([
      ['https://www.ilo.org/resource/news/a', 'en', '2025-01-01'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-02'],
      ['https://www.ilo.org/resource/news/c', 'en', '2025-01-03'],
    ]);
    expect(selectCandidates(state, true, options).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/c',
      'https://www.ilo.org/resource/news/b',
    ]);
    expect(isSetAside(state.urls['https://www.ilo.org/resource/news/a']!)).toBe(true);
    expect(countPending(state)).toEqual({ pending: 3, setAside: 1 });
    expect(selectCandidates(state, false, options)).toHaveLength(2); // c and b are still pending until ingested
    markHandled(state, 'https://www.ilo.org/resource/news/c', 'en', 'ingested');
    markHandled(state, 'https://www.ilo.org/resource/news/b', 'en', 'ingested');
    expect(selectCandidates(state, false, options)).toEqual([]); // an ordinary run leaves a set aside
    state.urls['https://www.ilo.org/resource/news/a']!.lastmod = '2025-03-01';
    expect(selectCandidates(state, false, options).map((c) => c.url)).toEqual(['https://www.ilo.org/resource/news/a']); // until it changes
  });

  it('with --backfill takes everything, --max at a time, also pages set aside earlier', () => {
    const state = stateWith([
      ['https://www.ilo.org/resource/news/a', 'en', '2025-01-01'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-02'],
      ['https://www.ilo.org/resource/news/c', 'en', '2025-01-03'],
      ['https://www.ilo.org/resource/news/d', 'en', '2025-01-04'],
    ]);
    for (const c of selectCandidates(state, true, options)) markHandled(state, c.url, c.lang, 'ingested');
    expect(countPending(state)).toEqual({ pending: 2, setAside: 2 });
    const first = selectCandidates(state, false, { ...options, backfill: true, max: 1 });
    expect(first.map((c) => c.url)).toEqual(['https://www.ilo.org/resource/news/b']);
    markHandled(state, first[0]!.url, 'en', 'ingested');
    expect(selectCandidates(state, false, { ...options, backfill: true, max: 1 }).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/a',
    ]);
    expect(Object.values(state.urls).some((u) => u.outcome === 'baseline')).toBe(false);
  });

  it('with --since leaves older pages aside, and an earlier --since later takes them', () => {
    const state = stateWith([
      ['https://www.ilo.org/resource/news/a', 'en', '2024-12-31T23:00:00Z'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-02'],
    ]);
    expect(selectCandidates(state, false, { ...options, since: '2025-01-01' }).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/b',
    ]);
    expect(isSetAside(state.urls['https://www.ilo.org/resource/news/a']!)).toBe(true);
    markHandled(state, 'https://www.ilo.org/resource/news/b', 'en', 'ingested');
    expect(selectCandidates(state, false, { ...options, since: '2024-06-01' }).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/a',
    ]);
  });

  it('reads pages an earlier version marked "baseline" as set aside and still pending', () => {
    const state = stateWith([['https://www.ilo.org/resource/news/a', 'en', '2025-01-01']]);
    state.urls['https://www.ilo.org/resource/news/a'] = {
      lang: 'en',
      lastmod: '2025-01-01',
      handled: '2025-01-01',
      outcome: 'baseline',
    };
    expect(countPending(state)).toEqual({ pending: 1, setAside: 1 });
    expect(selectCandidates(state, false, options)).toEqual([]);
    expect(selectCandidates(state, false, { ...options, backfill: true }).map((c) => c.url)).toEqual([
      'https://www.ilo.org/resource/news/a',
    ]);
  });
});

describe('mergeDiscoveryStates', () => {
  it('keeps the newer sighting and the later handling from either run', () => {
    const theirs = stateWith([
      ['https://www.ilo.org/resource/news/a', 'en', '2025-01-02'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-01'],
    ]);
    markHandled(theirs, 'https://www.ilo.org/resource/news/a', 'en', 'ingested');
    const ours = stateWith([
      ['https://www.ilo.org/resource/news/a', 'en', '2025-01-01'],
      ['https://www.ilo.org/resource/news/b', 'en', '2025-01-01'],
      ['https://www.ilo.org/resource/news/c', 'en', '2025-01-03'],
    ]);
    markHandled(ours, 'https://www.ilo.org/resource/news/b', 'en', 'ingested');
    const merged = mergeDiscoveryStates(theirs, ours);
    expect(merged.urls['https://www.ilo.org/resource/news/a']).toMatchObject({
      lastmod: '2025-01-02',
      handled: '2025-01-02',
      outcome: 'ingested',
    });
    expect(merged.urls['https://www.ilo.org/resource/news/b']).toMatchObject({
      handled: '2025-01-01',
      outcome: 'ingested',
    });
    expect(merged.urls['https://www.ilo.org/resource/news/c']).toMatchObject({ lastmod: '2025-01-03' });
    expect(merged.urls['https://www.ilo.org/resource/news/c']!.handled).toBeUndefined();
  });

  it('keeps a page set aside by either run pending and set aside', () => {
    const theirs = stateWith([['https://www.ilo.org/resource/news/a', 'en', '2025-01-01']]);
    theirs.urls['https://www.ilo.org/resource/news/a'] = {
      lang: 'en',
      lastmod: '2025-01-01',
      handled: '2025-01-01',
      outcome: 'baseline',
    };
    const ours = stateWith([['https://www.ilo.org/resource/news/a', 'en', '2025-01-01']]);
    const merged = mergeDiscoveryStates(theirs, ours);
    expect(isSetAside(merged.urls['https://www.ilo.org/resource/news/a']!)).toBe(true);
    expect(countPending(merged)).toEqual({ pending: 1, setAside: 1 });
  });
});
