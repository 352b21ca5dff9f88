// `serve` over real HTTP: only the public keys, with the content types, ETag/304, Cache-Control and
// CORS a feed reader or a partner's browser relies on; everything private is a 404, however asked.
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../functions/adapters/fs-store.js';
import { type PublicServer, keyOf, startPublicServer } from '../../functions/cli/public-server.js';
import type { Store } from '../../functions/pipeline/ports.js';
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
    // A short timeout: a request that blocks (a FIFO read) fails the test instead of hanging it.
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`no answer for ${path}`)));
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

describe('serve: only regular files inside the data folder', () => {
  let server: PublicServer;
  let data: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    data = await tempDir();
    const store = await FsStore.open(data.dir);
    await store.put('feeds/en/rss.xml', '<rss version="2.0"/>\n', { contentType: 'application/rss+xml' });
    await store.put('exports/v1/articles/inside.json', '{"id":"inside"}\n', { contentType: 'application/json' });
    await writeFile(`${data.dir}/secret.txt`, 'private, outside the public paths');
    // Planted in public places: links out of the folder, a link to a private file, a FIFO, a folder.
    await symlink('/etc/passwd', `${data.dir}/feeds/en/atom.xml`);
    await symlink('/etc', `${data.dir}/exports/v1/etc`);
    await symlink(`${data.dir}/secret.txt`, `${data.dir}/exports/v1/articles/leak.json`);
    await symlink(`${data.dir}/exports/v1/articles/inside.json`, `${data.dir}/exports/v1/articles/alias.json`);
    await mkdir(`${data.dir}/feeds/zh`, { recursive: true });
    execFileSync('mkfifo', [`${data.dir}/feeds/zh/rss.xml`]);
    await mkdir(`${data.dir}/feeds/zh/atom.xml`);
    server = await startPublicServer(store, 0);
  });
  afterAll(async () => {
    await server.close();
    await data.cleanup();
  });

  it('answers 404 for a symlink to /etc/passwd, not the file', async () => {
    const answer = await get(server, '/feeds/en/atom.xml');
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('root:');
  });

  it('answers 404 through a symlinked folder leading out of the data folder', async () => {
    expect((await get(server, '/exports/v1/etc/passwd.json')).status).toBe(404);
  });

  it('answers 404 for a symlink inside the folder: to a private file, or even to a public one', async () => {
    expect((await get(server, '/exports/v1/articles/leak.json')).status).toBe(404);
    expect((await get(server, '/exports/v1/articles/alias.json')).status).toBe(404);
    expect((await get(server, '/exports/v1/articles/inside.json')).status).toBe(200);
  });

  it('answers 404 for a FIFO without blocking, and keeps answering afterwards', async () => {
    // More FIFO requests than libuv has threads: a blocking open would starve every later read.
    const fifos = await Promise.all(Array.from({ length: 6 }, () => get(server, '/feeds/zh/rss.xml')));
    expect(fifos.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect((await get(server, '/feeds/en/rss.xml')).status).toBe(200);
  });

  it('answers 404 for a folder where a file is expected', async () => {
    expect((await get(server, '/feeds/zh/atom.xml')).status).toBe(404);
  });

});

describe('serve: bounded work per connection', () => {
  let server: PublicServer;
  let data: { dir: string; cleanup: () => Promise<void> };
  const reads: string[] = [];
  // A body larger than loopback socket buffers hold, so a client that never reads never drains it.
  const big = 'x'.repeat(16 * 1024 * 1024);

  beforeAll(async () => {
    data = await tempDir();
    const fs = await FsStore.open(data.dir);
    await fs.put('feeds/en/rss.xml', big, { contentType: 'application/rss+xml' });
    await fs.put('feeds/en/feed.json', '{"items":[]}\n', { contentType: 'application/feed+json' });
    const counting: Store = {
      get: (key) => {
        reads.push(key);
        return fs.get(key);
      },
      put: (key, body, options) => fs.put(key, body, options),
      list: (prefix) => fs.list(prefix),
      delete: (key) => fs.delete(key),
    };
    server = await startPublicServer(counting, 0);
  });
  afterAll(async () => {
    await server.close();
    await data.cleanup();
  });

  function pipeline(count: number, path: string): Socket {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.pause(); // never reads
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(count));
    return socket;
  }

  async function until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  it('reads one body at a time for a client that pipelines requests and never reads the answers', async () => {
    reads.length = 0;
    const clients = Array.from({ length: 5 }, () => pipeline(20, '/feeds/en/rss.xml'));
    await until(() => reads.length >= 1);
    // Another client's request is answered meanwhile; it arrived after all 100 pipelined requests.
    const other = await get(server, '/feeds/en/feed.json');
    expect(other.status).toBe(200);
    // Without the per-connection queue, every pipelined request was read at once: 100 reads.
    expect(reads.filter((key) => key === 'feeds/en/rss.xml').length).toBeLessThanOrEqual(5);
    for (const client of clients) client.destroy();
  });

  it('closes a connection that pipelines far more requests than it reads', async () => {
    reads.length = 0;
    const client = pipeline(200, '/feeds/en/feed.json');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.resume(); // reads now, but only after sending 200 requests at once
    await closed;
    expect(reads.length).toBeLessThan(200);
  });

  it('still answers a few pipelined requests in order', async () => {
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (received += chunk));
    socket.write(['/feeds/en/feed.json', '/nothing', '/feeds/en/feed.json'].map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''));
    await until(() => (received.match(/HTTP\/1\.1 /g) ?? []).length === 3 && received.endsWith('{"items":[]}\n'));
    socket.destroy();
    expect([...received.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1])).toEqual(['200', '404', '200']);
  });
});
