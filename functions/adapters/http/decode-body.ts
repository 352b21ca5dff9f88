// Bytes to text with the right charset, checked against the bytes rather than trusted: the label
// (the HTTP header's, else the page's <meta charset> or XML declaration, else UTF-8) can be wrong.
// A wrong label lost Chinese versions, published mojibake ("鍥介檯…") and U+FFFD, and made English
// pages read as Chinese. The rules, in order:
//   1. a byte order mark decides (as in browsers);
//   2. markup full of NUL bytes is UTF-16, in the byte order the NULs show (the ASCII of markup has
//      its NUL after it in UTF-16LE, before it in UTF-16BE), whatever the label says: English in
//      UTF-16BE labelled UTF-16LE read as CJK-looking nonsense, no title was found, and the Chinese
//      twins were stored alone under new "zh-" ids, for good;
//   3. bytes that are valid UTF-8 and hold non-ASCII characters are UTF-8, whatever the label says:
//      text in a legacy encoding is practically never valid UTF-8; likewise ASCII bytes labelled
//      UTF-16 (real UTF-16 markup is full of NUL bytes);
//   4. otherwise a legacy encoding that decodes every byte: GB18030 first when the label is a
//      single-byte Latin one and GB18030 reads the bytes as Chinese, then the label, the page's own
//      declaration, GB18030, Big5. GBK and Big5 read each other's bytes without an error, as
//      nonsense with private-use characters in it (GBK labelled Big5 was stored so): a reading with
//      private-use characters gives way to one without;
//   5. when nothing decodes every byte the text is damaged: the caller must not publish it.
// Legacy Chinese encodings (GBK, GB2312, GB18030, Big5) decode through the WHATWG decoders Node ships.

export interface DecodedBody {
  text: string;
  /** The encoding the text was read in. */
  charset: string;
  /** What the response said (header, else the document's declaration, else the UTF-8 default). */
  label: string;
  /** The label was wrong: another encoding read the bytes and the label's did not (or read them as mojibake). */
  mislabelled: boolean;
  /** No encoding tried reads every byte: the text has U+FFFD where bytes were invalid. */
  damaged: boolean;
}

/** The text of a response body (see DecodedBody for what else is known about it). */
export function decodeText(bytes: Uint8Array, contentType: string | undefined): DecodedBody {
  const bom = bomCharset(bytes);
  if (bom)
    return { text: new TextDecoder(bom).decode(bytes), charset: bom, label: bom, mislabelled: false, damaged: false };
  const declared = declaredCharset(bytes);
  const label = headerCharset(contentType) ?? declared ?? 'utf-8';
  const result = (charset: string, text: string): DecodedBody => ({
    text,
    charset,
    label,
    mislabelled: canonicalName(charset) !== canonicalName(label),
    damaged: false,
  });

  const order = utf16Order(bytes);
  if (order) {
    const utf16 = strictDecode(bytes, order);
    if (utf16 !== undefined) return result(order, utf16);
    return { text: new TextDecoder(order).decode(bytes), charset: order, label, mislabelled: false, damaged: true };
  }
  const nonAscii = bytes.some((byte) => byte >= 0x80);
  const utf8 = strictDecode(bytes, 'utf-8');
  if (utf8 !== undefined && (nonAscii || isUtf16(label))) return result('utf-8', utf8);
  if (!nonAscii && !isUtf16(label)) return result(label, new TextDecoder(label).decode(bytes));

  const gb18030 = strictDecode(bytes, 'gb18030');
  if (gb18030 !== undefined && isSingleByte(label) && mostlyHan(gb18030)) return result('gb18030', gb18030);
  let best: { charset: string; text: string; privateUse: number } | undefined;
  for (const candidate of unique([label, declared, 'gb18030', 'big5'])) {
    if (!candidate || canonicalName(candidate) === 'utf-8' || isUtf16(candidate)) continue;
    const text = candidate === 'gb18030' ? gb18030 : strictDecode(bytes, candidate);
    if (text === undefined) continue;
    const privateUse = countPrivateUse(text);
    if (!best || privateUse < best.privateUse) best = { charset: candidate, text, privateUse };
    if (privateUse === 0) break;
  }
  if (best) return result(best.charset, best.text);
  const fallback = isUtf16(label) ? 'utf-8' : label;
  return { text: new TextDecoder(fallback).decode(bytes), charset: fallback, label, mislabelled: false, damaged: true };
}

function bomCharset(head: Uint8Array): string | undefined {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

function headerCharset(contentType: string | undefined): string | undefined {
  const label = contentType ? /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType)?.[1] : undefined;
  return label && isSupported(label) ? label.toLowerCase() : undefined;
}

/** The charset the document declares in its first 1024 bytes (<meta charset>, an XML declaration). */
function declaredCharset(head: Uint8Array): string | undefined {
  // ASCII-compatible encodings read the first bytes as latin1, which is enough to find the declaration.
  const prefix = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  const declared =
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(prefix)?.[1] ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(prefix)?.[1];
  return declared && isSupported(declared) ? declared.toLowerCase() : undefined;
}

function strictDecode(bytes: Uint8Array, charset: string): string | undefined {
  try {
    return new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function canonicalName(label: string): string {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label;
  }
}

function isUtf16(label: string): boolean {
  return canonicalName(label).startsWith('utf-16');
}

/**
 * UTF-16 markup has a NUL byte beside every ASCII character: after it in UTF-16LE ("<" is 3C 00),
 * before it in UTF-16BE (00 3C). Text in any other encoding has no NUL at all. Undefined when the
 * bytes are not UTF-16.
 */
function utf16Order(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const sample = bytes.subarray(0, 4096);
  let odd = 0;
  let even = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? even++ : odd++;
  if (sample.length === 0 || (odd + even) / sample.length <= 0.2) return undefined;
  return odd >= even ? 'utf-16le' : 'utf-16be';
}

/** Characters of the private use area: no real text holds them, mojibake between GBK and Big5 does. */
function countPrivateUse(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xe000 && c <= 0xf8ff) count++;
  }
  return count;
}

/** Encodings with one byte per character (windows-1252, iso-8859-*, koi8...), where any byte decodes. */
function isSingleByte(label: string): boolean {
  const name = canonicalName(label);
  return (
    name.startsWith('windows-125') ||
    name.startsWith('iso-8859') ||
    name.startsWith('koi8') ||
    name === 'macintosh' ||
    name === 'ibm866' ||
    name === 'x-mac-cyrillic'
  );
}

/** Most non-ASCII characters are Han (or CJK punctuation and full-width forms). */
function mostlyHan(text: string): boolean {
  let han = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0x3000 && c <= 0x303f) ||
      (c >= 0xff00 && c <= 0xffef) ||
      (c >= 0x3400 && c <= 0x4dbf)
    )
      han++;
    else other++;
  }
  return han > 0 && han >= other * 4;
}

function unique(values: (string | undefined)[]): (string | undefined)[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    if (!value) return false;
    const name = canonicalName(value);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

function isSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}
