// The site folder `pull` writes into: whole files, no leftovers, nothing outside it.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalSiteFolder } from '#adapters/site-folder.js';
import { tempDir } from '#test/helpers/temp-dir.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('site-folder-'));
});
afterEach(async () => {
  await cleanup();
});

describe('LocalSiteFolder', () => {
  it('writes files (folders made as needed, no temporary file left) and reads them back', async () => {
    const folder = new LocalSiteFolder(path.join(dir, 'site'));
    expect(await folder.read('content/news/a/index.en.md')).toBeUndefined(); // the folder does not exist yet
    await folder.write('content/news/a/index.en.md', '中文\n');
    await folder.write('content/news/a/index.en.md', 'second\n');
    expect(await readFile(path.join(dir, 'site/content/news/a/index.en.md'), 'utf8')).toBe('second\n');
    expect(await readdir(path.join(dir, 'site/content/news/a'))).toEqual(['index.en.md']);
  });

  it('removes a file and the folders it leaves empty, never the site folder or a folder with other files', async () => {
    const folder = new LocalSiteFolder(dir);
    await folder.write('content/news/a/index.en.md', 'a');
    await folder.write('content/news/b/index.en.md', 'b');
    await folder.remove('content/news/a/index.en.md');
    expect(await readdir(path.join(dir, 'content/news'))).toEqual(['b']);
    await folder.remove('content/news/b/index.en.md');
    expect(await readdir(dir)).toEqual([]);
    await folder.remove('content/news/b/index.en.md'); // already gone: fine
  });

  it('refuses paths outside the folder', async () => {
    await mkdir(path.join(dir, 'site'));
    await writeFile(path.join(dir, 'secret'), 'x');
    const folder = new LocalSiteFolder(path.join(dir, 'site'));
    for (const bad of ['../secret', '/etc/passwd', 'a/../../secret', '', 'a//b', 'a\\..\\b']) {
      await expect(folder.read(bad), bad).rejects.toThrow(/not a path inside the site folder/);
      await expect(folder.write(bad, 'x'), bad).rejects.toThrow(/not a path inside the site folder/);
    }
    expect(await readFile(path.join(dir, 'secret'), 'utf8')).toBe('x');
  });
});
