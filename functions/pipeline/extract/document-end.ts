// Whether a fetched document is whole. A body cut short on a connection without Content-Length (or
// with chunked encoding ended early by a proxy) reads as a shorter document; stored, it was a shorter
// story. A full HTML document ends with </html>; an XML document with the end tag of its root.
// Fragments and other text are not judged. The HTTP fetcher checks every response; ingest checks
// every page it extracts, stored snapshots included. (The design system's footer is not required:
// a redesign without it would then stop every ingest.)

/** What a cut document lacks ("</html>", "</urlset>"), or undefined when it looks whole. */
export function unfinishedDocument(text: string): string | undefined {
  const start = text
    .slice(0, 2048)
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (/^(<!doctype html|<html[\s>])/i.test(start) || (/^<!--/.test(start) && /<html[\s>]/i.test(start))) {
    return /<\/html\s*>/i.test(text.slice(-4096)) ? undefined : '</html>';
  }
  if (start.startsWith('<?xml')) {
    const root = /<([A-Za-z_][\w:.-]*)[\s/>]/.exec(start.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<![^>]*>/g, ''))?.[1];
    if (!root) return 'a root element';
    const name = root.replace(/\./g, '\\.');
    // The end tag of the root (comments may follow it), or a root that is empty and self-closed.
    let tail = text.slice(-4096).trimEnd();
    while (tail.endsWith('-->') && tail.lastIndexOf('<!--') >= 0)
      tail = tail.slice(0, tail.lastIndexOf('<!--')).trimEnd();
    return new RegExp(`(</${name}\\s*>|<${name}\\b[^>]*/>)$`).test(tail) ? undefined : `</${root}>`;
  }
  return undefined;
}
