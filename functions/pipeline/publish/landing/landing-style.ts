// The landing page's style sheet and the Content-Security-Policy that lets it in, and nothing else:
// one place for both, since the policy allows the style by its hash. The page carries the policy in
// a <meta> tag (a folder or bucket served by anything still has it); `serve` and CloudFront also send
// it as a header, which may forbid framing too (browsers ignore frame-ancestors in a <meta> policy).
// A change of the style changes the hash: raise PUBLIC_FORMAT with it (docs/ARCHITECTURE.md,
// "serve and CloudFront"), so the first publish after the deploy writes the page the new header allows.
import { createHash } from 'node:crypto';

export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1b1b; --bg: #ffffff; --muted: #555555; --link: #0b4f9c; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e8e8e8; --bg: #141414; --muted: #b0b0b0; --link: #8cc4ff; --line: #3a3f44; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; }
header, main, footer { max-width: 48rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 1.5rem; }
h1 { font-size: 1.6rem; line-height: 1.3; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 .5rem; padding-top: 1rem; border-top: 2px solid var(--line); }
h3 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
a { color: var(--link); text-underline-offset: .15em; }
a:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
nav ul { list-style: none; padding: 0; margin: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
ul.stories { list-style: none; padding: 0; }
ul.stories li { margin: 0 0 .75rem; }
time, .muted { color: var(--muted); font-size: .9rem; }
ul.stories time { display: block; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th[scope="col"]:last-child { width: 40%; }
th, td { text-align: left; vertical-align: top; padding: .4rem .5rem .4rem 0; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
td.formats a { margin-right: .6rem; white-space: nowrap; }
details.topics { margin: 1rem 0; }
details.topics summary { cursor: pointer; color: var(--link); font-weight: bold; padding: .4rem 0; }
code { font-size: .9em; overflow-wrap: anywhere; }
footer { margin: 3rem auto 2rem; color: var(--muted); font-size: .9rem; }
`;

const STYLE_HASH = createHash('sha256').update(STYLE, 'utf8').digest('base64');

/** The policy in the page's <meta> tag: no script, no request of any kind, only this style. */
export const LANDING_PAGE_META_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'`;

/** The same policy as a response header, and no framing (as X-Frame-Options: DENY says to older browsers). */
export const LANDING_PAGE_CSP = `${LANDING_PAGE_META_CSP}; frame-ancestors 'none'`;
