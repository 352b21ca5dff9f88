// The content bucket: private, SSL only, encrypted, versioned, with server access logs and
// lifecycle rules that keep the archive's cost flat (raw snapshots to infrequent access, old
// versions of rewritten files expired).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, StorageClass } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PREFIXES } from '../../functions/pipeline/state/store-keys.js';
import { asIBucket } from './bucket-ref.js';

export interface ContentStoreProps {
  removalPolicy: 'retain' | 'destroy';
}

export class ContentStore extends Construct {
  readonly bucket: Bucket;
  /** Server access logs of the content bucket and CloudFront's standard logs. */
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: ContentStoreProps) {
    super(scope, id);
    const destroy = props.removalPolicy === 'destroy';
    const removal = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      // CloudFront standard logging writes with ACLs, which BUCKET_OWNER_ENFORCED would refuse.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(90) }],
      removalPolicy: removal,
      autoDeleteObjects: destroy,
    });

    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: asIBucket(this.logBucket),
      serverAccessLogsPrefix: 'content-bucket/',
      lifecycleRules: [
        {
          id: 'raw-snapshots-to-infrequent-access',
          prefix: PREFIXES.raw,
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        },
        // Feeds and indexes are rewritten every publish: keep a few old versions for a month.
        { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30), noncurrentVersionsToRetain: 3 },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
      removalPolicy: removal,
      autoDeleteObjects: destroy,
    });
  }
}
