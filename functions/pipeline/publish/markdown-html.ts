// Markdown to the HTML that feeds carry: markdown-it renders (raw HTML off, unsafe link schemes
// refused), then sanitize-html enforces an allowlist, so no script, event handler, javascript: URL
// or iframe can reach a reader whatever the Markdown holds.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { cleanText } from '../text/clean-text.js';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const ALLOWLIST: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'blockquote',
    'em',
    'strong',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'pre',
    'code',
    'hr',
    's',
    'del',
    'sup',
    'sub',
    // The item around the body: lead image with its credit, attribution (publish/feeds/item-html.ts).
    'figure',
    'figcaption',
    'small',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'lang'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    // Links open the original site; tell readers not to pass on the referrer or the opener.
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }),
    // Text readers show an image's title, not its alt (newsboat 2.21 writes "[image 1]" for alt
    // alone and "[image 1: <title>]" with a title): the alt text is the title too where none is given.
    img: (tagName, attribs) => ({
      tagName,
      attribs: attribs.alt && !attribs.title ? { ...attribs, title: attribs.alt } : attribs,
    }),
  },
};
ALLOWLIST.allowedAttributes = { ...ALLOWLIST.allowedAttributes, a: ['href', 'title', 'rel', 'hreflang', 'lang'] };

/** Sanitized HTML for a Markdown text. */
export function markdownToHtml(text: string): string {
  return sanitizeHtmlFragment(markdown.render(cleanText(text)));
}

/** Any HTML fragment reduced to the allowlist. */
function sanitizeHtmlFragment(html: string): string {
  return sanitizeHtml(cleanText(html), ALLOWLIST).trim();
}
