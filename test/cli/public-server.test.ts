// `serve` over real HTTP: only the public keys, with the content types, ETag/304, Last-Modified,
// compression, Cache-Control and CORS a feed reader or a partner's browser relies on, answering as
// CloudFront does; everything private is a 404, however asked.
import { execFile, execFileSync } from 'node:child_process';
import { link, mkdir, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { type Socket, connect } from 'node:net';
import { promisify } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FsStore, MAX_SERVED_BYTES } from '#adapters/fs-store.js';
import { type PublicServer, keyOf, startPublicServer } from '#cli/public-server.js';
import type { Store } from '#pipeline/ports.js';
import {
  EXPECTED_LANDING_CSP,
  EXPECTED_SECURITY_HEADERS,
  PUBLIC_REQUEST_CASES,
  expectedRedirectTargets,
  redirectTargets,
} from '#test/helpers/public-requests.js';
import { DEBIAN_PYTHON, hasPythonModules, requireClient } from '#test/helpers/real-clients.js';
import { tempDir } from '#test/helpers/temp-dir.js';

/** A feed big enough to be compressed (CloudFront compresses from 1,000 bytes). */
const BIG_FEED = `<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>ILO News</title><link>https://www.ilo.org/resource/news</link><description>News</description>${Array.from({ length: 40 }, (_, i) => `<item><title>Story ${i} 国际劳工组织</title><link>https://www.ilo.org/resource/news/story-${i}</link><guid>https://www.ilo.org/resource/news/story-${i}</guid></item>`).join('')}</channel></rss>\n`;
const FILE_TIME = new Date('2026-03-04T05:06:07Z');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  raw: Buffer;
}

