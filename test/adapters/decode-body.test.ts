// Charset labels are checked against the bytes: a wrong label never yields mojibake or U+FFFD, a real
// legacy page still reads in its own encoding, and bytes no encoding reads are reported as damaged.
// Whether a document is whole: HTML ends with </html>, XML with its root's end tag.
import { describe, expect, it } from 'vitest';
import { decodeText } from '#adapters/http/decode-body.js';
import { unfinishedDocument } from '#pipeline/extract/document-end.js';
import { VARIANTS } from '#test/helpers/replica.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const CHINESE =
  '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"></head><body><h1>国际劳工组织与微软合作加强中国人工智能技能培训</h1><p>“以前只知道跑单。”</p></body></html>';
const ENGLISH =
  '<!DOCTYPE html><html lang="en"><head><title>ILO News</title></head><body><p>The ILO and Microsoft.</p></body></html>';
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const gbkPage = readFileSync(
  path.join(VARIANTS, 'variations/zh-hans/resource/news/外卖骑手职业安全培训在成都启动.html'),
);

describe('decodeText', () => {
  it.each(['iso-8859-1', 'windows-1252', 'gbk', 'big5', 'shift_jis'])(
    'reads UTF-8 Chinese labelled %s as UTF-8',
    (label) => {
      const decoded = decodeText(utf8(CHINESE), `text/html; charset=${label}`);
      expect(decoded).toMatchObject({ text: CHINESE, charset: 'utf-8', label, mislabelled: true, damaged: false });
    },
  );

  it.each(['utf-16le', 'utf-16be', 'utf-16'])('reads ASCII English labelled %s as the UTF-8 it is', (label) => {
    expect(decodeText(utf8(ENGLISH), `text/html; charset=${label}`)).toMatchObject({
      text: ENGLISH,
      charset: 'utf-8',
      mislabelled: true,
    });
  });

  it('still reads real UTF-16 (no BOM) as UTF-16', () => {
    expect(decodeText(new Uint8Array(Buffer.from(ENGLISH, 'utf16le')), 'text/html; charset=utf-16le')).toMatchObject({
      text: ENGLISH,
      mislabelled: false,
    });
  });

  it.each([
    ['UTF-16BE labelled UTF-16LE', 'utf16be', 'text/html; charset=utf-16le'],
    ['UTF-16BE labelled UTF-8', 'utf16be', 'text/html; charset=utf-8'],
    ['UTF-16LE labelled UTF-8', 'utf16le', 'text/html; charset=utf-8'],
    ['UTF-16LE without a label', 'utf16le', 'text/html'],
    ['UTF-16BE without a label', 'utf16be', undefined],
  ] as const)('reads markup in %s (no BOM) in the byte order its NUL bytes show', (_, order, contentType) => {
    for (const page of [ENGLISH.replace('ILO News', 'ILO News – Genève'), CHINESE]) {
      const le = Buffer.from(page, 'utf16le');
      const bytes = order === 'utf16le' ? le : Buffer.from(le).swap16();
      expect(decodeText(new Uint8Array(bytes), contentType)).toMatchObject({
        text: page,
        charset: order === 'utf16le' ? 'utf-16le' : 'utf-16be',
        damaged: false,
      });
    }
  });

  it('says damaged, rather than guessing, when UTF-16 bytes are broken', () => {
    const bytes = Buffer.from(ENGLISH, 'utf16le');
    bytes.writeUInt16LE(0xd800, 40); // a lone surrogate
    expect(decodeText(new Uint8Array(bytes), 'text/html; charset=utf-16le')).toMatchObject({ damaged: true });
  });

  it('reads a GBK page labelled Big5 as GBK (Big5 reads its bytes too, as nonsense with private-use characters)', () => {
    const decoded = decodeText(gbkPage, 'text/html; charset=big5');
    expect(decoded).toMatchObject({ charset: 'gbk', mislabelled: true, damaged: false }); // the page's own <meta charset>
    expect(decoded.text).toContain('外卖骑手职业安全培训在成都启动');
    expect(decoded.text).not.toMatch(/[\uE000-\uF8FF]/);
  });

  it('reads a Big5 page labelled GBK as Big5', () => {
    // "國際勞工組織與微軟合作加強中國人工智慧技能培訓，以前只知道跑單。" in Big5.
    const big5 = Buffer.from(
      'b0eabbdab3d2a475b2d5c2b4bb50b74cb36ea658a740a55bb16aa4a4b0eaa448a475b4bcbc7aa7deafe0b0f6b056a141a548ab65a575aabeb944b65db3e6a143',
      'hex',
    );
    const page = Buffer.concat([
      Buffer.from('<!DOCTYPE html><html><body><p>'),
      big5,
      Buffer.from('</p></body></html>'),
    ]);
    const decoded = decodeText(new Uint8Array(page), 'text/html; charset=gbk');
    expect(decoded).toMatchObject({ charset: 'big5', mislabelled: true, damaged: false });
    expect(decoded.text).toContain('國際勞工組織與微軟合作加強中國人工智慧技能培訓，以前只知道跑單。');
  });

  it('reads a GBK page served as GBK, without a charset, labelled UTF-8, or labelled ISO-8859-1, all as GBK', () => {
    for (const contentType of [
      'text/html; charset=gbk',
      'text/html',
      'text/html; charset=utf-8',
      'text/html; charset=iso-8859-1',
    ]) {
      const decoded = decodeText(gbkPage, contentType);
      expect(decoded.text, contentType).toContain('外卖骑手职业安全培训在成都启动');
      expect(decoded.text, contentType).not.toContain('\uFFFD');
      expect(decoded.damaged).toBe(false);
    }
  });

  it('keeps a real Latin-1 page in Latin-1', () => {
    const page = '<!DOCTYPE html><html><body><p>Genève, décembre : l’OIT à Genève « ça »</p></body></html>'.replace(
      '’',
      "'",
    );
    expect(decodeText(Buffer.from(page, 'latin1'), 'text/html; charset=iso-8859-1')).toMatchObject({
      text: page,
      mislabelled: false,
      damaged: false,
    });
  });

  it('says damaged when no encoding reads every byte', () => {
    const bytes = Buffer.from(CHINESE, 'utf8');
    for (let i = 80; i < bytes.length; i += 17) bytes[i] = 0xff;
    expect(decodeText(bytes, 'text/html; charset=utf-8')).toMatchObject({ damaged: true });
  });

  it('lets a byte order mark decide', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('中文')]), 'text/html; charset=iso-8859-1').text).toBe(
      '中文',
    );
  });
});

describe('unfinishedDocument', () => {
  it.each([
    ['<!DOCTYPE html><html><body><p>whole</p></body></html>\n', undefined],
    ['<!DOCTYPE html><html><body><p>cut', '</html>'],
    ['<?xml version="1.0"?>\n<urlset xmlns="x"><url><loc>a</loc></url></urlset>\n<!-- generated -->\n', undefined],
    [
      '<?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n<sitemapindex xmlns="x"><sitemap><loc>a</loc>',
      '</sitemapindex>',
    ],
    ['<?xml version="1.0"?><urlset xmlns="x"/>', undefined],
    ['User-agent: *\nDisallow:', undefined],
    ['<p>a fragment is not judged', undefined],
  ])('%j: %s', (text, missing) => {
    expect(unfinishedDocument(text)).toBe(missing);
  });
});
