// The functions' environment read by the settings' definitions: defaults, tidying, and one line
// naming each variable that is wrong, then each that is missing.
import { describe, expect, it } from 'vitest';
import { readHandlerConfig } from '#handlers/handler-config.js';

const BASE = { STORE_BUCKET: 'content', PUBLIC_URL: 'https://d1.cloudfront.net/' };

describe('readHandlerConfig', () => {
  it('gives the defaults, and values without trailing slashes', () => {
    expect(readHandlerConfig({ ...BASE, STORE_PREFIX: '/site/', ORIGIN: ' ' }, ['publicUrl'])).toEqual({
      bucket: 'content',
      prefix: 'site',
      publicUrl: 'https://d1.cloudfront.net',
      origin: 'https://www.ilo.org',
      contentMode: 'full',
      maxPerRun: 200,
      requestsPerSecond: 1,
    });
  });

  it('names what is wrong, then what is missing, in one line', () => {
    expect(() =>
      readHandlerConfig(
        {
          STORE_BUCKET: '',
          MAX_PER_RUN: '2.5',
          REQUESTS_PER_SECOND: '50',
          INGEST_QUEUE_URL: 'sqs://queue',
          ORIGIN: 'https://mirror.example.org/ilo',
          USER_AGENT: 'bot\u0007',
        },
        ['topicArn', 'ingestQueueUrl'],
      ),
    ).toThrow(
      new Error(
        'invalid configuration: ' +
          "INGEST_QUEUE_URL must be an http(s) URL without a query or fragment, got 'sqs://queue'; " +
          "ORIGIN must be an http(s) origin like https://www.ilo.org, got 'https://mirror.example.org/ilo'; " +
          'USER_AGENT must be 8 to 300 printable ASCII characters; ' +
          "MAX_PER_RUN must be a whole number from 1 to 10000, got '2.5'; " +
          "REQUESTS_PER_SECOND must be a number of requests per second from 0 to 20, got '50'; " +
          'STORE_BUCKET is not set; TOPIC_ARN is not set',
      ),
    );
  });

  it('leaves an optional setting out when its variable is absent, whatever its default elsewhere', () => {
    const config = readHandlerConfig({ STORE_BUCKET: 'content' }, []);
    expect(config).not.toHaveProperty('publicUrl');
    expect(config).not.toHaveProperty('userAgent');
  });
});
