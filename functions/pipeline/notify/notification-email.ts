// The text an email subscriber reads: short, plain, both languages the story has. SNS sends it as
// the body of the email (the `email` key of a MessageStructure "json" message) and appends its own
// unsubscribe link at the end, which the text points to.
import type { ArticleRecord } from '../record/article-record.js';
import type { ArticleLinks } from '../record/export-article.js';
import { LANGUAGES, type LanguageKey } from '../site/ilo-urls.js';
import { cleanLine, truncate } from '../text/clean-text.js';
import { formatDate } from '../parse/dates.js';
import { EVENT_TYPES, type EventType } from './event-type.js';

const LEAD_MAX = 600;
const TITLE_MAX = 300;

const WORDS = {
  en: {
    published: 'Published: ',
    updated: 'Updated story',
    read: 'Read it on ilo.org: ',
    copy: 'Our copy (Markdown): ',
  },
  zh: {
    published: '发布日期：',
    updated: '新闻已更新',
    read: '在国际劳工组织网站阅读：',
    copy: '我们的副本（Markdown）：',
  },
} satisfies Record<LanguageKey, Record<string, string>>;

export function notificationEmail(
  record: ArticleRecord,
  links: ArticleLinks,
  type: EventType,
  dedupeKey: string,
): string {
  const blocks: string[] = [];
  for (const lang of LANGUAGES) {
    const title = record.title[lang];
    if (!record.languages.includes(lang) || !title) continue;
    const words = WORDS[lang];
    const lines = [truncate(cleanLine(title), TITLE_MAX), ''];
    lines.push(
      `${words.published}${formatDate(record.publishedAt, lang)}${type === EVENT_TYPES.updated ? ` (${words.updated}, v${record.version})` : ''}`,
    );
    const summary = record.summary[lang];
    const lead = summary ? truncate(cleanLine(summary), LEAD_MAX) : '';
    if (lead) lines.push('', lead);
    lines.push('');
    if (record.url[lang]) lines.push(`${words.read}${record.url[lang]}`);
    if (links.markdown[lang]) lines.push(`${words.copy}${links.markdown[lang]}`);
    blocks.push(lines.join('\n'));
  }
  const footer = [
    `${record.rights}. Reference: ${dedupeKey}`,
    'To stop these emails, use the unsubscribe link below. 如需退订，请点击下方的退订链接。',
  ].join('\n');
  return `${[...blocks, footer].join('\n\n----\n\n')}\n`;
}
