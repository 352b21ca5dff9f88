import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '#lib/config.js';

const config = (context: Record<string, unknown>) => readConfig((key) => context[key]);

describe('readConfig', () => {
  it('has secure, cheap defaults', () => {
    expect(config({})).toEqual({
      scheduleMinutes: 30,
      origin: 'https://www.ilo.org',
      contentMode: 'full',
      subscriberEmails: [],
      removalPolicy: 'retain',
      maxPerRun: 200,
      originRate: 1,
      heartbeatHours: 3,
      storyHeartbeatDays: 4,
    });
  });

  it('reads every value', () => {
    expect(
      config({
        schedule: '15 minutes',
        origin: 'https://mirror.example.org/',
        contentMode: 'summary',
        subscriberEmails: ['a@example.org', 'b@example.org'],
        alarmEmail: 'ops@example.org',
        userAgent: 'my-bot/1.0 (+https://example.org)',
        removalPolicy: 'destroy',
        maxPerRun: '50',
        originRate: '0',
        heartbeatHours: '6',
        storyHeartbeatDays: 2,
      }),
    ).toEqual({
      scheduleMinutes: 15,
      origin: 'https://mirror.example.org',
      contentMode: 'summary',
      subscriberEmails: ['a@example.org', 'b@example.org'],
      alarmEmail: 'ops@example.org',
      userAgent: 'my-bot/1.0 (+https://example.org)',
      removalPolicy: 'destroy',
      maxPerRun: 50,
      originRate: 0,
      heartbeatHours: 6,
      storyHeartbeatDays: 2,
    });
  });

  it.each([
    [{ schedule: '2' }, "context 'schedule' must be a whole number of minutes from 5 to 1440, got '2'"],
    [{ schedule: 'hourly' }, "context 'schedule' must be a whole number of minutes from 5 to 1440, got 'hourly'"],
    [{ schedule: '7.5 min' }, "context 'schedule' must be a whole number of minutes from 5 to 1440, got '7.5'"],
    [{ origin: 'ftp://x' }, "context 'origin' must be an http(s) origin like https://www.ilo.org, got 'ftp://x'"],
    [{ contentMode: 'teaser' }, "context 'contentMode' must be 'full' or 'summary', got 'teaser'"],
    [
      { subscriberEmails: 'a@example.org,not-an-email' },
      "context 'subscriberEmails' has an invalid address: 'not-an-email'",
    ],
    [{ alarmEmail: 'ops' }, "context 'alarmEmail' must be an email address, got 'ops'"],
    [{ removalPolicy: 'keep' }, "context 'removalPolicy' must be 'retain' or 'destroy', got 'keep'"],
    [{ maxPerRun: '0' }, "context 'maxPerRun' must be a whole number from 1 to 10000, got '0'"],
    [
      { schedule: '120', heartbeatHours: '3' },
      "context 'heartbeatHours' must be a whole number of hours from 4 (two schedule intervals) to 168, got '3'",
    ],
    [{ storyHeartbeatDays: '8' }, "context 'storyHeartbeatDays' must be a whole number of days from 1 to 7, got '8'"],
    [{ originRate: '-1' }, "context 'originRate' must be a number of requests per second from 0 to 20, got '-1'"],
    [{ userAgent: 'bot\u0007' }, "context 'userAgent' must be 8 to 300 printable ASCII characters"],
    [{ maxPerRun: '1e2' }, "context 'maxPerRun' must be a whole number from 1 to 10000, got '1e2'"],
  ])('rejects %j with a message naming the key', (context, message) => {
    expect(() => config(context)).toThrow(ConfigError);
    expect(() => config(context)).toThrow(message);
  });
});
