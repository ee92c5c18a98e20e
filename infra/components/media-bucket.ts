/**
 * MediaBucket: the private S3 origin. Owner-enforced, every kind of public
 * access blocked, encrypted at rest, reachable by CloudFront only through an
 * Origin Access Control (the bucket policy that names the distribution is
 * added by the Distribution component, which knows its ARN).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface MediaBucketArgs {
  readonly stack: string;
  /** Protect the bucket (and so the media) from `pulumi destroy`. */
  readonly protect: boolean;
}

export class MediaBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly originAccessControl: aws.cloudfront.OriginAccessControl;
  readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;

  constructor(name: string, args: MediaBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:origin:MediaBucket", name, {}, opts);
    const child = { parent: this };

    this.bucket = new aws.s3.Bucket(
      name,
      { tags: { stack: args.stack, purpose: "hls-media" } },
      { ...child, protect: args.protect },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: this.bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    this.publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access-block`,
      {
        bucket: this.bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket: this.bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
      child,
    );
    this.originAccessControl = new aws.cloudfront.OriginAccessControl(
      `${name}-oac`,
      {
        name: pulumi.interpolate`signed-hls-cdn-${args.stack}-${this.bucket.id}`.apply((text) =>
          text.slice(0, 64),
        ),
        description: `CloudFront access to the media bucket of stack ${args.stack}`,
        originAccessControlOriginType: "s3",
        signingBehavior: "always",
        signingProtocol: "sigv4",
      },
      child,
    );
    this.registerOutputs({ bucket: this.bucket.id, originAccessControl: this.originAccessControl.id });
  }
}

/** Bucket policy: `s3:GetObject` for CloudFront, only on behalf of this one distribution. */
export function mediaBucketPolicy(bucketArn: pulumi.Input<string>, distributionArn: pulumi.Input<string>) {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudFrontOriginAccessControlRead",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${bucketArn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
      },
    ],
  });
}
