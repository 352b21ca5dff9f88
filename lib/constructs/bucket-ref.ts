// aws-cdk-lib's declarations are not written for `exactOptionalPropertyTypes`: `Bucket` declares
// `isWebsite` as a getter of `boolean | undefined` where `IBucket` has `isWebsite?: boolean`, so the
// checker refuses a Bucket where an IBucket is asked for, although `Bucket implements IBucket`. This
// upcast is the one place that says so.
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';

export function asIBucket(bucket: Bucket): IBucket {
  return bucket as IBucket;
}
