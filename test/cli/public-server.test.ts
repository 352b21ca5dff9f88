// `serve` over real HTTP: only the public keys, with the content types, ETag/304, Cache-Control and
// CORS a feed reader or a partner's browser relies on; everything private is a 404, however asked.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../functions/adapters/fs-store.js';
import { type PublicServer, keyOf, startPublicServer } from '../../functions/cli/public-server.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request, so the path reaches the server exactly as written (no client-side normalization). */
function get(server: PublicServer, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve', () => {
  let server: PublicServer;
  let data: { dir: string; cleanup: () => Promise<void> };
  const files: Record<string, string> = {
    'feeds/en/rss.xml': '<rss version="2.0"><channel><title>ILO News</title></channel></rss>\n',
    'feeds/zh/atom.xml': '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hans"><title>国际劳工组织新闻</title></feed>\n',
    'feeds/en/feed.json': '{"version":"https://jsonfeed.org/version/1.1","title":"ILO News","items":[]}\n',
    'feeds/en/topics/skills/rss.xml': '<rss version="2.0"/>\n',
    'exports/v1/index.json': '{"articles":[]}\n',
    'exports/v1/articles/a-story.json': '{"id":"a-story"}\n',
    'articles/a-story/en.md': '---\ntitle: "A story"\n---\n\nBody.\n',
    'articles/a-story/zh.md': '---\ntitle: "故事"\n---\n\n正文。\n',
    'articles/a-story/meta.json': '{"id":"a-story"}\n',
    'raw/a-story/en.html': '<html>raw</html>',
    'state/crawl.json': '{"secret":true}',
    'state/notified/a-story/v000001.json': '{}',
  };

  beforeAll(async () => {
    data = await tempDir();
    const store = await FsStore.open(data.dir);
    for (const [key, body] of Object.entries(files)) await store.put(key, body, { contentType: 'application/octet-stream' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${data.dir}/notifications.jsonl`, '{"Subject":"x"}\n');
    server = await startPublicServer(store, 0);
  });
  afterAll(async () => {
    await server.close();
    await data.cleanup();
  });

  it.each([
    ['/feeds/en/rss.xml', 'application/rss+xml; charset=utf-8', 'public, max-age=300'],
    ['/feeds/zh/atom.xml', 'application/atom+xml; charset=utf-8', 'public, max-age=300'],
    ['/feeds/en/feed.json', 'application/feed+json; charset=utf-8', 'public, max-age=300'],
    ['/feeds/en/topics/skills/rss.xml', 'application/rss+xml; charset=utf-8', 'public, max-age=300'],
    ['/exports/v1/index.json', 'application/json; charset=utf-8', 'public, max-age=300'],
    ['/exports/v1/articles/a-story.json', 'application/json; charset=utf-8', 'public, max-age=3600'],
    ['/articles/a-story/en.md', 'text/markdown; charset=utf-8', 'public, max-age=3600'],
    ['/articles/a-story/meta.json', 'application/json; charset=utf-8', 'public, max-age=3600'],
  ])('serves %s as %s', async (path, contentType, cacheControl) => {
    const answer = await get(server, path);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe(contentType);
    expect(answer.headers['cache-control']).toBe(cacheControl);
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.body).toBe(files[path.slice(1)]);
  });

  it('answers 304 to a matching If-None-Match, and a changed file gets a new ETag', async () => {
    const first = await get(server, '/feeds/zh/atom.xml');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await get(server, '/feeds/zh/atom.xml', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const other = await get(server, '/feeds/en/rss.xml', { headers: { 'if-none-match': etag } });
    expect(other.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', async () => {
    const answer = await get(server, '/articles/a-story/zh.md', { method: 'HEAD' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(files['articles/a-story/zh.md']!)));
    expect(answer.body).toBe('');
  });

  it('sends CORS headers on exports (and feeds), answers the preflight, and not on Markdown', async () => {
    const exported = await get(server, '/exports/v1/index.json');
    expect(exported.headers['access-control-allow-origin']).toBe('*');
    const preflight = await get(server, '/exports/v1/index.json', { method: 'OPTIONS', headers: { origin: 'https://partner.example', 'access-control-request-method': 'GET' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('GET');
    expect((await get(server, '/articles/a-story/en.md')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    '/raw/a-story/en.html',
    '/state/crawl.json',
    '/state/notified/a-story/v000001.json',
    '/notifications.jsonl',
    '/feeds/en/../../state/crawl.json',
    '/feeds/en/%2e%2e/%2e%2e/state/crawl.json',
    '/feeds/en/..%2f..%2fstate/crawl.json',
    '/feeds/%252e%252e/state/crawl.json',
    '/feeds/en/..%5c..%5cstate%5ccrawl.json',
    '/articles/a-story/../../raw/a-story/en.html',
    '/articles/a-story/en.md%00.json',
    '//state/crawl.json',
    '/exports/v1/articles/../../../state/crawl.json',
    '/articles/a-story/',
    '/feeds/',
    '/package.json',
  ])('answers 404 for %s', async (path) => {
    const answer = await get(server, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('secret');
    expect(answer.body).not.toContain('raw');
  });

  it('refuses methods other than GET, HEAD and OPTIONS', async () => {
    expect((await get(server, '/feeds/en/rss.xml', { method: 'DELETE' })).status).toBe(405);
    expect((await get(server, '/feeds/en/rss.xml', { method: 'POST' })).status).toBe(405);
  });

  it('maps request paths to keys without ever leaving the public names', () => {
    expect(keyOf('/feeds/en/rss.xml?x=1')).toBe('feeds/en/rss.xml');
    expect(keyOf('/%E4%B8%AD')).toBe('中');
    expect(keyOf('/a/%2e%2e/b')).toBe('b'); // dot segments are resolved first: nothing climbs above the root
    expect(keyOf('/a/%252e%252e/b')).toBeUndefined(); // double encoding is not undone twice
    expect(keyOf('/a%5cb')).toBeUndefined();
    expect(keyOf('/%E0%A4%A')).toBeUndefined();
  });
});
