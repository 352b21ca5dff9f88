// The pages the extraction benchmark runs on: every article page of the bundled replica, and one
// large (~300 KB) page made from the seed story by repeating its body, tables and figures.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchPage {
  name: string;
  url: string;
  lang: 'en' | 'zh';
  html: string;
}

// Found by walking up from this file: it also runs compiled, from bench/.build/.
const SITE = (() => {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const site = path.join(dir, 'replica/site');
    if (existsSync(site)) return site;
  }
  throw new Error('cannot find replica/site');
})();

export function replicaPages(): BenchPage[] {
  const pages: BenchPage[] = [];
  for (const [dir, lang] of [
    ['resource/news', 'en'],
    ['zh-hans/resource/news', 'zh'],
  ] as const) {
    for (const file of readdirSync(path.join(SITE, dir)).sort()) {
      if (!file.endsWith('.html') || file.startsWith('all-news')) continue;
      const slug = file.replace(/\.html$/, '');
      pages.push({
        name: `${dir}/${slug}`,
        url: `https://www.ilo.org/${dir}/${encodeURIComponent(slug)}`,
        lang,
        html: readFileSync(path.join(SITE, dir, file), 'utf8'),
      });
    }
  }
  return pages;
}

/** The seed page with its richtext body grown to about `bytes` (whole paragraphs, tables, figures). */
export function largePage(bytes = 300_000): BenchPage {
  const seed = readFileSync(
    path.join(SITE, 'resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china.html'),
    'utf8',
  );
  const table = readFileSync(
    path.join(SITE, 'resource/news/survey-shows-gains-apprentices-chinas-quality-apprenticeship-pilots.html'),
    'utf8',
  );
  const open = seed.indexOf('<div class="ilo--richtext');
  const start = seed.indexOf('>', open) + 1;
  const end = seed.indexOf('</div>', start);
  const body = seed.slice(start, end);
  const extra = /<figure class="ilo--image[\s\S]*?<\/figure>|<table[\s\S]*?<\/table>/g;
  const blocks = table.match(extra) ?? [];
  let grown = body;
  for (let i = 0; seed.length - body.length + grown.length < bytes; i++) {
    grown += `\n<h2>Section ${i + 1}</h2>\n${body}\n${blocks[i % Math.max(blocks.length, 1)] ?? ''}`;
  }
  return {
    name: 'large (~300 KB)',
    url: 'https://www.ilo.org/resource/news/ilo-partners-microsoft-strengthen-ai-skilling-china',
    lang: 'en',
    html: seed.slice(0, start) + grown + seed.slice(end),
  };
}

/** Text that is page chrome on every replica page: finding it in an output is a leak. */
export const CHROME_MARKERS = [
  'Skip to main content',
  'Facebook',
  'Linkedin',
  'Related news',
  'We use cookies',
  'Accept all cookies',
  'Global Coalition for Social Justice',
  'Morillons',
  'Previously posted',
  'Subscribe to',
  '相关新闻',
];
