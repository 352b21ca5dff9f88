// Exit status 1 comes with one line that says what was wrong, naming what was really asked: no SDK
// warning, no stack trace, no "disallowed by robots.txt" for a robots.txt that answered 503, no
// www.ilo.org for a dead mirror. In process through main(argv, io), and as a real process where the
// SDK's own output is the point.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFatalError } from '#cli/fatal-error.js';
import { type Output, main } from '#cli/main.js';
import { type ReplicaServer, startReplicaServer } from '#replica/replica-server.js';
import { runCli } from '#test/helpers/cli.js';
import { tempDir } from '#test/helpers/temp-dir.js';

async function cli(argv: string[]): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Output = { out: (text) => void stdout.push(text), err: (text) => void stderr.push(...text.split('\n')) };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let data: { dir: string; cleanup: () => Promise<void> };
let replica: ReplicaServer;
const requested: string[] = [];
beforeAll(async () => {
  data = await tempDir('error-messages-');
  replica = await startReplicaServer({
    hook: (request, response) => {
      requested.push(request.url!);
      if (request.url === '/robots.txt' && robots503) {
        response.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance');
        return true;
      }
      return false;
    },
  });
});
afterAll(async () => {
  await replica.close();
  await data.cleanup();
});
let robots503 = false;

describe('describeFatalError', () => {
  it('names a system call error without a path (a full disk while writing an open file) in one line, not as a bug', () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      errno: -28,
      syscall: 'write',
    });
    expect(describeFatalError(full)).toEqual({ line: 'ENOSPC: no space left on device, write', unexpected: false });
  });

  it('says what was thrown when it is not an Error, in one line (not "[object Object]")', () => {
    expect(describeFatalError({ code: 'E42', reason: 'bad\nthing' })).toEqual({
      line: 'non-Error thrown: {"code":"E42","reason":"bad\\nthing"}',
      unexpected: true,
    });
    expect(describeFatalError('plain text\nsecond line')).toEqual({ line: 'plain text second line', unexpected: true });
    const parts = new AggregateError([new Error('first address refused'), 'second address: gone'], '');
    expect(describeFatalError(parts).line).toBe('AggregateError: first address refused; second address: gone');
  });
});

describe('syndicate run: one line for every exit 1', () => {
  it('names the mirror, not www.ilo.org, when the --origin mirror cannot be reached', async () => {
    const port = await closedPort();
    const result = await cli([
      'run',
      '--origin',
      `http://127.0.0.1:${port}`,
      '--data',
      path.join(data.dir, 'dead-mirror'),
      '--retries',
      '0',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([
      `syndicate: cannot reach the origin http://127.0.0.1:${port} (the mirror of https://www.ilo.org): connection refused (ECONNREFUSED)`,
    ]);
  });

  it('says robots.txt answered 503 (not "disallowed by robots.txt") and fetches nothing else', async () => {
    robots503 = true;
    requested.length = 0;
    try {
      const result = await cli([
        'run',
        '--origin',
        replica.origin,
        '--data',
        path.join(data.dir, 'robots-503'),
        '--retries',
        '0',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toEqual([
        `syndicate: cannot read ${replica.origin} (the mirror of https://www.ilo.org): robots.txt answered 503, so nothing may be fetched (RFC 9309) until it answers`,
      ]);
      expect(requested).toEqual(['/robots.txt']);
    } finally {
      robots503 = false;
    }
  });

  it('names a state file that is not JSON, in one line', async () => {
    const folder = path.join(data.dir, 'corrupt');
    await mkdir(path.join(folder, 'state'), { recursive: true });
    await writeFile(path.join(folder, 'state/crawl.json'), 'garbage{\n');
    const result = await cli(['run', '--origin', replica.origin, '--data', folder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toHaveLength(1);
    expect(result.stderr[0]).toMatch(
      /^syndicate: stored object state\/crawl\.json is not valid JSON \(.*\): restore it, or delete it to rebuild it$/,
    );
  });

  it.each([
    ['an array', '[]\n'],
    ['null', 'null\n'],
    ['urls that are not an object', '{"schema": "ilo-syndication/discovery@1", "sitemaps": {}, "urls": 5}\n'],
    ['a URL entry that is not an object', '{"sitemaps": {}, "urls": {"https://www.ilo.org/resource/news/a": "x"}}\n'],
  ])('names a state file that is JSON but not the document it should be (%s), in one line', async (_, body) => {
    const folder = path.join(data.dir, `shape-${body.length}`);
    await mkdir(path.join(folder, 'state'), { recursive: true });
    await writeFile(path.join(folder, 'state/crawl.json'), body);
    const result = await cli(['run', '--origin', replica.origin, '--data', folder]);
    expect(result.code).toBe(1);
    // It was "TypeError: Cannot convert undefined or null to object" and a line asking for a bug report.
    expect(result.stderr).toEqual([
      expect.stringMatching(
        /^syndicate: stored object state\/crawl\.json is not the document it should be \(.*\): restore it, or delete it to rebuild it$/,
      ),
    ]);
  });

  it('names a file system error in one line, without a stack trace', async () => {
    const folder = path.join(data.dir, 'state-is-a-file');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'state'), 'not a folder');
    const result = await cli(['run', '--origin', replica.origin, '--data', folder]);
    expect(result.code).toBe(1);
    // Each story's failure is a warning of its own line; the reason the run stopped is the last line.
    expect(result.stderr.at(-1)).toMatch(
      new RegExp(`^syndicate: E[A-Z]+: .*${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/state`),
    );
    expect(result.stderr.filter((line) => /^\s+at /.test(line))).toEqual([]);
  });

  it('prints an unreachable SNS endpoint as one line: no SDK warning, no stack trace', async () => {
    const port = await closedPort();
    const result = await runCli(
      [
        'run',
        '--origin',
        replica.origin,
        '--data',
        path.join(data.dir, 'sns'),
        '--notify',
        'sns:arn:aws:sns:us-east-1:123456789012:ilo-news',
      ],
      {
        env: {
          AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `syndicate: could not publish to SNS topic arn:aws:sns:us-east-1:123456789012:ilo-news: endpoint not reachable (connect ECONNREFUSED 127.0.0.1:${port})`,
    ]);
  }, 60_000);
});
