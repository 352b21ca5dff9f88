// One place that turns an ILO page into a story: layered, so a page still yields its content when
// the design-system markup drifts. Layer 1: ILO design-system selectors. Layer 2: head metadata
// (canonical, og:, JSON-LD, description). Layer 3: a generic main-content fallback for the body.
import { type LanguageKey, canonicalUrl } from '../site/ilo-urls.js';
import { cleanLine, detectLanguage } from '../text/clean-text.js';
import {
  BODY_LIMITS,
  type CleanContext,
  type CleanNode,
  cleanBodyWithin,
  figureCredit,
  hasText,
  plainTextOf,
  safeImageUrl,
} from '../normalize/clean-body.js';
import { capMarkdown, toMarkdown } from '../normalize/markdown.js';
import { type IsoDate, datePart, parseIloDate } from '../parse/dates.js';
import { type LimitedField, capField } from './field-limits.js';
import { findMainContent } from './main-content.js';
import { type HeadMetadata, readHeadMetadata } from './head-metadata.js';
import { type Element, all, attr, first, isTag, isText, parseHtml, textOf } from '../parse/html-dom.js';
import { type PageIndex, firstWithin, indexPage } from './page-index.js';
import { type PageTag, readTags } from './tags.js';
import { type TranslationLink, alsoAvailableBlocks, findTranslationLinks } from './translation-links.js';
import { pushReversed } from '../parse/push-reversed.js';

export interface ArticleImage {
  url: string;
  alt?: string;
  credit?: string;
}

export type ExtractionLayer = 'site' | 'head' | 'fallback' | 'none';

export interface ExtractedArticle {
  /** Canonical URL of the page. */
  url: string;
  /** Language the URL claims. */
  lang: LanguageKey;
  /** Language the text is really written in. */
  contentLanguage: 'en' | 'zh' | 'unknown';
  title: string;
  summary?: string;
  publishedAt?: IsoDate;
  body: CleanNode[];
  /** Body Markdown: no title, no lead (those are fields of their own). */
  markdown: string;
  image?: ArticleImage;
  tags: PageTag[];
  translations: TranslationLink[];
  /** Which layer found the title and the body: anything but "site" is markup drift. */
  layers: { title: ExtractionLayer; body: ExtractionLayer };
  /**
   * What the limits did: cut a long body, flattened deep nesting (clean-body.ts BODY_LIMITS), cut
   * the one-line fields named in `fields` (field-limits.ts FIELD_LIMITS).
   */
  limits?: { cut: boolean; flattened: boolean; fields?: LimitedField[] };
  /** The canonical URL the page declares about itself, when it declares one. */
  declaredCanonical?: string;
}

export interface ExtractOptions {
  /** Canonical URL the page was fetched as. */
  url: string;
  lang: LanguageKey;
  mirrorOrigin?: string;
}

// The link that ends a body cut at the size limit.
const CONTINUED: Record<LanguageKey, string> = {
  en: 'The story continues on www.ilo.org',
  zh: '全文请见国际劳工组织网站',
};

export async function extractArticle(html: string, options: ExtractOptions): Promise<ExtractedArticle> {
  const { markdownFrom, ...page } = await readPage(html, options);
  // The page's DOM is out of reach here, so it can be collected while turndown works on the body.
  let markdown = toMarkdown(markdownFrom);
  const capped = capMarkdown(markdown, BODY_LIMITS.maxSize);
  const limits = {
    ...page.limits,
    cut: page.limits?.cut === true || capped !== markdown,
    flattened: page.limits?.flattened === true,
  };
  if (limits.cut) markdown = `${capped}\n\n[${CONTINUED[options.lang]}](${options.url})`;
  return { ...page, markdown, limits } as ExtractedArticle;
}

/** Everything read from the page's DOM; the body comes as cleaned nodes, Markdown is made after. */
async function readPage(
  html: string,
  options: ExtractOptions,
): Promise<Omit<ExtractedArticle, 'markdown'> & { markdownFrom: CleanNode[] }> {
  const index = indexPage(parseHtml(html));
  const head = readHeadMetadata(index);
  const context: CleanContext = {
    pageUrl: options.url,
    ...(options.mirrorOrigin ? { mirrorOrigin: options.mirrorOrigin } : {}),
    skip: new Set(alsoAvailableBlocks(index)),
  };
  const hero = index.byClass('ilo--hero-card')[0] ?? index.byClass('ilo--hero')[0];
  const fieldsCut = new Set<LimitedField>();
  const title = readTitle(index, hero, head);
  title.text = capField('title', title.text, fieldsCut);
  const { nodes: body, layer: bodyLayer, text: bodyText, cut, flattened } = await readBody(index, context, html);
  const summary = capField('summary', readSummary(index, hero, head), fieldsCut);
  const image = readImage(index, hero, head, context, fieldsCut);
  return {
    url: options.url,
    lang: options.lang,
    contentLanguage: detectLanguage(title.text, summary ?? '', bodyText),
    title: title.text,
    ...(summary ? { summary } : {}),
    ...dates(index, hero, head),
    body,
    markdownFrom: body,
    ...optional('image', image),
    tags: readTags(index, options.url, options.mirrorOrigin),
    translations: findTranslationLinks(index, head, options.url, options.lang, options.mirrorOrigin),
    layers: { title: title.layer, body: bodyLayer },
    limits: { cut, flattened, ...(fieldsCut.size > 0 ? { fields: [...fieldsCut] } : {}) },
    ...optional(
      'declaredCanonical',
      head.canonical ? canonicalUrl(head.canonical, options.url, options.mirrorOrigin) : undefined,
    ),
  };
}

