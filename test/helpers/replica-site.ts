// A temporary copy of the bundled replica site that a test can put in another state between runs:
// variant pages added (test/fixtures/ilo-replica/variants), pages edited, sitemap entries listed,
// unlisted or given a new lastmod. Serve it with startReplicaServer({ root: site.root }).
import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPLICA_SITE, VARIANTS, canonical } from './replica.js';
import { tempDir } from './temp-dir.js';

const NEWS_PATH = /^\/(zh-hans\/)?resource\/news\//;

/** The decoded path of a sitemap line's <loc>, or undefined for a line without one. */
function locPath(line: string): string | undefined {
  const loc = /<loc>([^<]+)<\/loc>/.exec(line)?.[1];
  return loc ? decodeURIComponent(new URL(loc).pathname) : undefined;
}

export class SiteCopy {
  private constructor(
    readonly root: string,
    readonly cleanup: () => Promise<void>,
  ) {}

  static async create(): Promise<SiteCopy> {
    const dir = await tempDir('ilo-replica-site-');
    const site = new SiteCopy(path.join(dir.dir, 'site'), dir.cleanup);
    await cp(REPLICA_SITE, site.root, { recursive: true });
    return site;
  }

  file(pathname: string): string {
    return path.join(this.root, `${pathname}.html`);
  }

  /**
   * Copies a whole variant state into the site. A state with sitemap pages of its own
   * (variations: sitemap.page-3.xml) gets them listed in the sitemap index.
   */
  async addState(state: string): Promise<void> {
    const from = path.join(VARIANTS, state);
    await cp(from, this.root, { recursive: true });
    for (const file of await readdir(from)) {
      const page = /^sitemap\.page-(\d+)\.xml$/.exec(file)?.[1];
      if (!page) continue;
      const index = path.join(this.root, 'sitemap.xml');
      const xml = await readFile(index, 'utf8');
      const entry = `<sitemap><loc>https://www.ilo.org/sitemap.xml?page=${page}</loc><lastmod>${newestLastmod(await readFile(path.join(from, file), 'utf8'))}</lastmod></sitemap>\n`;
      await writeFile(index, xml.replace('</sitemapindex>', `${entry}</sitemapindex>`));
    }
  }

  /** Copies one page of a variant state into the site (not listed anywhere yet). */
  async addPage(variant: { state: string; path: string }): Promise<void> {
    await mkdir(path.dirname(this.file(variant.path)), { recursive: true });
    await cp(path.join(VARIANTS, variant.state, `${variant.path}.html`), this.file(variant.path));
  }

  async editPage(pathname: string, edit: (html: string) => string): Promise<void> {
    const before = await readFile(this.file(pathname), 'utf8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit left ${pathname} as it was`);
    await writeFile(this.file(pathname), after);
  }

  /** Rewrites every sitemap page, one <url> entry per line. */
  async editSitemap(edit: (lines: string[], page: string) => string[]): Promise<void> {
    for (const page of (await readdir(this.root)).filter((file) => /^sitemap\.page-\d+\.xml$/.test(file)).sort()) {
      const file = path.join(this.root, page);
      const lines = (await readFile(file, 'utf8')).split('\n');
      await writeFile(file, edit(lines, page).join('\n'));
    }
  }

  /** Leaves only these news pages listed in the sitemap (the other pages stay on disk). */
  async keepListed(paths: readonly string[]): Promise<void> {
    await this.editSitemap((lines) =>
      lines.filter((line) => !NEWS_PATH.test(locPath(line) ?? '') || paths.includes(locPath(line)!)),
    );
  }

  /** Lists a page at the end of the second sitemap page, as Drupal lists a new node. */
  async list(pathname: string, lastmod: string): Promise<void> {
    await this.editSitemap((lines, page) => {
      if (page !== 'sitemap.page-2.xml') return lines;
      const end = lines.indexOf('</urlset>');
      const entry = `<url><loc>${canonical(pathname)}</loc><lastmod>${lastmod}</lastmod><changefreq>weekly</changefreq><priority>0.5</priority></url>`;
      return [...lines.slice(0, end), entry, ...lines.slice(end)];
    });
  }

  async setLastmod(pathname: string, lastmod: string): Promise<void> {
    let found = false;
    await this.editSitemap((lines) =>
      lines.map((line) => {
        if (locPath(line) !== pathname) return line;
        found = true;
        return line.replace(/<lastmod>[^<]*<\/lastmod>/, `<lastmod>${lastmod}</lastmod>`);
      }),
    );
    if (!found) throw new Error(`${pathname} is not listed in the sitemap`);
  }
}

function newestLastmod(xml: string): string {
  const all = [...xml.matchAll(/<lastmod>([^<]+)<\/lastmod>/g)].map((m) => m[1]!);
  return all.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? '2025-01-01T00:00:00+00:00';
}
