// The subscriber message of docs/ARCHITECTURE.md, in the SNS shape (the local outbox writes the same object).
import type { NotificationEnvelope } from '../ports.js';
import type { ArticleRecord, Localized } from '../record/article-record.js';
import { type ArticleLinks, articleLinks } from '../record/export-article.js';
import type { LanguageKey } from '../site/ilo-urls.js';

export type NotificationType = 'article.published' | 'article.updated';

export interface NotificationMessage {
  type: NotificationType;
  id: string;
  version: number;
  publishedAt: string;
  languages: LanguageKey[];
  title: Localized<string>;
  url: Localized<string>;
  summary: Localized<string>;
  links: ArticleLinks;
}

const SUBJECT_MAX = 99;

/** `type`: article.published for the first message about a story, article.updated after that. */
export function buildNotification(record: ArticleRecord, publicUrl: string, type: NotificationType): NotificationEnvelope {
  const message: NotificationMessage = {
    type,
    id: record.id,
    version: record.version,
    publishedAt: record.publishedAt,
    languages: record.languages,
    title: record.title,
    url: record.url,
    summary: record.summary,
    links: articleLinks(record, publicUrl),
  };
  return {
    Subject: notificationSubject(record, type),
    Message: JSON.stringify(message),
    MessageAttributes: {
      eventType: { DataType: 'String', StringValue: type },
      languages: { DataType: 'String.Array', StringValue: JSON.stringify(record.languages) },
      topics: { DataType: 'String.Array', StringValue: JSON.stringify(record.topics.map((topic) => topic.slug)) },
    },
  };
}

/**
 * SNS subjects must be ASCII, under 100 characters, on one line. The English title when there is
 * one (typographic punctuation folded to ASCII); a Chinese-only story gets a descriptive fallback.
 */
export function notificationSubject(record: ArticleRecord, type: NotificationType): string {
  const prefix = type === 'article.published' ? 'ILO news: ' : 'ILO news (updated): ';
  const english = record.title.en ? toAscii(record.title.en) : '';
  const title = english.length >= 3 ? english : `Chinese story of ${record.publishedAt.slice(0, 10)} (${record.id})`;
  const subject = `${prefix}${title}`;
  if (subject.length <= SUBJECT_MAX) return subject;
  const cut = subject.slice(0, SUBJECT_MAX - 3);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUBJECT_MAX * 0.6 ? cut.slice(0, space) : cut).trimEnd()}...`;
}

const ASCII_FOLDS: Record<string, string> = {
  '‘': "'", '’': "'", '‚': "'", '“': '"', '”': '"', '„': '"', '–': '-', '—': '-', '…': '...', '\u00A0': ' ', '«': '"', '»': '"',
};

function toAscii(text: string): string {
  return text
    .replace(/[‘’‚“”„–—…\u00A0«»]/g, (c) => ASCII_FOLDS[c]!)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "Genève" -> "Geneve"
    .replace(/[^\x20-\x7E]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
