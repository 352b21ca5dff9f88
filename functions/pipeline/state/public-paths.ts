// Which store keys are public. One allowlist for every place that serves the store: the local
// `serve` command and the CloudFront function in front of the bucket.

/** The regular expression source, without delimiters (CloudFront functions embed it as text). */
export const PUBLIC_KEY_PATTERN =
  '^(feeds\\/(en|zh)\\/(topics\\/[a-z0-9-]+\\/)?(rss\\.xml|atom\\.xml|feed\\.json)' +
  '|exports\\/v1\\/(index\\.json|changes\\.json|schema\\.json|archive\\/\\d{4}-\\d{2}\\.json|articles\\/[a-z0-9][a-z0-9-]*\\.json)' +
  '|articles\\/[a-z0-9][a-z0-9-]*\\/(en\\.md|zh\\.md|meta\\.json))$';

export const PUBLIC_KEY = new RegExp(PUBLIC_KEY_PATTERN);

export function isPublicKey(key: string): boolean {
  return PUBLIC_KEY.test(key);
}