/** A raw request, so the path reaches the server exactly as written (no client-side normalization). */
function get(
  server: PublicServer,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    // A short timeout: a request that blocks (a FIFO read) fails the test instead of hanging it.
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode!, headers: res.headers, body: raw.toString('utf8'), raw });
        });
      },
    );
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
    'feeds/zh/atom.xml':
      '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-Hans"><title>国际劳工组织新闻</title></feed>\n',
    'feeds/en/feed.json': '{"version":"https://jsonfeed.org/version/1.1","title":"ILO News","items":[]}\n',
    'feeds/en/topics/skills/rss.xml': '<rss version="2.0"/>\n',
    'exports/v1/index.json': '{"articles":[]}\n',
    'exports/v1/articles/a-story.json': '{"id":"a-story"}\n',
    'articles/a-story/en.md': '---\ntitle: "A story"\n---\n\nBody.\n',
    'articles/a-story/zh.md': '---\ntitle: "故事"\n---\n\n正文。\n',
    'articles/a-story/meta.json': '{"id":"a-story"}\n',
    'index.html': '<!doctype html><html lang="en"><title>ILO news</title></html>\n',
    'feeds.opml':
      '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>ILO</title></head><body/></opml>\n',
    'feeds/zh/rss.xml': BIG_FEED,
    'raw/a-story/en.html': '<html>raw</html>',
    'state/crawl.json': '{"secret":true}',
    'state/notified/a-story/v000001.json': '{}',
  };

  beforeAll(async () => {
    data = await tempDir();
    const store = await FsStore.open(data.dir);
    for (const [key, body] of Object.entries(files))
      await store.put(key, body, { contentType: 'application/octet-stream' });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${data.dir}/notifications.jsonl`, '{"Subject":"x"}\n');
    for (const key of Object.keys(files)) await utimes(`${data.dir}/${key}`, FILE_TIME, FILE_TIME);
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

  it.each(PUBLIC_REQUEST_CASES)(
    '$method $path answers as CloudFront does',
    async ({ method, path, answer, cors, landingPage }) => {
      const got = await get(server, path, {
        method,
        headers: { origin: 'https://partner.example', 'access-control-request-method': 'GET' },
      });
      if ('file' in answer) {
        expect(got.status).toBe(200);
        if (method === 'GET') expect(got.body).toBe(files[answer.file]);
        expect(got.headers).toMatchObject(EXPECTED_SECURITY_HEADERS);
        if (landingPage) expect(got.headers['content-security-policy']).toMatch(EXPECTED_LANDING_CSP);
        else expect(got.headers['content-security-policy']).toBeUndefined();
      } else {
        expect(got.status).toBe(answer.status);
        if (answer.status === 301)
          expect(redirectTargets(got.headers.location as string, path)).toEqual(expectedRedirectTargets(answer.lands));
      }
      if (cors) {
        expect(got.headers['access-control-allow-origin']).toBe('*');
        expect(got.headers['access-control-expose-headers']).toBe('ETag, Last-Modified');
        if (method === 'OPTIONS') {
          expect(got.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
          expect(got.headers['access-control-allow-headers']).toBe('If-None-Match, If-Modified-Since');
          expect(got.headers['access-control-max-age']).toBe('86400');
        }
      } else {
        expect(got.headers['access-control-allow-origin']).toBeUndefined();
      }
      if (method === 'OPTIONS' && 'status' in answer && answer.status === 204)
        expect(got.headers.allow).toBe('GET, HEAD, OPTIONS');
    },
  );

  it('says why "/" is a 404 in a folder nothing was published into yet', async () => {
    const empty = await tempDir();
    const bare = await startPublicServer(await FsStore.open(empty.dir), 0);
    try {
      const answer = await get(bare, '/');
      expect(answer.status).toBe(404);
      expect(answer.body).toBe('not found: no landing page yet (no run has published into this folder)\n');
    } finally {
      await bare.close();
      await empty.cleanup();
    }
  });

  it('sends Last-Modified and answers If-Modified-Since with 304 when the file is not newer', async () => {
    const first = await get(server, '/articles/a-story/en.md');
    expect(first.headers['last-modified']).toBe(FILE_TIME.toUTCString());
    expect(
      (await get(server, '/articles/a-story/en.md', { headers: { 'if-modified-since': FILE_TIME.toUTCString() } }))
        .status,
    ).toBe(304);
    expect(
      (
        await get(server, '/articles/a-story/en.md', {
          headers: { 'if-modified-since': new Date(FILE_TIME.getTime() + 60_000).toUTCString() },
        })
      ).status,
    ).toBe(304);
    const older = await get(server, '/articles/a-story/en.md', {
      headers: { 'if-modified-since': new Date(FILE_TIME.getTime() - 1000).toUTCString() },
    });
    expect(older.status).toBe(200);
    expect(older.body).toBe(files['articles/a-story/en.md']);
    expect(
      (await get(server, '/articles/a-story/en.md', { headers: { 'if-modified-since': 'not a date' } })).status,
    ).toBe(200);
    // If-None-Match decides when both are sent (RFC 9110): a stale ETag gets the file.
    const both = await get(server, '/articles/a-story/en.md', {
      headers: { 'if-none-match': '"stale"', 'if-modified-since': FILE_TIME.toUTCString() },
    });
    expect(both.status).toBe(200);
  });

  it('compresses text with brotli or gzip as the client asks, with Vary and a weak ETag that still revalidates', async () => {
    const plain = await get(server, '/feeds/zh/rss.xml');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);

    const br = await get(server, '/feeds/zh/rss.xml', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.raw.length);
    expect(br.raw.length).toBeLessThan(Buffer.byteLength(BIG_FEED) / 3);
    expect(brotliDecompressSync(br.raw).toString('utf8')).toBe(BIG_FEED);
    expect(br.headers.etag).toBe(`W/${plain.headers.etag as string}`);

    const gz = await get(server, '/feeds/zh/rss.xml', { headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.raw).toString('utf8')).toBe(BIG_FEED);
    expect(
      (await get(server, '/feeds/zh/rss.xml', { headers: { 'accept-encoding': 'identity' } })).headers[
        'content-encoding'
      ],
    ).toBeUndefined();

    // Either validator revalidates either representation.
    for (const etag of [br.headers.etag as string, plain.headers.etag as string]) {
      expect(
        (await get(server, '/feeds/zh/rss.xml', { headers: { 'accept-encoding': 'br', 'if-none-match': etag } }))
          .status,
      ).toBe(304);
    }
    const head = await get(server, '/feeds/zh/rss.xml', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(head.body).toBe('');
    // Small files go as they are (below CloudFront's 1,000-byte threshold), still with Vary.
    const small = await get(server, '/feeds/en/rss.xml', { headers: { 'accept-encoding': 'br' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.headers.vary).toBe('Accept-Encoding');
  });

  it.runIf(requireClient('python3-feedparser', hasPythonModules('feedparser')))(
    'python feedparser decompresses the feed and revalidates it with ETag and with Last-Modified (304)',
    async () => {
      // Asynchronously: the server answering python runs in this process.
      const script = `
import feedparser, sys, json
url = sys.argv[1]
first = feedparser.parse(url)
by_etag = feedparser.parse(url, etag=first.etag)
by_date = feedparser.parse(url, modified=first.modified)
print(json.dumps({"status": first.status, "encoding": first.headers.get("content-encoding"), "entries": len(first.entries),
  "bozo": first.bozo, "etag": by_etag.status, "modified": by_date.status}))`;
      const { stdout } = await promisify(execFile)(DEBIAN_PYTHON, ['-c', script, `${server.url}/feeds/zh/rss.xml`], {
        encoding: 'utf8',
      });
      const out = JSON.parse(stdout) as Record<string, unknown>;
      expect(out).toEqual({ status: 200, encoding: 'gzip', entries: 40, bozo: false, etag: 304, modified: 304 });
    },
  );

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
    '/feeds/en/',
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
    // A second name for a private file, and a file larger than any run writes (sparse: no disk used).
    await link(`${data.dir}/secret.txt`, `${data.dir}/exports/v1/articles/hard.json`);
    await writeFile(`${data.dir}/exports/v1/articles/huge.json`, '');
    await truncate(`${data.dir}/exports/v1/articles/huge.json`, MAX_SERVED_BYTES + 1);
    // As `serve` opens it: for reading only.
    server = await startPublicServer(await FsStore.openForReading(data.dir), 0);
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

  it('answers 404 for a hard link to a private file and for a file larger than any run writes, saying why on stderr', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const hard = await get(server, '/exports/v1/articles/hard.json');
      expect(hard.status).toBe(404);
      expect(hard.body).not.toContain('private');
      expect((await get(server, '/exports/v1/articles/huge.json')).status).toBe(404);
      const lines = stderr.mock.calls.map(([text]) => String(text));
      expect(lines).toContain(
        'serve: not serving exports/v1/articles/hard.json: it has 2 names (hard links), and another may be private\n',
      );
      expect(
        lines.some((line) => line.startsWith('serve: not serving exports/v1/articles/huge.json: 67108865 bytes')),
      ).toBe(true);
    } finally {
      stderr.mockRestore();
    }
    expect((await get(server, '/exports/v1/articles/inside.json')).status).toBe(200);
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
    socket.write(
      ['/feeds/en/feed.json', '/nothing', '/feeds/en/feed.json']
        .map((p) => `GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
        .join(''),
    );
    await until(() => (received.match(/HTTP\/1\.1 /g) ?? []).length === 3 && received.endsWith('{"items":[]}\n'));
    socket.destroy();
    expect([...received.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1])).toEqual(['200', '404', '200']);
  });
});
