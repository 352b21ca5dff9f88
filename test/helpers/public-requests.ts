// Requests whose answers `serve` and the CloudFront function must agree on: the public-path rules are
// one set, and test/cli/public-server.test.ts and test/infra/syndication-stack.test.ts both run this
// table (over HTTP, and through the synthesized function code).

export interface PublicRequestCase {
  method: 'GET' | 'HEAD' | 'OPTIONS';
  path: string;
  /** 'file': the request goes on to the object with this key (CloudFront) and it is served (serve). */
  /** A redirect names where it lands on the site (a fragment of the landing page). */
  answer: { file: string } | { status: 301; lands: string } | { status: 204 | 404 };
  /** CORS headers on the answer. */
  cors: boolean;
  /** The landing page's Content-Security-Policy header on the answer (a file answer carries SECURITY_HEADERS always). */
  landingPage?: true;
}

/** The security headers every file answer carries, from serve and from CloudFront. */
export const EXPECTED_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;

/** The landing page's header policy: what its <meta> tag says, and no framing. */
export const EXPECTED_LANDING_CSP =
  /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/;

export const PUBLIC_REQUEST_CASES: PublicRequestCase[] = [
  { method: 'GET', path: '/', answer: { file: 'index.html' }, cors: true, landingPage: true },
  { method: 'GET', path: '/index.html', answer: { file: 'index.html' }, cors: true, landingPage: true },
  { method: 'GET', path: '/feeds.opml', answer: { file: 'feeds.opml' }, cors: true },
  { method: 'GET', path: '/feeds/', answer: { status: 301, lands: '#feeds' }, cors: false },
  { method: 'GET', path: '/feeds', answer: { status: 301, lands: '#feeds' }, cors: false },
  { method: 'GET', path: '/exports/', answer: { status: 301, lands: '#exports' }, cors: false },
  { method: 'GET', path: '/feeds/zh/atom.xml', answer: { file: 'feeds/zh/atom.xml' }, cors: true },
  { method: 'GET', path: '/exports/v1/index.json', answer: { file: 'exports/v1/index.json' }, cors: true },
  { method: 'GET', path: '/articles/a-story/en.md', answer: { file: 'articles/a-story/en.md' }, cors: true },
  { method: 'GET', path: '/articles/a-story/meta.json', answer: { file: 'articles/a-story/meta.json' }, cors: true },
  { method: 'HEAD', path: '/articles/a-story/zh.md', answer: { file: 'articles/a-story/zh.md' }, cors: true },
  { method: 'OPTIONS', path: '/articles/a-story/en.md', answer: { status: 204 }, cors: true },
  { method: 'OPTIONS', path: '/articles/a-story/meta.json', answer: { status: 204 }, cors: true },
  { method: 'OPTIONS', path: '/exports/v1/index.json', answer: { status: 204 }, cors: true },
  { method: 'OPTIONS', path: '/index.html', answer: { status: 204 }, cors: true },
  { method: 'OPTIONS', path: '/feeds.opml', answer: { status: 204 }, cors: true },
  { method: 'OPTIONS', path: '/state/crawl.json', answer: { status: 404 }, cors: false },
  { method: 'GET', path: '/state/crawl.json', answer: { status: 404 }, cors: false },
  { method: 'GET', path: '/raw/a-story/en.html', answer: { status: 404 }, cors: false },
  { method: 'GET', path: '/notifications.jsonl', answer: { status: 404 }, cors: false },
];

/**
 * Where a redirect's Location takes a browser that asked for `path` on a site served at the root of
 * its host and on one served under a path prefix (a proxy publishing it at /ilo/): the landing page
 * of that same site, both times.
 */
export function redirectTargets(location: string, path: string): { atRoot: string; underPrefix: string } {
  return {
    atRoot: new URL(location, `https://feeds.example.org${path}`).href,
    underPrefix: new URL(location, `https://example.org/ilo${path}`).href,
  };
}

export function expectedRedirectTargets(lands: string): { atRoot: string; underPrefix: string } {
  return { atRoot: `https://feeds.example.org/${lands}`, underPrefix: `https://example.org/ilo/${lands}` };
}
