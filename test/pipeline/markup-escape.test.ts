// One escaping module for every piece of XML and HTML we write: each context read back by a strict
// XML 1.0 parser (and, for HTML, by linkedom) gives the text, whatever it holds.
import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { js2xml } from 'xml-js';
import {
  cdataSafe,
  escapeKeptHtml,
  escapeXml,
  escapeXmlAttribute,
  xmlJsAttribute,
  xmlJsText,
} from '#pipeline/text/markup-escape.js';
import { parseStrictXml } from '#test/helpers/strict-xml.js';

// What XML 1.0 cannot carry: C0 controls but TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF (and the
// characters clean-text.ts drops with them: DEL, C1 controls, U+FDD0-U+FDEF).
const FORBIDDEN = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u001F', '\u007F', '\u0085', '\uFFFE', '\uFFFF'];
const LONE = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF'];
const allowed = (text: string) =>
  text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what the escapers drop
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '',
  );

const nasty = fc.string({
  unit: fc.constantFrom(
    '<',
    '>',
    '&',
    '&amp;',
    '&lt;',
    '&#39;',
    ']]>',
    ']',
    '"',
    "'",
    '\t',
    '\n',
    '\r',
    ' ',
    'a',
    '国',
    '👷',
    ...FORBIDDEN,
    ...LONE,
  ),
  maxLength: 30,
});

/** The text of `<x>...</x>` and its attribute `a`, as a strict XML parser reads them. */
const readXml = (xml: string) => parseStrictXml(xml);

describe('text context', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f');
  });

  it('reads back as the text in XML and in HTML, whatever it holds (characters XML forbids dropped)', () => {
    fc.assert(
      fc.property(nasty, (text) => {
        // An XML parser turns CR and CRLF in content into LF (end-of-line handling).
        expect(readXml(`<x>${escapeXml(text)}</x>`).text).toBe(allowed(text).replace(/\r\n?/g, '\n'));
        const read = parseHTML(`<html><body><p>${escapeXml(text)}</p></body></html>`).document.querySelector(
          'p',
        )!.textContent;
        expect(read).toBe(allowed(text)); // linkedom (htmlparser2) keeps a CR as it is
      }),
      { numRuns: 400 },
    );
  });
});

describe('attribute context', () => {
  it('keeps TAB, LF and CR, which a parser would otherwise normalize to spaces', () => {
    expect(escapeXmlAttribute('a\tb\nc\rd "e" \'f\' <&>')).toBe(
      'a&#9;b&#10;c&#13;d &quot;e&quot; &#39;f&#39; &lt;&amp;&gt;',
    );
    expect(readXml(`<x a="${escapeXmlAttribute('one\ntwo\tthree')}"/>`).attributes.a).toBe('one\ntwo\tthree');
    // With the text escaper, the line break becomes a space: why attributes have their own.
    expect(readXml(`<x a="${escapeXml('one\ntwo')}"/>`).attributes.a).toBe('one two');
  });

  it('reads back as the value in double and in single quotes', () => {
    fc.assert(
      fc.property(nasty, (value) => {
        const escaped = escapeXmlAttribute(value);
        expect(readXml(`<x a="${escaped}"/>`).attributes.a).toBe(allowed(value));
        expect(readXml(`<x a='${escaped}'/>`).attributes.a).toBe(allowed(value));
      }),
      { numRuns: 400 },
    );
  });
});

describe('CDATA', () => {
  it('never lets "]]>" end the section, also when it occurs twice or at the end', () => {
    const html = '<p>a ]]> b ]]]]> c</p>]]>';
    const xml = `<x><![CDATA[${cdataSafe(html)}]]></x>`;
    expect(readXml(xml).text).toBe('<p>a ]]&gt; b ]]]]&gt; c</p>]]&gt;');
    fc.assert(
      fc.property(nasty, (html) => {
        expect(readXml(`<x><![CDATA[${cdataSafe(html)}]]></x>`).text).toBe(
          allowed(html).replaceAll(']]>', ']]&gt;').replace(/\r\n?/g, '\n'),
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('characters XML 1.0 cannot carry', () => {
  it.each([...FORBIDDEN, ...LONE].map((c) => [c.charCodeAt(0).toString(16).toUpperCase(), c]))(
    'U+%s is dropped in every context',
    (_code, c) => {
      for (const escaper of [escapeXml, escapeXmlAttribute, cdataSafe, xmlJsText, xmlJsAttribute])
        expect(escaper(`a${c}b`)).toBe('ab');
    },
  );

  it('keeps surrogate pairs (characters outside the BMP)', () => {
    for (const escaper of [escapeXml, escapeXmlAttribute, cdataSafe, xmlJsText])
      expect(escaper('👷\u{20000}')).toBe('👷\u{20000}');
  });
});

describe('xml-js', () => {
  it('writes text and attributes exactly, "&amp;" included (it un-escapes that on its own)', () => {
    fc.assert(
      fc.property(nasty, nasty, (text, value) => {
        const xml = js2xml(
          { x: { _attributes: { a: xmlJsAttribute(value) }, _text: xmlJsText(text) } },
          { compact: true },
        );
        const read = readXml(xml);
        expect(read.text).toBe(allowed(text).replace(/\r\n?/g, '\n'));
        expect(read.attributes.a).toBe(allowed(value));
      }),
      { numRuns: 400 },
    );
    // What xml-js does with the text as it is.
    expect(readXml(js2xml({ x: { _text: 'AT&amp;T' } }, { compact: true })).text).toBe('AT&T');
  });
});

describe('HTML that turndown keeps in Markdown', () => {
  it('escapes exactly "&", "<", ">" and \'"\' (the bytes are hashed into contentHash)', () => {
    expect(escapeKeptHtml(`a & b < c > d " e ' f`)).toBe("a &amp; b &lt; c &gt; d &quot; e ' f");
  });
});
