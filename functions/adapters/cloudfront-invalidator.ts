// CloudFront invalidations: paths whose cached copies must go, in one request. The caller reference
// makes a retried request (same reference, same paths) a no-op on CloudFront's side.
import { CloudFrontClient, CreateInvalidationCommand } from '@aws-sdk/client-cloudfront';

export interface CdnInvalidator {
  invalidate(paths: string[], callerReference: string): Promise<void>;
}

export class CloudFrontInvalidator implements CdnInvalidator {
  constructor(
    readonly distributionId: string,
    private readonly client: CloudFrontClient,
  ) {}

  async invalidate(paths: string[], callerReference: string): Promise<void> {
    if (paths.length === 0) return;
    await this.client.send(
      new CreateInvalidationCommand({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
  }
}

/** The CloudFront client; a custom endpoint (AWS_ENDPOINT_URL_CLOUDFRONT) is read by the SDK itself. */
export function createCloudFrontClient(): CloudFrontClient {
  return new CloudFrontClient({});
}
