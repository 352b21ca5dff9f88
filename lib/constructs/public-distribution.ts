// CloudFront in front of the bucket, with Origin Access Control. Only the public keys are served
// (the same allowlist as `serve`, checked by a CloudFront function on every request); raw/ and
// state/ are also denied to CloudFront by the bucket policy, so a wrong behaviour cannot leak them.
import { Duration, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  type HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LANDING_PAGE_CSP } from '../../functions/pipeline/publish/landing/landing-style.js';
import {
  CORS_RULES,
  PUBLIC_KEY_PATTERN,
  PUBLIC_REDIRECTS,
  ROOT_KEY,
  SECURITY_HEADERS,
  corsHeaders,
} from '../../functions/pipeline/publish/public-paths.js';
import { PREFIXES, everyKeyUnder, keys } from '../../functions/pipeline/state/store-keys.js';
import { asIBucket } from './bucket-ref.js';

export interface PublicDistributionProps {
  bucket: Bucket;
  logBucket: Bucket;
}

export class PublicDistribution extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: PublicDistributionProps) {
    super(scope, id);
    const allowlist = new CloudFrontFunction(this, 'PublicPathsOnly', {
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Serves only the public keys of the ILO syndication store; everything else is 404',
      code: FunctionCode.fromInline(publicPathsFunctionCode()),
    });
    const functionAssociations = [{ function: allowlist, eventType: FunctionEventType.VIEWER_REQUEST }];

    // The security headers `serve` sends too (functions/pipeline/publish/public-paths.ts), and HSTS.
    const security = {
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: SECURITY_HEADERS['referrer-policy'] as HeadersReferrerPolicy, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
    };
    // Every public file is readable from any origin (functions/pipeline/publish/public-paths.ts, isCorsKey):
    // partner sites read feeds, exports and the article files they link to; browser readers the OPML.
    const corsBehavior = {
      accessControlAllowOrigins: [CORS_RULES.allowOrigin],
      accessControlAllowMethods: [...CORS_RULES.allowMethods],
      accessControlAllowHeaders: [...CORS_RULES.allowHeaders],
      accessControlExposeHeaders: [...CORS_RULES.exposeHeaders],
      accessControlAllowCredentials: false,
      accessControlMaxAge: Duration.seconds(CORS_RULES.maxAgeSeconds),
      originOverride: true,
    };
    const corsHeaders = new ResponseHeadersPolicy(this, 'CorsHeaders', {
      securityHeadersBehavior: security,
      corsBehavior,
    });
    // The landing page (the default behavior: "/" is chosen by it, before the function maps it to
    // index.html) also gets its Content-Security-Policy, the one in its <meta> tag plus no framing.
    const landingPageHeaders = new ResponseHeadersPolicy(this, 'LandingPageHeaders', {
      securityHeadersBehavior: {
        ...security,
        contentSecurityPolicy: { contentSecurityPolicy: LANDING_PAGE_CSP, override: true },
      },
      corsBehavior,
    });
    const cachePolicy = (name: string, ttl: Duration) =>
      new CachePolicy(this, name, {
        defaultTtl: ttl,
        minTtl: Duration.seconds(0),
        maxTtl: Duration.seconds(ttl.toSeconds() * 2),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
    // Feeds and indexes change every run: short lifetimes. Article files change only with a new version.
    const shortLived = cachePolicy('FeedCache', Duration.minutes(5));
    const longLived = cachePolicy('ArticleCache', Duration.hours(1));

    const origin = S3BucketOrigin.withOriginAccessControl(asIBucket(props.bucket));
    const behavior = (cache: CachePolicy, headers: ResponseHeadersPolicy): BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachePolicy: cache,
      responseHeadersPolicy: headers,
      compress: true,
      functionAssociations,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'ILO news syndication: public feeds, exports and articles',
      // The function below maps "/" to the landing page as well: it sees the URI before this applies.
      defaultRootObject: ROOT_KEY,
      defaultBehavior: behavior(shortLived, landingPageHeaders),
      additionalBehaviors: {
        [keys.opml()]: behavior(shortLived, corsHeaders),
        [everyKeyUnder(PREFIXES.feeds)]: behavior(shortLived, corsHeaders),
        [everyKeyUnder(PREFIXES.exportArticles)]: behavior(longLived, corsHeaders),
        [everyKeyUnder(PREFIXES.exports)]: behavior(shortLived, corsHeaders),
        [everyKeyUnder(PREFIXES.articles)]: behavior(longLived, corsHeaders),
      },
      priceClass: PriceClass.PRICE_CLASS_100,
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: asIBucket(props.logBucket),
      logFilePrefix: 'cloudfront/',
    });

    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-CFR1',
        reason: 'Public ILO news for a worldwide audience: no country is to be excluded.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR2',
        reason:
          'Static, cached public files behind a read-only allowlist function, with no forms or dynamic origin to protect; a WAF web ACL would cost more than the whole stack. Attach one if your policy requires it.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate cannot enforce a minimum TLS version. Give the distribution a custom domain and certificate (TLSv1.2_2021) to lift this; see the README.',
      },
    );

    // Defence in depth: CloudFront may read the public prefixes only.
    props.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyCloudFrontPrivatePrefixes',
        effect: Effect.DENY,
        principals: [new ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        notResources: [
          ROOT_KEY,
          keys.opml(),
          ...[PREFIXES.feeds, PREFIXES.exports, PREFIXES.articles].map(everyKeyUnder),
        ].map((prefix) => props.bucket.arnForObjects(prefix)),
      }),
    );
  }
}

/**
 * The viewer-request function: the same decisions as `serve` (functions/cli/public-server.ts), from
 * the same values. It sees the URI as the viewer sent it, before the default root object applies.
 * A preflight is answered here: S3 has no CORS configuration to answer it with.
 */
function publicPathsFunctionCode(): string {
  const preflight = Object.fromEntries(
    Object.entries({ allow: 'GET, HEAD, OPTIONS', ...corsHeaders(true) }).map(([name, value]) => [name, { value }]),
  );
  return `
var PUBLIC = new RegExp(${JSON.stringify(PUBLIC_KEY_PATTERN)});
var REDIRECTS = ${JSON.stringify(PUBLIC_REDIRECTS)};
var PREFLIGHT = ${JSON.stringify(preflight)};
function handler(event) {
  var request = event.request;
  var path = request.uri.replace(/^\\/+/, '');
  if (Object.prototype.hasOwnProperty.call(REDIRECTS, path)) {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: REDIRECTS[path] } } };
  }
  var key = path === '' ? ${JSON.stringify(ROOT_KEY)} : path;
  if (!PUBLIC.test(key)) return { statusCode: 404, statusDescription: 'Not Found' };
  if (request.method === 'OPTIONS') {
    return { statusCode: 204, statusDescription: 'No Content', headers: PREFLIGHT };
  }
  request.uri = '/' + key;
  return request;
}`;
}
