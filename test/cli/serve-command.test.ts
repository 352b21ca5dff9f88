// `syndicate serve` as a user starts it (the real CLI in a child process, stopped by a signal): it
// only reads, so a read-only data folder is fine; a folder that does not exist is a one-line error,
// not a new folder (those refusals in process, through main).
import { spawn } from 'node:child_process';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runInProcess } from '#test/helpers/cli-in-process.js';
import { tempDir } from '#test/helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Root writes through mode bits: the read-only case runs the CLI as "nobody" then.
const NOBODY = 65534;

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('serve-command-'));
  await chmod(dir, 0o755);
});
afterEach(async () => {
  await chmod(path.join(dir, 'data'), 0o755).catch(() => undefined);
  await cleanup();
});

/** Starts `serve`, waits for the line with its URL, fetches a path, stops it. */
function serveAndFetch(
  args: string[],
  pathname: string,
  asUser?: number,
): Promise<{ status?: number; body?: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', `${ROOT}/bin/syndicate.ts`, 'serve', ...args, '--port', '0'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(asUser !== undefined ? { uid: asUser, gid: asUser, env: { ...process.env, HOME: '/tmp' } } : {}),
      },
    );
    let stdout = '';
    let stderr = '';
    let answer: { status?: number; body?: string } = {};
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', async (chunk) => {
      stdout += chunk;
      const url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1];
      if (!url || answer.status !== undefined) return;
      answer = { status: 0 };
      try {
        const response = await fetch(`${url}${pathname}`);
        answer = { status: response.status, body: await response.text() };
      } finally {
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...answer, stderr, code }));
  });
}

describe('syndicate serve', () => {
  it('serves a read-only data folder (it never writes)', async () => {
    const data = path.join(dir, 'data');
    await mkdir(path.join(data, 'feeds/en'), { recursive: true });
    await writeFile(path.join(data, 'feeds/en/rss.xml'), '<rss version="2.0"/>\n');
    await chmod(path.join(data, 'feeds/en/rss.xml'), 0o444);
    await chmod(path.join(data, 'feeds/en'), 0o555);
    await chmod(path.join(data, 'feeds'), 0o555);
    await chmod(data, 0o555);
    const asUser = process.getuid?.() === 0 ? NOBODY : undefined;

    const result = await serveAndFetch(['--data', data], '/feeds/en/rss.xml', asUser);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(200);
    expect(result.body).toBe('<rss version="2.0"/>\n');
  });

  it('refuses a data folder that does not exist, in one line, and creates nothing', async () => {
    const typo = path.join(dir, 'dta');

    const result = await runInProcess(['serve', '--data', typo, '--port', '0']);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`syndicate: data folder ${typo} cannot be read: no such folder`]);
    await expect(stat(typo)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a data folder that is a file', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');

    const result = await runInProcess(['serve', '--data', file, '--port', '0']);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`syndicate: data folder ${file} cannot be read: not a directory`);
  });
});
