// What subscribers and partners get, checked as they would check it: a real feed reader (newsboat)
// subscribed to the served feeds, the Markdown files read as YAML front matter, summary mode leaving
// every body out (runs in process), and two overlapping runs (two processes) sending each notification once.
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FsStore } from '#adapters/fs-store.js';
import { type PublicServer, startPublicServer } from '#cli/public-server.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { runCli } from '#test/helpers/cli.js';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { hasClient, requireClient } from '#test/helpers/real-clients.js';
import { tempDir } from '#test/helpers/temp-dir.js';
import { notificationEvent } from '#test/helpers/notification-event.js';

const run = promisify(execFile);
const newsboat = requireClient('newsboat', hasClient('newsboat'));

async function files(dir: string, under: string): Promise<string[]> {
  const entries = await readdir(path.join(dir, under), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('published outputs', () => {
  let replica: ReplicaServer;
  let full: { dir: string; cleanup: () => Promise<void> };
  let summary: { dir: string; cleanup: () => Promise<void> };
  let server: PublicServer;

  beforeAll(async () => {
    replica = await startReplicaServer();
    full = await tempDir();
    summary = await tempDir();
    server = await startPublicServer(await FsStore.open(full.dir), 0);
    const [a, b] = await Promise.all([
      runInProcess(['run', '--origin', replica.origin, '--data', full.dir, '--public-url', server.url]),
      runInProcess(['run', '--origin', replica.origin, '--data', summary.dir, '--content', 'summary']),
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    await replica?.close();
    await full?.cleanup();
    await summary?.cleanup();
  });

  it.skipIf(!newsboat)(
    'lists every story in newsboat, subscribed to the served English and Chinese feeds',
    async () => {
      const home = await tempDir('newsboat-');
      try {
        const urls = path.join(home.dir, 'urls');
        const feeds = ['feeds/en/rss.xml', 'feeds/en/atom.xml', 'feeds/zh/rss.xml', 'feeds/zh/atom.xml'];
        await writeFile(urls, feeds.map((feed) => `${server.url}/${feed}`).join('\n'));
        const cache = path.join(home.dir, 'cache.db');
        const { stdout } = await run('newsboat', ['-u', urls, '-c', cache, '-x', 'reload', 'print-unread'], {
          env: { ...process.env, HOME: home.dir },
        });
        const index = JSON.parse(await readFile(path.join(full.dir, 'exports/v1/index.json'), 'utf8')) as {
          articles: { languages: string[]; title: Record<string, string> }[];
        };
        const en = index.articles.filter((a) => a.languages.includes('en'));
        const zh = index.articles.filter((a) => a.languages.includes('zh'));
        // RSS and Atom carry the same ids (the canonical URL), so newsboat counts each story once.
        expect(stdout.trim()).toBe(`${en.length + zh.length} unread articles`);
        // The titles newsboat stored, exactly as published.
        const { stdout: rows } = await run('python3', [
          '-c',
          `import sqlite3,json; c=sqlite3.connect(${JSON.stringify(cache)}); print(json.dumps([[u,t,g] for u,t,g in c.execute('select feedurl, title, guid from rss_item')]))`,
        ]);
        const stored = JSON.parse(rows) as [string, string, string][];
        expect(stored.map(([, title]) => title).sort()).toEqual(
          [...en.map((a) => a.title.en!), ...zh.map((a) => a.title.zh!)].sort(),
        );
        expect(stored.every(([, , guid]) => guid.startsWith('https://www.ilo.org/'))).toBe(true);
      } finally {
        await home.cleanup();
      }
    },
    60_000,
  );

  it('writes Markdown front matter that YAML readers take as is, with no lang key (Hugo rejects it)', async () => {
    for (const file of (await files(full.dir, 'articles')).filter((f) => f.endsWith('.md'))) {
      const text = await readFile(path.join(full.dir, file), 'utf8');
      const match = /^---\n([\s\S]*?)\n---\n\n([\s\S]+)$/.exec(text);
      expect(match, file).not.toBeNull();
      const front = parseYaml(match![1]!) as Record<string, unknown>;
      for (const key of ['title', 'date', 'canonical', 'topics', 'rights'])
        expect(front, `${file} ${key}`).toHaveProperty(key);
      expect(typeof front.title).toBe('string');
      expect(Number.isNaN(Date.parse(String(front.date)))).toBe(false);
      expect(front, file).not.toHaveProperty('lang');
      expect(String(front.canonical)).toMatch(/^https:\/\/www\.ilo\.org\//);
      expect(front.rights).toBe('© International Labour Organization');
      expect(match![2]!.length).toBeGreaterThan(100);
    }
  });

  it('leaves the body out of every public file in summary mode', async () => {
    const body = 'Srinivas Reddy, Chief of ILO’s Skills and Employability Branch';
    const publicFiles = [
      ...(await files(summary.dir, 'feeds')),
      ...(await files(summary.dir, 'exports')),
      ...(await files(summary.dir, 'articles')),
    ];
    expect(publicFiles.length).toBeGreaterThan(20);
    for (const file of publicFiles) {
      const text = await readFile(path.join(summary.dir, file), 'utf8');
      expect(text, file).not.toContain(body);
      expect(text, file).not.toContain('content:encoded');
    }
    const md = await readFile(
      path.join(summary.dir, 'articles/ilo-partners-microsoft-strengthen-ai-skilling-china/en.md'),
      'utf8',
    );
    expect(md).toContain('The ILO and Microsoft are building the capacity of TVET teachers');
    expect(md).toContain(
      '[Read the full story on ilo.org](https://www.ilo.org/resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china)',
    );
    // The private snapshot keeps the page, for reprocessing in full mode later.
    expect(
      await readFile(path.join(summary.dir, 'raw/ilo-partners-microsoft-strengthen-ai-skilling-china/en.html'), 'utf8'),
    ).toContain(body);
  });
});

describe('two overlapping runs on one data folder', () => {
  it('send each notification once and list each story once', async () => {
    const replica = await startReplicaServer();
    const data = await tempDir();
    try {
      const results = await Promise.all(
        [0, 1].map(() => runCli(['run', '--origin', replica.origin, '--data', data.dir])),
      );
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const lines = (await readFile(path.join(data.dir, 'notifications.jsonl'), 'utf8')).trim().split('\n');
      const ids = lines.map((line) => notificationEvent(JSON.parse(line)).id);
      expect(ids).toHaveLength(6);
      expect(new Set(ids).size).toBe(6);
      const feed = await readFile(path.join(data.dir, 'feeds/en/rss.xml'), 'utf8');
      expect(feed.match(/<item>/g)).toHaveLength(5);
      const index = JSON.parse(await readFile(path.join(data.dir, 'exports/v1/index.json'), 'utf8')) as {
        articles: { id: string }[];
      };
      expect(new Set(index.articles.map((a) => a.id)).size).toBe(index.articles.length);
    } finally {
      await replica.close();
      await data.cleanup();
    }
  });
});
