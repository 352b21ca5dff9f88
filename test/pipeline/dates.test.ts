import { describe, expect, it } from 'vitest';
import { parseIloDate, toInstant } from '#pipeline/parse/dates.js';

describe('parseIloDate', () => {
  it.each([
    ['12 November 2024', '2024-11-12'],
    ['05 May 2025', '2025-05-05'],
    ['5 May 2025', '2025-05-05'],
    ['03 June 2021', '2021-06-03'],
    ['November 12, 2024', '2024-11-12'],
    ['12 Nov 2024', '2024-11-12'],
    ['2024年11月12日', '2024-11-12'],
    ['2024年11月5日', '2024-11-05'],
    ['2024 年 1 月 5 日', '2024-01-05'],
    ['12 十一月 2024', '2024-11-12'],
    ['03 九月 2025', '2025-09-03'],
    ['1 十月 2025', '2025-10-01'],
    ['28 二月 2025', '2025-02-28'],
    ['15 十二月 2023', '2023-12-15'],
    ['2024-11-12', '2024-11-12'],
    ['2024-11-12T10:00:00+01:00', '2024-11-12T10:00:00+01:00'],
    ['2024-11-12T10:00:00+0100', '2024-11-12T10:00:00+01:00'],
    ['2024-11-12T10:00:00Z', '2024-11-12T10:00:00Z'],
    ['2024-11-12T10:00:00.123Z', '2024-11-12T10:00:00Z'],
    ['1731369600', '2024-11-12T00:00:00Z'],
    ['  12\u00A0November   2024 ', '2024-11-12'],
  ])('%s -> %s', (input, expected) => {
    expect(parseIloDate(input)).toBe(expected);
  });

  it.each([
    '',
    'yesterday',
    '31 February 2024',
    '2024-13-01',
    '32 May 2025',
    '2024年2月30日',
    'Mayday 2024',
    undefined,
  ])('rejects %s', (input) => {
    expect(parseIloDate(input as string | undefined)).toBeUndefined();
  });

  it('reads a date-only value the same whatever the process time zone', () => {
    // The parser never goes through local time: the same input, the same calendar day.
    const before = process.env.TZ;
    try {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Shanghai', 'America/Los_Angeles']) {
        process.env.TZ = zone;
        expect(parseIloDate('12 November 2024')).toBe('2024-11-12');
        expect(parseIloDate('2024年11月12日')).toBe('2024-11-12');
      }
    } finally {
      process.env.TZ = before;
    }
  });
});

describe('toInstant', () => {
  it('puts a date-only value at noon UTC, the same calendar day from UTC-11 to UTC+11', () => {
    const instant = toInstant('2024-11-12');
    expect(instant.toISOString()).toBe('2024-11-12T12:00:00.000Z');
    for (const offsetHours of [-11, -5, 0, 8, 11]) {
      const local = new Date(instant.getTime() + offsetHours * 3600_000);
      expect(local.toISOString().slice(0, 10)).toBe('2024-11-12');
    }
  });

  it('keeps a date-time with offset as the instant it names', () => {
    expect(toInstant('2024-11-12T10:00:00+01:00').toISOString()).toBe('2024-11-12T09:00:00.000Z');
  });
});
