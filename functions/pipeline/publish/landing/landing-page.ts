// index.html: the page a person finds at the site's root, in English and Chinese: what this is, the
// newest stories of each language, every feed (with <link rel="alternate"> autodiscovery for the
// language feeds), the exports for partner sites, and email subscriptions. One static file: no
// script, no external asset (a Content-Security-Policy says so to the browser: landing-style.ts), every text escaped,
// links relative to the page for our own files so it works wherever it is served.
import { formatDate } from '../../parse/dates.js';
import type { LanguageKey } from '../../site/ilo-urls.js';
import type { FeedFormat } from '../../state/store-keys.js';
import { keys } from '../../state/store-keys.js';
import { escapeXml, escapeXmlAttribute } from '../../text/markup-escape.js';
import { LANGUAGE_TAG } from '../../site/language-tags.js';
import type { LandingFeed, LandingModel, LandingStory } from './landing-model.js';
import { LANDING_PAGE_META_CSP, STYLE } from './landing-style.js';

interface PageText {
  heading: string;
  intro: string[];
  latest: string;
  noStories: string;
  feeds: string;
  feedsIntro: string;
  feedColumn: string;
  formatsColumn: string;
  allStories: string;
  topicFeeds: (count: number) => string;
  opml: string;
  partners: string;
  partnersIntro: string;
  exports: [key: string, description: string][];
  pull: string;
  email: string;
  emailText: string[];
  date: (day: string) => string;
}

const TEXT: Record<LanguageKey, PageText> = {
  en: {
    heading: 'English',
    intro: [
      'News from the International Labour Organization (ILO), republished from <a href="https://www.ilo.org/resource/news">www.ilo.org</a> with attribution, for feed readers, partner sites and email subscribers. The ILO publishes no feed of its own; this service reads its news pages and republishes each story as it appears or changes.',
      'Every story links to the original on www.ilo.org. © International Labour Organization.',
    ],
    latest: 'Latest stories',
    noStories: 'No stories yet.',
    feeds: 'Feeds',
    feedsIntro:
      'Subscribe in any feed reader. Each feed holds the newest 50 stories; the topic feeds hold those of one topic.',
    feedColumn: 'Feed',
    formatsColumn: 'Formats',
    allStories: 'All English stories',
    topicFeeds: (count) => `Topic feeds (${count})`,
    opml: 'Every feed in one file, to import into a reader:',
    partners: 'For partner sites',
    partnersIntro: 'Plain JSON, readable from any site (CORS), with ETag and Last-Modified for conditional requests:',
    exports: [
      [keys.exportIndex(), 'the newest stories, then older ones by month (follow next)'],
      [keys.exportChanges(), 'what changed, newest first, with a seq number to resume from'],
      [keys.exportSchema(), 'the JSON Schema of every document'],
    ],
    pull: 'Each story is also Markdown with front matter (articles/&lt;id&gt;/en.md, zh.md). <code>npm run syndicate -- pull --from &lt;this site&gt; --site hugo|jekyll --out DIR</code> keeps a Hugo or Jekyll site up to date.',
    email: 'By email',
    emailText: [
      'Subscribers receive one short email per new or updated story, in English and Chinese: title, date, lead and links.',
      'Email subscriptions are kept by whoever runs this service (Amazon SNS): ask them to add your address, then confirm from the email Amazon sends you. Every message has a link to unsubscribe.',
    ],
    date: (day) => formatDate(day, 'en'),
  },
  zh: {
    heading: '中文',
    intro: [
      '国际劳工组织（ILO）新闻，转载自 <a href="https://www.ilo.org/zh-hans/resource/news">www.ilo.org</a> 并注明出处，供订阅源阅读器、合作网站和电子邮件订阅者使用。国际劳工组织网站本身不提供订阅源；本服务读取其新闻页面，并在每篇新闻发布或更新时转载。',
      '每篇新闻均链接到 www.ilo.org 上的原文。© 国际劳工组织。',
    ],
    latest: '最新新闻',
    noStories: '暂无新闻。',
    feeds: '订阅源',
    feedsIntro: '可用任何订阅源阅读器订阅。每个订阅源包含最新的 50 篇新闻；主题订阅源只包含该主题的新闻。',
    feedColumn: '订阅源',
    formatsColumn: '格式',
    allStories: '全部中文新闻',
    topicFeeds: (count) => `主题订阅源（${count} 个）`,
    opml: '全部订阅源的汇总文件，可导入阅读器：',
    partners: '合作网站',
    partnersIntro: '纯 JSON 格式，任何网站均可读取（CORS），支持 ETag 和 Last-Modified 条件请求：',
    exports: [
      [keys.exportIndex(), '最新新闻，较早的新闻按月分页（沿 next 链接读取）'],
      [keys.exportChanges(), '最近的更改，按时间倒序，附 seq 序号以便续读'],
      [keys.exportSchema(), '所有文档的 JSON Schema'],
    ],
    pull: '每篇新闻另有带前置元数据的 Markdown 文件（articles/&lt;id&gt;/en.md、zh.md）。使用 <code>npm run syndicate -- pull --from &lt;本站地址&gt; --site hugo|jekyll --out DIR</code> 可让 Hugo 或 Jekyll 网站保持同步。',
    email: '电子邮件订阅',
    emailText: [
      '订阅者每收到一篇新的或更新的新闻，就会收到一封中英双语的简短邮件：标题、日期、导语和链接。',
      '电子邮件订阅由本服务的运营方（通过 Amazon SNS）管理：请联系运营方添加您的邮箱地址，然后在 Amazon 发给您的邮件中确认。每封邮件都附有退订链接。',
    ],
    date: (day) => formatDate(day, 'zh'),
  },
};

