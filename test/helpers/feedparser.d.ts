// npm `feedparser` ships no typings: the part the reader tests use.
declare module 'feedparser' {
  import { Transform } from 'node:stream';
  export default class FeedParser extends Transform {
    constructor(options?: Record<string, unknown>);
    meta: { link?: string | null; title?: string | null; language?: string | null };
  }
}
