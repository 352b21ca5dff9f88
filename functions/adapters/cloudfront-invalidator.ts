// CloudFront invalidations: paths whose cached copies must go, in one request. The caller reference
// makes a retried request (same reference, same paths) a no-op on CloudFront's side. The CloudFront
// client is the largest SDK client publish uses and most publish runs invalidate nothing, so it is
// loaded on the first invalidation, not when the function starts.
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';

export interface CdnInvalidator {
  invalidate(paths: string[], callerReference: string): Promise<void>;
}

export class CloudFrontInvalidator implements CdnInvalidator {
  private sdk?: Promise<{
    client: CloudFrontClient;
    Command: typeof import('@aws-sdk/client-cloudfront').CreateInvalidationCommand;
  }>;

  constructor(readonly distributionId: string) {}

  async invalidate(paths: string[], callerReference: string): Promise<void> {
    if (paths.length === 0) return;
    // A custom endpoint (AWS_ENDPOINT_URL_CLOUDFRONT, an emulator) is read by the SDK itself.
    this.sdk ??= import('@aws-sdk/client-cloudfront').then(({ CloudFrontClient, CreateInvalidationCommand }) => ({
      client: new CloudFrontClient({}),
      Command: CreateInvalidationCommand,
    }));
    const { client, Command } = await this.sdk;
    await client.send(
      new Command({
        DistributionId: this.distributionId,
        InvalidationBatch: { CallerReference: callerReference, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
  }
}
