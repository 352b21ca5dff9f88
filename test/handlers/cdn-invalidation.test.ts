import { describe, expect, it } from 'vitest';
import { CDN_STATE_SCHEMA, type CdnState, MAX_PATHS, planInvalidation } from '#handlers/cdn-invalidation.js';
import type { ChangesList } from '#pipeline/publish/changes-list.js';
import { CHANGES_SCHEMA } from '#pipeline/publish/export-schema.js';

const settings = { publicUrl: 'https://d1.cloudfront.net', contentMode: 'full' };
const done = (seq: number, s: CdnState['settings'] = settings): CdnState => ({
  schema: CDN_STATE_SCHEMA,
  seq,
  settings: s,
});
function changes(entries: [number, string][], complete = true): ChangesList {
  return {
    schema: CHANGES_SCHEMA,
    generatedAt: '2026-11-25T00:00:00Z',
    complete,
    changes: entries
      .map(([seq, id]) => ({
        seq,
        id,
        version: 1,
        type: 'article.published' as const,
        updatedAt: '2026-11-25T00:00:00Z',
        href: `https://d1.cloudfront.net/exports/v1/articles/${id}.json`,
      }))
      .sort((a, b) => b.seq - a.seq),
  };
}

describe('planInvalidation', () => {
  it('invalidates nothing before anything was published', () => {
    expect(planInvalidation(undefined, undefined, undefined).paths).toEqual([]);
  });

  it('invalidates everything the first time, and when the content mode or public URL changed', () => {
    expect(planInvalidation(undefined, changes([[1, 'a']]), settings).paths).toEqual(['/*']);
    expect(planInvalidation(done(1), changes([[1, 'a']]), { ...settings, contentMode: 'summary' }).paths).toEqual([
      '/*',
    ]);
    expect(
      planInvalidation(done(1), changes([[1, 'a']]), { ...settings, publicUrl: 'https://news.example.org' }).paths,
    ).toEqual(['/*']);
  });

  it('invalidates everything once after an upgrade rendered every public file again in a new format', () => {
    const upgraded = planInvalidation(done(1), changes([[1, 'a']]), { ...settings, format: 2 });
    expect(upgraded.paths).toEqual(['/*']);
    expect(planInvalidation(upgraded.next, changes([[1, 'a']]), { ...settings, format: 2 }).paths).toEqual([]);
  });

  it('invalidates the files of each story with a new version since the last invalidation', () => {
    const plan = planInvalidation(
      done(2),
      changes([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
        [4, 'c'],
        [5, 'd'],
      ]),
      settings,
    );
    expect(plan.paths).toEqual([
      '/articles/c/*',
      '/exports/v1/articles/c.json',
      '/articles/d/*',
      '/exports/v1/articles/d.json',
    ]);
    expect(plan.next).toEqual(done(5));
    expect(planInvalidation(done(5), changes([[5, 'd']]), settings).paths).toEqual([]);
  });

  it('invalidates the article prefixes when there are too many, or changes scrolled out of the list', () => {
    const many = Array.from({ length: MAX_PATHS }, (_, i): [number, string] => [i + 2, `s${i}`]);
    expect(planInvalidation(done(1), changes(many), settings).paths).toEqual(['/articles/*', '/exports/v1/articles/*']);
    expect(planInvalidation(done(1), changes([[9, 'z']], false), settings).paths).toEqual([
      '/articles/*',
      '/exports/v1/articles/*',
    ]);
  });

  it('gives a retried request the same caller reference, and the next one another', () => {
    const list = changes([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(planInvalidation(done(1), list, settings).callerReference).toBe(
      planInvalidation(done(1), list, settings).callerReference,
    );
    expect(planInvalidation(done(2), changes([[3, 'c']]), settings).callerReference).not.toBe(
      planInvalidation(done(1), list, settings).callerReference,
    );
  });
});
