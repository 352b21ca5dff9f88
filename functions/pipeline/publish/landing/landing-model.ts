// What the landing page (index.html) and the OPML (feeds.opml) show: the newest stories of each
// language and every feed, with their titles as the feeds give them. Built from the language windows
// and the feed directory; pure.
import { toInstant } from '../../parse/dates.js';
import type { ArticleSummary } from '../../record/export-article.js';
import { LANGUAGES, type LanguageKey } from '../../site/ilo-urls.js';
import { type FeedFormat, keys } from '../../state/store-keys.js';
import { cleanLine } from '../../text/clean-text.js';
import { NEWS_HOME, feedTitle } from '../feeds/feed-model.js';
import type { FeedDirectory } from './feed-directory.js';

/** How many of each language's newest stories the landing page lists. */
const LATEST_STORIES = 10;

export interface LandingStory {
  title: string;
  url: string;
  /** The story's own day (YYYY-MM-DD), as the ILO page gives it. */
  day: string;
}

export interface LandingFeed {
  lang: LanguageKey;
  title: string;
  /**
   * The topic's label, for a topic feed; `labelLang` when the label is in the other language (the
   * topic has no label in the feed's own).
   */
  topic?: { slug: string; label: string; labelLang?: LanguageKey };
  /** Store keys of the feed's formats (public paths). */
  paths: Record<FeedFormat, string>;
  /** The ILO page the feed mirrors. */
  htmlUrl: string;
}

export interface LandingModel {
  latest: Record<LanguageKey, LandingStory[]>;
  /** Each language's feed first, then its topic feeds by label. */
  feeds: Record<LanguageKey, LandingFeed[]>;
  /** The newest update of any story listed: the files change only when a story does. */
  updated?: Date;
}

const FORMATS: FeedFormat[] = ['rss', 'atom', 'json'];

export function buildLandingModel(
  windows: Record<LanguageKey, ArticleSummary[]>,
  directory: FeedDirectory,
): LandingModel {
  const latest = {} as LandingModel['latest'];
  const feeds = {} as LandingModel['feeds'];
  let updated: Date | undefined;
  for (const lang of LANGUAGES) {
    const stories = windows[lang].flatMap((summary) => {
      const title = summary.title[lang];
      const url = summary.url[lang];
      if (!summary.languages.includes(lang) || url === undefined || !/^https?:\/\//.test(url) || !title) return [];
      return [{ title, url, day: summary.publishedAt.slice(0, 10) }];
    });
    latest[lang] = stories
      .slice(0, LATEST_STORIES)
      .map((story) => ({ title: cleanLine(story.title), url: story.url, day: story.day }));
    for (const summary of windows[lang]) {
      const instant = toInstant(summary.updatedAt);
      if (!updated || instant > updated) updated = instant;
    }
    const topics = Object.entries(directory.topics)
      .filter(([, topic]) => topic.languages.includes(lang))
      .map(([slug, topic]) => {
        const labelLang = [lang, ...LANGUAGES].find((l) => topic.label[l]);
        return {
          slug,
          label: cleanLine((labelLang && topic.label[labelLang]) ?? slug),
          ...(labelLang && labelLang !== lang ? { labelLang } : {}),
        };
      })
      .sort((a, b) => a.label.localeCompare(b.label, lang === 'zh' ? 'zh-Hans' : 'en'));
    feeds[lang] = [
      { lang, title: feedTitle(lang), paths: paths((format) => keys.feed(lang, format)), htmlUrl: NEWS_HOME[lang] },
      ...topics.map((topic) => ({
        lang,
        title: feedTitle(lang, topic.label),
        topic,
        paths: paths((format) => keys.topicFeed(lang, topic.slug, format)),
        htmlUrl: NEWS_HOME[lang],
      })),
    ];
  }
  return { latest, feeds, ...(updated ? { updated } : {}) };
}

function paths(of: (format: FeedFormat) => string): Record<FeedFormat, string> {
  return Object.fromEntries(FORMATS.map((format) => [format, of(format)])) as Record<FeedFormat, string>;
}