function readTitle(
  index: PageIndex,
  hero: Element | undefined,
  head: HeadMetadata,
): { text: string; layer: ExtractionLayer } {
  const heading = firstWithin(index, hero, 'ilo--hero-card--title') ?? firstWithin(index, hero, 'ilo--hero--title');
  const site = cleanLine(inlineTextOf(heading));
  if (site) return { text: site, layer: 'site' };
  const headTitle = head.jsonLd[0]?.headline ?? head.ogTitle ?? head.title;
  if (headTitle) return { text: cleanLine(headTitle), layer: 'head' };
  const h1 = cleanLine(inlineTextOf(index.byTag('h1')[0]));
  return h1 ? { text: h1, layer: 'fallback' } : { text: '', layer: 'none' };
}

// Blocks that cannot be part of a heading. The design system's hero template closes its <h1> with
// </h2>; browsers close the h1 there, htmlparser2 does not, so the intro, date and share links end
// up inside it. A heading's own text is its text outside such blocks.
const NOT_IN_HEADING = new Set([
  'p',
  'div',
  'ul',
  'ol',
  'nav',
  'section',
  'figure',
  'form',
  'table',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'time',
  'button',
  'template',
]);

function inlineTextOf(heading: Element | undefined): string {
  if (!heading) return '';
  const parts: string[] = [];
  const stack = [...heading.children].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isText(node)) parts.push(node.data);
    else if (isTag(node) && !NOT_IN_HEADING.has(node.name) && node.name !== 'script' && node.name !== 'style') {
      pushReversed(stack, node.children);
    }
  }
  return parts.join('');
}

function readSummary(index: PageIndex, hero: Element | undefined, head: HeadMetadata): string | undefined {
  const intro = hero
    ? (firstWithin(index, hero, 'ilo--hero-card--intro') ?? firstWithin(index, hero, 'ilo--hero--intro'))
    : undefined;
  const site = cleanLine(textOf(intro));
  if (site) return site;
  const fromHead = head.ogDescription ?? head.description ?? head.jsonLd[0]?.description;
  return fromHead ? cleanLine(fromHead) || undefined : undefined;
}

const READABILITY_MAX_DEPTH = 200;

type BodyRead = { nodes: CleanNode[]; layer: ExtractionLayer; text: string; cut: boolean; flattened: boolean };

async function readBody(index: PageIndex, context: CleanContext, html: string): Promise<BodyRead> {
  const richtexts = index
    .byClass('ilo--richtext')
    .filter(
      (element) =>
        !hasAncestor(
          element,
          (a) =>
            /ilo--richtext|ilo--card|ilo--footer|ilo--header/.test(a.attribs.class ?? '') ||
            ['footer', 'header', 'nav', 'aside'].includes(a.name),
        ),
    );
  const site = cleanBodyWithin(richtexts, context);
  const siteText = plainTextOf(site.nodes);
  if (hasText(siteText)) return { ...site, layer: 'site', text: siteText };
  // Markup drift: Readability finds the main content; failing that, the densest text block does.
  // Loaded on first use: Readability and its DOM weigh more than the rest of extraction together.
  // Readability's scoring takes seconds on a deeply nested page (13 s at 10,000 levels): past
  // READABILITY_MAX_DEPTH only the densest-block search (iterative) looks for the body.
  const readable =
    index.maxDepth <= READABILITY_MAX_DEPTH
      ? (await import('./readability-fallback.js')).readableContent(html)
      : undefined;
  const readableDoc = readable ? parseHtml(readable.html) : undefined;
  // Readability's content first; the densest block only if that yields nothing.
  function* candidates(): Generator<Element[]> {
    if (readableDoc) yield readableDoc.children.filter((node): node is Element => isTag(node));
    const main = findMainContent(index.doc);
    if (main) yield [main];
  }
  for (const roots of candidates()) {
    // The hero card (title, lead, date, share links), the "Content also available in" line and Drupal
    // field labels are fields or chrome, never body: without this a page with an empty body was
    // published with its hero and chrome as the story (Readability keeps them as "content").
    const notBody = [
      ...all('.hero, .ilo--hero, .ilo--hero-card, .field__label', roots),
      ...(readableDoc && roots[0]?.parent === readableDoc ? alsoAvailableBlocks(indexPage(readableDoc)) : []),
    ];
    const cleaned = cleanBodyWithin(roots, {
      ...context,
      dropLandmarks: true,
      skip: new Set([...(context.skip ?? []), ...notBody]),
    });
    const text = plainTextOf(cleaned.nodes);
    if (hasText(text)) return { ...cleaned, layer: 'fallback', text };
  }
  return { nodes: [], layer: 'none', text: '', cut: false, flattened: false };
}

