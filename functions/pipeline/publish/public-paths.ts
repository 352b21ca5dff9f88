// Which store keys are public, and how a request path maps to them. One set of rules for every place
// that serves the store: the local `serve` command and the CloudFront distribution (its viewer-request
// function embeds these values as text, and its CORS policy uses the same header lists).
import { keys } from '../state/store-keys.js';
import { LANDING_PAGE_CSP } from './landing/landing-style.js';

/** The regular expression source, without delimiters (CloudFront functions embed it as text). */
export const PUBLIC_KEY_PATTERN =
  '^(index\\.html|feeds\\.opml' +
  '|feeds\\/(en|zh)\\/(topics\\/[a-z0-9-]+\\/)?(rss\\.xml|atom\\.xml|feed\\.json)' +
  '|exports\\/v1\\/(index\\.json|changes\\.json|schema\\.json|archive\\/\\d{4}-\\d{2}\\.json|articles\\/[a-z0-9][a-z0-9-]*\\.json)' +
  '|articles\\/[a-z0-9][a-z0-9-]*\\/(en\\.md|zh\\.md|meta\\.json))$';

const PUBLIC_KEY = new RegExp(PUBLIC_KEY_PATTERN);

export function isPublicKey(key: string): boolean {
  return PUBLIC_KEY.test(key);
}

/** The site root is the landing page (CloudFront's default root object does the same for "/"). */
export const ROOT_KEY = keys.landingPage();

/**
 * Paths a person may type that are no file: each leads to the part of the landing page it means.
 * Relative, so they stay on the site when it is served under a path prefix (a proxy publishing it
 * at https://example.org/ilo/: /ilo/feeds/ leads to /ilo/#feeds, not to the host's own root).
 */
export const PUBLIC_REDIRECTS: Readonly<Record<string, string>> = {
  feeds: './#feeds',
  'feeds/': '../#feeds',
  exports: './#exports',
  'exports/': '../#exports',
};

/**
 * Cross-origin reads: every public file, from any origin. Partner sites read the feeds, the exports
 * and the files the exports link to (the Markdown and meta.json under articles/); a browser feed
 * reader imports the OPML or finds the feeds in the landing page's <link rel="alternate">. All of
 * it is public and no request carries credentials, so `*` gives nothing away. Revalidation headers
 * are allowed and readable, so a browser can ask "changed since?" and see the answer's validators.
 */
export function isCorsKey(key: string): boolean {
  return isPublicKey(key);
}

export const CORS_RULES = {
  allowOrigin: '*',
  allowMethods: ['GET', 'HEAD', 'OPTIONS'],
  allowHeaders: ['If-None-Match', 'If-Modified-Since'],
  exposeHeaders: ['ETag', 'Last-Modified'],
  maxAgeSeconds: 86_400,
} as const;

/** The CORS headers of a response (lower-case names), for a preflight or for the GET itself. */
export function corsHeaders(preflight: boolean): Record<string, string> {
  return {
    'access-control-allow-origin': CORS_RULES.allowOrigin,
    'access-control-expose-headers': CORS_RULES.exposeHeaders.join(', '),
    ...(preflight
      ? {
          'access-control-allow-methods': CORS_RULES.allowMethods.join(', '),
          'access-control-allow-headers': CORS_RULES.allowHeaders.join(', '),
          'access-control-max-age': String(CORS_RULES.maxAgeSeconds),
        }
      : {}),
  };
}

/**
 * Security headers of every public file, sent by `serve` and by CloudFront's response headers
 * policies (which add HSTS, meaningless over serve's plain HTTP). The referrer policy keeps the
 * path of our pages (a topic feed, a story) out of what links to other sites are told.
 */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
} as const;

/** The security headers of a public key's responses: the landing page's also carry its Content-Security-Policy. */
export function securityHeaders(key: string): Record<string, string> {
  return { ...SECURITY_HEADERS, ...(key === ROOT_KEY ? { 'content-security-policy': LANDING_PAGE_CSP } : {}) };
}