const FORMAT_LABEL: Record<FeedFormat, string> = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' };
const MEDIA_TYPE: Record<FeedFormat, string> = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
};

// Readable from a 320 px phone to a desktop: one column, system fonts, tables that wrap.

export function renderLandingPage(model: LandingModel): string {
  // Each language's own feed (the first of its feeds), in every format.
  const discovery = (['en', 'zh'] as const).flatMap((lang) => {
    const [feed] = model.feeds[lang];
    if (!feed) return [];
    return (['rss', 'atom', 'json'] as const).map(
      (format) =>
        `<link rel="alternate" type="${MEDIA_TYPE[format]}" hreflang="${LANGUAGE_TAG[lang]}" title="${escapeXmlAttribute(`${feed.title} (${FORMAT_LABEL[format]})`)}" href="${escapeXmlAttribute(feed.paths[format])}">`,
    );
  });
  const updated = model.updated ? model.updated.toISOString().slice(0, 10) : undefined;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${LANDING_PAGE_META_CSP}">
<title>ILO News feeds · 国际劳工组织新闻订阅</title>
<meta name="description" content="News from the International Labour Organization, in English and Chinese: feeds, exports for partner sites, email.">
${discovery.join('\n')}
<link rel="alternate" type="text/x-opml" title="All feeds (OPML)" href="${keys.opml()}">
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>ILO News feeds <span lang="zh-Hans">· 国际劳工组织新闻订阅</span></h1>
<nav aria-label="Language / 语言"><ul><li><a href="#en" hreflang="en">English</a></li><li><a href="#zh" hreflang="zh-Hans" lang="zh-Hans">中文</a></li></ul></nav>
</header>
<main>
${(['en', 'zh'] as const).map((lang) => section(model, lang)).join('\n')}
</main>
<footer>
<p>© International Labour Organization · <span lang="zh-Hans">国际劳工组织</span>. Source / <span lang="zh-Hans">来源</span>: <a href="https://www.ilo.org/">www.ilo.org</a>${updated ? ` · Updated / <span lang="zh-Hans">更新于</span> <time datetime="${updated}">${updated}</time>` : ''}</p>
</footer>
</body>
</html>
`;
}

function section(model: LandingModel, lang: LanguageKey): string {
  const text = TEXT[lang];
  const id = (name: string) => (lang === 'en' ? name : `${name}-${lang}`);
  const stories = model.latest[lang];
  return `<section id="${lang}" lang="${LANGUAGE_TAG[lang]}" aria-labelledby="${lang}-heading">
<h2 id="${lang}-heading">${text.heading}</h2>
${text.intro.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}
<h3 id="${id('latest')}">${text.latest}</h3>
${stories.length > 0 ? `<ul class="stories">\n${stories.map((story) => storyItem(story, text)).join('\n')}\n</ul>` : `<p>${text.noStories}</p>`}
<h3 id="${id('feeds')}">${text.feeds}</h3>
<p>${text.feedsIntro}</p>
${feedTable(
  model.feeds[lang].filter((feed) => !feed.topic),
  text,
)}
${topicFeeds(
  model.feeds[lang].filter((feed) => feed.topic),
  text,
)}
<p>${text.opml} <a href="${keys.opml()}">feeds.opml</a> (OPML)</p>
<h3 id="${id('exports')}">${text.partners}</h3>
<p>${text.partnersIntro}</p>
<ul>
${text.exports.map(([key, description]) => `<li><a href="${key}">${key}</a>: ${description}</li>`).join('\n')}
</ul>
<p>${text.pull}</p>
<h3 id="${id('email')}">${text.email}</h3>
${text.emailText.map((paragraph) => `<p>${paragraph}</p>`).join('\n')}
</section>`;
}

function storyItem(story: LandingStory, text: PageText): string {
  return `<li><a href="${escapeXmlAttribute(story.url)}">${escapeXml(story.title)}</a> <time datetime="${escapeXmlAttribute(story.day)}">${escapeXml(text.date(story.day))}</time></li>`;
}

/**
 * Topic feeds listed in full up to this many; beyond, the list is folded (one tap, and the browser's
 * find-in-page still opens it), so the exports, email and the other language stay near on a phone.
 */
export const TOPICS_SHOWN_OPEN = 12;

function topicFeeds(feeds: LandingFeed[], text: PageText): string {
  if (feeds.length === 0) return '';
  const open = feeds.length <= TOPICS_SHOWN_OPEN ? ' open' : '';
  return `<details class="topics"${open}>
<summary>${text.topicFeeds(feeds.length)}</summary>
${feedTable(feeds, text)}
</details>`;
}

function feedTable(feeds: LandingFeed[], text: PageText): string {
  return `<table>
<thead><tr><th scope="col">${text.feedColumn}</th><th scope="col">${text.formatsColumn}</th></tr></thead>
<tbody>
${feeds.map((feed) => feedRow(feed, text)).join('\n')}
</tbody>
</table>`;
}

function feedRow(feed: LandingFeed, text: PageText): string {
  const name = feed.topic ? escapeXml(feed.topic.label) : text.allStories;
  const links = (['rss', 'atom', 'json'] as const)
    .map(
      (format) =>
        `<a href="${escapeXmlAttribute(feed.paths[format])}" type="${MEDIA_TYPE[format]}" aria-label="${escapeXmlAttribute(`${feed.title}: ${FORMAT_LABEL[format]}`)}">${FORMAT_LABEL[format]}</a>`,
    )
    .join(' ');
  const lang = feed.topic?.labelLang ? ` lang="${LANGUAGE_TAG[feed.topic.labelLang]}"` : '';
  return `<tr><th scope="row"${lang}>${name}</th><td class="formats">${links}</td></tr>`;
}
