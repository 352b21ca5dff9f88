// feeds.opml: every feed in OPML 2.0 (http://opml.org/spec2.opml), for readers' "import
// subscriptions". One outline per feed, in RSS (the format every reader takes: importing all three
// formats would subscribe a reader to each story three times), grouped by language.
import { publicLink } from '../../record/export-article.js';
import type { LanguageKey } from '../../site/ilo-urls.js';
import { RSS_LANGUAGE } from '../../site/language-tags.js';
import { escapeXmlAttribute } from '../../text/markup-escape.js';
import type { LandingModel } from './landing-model.js';

const GROUP: Record<LanguageKey, string> = { en: 'ILO News (English)', zh: '国际劳工组织新闻（中文）' };

export function renderOpml(model: LandingModel, publicUrl: string): string {
  const attributes = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([name, value]) => `${name}="${escapeXmlAttribute(value)}"`)
      .join(' ');
  const groups = (Object.keys(model.feeds) as LanguageKey[]).map((lang) => {
    const outlines = model.feeds[lang].map(
      (feed) =>
        `      <outline ${attributes({
          type: 'rss',
          text: feed.title,
          title: feed.title,
          xmlUrl: publicLink(publicUrl, feed.paths.rss),
          htmlUrl: feed.htmlUrl,
          language: RSS_LANGUAGE[lang],
          version: 'RSS2',
        })}/>`,
    );
    return `    <outline ${attributes({ text: GROUP[lang], title: GROUP[lang] })}>\n${outlines.join('\n')}\n    </outline>`;
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    '  <head>',
    '    <title>ILO News feeds · 国际劳工组织新闻订阅源</title>',
    ...(model.updated ? [`    <dateModified>${model.updated.toUTCString()}</dateModified>`] : []),
    `    <docs>http://opml.org/spec2.opml</docs>`,
    '  </head>',
    '  <body>',
    ...groups,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
