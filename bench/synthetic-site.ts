// An ILO-shaped site of N synthetic stories over real HTTP, for the scale benchmarks: a sitemap index,
// sitemap pages of 2,000 URLs, and story pages made from a replica page (the same markup, chrome and
// size) with the story's own title, date, first paragraph and twin. Story n is English, with a
// Chinese twin for two in three (as test/helpers/synthetic-stories.ts), two stories a day going back
// from 2025-12-31 (story 0 is the newest). Answers carry strong ETags, so a rerun gets 304s.
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BUNDLED_REPLICA } from '../replica/replica-server.js';
import { sendFile, sendStatus } from '../functions/adapters/http/static-response.js';
import { dayOf } from '../test/helpers/synthetic-stories.js';
import { formatDate } from '../functions/pipeline/parse/dates.js';

const URLS_PER_SITEMAP_PAGE = 2_000;
const TEMPLATE = {
  enPath: '/resource/news/youth-employment-rebounds-asia-pacific-but-informality-persists',
  zhPath: '/zh-hans/resource/news/亚洲及太平洋地区青年就业回升但非正规就业依然普遍',
  enTitle: 'Youth employment rebounds in Asia and the Pacific, but informality persists',
  zhTitle: '亚洲及太平洋地区青年就业回升，但非正规就业依然普遍',
  enDate: ['2025-07-31', '31 July 2025'],
  zhDate: '2025年7月31日',
};

const read = (pathname: string) => readFileSync(path.join(BUNDLED_REPLICA, `${pathname}.html`), 'utf8');
const encodedPath = (pathname: string) => pathname.split('/').map(encodeURIComponent).join('/');

export function storyPaths(n: number): { en: string; zh: string } {
  return { en: `/resource/news/story-${n}`, zh: `/zh-hans/resource/news/新闻-${n}` };
}

export function hasChinese(n: number): boolean {
  return n % 3 !== 0;
}

/** Story n's page in one language, `edit` appended to its title (a changed story). */
export function storyPage(lang: 'en' | 'zh', n: number, edit = ''): string {
  const day = dayOf(n);
  const paths = storyPaths(n);
  const twin = hasChinese(n) ? encodedPath(paths.zh) : '/zh-hans/about-ilo';
  let html = lang === 'en' ? TEMPLATES.en : TEMPLATES.zh;
  html = html
    .replaceAll(encodedPath(TEMPLATE.zhPath), twin)
    .replaceAll(TEMPLATE.zhPath, twin)
    .replaceAll(TEMPLATE.enPath, paths.en)
    .replaceAll(TEMPLATE.enTitle, `Story number ${n} about decent work${edit}`)
    .replaceAll(TEMPLATE.zhTitle, `关于体面劳动的第${n}条新闻${edit}`)
    .replace(
      '<div class="ilo--richtext">',
      `<div class="ilo--richtext">\n<p>${lang === 'en' ? `This is story ${n}.` : `这是第${n}条新闻。`}</p>`,
    );
  return lang === 'en'
    ? html.replaceAll(TEMPLATE.enDate[0]!, day).replaceAll(TEMPLATE.enDate[1]!, formatDate(day, 'en'))
    : html.replaceAll(TEMPLATE.zhDate, formatDate(day, 'zh'));
}

const TEMPLATES = { en: read(TEMPLATE.enPath), zh: read(TEMPLATE.zhPath) };

/** Every news URL of the site, newest story first, with its lastmod. */
function siteUrls(stories: number): { loc: string; lastmod: string }[] {
  const urls: { loc: string; lastmod: string }[] = [];
  for (let n = 0; n < stories; n++) {
    const lastmod = `${dayOf(n)}T10:00:00+01:00`;
    urls.push({ loc: `https://www.ilo.org${encodedPath(storyPaths(n).en)}`, lastmod });
    if (hasChinese(n)) urls.push({ loc: `https://www.ilo.org${encodedPath(storyPaths(n).zh)}`, lastmod });
  }
  return urls;
}

export interface SyntheticSite {
  origin: string;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

export async function startSyntheticSite(stories: number): Promise<SyntheticSite> {
  const urls = siteUrls(stories);
  const pages = Math.max(1, Math.ceil(urls.length / URLS_PER_SITEMAP_PAGE));
  const sitemapPage = (page: number) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls
      .slice((page - 1) * URLS_PER_SITEMAP_PAGE, page * URLS_PER_SITEMAP_PAGE)
      .map((url) => `<url><loc>${url.loc}</loc><lastmod>${url.lastmod}</lastmod></url>`)
      .join('\n')}\n</urlset>\n`;
  const index = `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${Array.from(
    { length: pages },
    (_, i) => `<sitemap><loc>https://www.ilo.org/sitemap.xml?page=${i + 1}</loc></sitemap>`,
  ).join('\n')}\n</sitemapindex>\n`;
  const site: SyntheticSite & { server?: Server } = { origin: '', requests: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    site.requests++;
    const url = new URL(request.url ?? '/', 'http://synthetic.invalid');
    const pathname = decodeURIComponent(url.pathname);
    const send = (body: string, contentType: string) =>
      void sendFile(request, response, { body: Buffer.from(body), contentType });
    if (pathname === '/robots.txt') return send('User-agent: *\nAllow: /\n', 'text/plain; charset=utf-8');
    if (pathname === '/sitemap.xml') {
      const page = url.searchParams.get('page');
      if (page === null) return send(index, 'application/xml; charset=utf-8');
      const k = Number(page);
      return k >= 1 && k <= pages
        ? send(sitemapPage(k), 'application/xml; charset=utf-8')
        : sendStatus(response, 404, 'not found');
    }
    const story = /^\/(zh-hans\/)?resource\/news\/(?:story|新闻)-(\d+)$/.exec(pathname);
    const n = Number(story?.[2]);
    const lang = story?.[1] ? 'zh' : 'en';
    if (!story || n >= stories || pathname !== storyPaths(n)[lang] || (lang === 'zh' && !hasChinese(n)))
      return sendStatus(response, 404, 'not found');
    return send(storyPage(lang, n), 'text/html; charset=utf-8');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  site.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return site;
}
