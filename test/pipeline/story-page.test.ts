// Whether a page that answered 200 is a story: an error or maintenance page is not (it was stored
// as the story "Maintenance"); a story whose design-system markup drifted still is, by its date.
import { describe, expect, it } from 'vitest';
import { extractArticle } from '#pipeline/extract/extract-article.js';
import { notAStory } from '#pipeline/extract/story-page.js';
import { STORY, canonical, replicaPage } from '#test/helpers/replica.js';

const url = canonical(STORY.seedEn);
const read = (html: string) => extractArticle(html, { url, lang: 'en' });

describe('notAStory', () => {
  it('says why a maintenance page served with 200 is no story', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1><p>The site is under maintenance.</p></body></html>';
    expect(notAStory(await read(page))).toMatch(/no news story/);
  });

  it('takes a story page as it is', async () => {
    expect(notAStory(await read(replicaPage(STORY.seedEn)))).toBeUndefined();
  });

  it('takes a redesigned page without the design system as a story when it carries its date', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>ILO news</title><meta property="article:published_time" content="2025-03-04T09:00:00+01:00"></head>' +
      '<body><main><h1>A redesigned story</h1><p>Its text is long enough to be the body of a story, with several words in it.</p></main></body></html>';
    const article = await read(page);
    expect(article.layers).toEqual({ title: 'head', body: 'fallback' });
    expect(notAStory(article)).toBeUndefined();
  });
});
