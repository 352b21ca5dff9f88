// The subscriber message of docs/ARCHITECTURE.md, in the SNS shape (the local outbox writes the same
// object). Published with MessageStructure "json": `Message` holds one text per SNS protocol, the
// event JSON for machines (default, sqs, lambda, https) and readable text for email.
import type { NotificationEnvelope } from '../ports.js';
import type { ArticleRecord, Localized } from '../record/article-record.js';
import { type ArticleLinks, articleLinks } from '../record/export-article.js';
import type { LanguageKey } from '../site/ilo-urls.js';
import { truncate } from '../text/clean-text.js';
import { EVENT_TYPES, type EventType } from './event-type.js';
import { notificationEmail } from './notification-email.js';

export interface NotificationMessage {
  type: EventType;
  id: string;
  version: number;
  /** `<id>@<version>`: the same in every delivery of this message (SNS may deliver one twice). */
  dedupeKey: string;
  publishedAt: string;
  languages: LanguageKey[];
  title: Localized<string>;
  url: Localized<string>;
  summary: Localized<string>;
  links: ArticleLinks;
}

/** What each SNS protocol receives; `default` for any protocol not listed (http, email-json, ...). */
export interface MessagePerProtocol {
  default: string;
  sqs: string;
  lambda: string;
  https: string;
  email: string;
}

const SUBJECT_MAX = 99;
/**
 * Longest title and summary a message carries, per language (the record keeps them whole). SNS
 * refuses a message over 256 KiB, and this one holds the event four times and the email text: a
 * page with an overlong title or lead would otherwise fail its publish on every run.
 */
export const EVENT_TITLE_MAX = 1000;
export const EVENT_SUMMARY_MAX = 2000;

export function dedupeKey(id: string, version: number): string {
  return `${id}@${version}`;
}

/** `type`: article.published for the first message about a story, article.updated after that (event-type.ts). */
export function buildNotification(record: ArticleRecord, publicUrl: string, type: EventType): NotificationEnvelope {
  const links = articleLinks(record, publicUrl);
  const key = dedupeKey(record.id, record.version);
  const message: NotificationMessage = {
    type,
    id: record.id,
    version: record.version,
    dedupeKey: key,
    publishedAt: record.publishedAt,
    languages: record.languages,
    title: capped(record.title, EVENT_TITLE_MAX),
    url: record.url,
    summary: capped(record.summary, EVENT_SUMMARY_MAX),
    links,
  };
  const event = JSON.stringify(message);
  const perProtocol: MessagePerProtocol = {
    default: event,
    sqs: event,
    lambda: event,
    https: event,
    email: notificationEmail(record, links, type, key),
  };
  const topics = record.topics.map((topic) => topic.slug);
  return {
    Subject: notificationSubject(record, type),
    Message: JSON.stringify(perProtocol),
    MessageStructure: 'json',
    MessageAttributes: {
      eventType: { DataType: 'String', StringValue: type },
      languages: { DataType: 'String.Array', StringValue: JSON.stringify(record.languages) },
      // Left out when empty: an empty String.Array matches no filter and says nothing.
      ...(topics.length > 0
        ? { topics: { DataType: 'String.Array' as const, StringValue: JSON.stringify(topics) } }
        : {}),
      dedupeKey: { DataType: 'String', StringValue: key },
    },
  };
}

function capped(text: Localized<string>, max: number): Localized<string> {
  const out: Localized<string> = {};
  for (const [lang, value] of Object.entries(text) as [LanguageKey, string][]) out[lang] = truncate(value, max);
  return out;
}

/**
 * SNS subjects must be ASCII, under 100 characters, on one line. The English title when there is
 * one (typographic punctuation folded to ASCII); a Chinese-only story gets a descriptive fallback.
 */
export function notificationSubject(record: ArticleRecord, type: EventType): string {
  const prefix = type === EVENT_TYPES.published ? 'ILO news: ' : 'ILO news (updated): ';
  const english = record.title.en ? toAscii(record.title.en) : '';
  const title = english.length >= 3 ? english : `Chinese story of ${record.publishedAt.slice(0, 10)} (${record.id})`;
  const subject = `${prefix}${title}`;
  if (subject.length <= SUBJECT_MAX) return subject;
  const cut = subject.slice(0, SUBJECT_MAX - 3);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUBJECT_MAX * 0.6 ? cut.slice(0, space) : cut).trimEnd()}...`;
}

const ASCII_FOLDS: Record<string, string> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '–': '-',
  '—': '-',
  '…': '...',
  '\u00A0': ' ',
  '«': '"',
  '»': '"',
};

function toAscii(text: string): string {
  return text
    .replace(/[‘’‚“”„–—…\u00A0«»]/g, (c) => ASCII_FOLDS[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents: "Genève" -> "Geneve"
    .replace(/[^\x20-\x7E]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
