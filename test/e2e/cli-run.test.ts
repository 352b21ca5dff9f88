// The whole pipeline as a user runs it: the real CLI in a process of its own for the first run (the
// exit status as the shell sees it), in process through main for the rest; the replica over real
// HTTP, a real data folder.
import { createHash } from 'node:crypto';
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import type { RunReport } from '#pipeline/run-pipeline.js';
import { runCli } from '#test/helpers/cli.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { STORY, canonical } from '#test/helpers/replica.js';
import { parseStrictXml } from '#test/helpers/strict-xml.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { notificationEvent } from '#test/helpers/notification-event.js';

const SEED_ID = 'ilo-partners-microsoft-strengthen-ai-skilling-china';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function fingerprint(dir: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const file of await filesUnder(dir)) {
    result[file] = createHash('sha256')
      .update(await readFile(path.join(dir, file)))
      .digest('hex');
  }
  return result;
}

async function notifications(dir: string): Promise<{ Subject: string; Message: string }[]> {
  const text = await readFile(path.join(dir, 'notifications.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('syndicate run against the ILO replica', () => {
  let replica: ReplicaServer;
  let data: { dir: string; cleanup: () => Promise<void> };
  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    replica = await startReplicaServer();
    data = await tempDir();
    first = await runCli(['run', '--origin', replica.origin, '--data', data.dir]);
  });
  afterAll(async () => {
    await replica.close();
    await data.cleanup();
  });

  // On purpose on the human summary (what people read after a run); the other runs assert on --json.
  it('completes and prints what it did', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('6 new, 0 updated, 0 unchanged');
    expect(first.stdout).toContain('6 notifications sent');
    expect(first.stdout).toMatch(/serve --data/);
  });

  it('writes the store layout of the design', async () => {
    const files = await filesUnder(data.dir);
    for (const expected of [
      `articles/${SEED_ID}/meta.json`,
      `articles/${SEED_ID}/en.md`,
      `articles/${SEED_ID}/zh.md`,
      'feeds/en/rss.xml',
      'feeds/en/atom.xml',
      'feeds/en/feed.json',
      'feeds/zh/rss.xml',
      'feeds/zh/atom.xml',
      'feeds/zh/feed.json',
      'exports/v1/index.json',
      'exports/v1/schema.json',
      `exports/v1/articles/${SEED_ID}.json`,
      `raw/${SEED_ID}/en.html`,
      'notifications.jsonl',
    ]) {
      expect(files, expected).toContain(expected);
    }
  });

  it('records the seed story in both languages with canonical www.ilo.org URLs', async () => {
    const record = JSON.parse(await readFile(path.join(data.dir, `articles/${SEED_ID}/meta.json`), 'utf8'));
    expect(record).toMatchObject({
      schema: 'ilo-syndication/article@1',
      id: SEED_ID,
      version: 1,
      languages: ['en', 'zh'],
      title: {
        en: 'ILO partners with Microsoft to strengthen AI skilling in China',
        zh: '国际劳工组织与微软合作加强中国人工智能技能培训',
      },
      url: { en: canonical(STORY.seedEn), zh: canonical(STORY.seedZh) },
    });
    expect(record.publishedAt.slice(0, 10)).toBe('2024-11-12');
    expect(JSON.stringify(record)).not.toContain('127.0.0.1:');
  });

  it('writes Markdown with front matter, the body and none of the page chrome', async () => {
    const en = await readFile(path.join(data.dir, `articles/${SEED_ID}/en.md`), 'utf8');
    expect(en).toMatch(/^---\ntitle: "ILO partners with Microsoft to strengthen AI skilling in China"\n/);
    // No `lang:` key: Hugo takes the language from the file name and rejects `lang` in current releases.
    expect(en).not.toMatch(/^lang:/m);
    expect(en).toMatch(/^translations:\n {2}zh-Hans: "https:\/\/www\.ilo\.org\/zh-hans\//m);
    expect(en).toContain(`canonical: "${canonical(STORY.seedEn)}"`);
    expect(en).toContain('Srinivas Reddy, Chief of ILO’s Skills and Employability Branch');
    for (const chrome of [
      'Facebook',
      'cookie',
      'Related news',
      'Content also available',
      'Previously posted',
      'Morillons',
    ]) {
      expect(en, chrome).not.toContain(chrome);
    }
    const zh = await readFile(path.join(data.dir, `articles/${SEED_ID}/zh.md`), 'utf8');
    expect(zh).not.toMatch(/^lang:/m);
    expect(zh).toMatch(/^translations:\n {2}en: "https:\/\/www\.ilo\.org\/resource\//m);
    expect(zh).toContain('2024年11月5日');
  });

  it('lists the seed story in the English feeds and its translation in the Chinese feeds, in a feed parser', async () => {
    for (const format of ['rss.xml', 'atom.xml']) {
      const en = await readFile(path.join(data.dir, 'feeds/en', format), 'utf8');
      const zh = await readFile(path.join(data.dir, 'feeds/zh', format), 'utf8');
      parseStrictXml(en);
      parseStrictXml(zh);
      expect(parseFeed(en).items.map((i) => i.title)).toContain(
        'ILO partners with Microsoft to strengthen AI skilling in China',
      );
      expect(parseFeed(zh).items.map((i) => i.title)).toContain('国际劳工组织与微软合作加强中国人工智能技能培训');
      expect(parseFeed(zh).items.map((i) => i.title)).not.toContain(
        'ILO partners with Microsoft to strengthen AI skilling in China',
      );
    }
    const json = JSON.parse(await readFile(path.join(data.dir, 'feeds/zh/feed.json'), 'utf8'));
    expect(json.items.map((i: { url: string }) => i.url)).toContain(canonical(STORY.seedZh));
  });

  it('keeps the Chinese-only story as one Chinese record and never takes the untranslated English path as a version', async () => {
    const index = JSON.parse(await readFile(path.join(data.dir, 'exports/v1/index.json'), 'utf8'));
    const chinese = index.articles.filter((a: { languages: string[] }) => a.languages.join() === 'zh');
    expect(chinese).toHaveLength(1);
    expect(chinese[0].id).toMatch(/^zh-[0-9a-f]{12}$/);
    expect(chinese[0].url).toEqual({ zh: canonical(STORY.chineseOnly) });
    expect(JSON.stringify(index)).not.toContain(canonical(STORY.chineseOnlyUnderEnglishPath));
    expect(index.articles).toHaveLength(6);
  });

  it('sends one notification per story on the first run, and none on a rerun that changes nothing', async () => {
    const sent = await notifications(data.dir);
    expect(sent).toHaveLength(6);
    expect(new Set(sent.map((n) => notificationEvent(n).id)).size).toBe(6);
    const before = await fingerprint(data.dir);
    const again = await runInProcess(['run', '--origin', replica.origin, '--data', data.dir, '--json']);
    expect(again.code, again.stderr).toBe(0);
    const report: RunReport = JSON.parse(again.stdout);
    expect([report.newStories, report.updatedStories, report.unchanged]).toEqual([[], [], 0]);
    expect(await notifications(data.dir)).toHaveLength(6);
    expect(await fingerprint(data.dir)).toEqual(before);
  });
});