function dates(index: PageIndex, hero: Element | undefined, head: HeadMetadata): { publishedAt?: IsoDate } {
  const dateElement = ['ilo--hero-card--datecopy', 'ilo--hero--datecopy', 'ilo--hero-card--date']
    .map((name) => firstWithin(index, hero, name))
    .find(Boolean);
  const heroDate = parseIloDate(textOf(dateElement));
  // The story's own <time>: in the article, never in a card. Related-news cards sit inside <main>
  // too, and their dates are other stories' (a page dated only by JSON-LD took a card's date).
  const time = index
    .byTag('time')
    .find(
      (element) =>
        element.attribs.datetime &&
        hasAncestor(element, (a) => a.name === 'main' || a.name === 'article') &&
        !hasAncestor(
          element,
          (a) =>
            /(^|\s)(ilo--card|related)/.test(a.attribs.class ?? '') ||
            ['aside', 'nav', 'header', 'footer'].includes(a.name),
        ),
    );
  const timeDate = parseIloDate(attr(time, 'datetime'));
  const ldPublished = parseIloDate(head.jsonLd[0]?.datePublished ?? head.publishedTime);
  // The printed date is the story's own; a JSON-LD date-time on the same day adds the time of day.
  let publishedAt = heroDate ?? timeDate ?? ldPublished;
  if (heroDate && ldPublished && ldPublished.length > 10 && datePart(ldPublished) === heroDate)
    publishedAt = ldPublished;
  return optional('publishedAt', publishedAt);
}

function readImage(
  index: PageIndex,
  hero: Element | undefined,
  head: HeadMetadata,
  context: CleanContext,
  fieldsCut: Set<LimitedField>,
): ArticleImage | undefined {
  // The hero image sits beside the hero card, in the hero block, with its credit in a caption.
  const heroBlock = index.byClass('hero')[0] ?? index.byClass('ilo--hero')[0] ?? hero;
  const heroImage = heroBlock ? first('.hero--background img, .ilo--hero--background img, img', heroBlock) : undefined;
  const bodyFigure = index
    .byTag('figure')
    .find((figure) => hasAncestor(figure, (a) => / ?ilo--richtext\b/.test(a.attribs.class ?? '')));
  const candidates: {
    img?: Element | undefined;
    src?: string | undefined;
    alt?: string | undefined;
    figure?: Element | undefined;
  }[] = [
    {
      img: heroImage,
      figure:
        heroImage && heroBlock
          ? (first('.hero--caption, .ilo--hero--caption', heroBlock) ?? closest(heroImage, 'figure'))
          : undefined,
    },
    { src: head.ogImage, alt: head.ogImageAlt },
    { src: head.jsonLd[0]?.image },
    { img: bodyFigure ? first('img', bodyFigure) : undefined, figure: bodyFigure },
  ];
  for (const candidate of candidates) {
    const src = candidate.img ? (attr(candidate.img, 'src') ?? attr(candidate.img, 'data-src')) : candidate.src;
    const url = safeImageUrl(src, context);
    if (!url) continue;
    const alt = capField(
      'imageAlt',
      cleanLine(candidate.img ? (attr(candidate.img, 'alt') ?? '') : (candidate.alt ?? '')),
      fieldsCut,
    );
    const credit = capField('imageCredit', candidate.figure ? figureCredit(candidate.figure) : undefined, fieldsCut);
    return { url, ...(alt ? { alt } : {}), ...(credit ? { credit } : {}) };
  }
  return undefined;
}

function hasAncestor(element: Element, test: (ancestor: Element) => boolean): boolean {
  for (let parent = element.parent; parent && 'name' in parent; parent = parent.parent) if (test(parent)) return true;
  return false;
}

function closest(element: Element, name: string): Element | undefined {
  for (let parent = element.parent; parent && 'name' in parent; parent = parent.parent)
    if (parent.name === name) return parent;
  return undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
