// The SiteFolder port on a local folder, for `pull`: files replaced whole (written beside, then
// renamed), removed with the folders they leave empty, and no path outside the folder.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SiteFolder } from '../pipeline/ports.js';

export class LocalSiteFolder implements SiteFolder {
  constructor(readonly root: string) {}

  async read(relative: string): Promise<string | undefined> {
    try {
      return await readFile(this.resolve(relative), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR')
        return undefined;
      throw error;
    }
  }

  async write(relative: string, content: string): Promise<void> {
    const file = this.resolve(relative);
    await mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    await writeFile(temp, content, 'utf8');
    await rename(temp, file);
  }

  async remove(relative: string): Promise<void> {
    const file = this.resolve(relative);
    try {
      await unlink(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A Hugo bundle's folder goes with its last file; the site folder itself stays.
    for (
      let dir = path.dirname(file);
      dir !== this.root && dir.startsWith(`${this.root}${path.sep}`);
      dir = path.dirname(dir)
    ) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (or gone): stop here
      }
    }
  }

  private resolve(relative: string): string {
    const parts = relative.split('/');
    if (
      relative === '' ||
      path.isAbsolute(relative) ||
      parts.some((part) => part === '' || part === '.' || part === '..' || part.includes('\\') || part.includes('\0'))
    ) {
      throw new Error(`not a path inside the site folder: ${JSON.stringify(relative)}`);
    }
    return path.join(this.root, ...parts);
  }
}
