// Clean content to Markdown (GFM): turndown with the GFM plugin, configured for stable output.
import { gfm } from '@joplin/turndown-plugin-gfm';
// The browser build: the same converter minus domino, a whole HTML parser we never need (see turndown-dom.ts).
import TurndownService from 'turndown/lib/turndown.browser.es.js';
import { cleanText } from '../text/clean-text.js';
import type { CleanNode } from './clean-body.js';
import { inertMarkdownText, inertTemplateSyntax } from './inert-markdown.js';
import { toTurndownDom } from './turndown-dom.js';

/** turndown with our rules; toMarkdown's converter (tests compare its raw output on other DOMs). */
export function createTurndown(): TurndownService {
  const service = new TurndownService({
    headingStyle: 'atx',
    hr: '---',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    emDelimiter: '_',
    strongDelimiter: '**',
    linkStyle: 'inlined',
    // A backslash hard break survives trailing-whitespace trimming (two spaces would not).
    br: '\\',
  });
  service.use(gfm);
  // Text stays text: no raw HTML, entity or template syntax out of what the page showed as characters.
  const markdownEscape = service.escape.bind(service);
  service.escape = (text: string) => inertMarkdownText(markdownEscape(text));
  // Alt text escaped like any text (turndown's own rule leaves "<" and template syntax in it).
  service.addRule('image', {
    filter: 'img',
    replacement(_content, node) {
      const element = node as unknown as { getAttribute(name: string): string | null };
      const src = markdownUrl(element.getAttribute('src') ?? '');
      const alt = service.escape((element.getAttribute('alt') ?? '').replace(/\s+/g, ' '));
      return src ? `![${alt}](${src})` : '';
    },
  });
  // Link targets percent-encoded rather than backslash-escaped (turndown's "\(" and "\)").
  service.addRule('inlineLink', {
    filter: (node) => node.nodeName === 'A' && Boolean(node.getAttribute('href')),
    replacement(content, node) {
      const href = markdownUrl(
        (node as unknown as { getAttribute(name: string): string | null }).getAttribute('href') ?? '',
      );
      return `[${content}](${href})`;
    },
  });
  // One space after the list marker ("- item", "1. item"); turndown's default pads to four columns.
  service.addRule('listItem', {
    filter: 'li',
    replacement(content, node, options) {
      // turndown hands over DOM nodes (domino's); only these members are used.
      const parent = node.parentNode as unknown as {
        nodeName: string;
        getAttribute(name: string): string | null;
        children: ArrayLike<unknown>;
      } | null;
      let prefix = `${options.bulletListMarker} `;
      if (parent?.nodeName === 'OL') {
        const start = Number(parent.getAttribute('start') ?? '1');
        const index = Array.prototype.indexOf.call(parent.children, node);
        prefix = `${start + index}. `;
      }
      const body = content
        .replace(/^\n+/, '')
        .replace(/\n+$/, '\n')
        .replace(/\n/gm, `\n${' '.repeat(prefix.length)}`);
      return prefix + body + (node.nextSibling && !/\n$/.test(body) ? '\n' : '');
    },
  });
  return service;
}

// Characters a Markdown link target cannot hold the same way in every renderer: kramdown takes no
// backslash escape in a URL ("\)" ended the link there, the rest of the URL became text), "|" ends a
// GFM table cell, "<", ">", spaces and quotes end or change the target, and "{" would be template
// syntax to Liquid and Hugo. Percent-encoded, each means the same to the server and nothing to the
// renderers. ("[" and "]" stay: they are harmless in a target and mean something in a host.)
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are among what is percent-encoded
const URL_SPECIALS = /[\u0000-\u0020\u007F()<>"\\`{}|^\u00A0\u2000-\u200B\u2028\u2029\u3000]/g;

/** A URL as a Markdown link or image target: the characters above percent-encoded. */
function markdownUrl(url: string): string {
  return url.replace(URL_SPECIALS, (c) =>
    c.charCodeAt(0) < 0x80 ? `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c),
  );
}

const turndown = createTurndown();

/** Markdown for cleaned content. Deterministic: the same content always gives the same text. */
export function toMarkdown(nodes: CleanNode[]): string {
  if (nodes.length === 0) return '';
  // turndown walks our light DOM directly; handing it HTML would make it parse the page again.
  const markdown = turndown.turndown(toTurndownDom(nodes) as unknown as TurndownService.Node);
  // Text nodes are escaped as they are converted; code spans and link destinations are not, so
  // template syntax is broken once more over the whole document.
  return inertTemplateSyntax(cleanText(markdown))
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Plain text made safe as Markdown: a lead that starts with "1." or holds "*" stays text, and "<",
 * entities and template syntax stay characters (inert-markdown.ts).
 */
export function escapeMarkdownText(text: string): string {
  return turndown.escape(text);
}

/**
 * Markdown of at most `max` characters, cut at the last paragraph (else line) break before the
 * limit, so no construct is left half open. Unchanged when it fits.
 */
export function capMarkdown(markdown: string, max: number): string {
  if (markdown.length <= max) return markdown;
  const head = markdown.slice(0, max);
  const paragraph = head.lastIndexOf('\n\n');
  const line = head.lastIndexOf('\n');
  const end =
    paragraph >= max / 2
      ? paragraph
      : line >= max / 2
        ? line
        : head.lastIndexOf(' ') >= max / 2
          ? head.lastIndexOf(' ')
          : max;
  return markdown.slice(0, end).trimEnd();
}
