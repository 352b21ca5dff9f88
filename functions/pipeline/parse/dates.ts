// Dates as the ILO site prints them, to ISO 8601, and back to the way a reader reads them. A date-only value stays a date ("2024-11-12"):
// it is never passed through a Date in some time zone, so it can never shift a day.
import type { LanguageKey } from '../site/ilo-urls.js';

const MONTHS_EN = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
// Drupal's Chinese month names, as in "12 十一月 2024". Longest first so 十一 is not read as 十.
const MONTHS_ZH = ['十二月', '十一月', '十月', '九月', '八月', '七月', '六月', '五月', '四月', '三月', '二月', '一月'];

/** An ISO date ("2024-11-12") or date-time with offset ("2024-11-12T10:00:00+01:00"). */
export type IsoDate = string;

/**
 * Parses the date formats seen on ILO pages: "12 November 2024", "05 May 2025", "November 12, 2024",
 * "2024年11月12日", "12 十一月 2024", ISO dates and date-times, and unix seconds (as in
 * `<time datetime="1731369600">`). Returns undefined for anything else, or an impossible date.
 */
export function parseIloDate(raw: string | undefined): IsoDate | undefined {
  if (!raw) return undefined;
  const text = raw.replace(/[\s\u00A0\u3000]+/g, ' ').trim();
  if (text === '') return undefined;

  if (/^\d{9,11}$/.test(text)) return fromUnixSeconds(Number(text));

  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
    text,
  );
  if (m) {
    const [, year, month, day, hour, minute, second, zone] = m;
    const date = dateOf(year, month, day);
    if (!date || hour === undefined) return date;
    const offset = zone === undefined ? 'Z' : normalizeOffset(zone);
    return `${date}T${hour}:${minute}:${second ?? '00'}${offset}`;
  }

  m = /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/.exec(text);
  if (m) return dateOf(m[1], m[2], m[3]);

  m = /(\d{1,2})\s*(十二月|十一月|十月|九月|八月|七月|六月|五月|四月|三月|二月|一月)\s*,?\s*(\d{4})/.exec(text);
  if (m) return dateOf(m[3], 12 - MONTHS_ZH.indexOf(m[2] ?? ''), m[1]);

  m = /(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+(\d{4})/.exec(text);
  if (m) {
    const month = monthNumber(m[2] ?? '');
    if (month) return dateOf(m[3], month, m[1]);
  }
  m = /([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})/.exec(text);
  if (m) {
    const month = monthNumber(m[1] ?? '');
    if (month) return dateOf(m[3], month, m[2]);
  }
  return undefined;
}

/** The calendar date part of an ISO value. */
export function datePart(value: IsoDate): string {
  return value.slice(0, 10);
}

/**
 * A date-only value as the one instant every output gives it (records, feeds, Markdown, exports):
 * 12:00 UTC of that day, which is the same calendar day in every time zone from UTC-11 to UTC+11.
 * A date-time is returned as it is.
 */
export function publicationInstant(value: IsoDate): IsoDate {
  return value.length === 10 ? `${value}T12:00:00Z` : value;
}

/** The instant an ISO value stands for, for feeds that need a timestamp. */
export function toInstant(value: IsoDate): Date {
  return new Date(publicationInstant(value));
}

function monthNumber(name: string): number | undefined {
  const lower = name.toLowerCase();
  if (lower.length < 3) return undefined;
  const index = MONTHS_EN.findIndex((month) => month.startsWith(lower));
  return index >= 0 ? index + 1 : undefined;
}

/** The date of a pattern's captured year, month and day (digits, or a month's number). */
function dateOf(
  year: string | undefined,
  month: string | number | undefined,
  day: string | undefined,
): string | undefined {
  if (year === undefined || month === undefined || day === undefined) return undefined;
  return isoDate(Number(year), Number(month), Number(day));
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1919 || year > 2999 || month < 1 || month > 12 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function fromUnixSeconds(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1919) return undefined;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function normalizeOffset(offset: string): string {
  if (offset.toUpperCase() === 'Z') return 'Z';
  return offset.includes(':') ? offset : `${offset.slice(0, 3)}:${offset.slice(3)}`;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "12 November 2024" / "2024年11月12日", from the story's own calendar date. */
export function formatDate(value: string, lang: LanguageKey): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return value;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  return lang === 'zh'
    ? `${year}年${Number(month)}月${Number(day)}日`
    : `${Number(day)} ${MONTH_NAMES[Number(month) - 1]} ${year}`;
}
