import { Integer, Literal, Number as NumberOf, String as StringOf, Union } from '@sinclair/typebox';
import { Check } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { expectation, narrowed, readSetting, tidyUrl } from '#settings/setting.js';
import { readHandlerConfig } from '#handlers/handler-config.js';
import { SETTINGS } from '#settings/settings.js';

describe('readSetting', () => {
  it.each([
    [Integer({ minimum: 0, maximum: 10 }), '7', 7],
    [Integer({ minimum: -5, maximum: 10 }), '-5', -5],
    [NumberOf({ minimum: 0, maximum: 2 }), '0.5', 0.5],
    [Union([Literal('full'), Literal('summary')]), 'summary', 'summary'],
    [SETTINGS.publicUrl, 'https://example.org/news/', 'https://example.org/news/'],
    [SETTINGS.origin, 'http://127.0.0.1:8186', 'http://127.0.0.1:8186'],
    [SETTINGS.since, '31 January 2025', '31 January 2025'],
  ])('reads a good text as its value (%#)', (schema, text, value) => {
    expect(readSetting(schema, text, 'X')).toEqual({ ok: true, value });
  });

  it.each([
    [Integer({ minimum: 0, maximum: 10 }), '1.5', "--n must be a whole number from 0 to 10, got '1.5'"],
    [Integer({ minimum: 0, maximum: 10 }), '1e1', "--n must be a whole number from 0 to 10, got '1e1'"],
    [Integer({ minimum: 0, maximum: 10 }), '11', "--n must be a whole number from 0 to 10, got '11'"],
    [Integer({ minimum: 1, maximum: 7, unit: 'days' }), '', "--n must be a whole number of days from 1 to 7, got ''"],
    [NumberOf({ minimum: 0, maximum: 2 }), 'NaN', "--n must be a number from 0 to 2, got 'NaN'"],
    [NumberOf({ minimum: 0, maximum: 2 }), 'Infinity', "--n must be a number from 0 to 2, got 'Infinity'"],
    [NumberOf({ minimum: 0, maximum: 2 }), ' ', "--n must be a number from 0 to 2, got ' '"],
    [Union([Literal('a'), Literal('b'), Literal('c')]), 'd', "--n must be 'a', 'b' or 'c', got 'd'"],
    [StringOf({ pattern: '^x+$', expected: 'only x' }), 'y', "--n must be only x, got 'y'"],
    [StringOf({ pattern: '^x+$', expected: 'only x', echo: false }), 'y\u0007', '--n must be only x'],
    [SETTINGS.publicUrl, 'ftp://x', "--n must be an http(s) URL without a query or fragment, got 'ftp://x'"],
    [
      SETTINGS.publicUrl,
      'https://x/?a=1',
      "--n must be an http(s) URL without a query or fragment, got 'https://x/?a=1'",
    ],
    [SETTINGS.origin, 'https://x/path', "--n must be an http(s) origin like https://www.ilo.org, got 'https://x/path'"],
    [SETTINGS.email, 'ops', "--n must be an email address, got 'ops'"],
  ])('names the setting and what the schema wants in one line (%#)', (schema, text, problem) => {
    expect(readSetting(schema, text, '--n')).toEqual({ ok: false, problem });
  });

  it('says why a narrowed range starts where it does', () => {
    const schema = narrowed(Integer({ minimum: 2, maximum: 168, unit: 'hours' }), { minimum: 4, reason: 'two runs' });
    expect(readSetting(schema, '3', 'H')).toEqual({
      ok: false,
      problem: "H must be a whole number of hours from 4 (two runs) to 168, got '3'",
    });
    expect(readSetting(schema, '4', 'H')).toEqual({ ok: true, value: 4 });
  });
});

describe('SETTINGS', () => {
  it.each(Object.entries(SETTINGS))(
    '%s has a description, words for its errors, and a default it accepts',
    (_, schema) => {
      expect(schema.description).toMatch(/\w/);
      expect(expectation(schema)).toMatch(/\w/);
      if (schema.default !== undefined) expect(Check(schema, schema.default)).toBe(true);
    },
  );
});

describe('the bucket and topic settings (the CLI, the functions and the stack read the same rules)', () => {
  it('accepts a bucket name and an SNS topic ARN, and says what is wrong otherwise', () => {
    expect(readSetting(SETTINGS.bucket, 'content.example-1', 'STORE_BUCKET')).toEqual({
      ok: true,
      value: 'content.example-1',
    });
    expect(readSetting(SETTINGS.bucket, 'Content_Bucket', 'STORE_BUCKET')).toEqual({
      ok: false,
      problem:
        "STORE_BUCKET must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens), got 'Content_Bucket'",
    });
    const arn = 'arn:aws:sns:eu-west-1:123456789012:ilo-news';
    expect(readSetting(SETTINGS.topicArn, arn, 'TOPIC_ARN')).toEqual({ ok: true, value: arn });
    expect(readSetting(SETTINGS.topicArn, 'ilo-news', 'TOPIC_ARN')).toEqual({
      ok: false,
      problem: "TOPIC_ARN must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME), got 'ilo-news'",
    });
  });
});

describe('tidyUrl (one tidying of URL settings for the CLI and the functions)', () => {
  it('writes a URL as the WHATWG parser does, without trailing slashes', () => {
    expect(tidyUrl('HTTPS://D111.CloudFront.NET//')).toBe('https://d111.cloudfront.net');
    expect(tidyUrl('http://127.0.0.1:8080/data/')).toBe('http://127.0.0.1:8080/data');
  });

  it('is what a function reads its public URL as, like the CLI reads --public-url', () => {
    const env = { STORE_BUCKET: 'content-bucket', PUBLIC_URL: 'HTTPS://D111.CloudFront.NET/' };
    expect(readHandlerConfig(env, []).publicUrl).toBe('https://d111.cloudfront.net');
  });
});