describe('syndicate run when something is wrong', () => {
  it('rejects a bad flag with a one-line reason and exit status 2', async () => {
    const result = await runInProcess(['run', '--orign', 'http://127.0.0.1:1']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(/^syndicate: unknown option '--orign'$/);
    const badValue = await runInProcess(['run', '--max', 'lots']);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain("--max must be a whole number from 0 to 1000000, got 'lots'");
  });

  it('exits 1 with a one-line reason when the origin is unreachable', async () => {
    const data = await tempDir();
    try {
      const result = await runInProcess([
        'run',
        '--origin',
        'http://127.0.0.1:9',
        '--data',
        data.dir,
        '--timeout',
        '2',
        '--retries',
        '0',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        'syndicate: cannot reach the origin http://127.0.0.1:9 (the mirror of https://www.ilo.org): fetch failed (bad port)',
      ]);
    } finally {
      await data.cleanup();
    }
  });

  it('exits 1 with a one-line reason when the data folder is not writable', async () => {
    const data = await tempDir();
    try {
      const file = path.join(data.dir, 'a-file');
      await writeFile(file, 'not a folder');
      const result = await runInProcess(['run', '--origin', 'http://127.0.0.1:9', '--data', path.join(file, 'data')]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^syndicate: data folder .*a-file\/data is not writable: not a directory$/);
    } finally {
      await chmod(data.dir, 0o700);
      await data.cleanup();
    }
  });

  it('completes when one page fails, reports it, and ingests it on the next run', async () => {
    let failing = true;
    const replica = await startReplicaServer({
      hook: (request, response) => {
        if (failing && request.url === encodeURI(STORY.olderEn)) {
          response.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden');
          return true;
        }
        return false;
      },
    });
    const data = await tempDir();
    try {
      const first = await runInProcess(['run', '--origin', replica.origin, '--data', data.dir, '--json']);
      expect(first.code, first.stderr).toBe(0);
      const firstReport: RunReport = JSON.parse(first.stdout);
      expect(firstReport.newStories).toHaveLength(5);
      expect(firstReport.failed).toEqual([
        { url: canonical(STORY.olderEn), reason: expect.stringContaining('answered 403') },
      ]);
      expect(firstReport.pendingPages).toBe(1);
      failing = false;
      const second = await runInProcess(['run', '--origin', replica.origin, '--data', data.dir, '--json']);
      expect(second.code, second.stderr).toBe(0);
      const secondReport: RunReport = JSON.parse(second.stdout);
      expect([secondReport.newStories.length, secondReport.updatedStories, secondReport.failed]).toEqual([1, [], []]);
      expect(await notifications(data.dir)).toHaveLength(6);
    } finally {
      await replica.close();
      await data.cleanup();
    }
  });
});
