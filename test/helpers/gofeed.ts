// gofeed, the Go feed parser, through a small program (test/fixtures/gofeed-links) built against
// Debian's packaged source (golang-github-mmcdole-gofeed-dev, under /usr/share/gocode): no module is
// downloaded. Built once per test run into the system's temporary folder.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('../fixtures/gofeed-links/main.go', import.meta.url));
const GOPATH = '/usr/share/gocode';
const BUILD = path.join(tmpdir(), 'ilo-syndication-gofeed');

export function hasGofeed(): boolean {
  return existsSync(path.join(GOPATH, 'src/github.com/mmcdole/gofeed/feed.go')) && existsSync('/usr/bin/go');
}

export interface GofeedView {
  url: string;
  link: string;
  language: string;
  items: string[];
}

let built: Promise<string> | undefined;

/** The program's path, built on first use (about 10 s). */
function program(): Promise<string> {
  built ??= (async () => {
    await mkdir(BUILD, { recursive: true });
    const binary = path.join(BUILD, 'gofeed-links');
    await run('/usr/bin/go', ['build', '-o', binary, SOURCE], {
      env: {
        ...process.env,
        GOPATH,
        GO111MODULE: 'off',
        GOFLAGS: '',
        GOCACHE: path.join(BUILD, 'cache'),
        GOTOOLCHAIN: 'local',
      },
      timeout: 120_000,
    });
    return binary;
  })();
  return built;
}

export async function gofeed(urls: string[]): Promise<GofeedView[]> {
  const { stdout } = await run(await program(), urls);
  return JSON.parse(stdout) as GofeedView[];
}
