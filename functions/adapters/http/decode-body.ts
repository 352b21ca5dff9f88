// Bytes to text with the right charset: the HTTP header's, else the page's <meta charset> (or an
// XML declaration's), else UTF-8. Legacy Chinese encodings (GBK, GB2312, GB18030, Big5) decode
// through the WHATWG decoders Node ships, so CJK text is never corrupted.

export function charsetOf(contentType: string | undefined, head: Uint8Array): string {
  const fromHeader = contentType ? /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType)?.[1] : undefined;
  if (fromHeader && isSupported(fromHeader)) return fromHeader.toLowerCase();
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  // The first 1024 bytes are enough by the HTML spec; ASCII-compatible encodings read them as latin1.
  const prefix = Buffer.from(head.subarray(0, 1024)).toString('latin1');
  const declared =
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(prefix)?.[1] ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)/i.exec(prefix)?.[1];
  if (declared && isSupported(declared)) return declared.toLowerCase();
  return 'utf-8';
}

export function decodeBody(bytes: Uint8Array, contentType: string | undefined): string {
  const charset = charsetOf(contentType, bytes);
  return new TextDecoder(charset).decode(bytes);
}

function isSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}
