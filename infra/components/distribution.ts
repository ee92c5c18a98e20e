/**
 * Distribution: the CloudFront distribution over the media origin, with the
 * behaviors of contract/behaviors.ts (all signed, trusting both key groups), the
 * manifest edge association, cache policies per behavior kind, a response
 * headers policy for the players, HTTPS only; plus, for the S3 origin, the
 * bucket policy that admits this distribution and nothing else.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PRODUCTION_TAG } from "../policy/conventions";
import {
  DEFAULT_BEHAVIOR,
  ORDERED_BEHAVIORS,
  forwardsGrant,
  type Behavior,
  type BehaviorKind,
} from "../../contract/behaviors";
import { cacheSettingsFor, type CacheSettings } from "../cache-settings";
import { GRANT_FORWARDING_FUNCTION_CODE } from "../../functions/handlers/manifest-edge/forwarded-grant";
import type { StackConfig } from "../config";
import { MediaBucket, mediaBucketPolicy } from "./media-bucket";
import { httpsOriginAccess, mediaPackageEndpointPolicy } from "./origin-access";

export const MEDIA_ORIGIN_ID = "media";

/** Request headers a player may send cross-origin (explicit: `*` is refused with credentials). */
export const CORS_ALLOWED_HEADERS = ["Range", "If-None-Match", "If-Modified-Since"] as const;
export const CORS_EXPOSED_HEADERS = ["Content-Length", "Content-Range", "ETag", "Age", "Date"] as const;

export type DistributionConfig = Pick<
  StackConfig,
  | "origin"
  | "priceClass"
  | "aliases"
  | "certificateArn"
  | "corsOrigins"
  | "cookieMode"
  | "viewerProtocolPolicy"
  | "logging"
  | "edgeTrigger"
  | "protectResources"
  | "ipv6Enabled"
>;

export interface DistributionArgs {
  readonly stack: string;
  readonly config: DistributionConfig;
  /** Every protected behavior trusts all of these (the active and the inactive group). */
  readonly trustedKeyGroupIds: pulumi.Input<string>[];
  /** Published version ARN of the manifest edge function. */
  readonly manifestFunctionVersionArn: pulumi.Input<string>;
  /** Tags the distribution as production (the policy pack then requires alarms). */
  readonly production?: boolean;
}

export class Distribution extends pulumi.ComponentResource {
  readonly distribution: aws.cloudfront.Distribution;
  readonly cachePolicies: Readonly<Record<"manifest" | "playlist" | "media", aws.cloudfront.CachePolicy>>;
  readonly responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicy;
  /** origin-request only: copies the verified grant into a forwarded header (functions/handlers/manifest-edge/forwarded-grant.ts). */
  readonly grantForwardingFunction?: aws.cloudfront.Function;
  readonly mediaBucket?: MediaBucket;
  readonly bucketPolicy?: aws.s3.BucketPolicy;
  /** MediaPackage v2 origin: the endpoint policy to put on the endpoint (JSON). */
  readonly originEndpointPolicy?: pulumi.Output<string>;
  /** HTTPS origin with a secret header: its value (a secret). */
  readonly originSecretHeaderValue?: pulumi.Output<string>;

  constructor(name: string, args: DistributionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:cdn:Distribution", name, {}, opts);
    const child = { parent: this };
    const { config } = args;

    const cachePolicy = (kind: "manifest" | "playlist" | "media") =>
      new aws.cloudfront.CachePolicy(
        `${name}-${kind}-cache`,
        cachePolicyArgs(`signed-hls-cdn-${args.stack}-${kind}`, cacheSettingsFor(kind, config.edgeTrigger)),
        child,
      );
    this.cachePolicies = {
      manifest: cachePolicy("manifest"),
      playlist: cachePolicy("playlist"),
      media: cachePolicy("media"),
    };
    const cachePolicyFor = (kind: BehaviorKind) => this.cachePolicies[kind === "default" ? "media" : kind].id;

    this.responseHeadersPolicy = new aws.cloudfront.ResponseHeadersPolicy(
      `${name}-player-headers`,
      responseHeadersPolicyArgs(`signed-hls-cdn-${args.stack}-player`, config.corsOrigins, config.cookieMode),
      child,
    );

    let origin: aws.types.input.cloudfront.DistributionOrigin;
    if (config.origin.kind === "s3") {
      this.mediaBucket = new MediaBucket(
        `${name}-media`,
        { stack: args.stack, protect: config.protectResources },
        child,
      );
      origin = {
        originId: MEDIA_ORIGIN_ID,
        domainName: this.mediaBucket.bucket.bucketRegionalDomainName,
        originAccessControlId: this.mediaBucket.originAccessControl.id,
      };
    } else {
      const access = httpsOriginAccess(name, args.stack, config.origin.access, this);
      this.originSecretHeaderValue = access.secretHeaderValue;
      origin = {
        originId: MEDIA_ORIGIN_ID,
        domainName: config.origin.domainName,
        ...(config.origin.originPath ? { originPath: config.origin.originPath } : {}),
        ...(access.originAccessControlId ? { originAccessControlId: access.originAccessControlId } : {}),
        ...(access.customHeaders ? { customHeaders: access.customHeaders } : {}),
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
          originReadTimeout: 30,
          originKeepaliveTimeout: 5,
        },
      };
    }

    if ([...ORDERED_BEHAVIORS, DEFAULT_BEHAVIOR].some((spec) => forwardsGrant(spec, config.edgeTrigger))) {
      this.grantForwardingFunction = new aws.cloudfront.Function(
        `${name}-grant-forwarding`,
        {
          name: `signed-hls-cdn-${args.stack}-grant-forwarding`,
          comment: "Copies the verified signed-URL or cookie grant into a header for the manifest function",
          runtime: "cloudfront-js-2.0",
          code: GRANT_FORWARDING_FUNCTION_CODE,
          publish: true,
        },
        child,
      );
    }
    const grantForwardingArn = this.grantForwardingFunction?.arn;

    const corsEnabled = config.corsOrigins.length > 0;
    const behavior = (spec: Behavior) => ({
      targetOriginId: MEDIA_ORIGIN_ID,
      viewerProtocolPolicy: config.viewerProtocolPolicy,
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      // Preflight answers differ per Origin; caching them is safe and spares the origin.
      cachedMethods: corsEnabled ? ["GET", "HEAD", "OPTIONS"] : ["GET", "HEAD"],
      compress: true,
      cachePolicyId: cachePolicyFor(spec.kind),
      responseHeadersPolicyId: this.responseHeadersPolicy.id,
      trustedKeyGroups: args.trustedKeyGroupIds,
      lambdaFunctionAssociations: spec.manifestEdgeFunction
        ? [{ eventType: config.edgeTrigger, lambdaArn: args.manifestFunctionVersionArn, includeBody: false }]
        : [],
      ...(forwardsGrant(spec, config.edgeTrigger) && grantForwardingArn
        ? { functionAssociations: [{ eventType: "viewer-request", functionArn: grantForwardingArn }] }
        : {}),
    });

    this.distribution = new aws.cloudfront.Distribution(
      name,
      {
        enabled: true,
        comment: `signed-hls-cdn ${args.stack}: signed HLS delivery`,
        tags: { [PRODUCTION_TAG]: String(args.production === true) },
        httpVersion: "http2and3",
        // Off by default: IP-bound grants fail for dual-stack viewers on an IPv6-enabled distribution
        // (DEFAULT_IPV6_ENABLED in functions/cloudfront/ip.ts cites the page); on, the signer and edge refuse IP binding.
        isIpv6Enabled: config.ipv6Enabled,
        priceClass: config.priceClass,
        aliases: [...config.aliases],
        origins: [origin],
        orderedCacheBehaviors: ORDERED_BEHAVIORS.map((spec) => ({
          pathPattern: spec.pathPattern,
          ...behavior(spec),
        })),
        defaultCacheBehavior: behavior(DEFAULT_BEHAVIOR),
        // A live segment that is not there yet must not stay a cached error for CloudFront's default 10 s.
        // S3 behind an OAC without s3:ListBucket answers a missing key with 403, not 404
        // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions").
        customErrorResponses: [
          { errorCode: 403, errorCachingMinTtl: 1 },
          { errorCode: 404, errorCachingMinTtl: 1 },
        ],
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: config.certificateArn
          ? {
              acmCertificateArn: config.certificateArn,
              sslSupportMethod: "sni-only",
              minimumProtocolVersion: "TLSv1.2_2021",
            }
          : { cloudfrontDefaultCertificate: true },
        ...(config.logging
          ? {
              loggingConfig: {
                bucket: `${config.logging.bucket}.s3.amazonaws.com`,
                prefix: config.logging.prefix,
                includeCookies: false,
              },
            }
          : {}),
      },
      { ...child, protect: config.protectResources },
    );

    if (config.origin.kind === "https" && config.origin.access.kind === "mediapackagev2") {
      this.originEndpointPolicy = mediaPackageEndpointPolicy(
        config.origin.access.endpointArn,
        this.distribution.arn,
      );
    }

    if (this.mediaBucket) {
      this.bucketPolicy = new aws.s3.BucketPolicy(
        `${name}-media-policy`,
        {
          bucket: this.mediaBucket.bucket.id,
          policy: mediaBucketPolicy(this.mediaBucket.bucket.arn, this.distribution.arn),
        },
        { ...child, dependsOn: [this.mediaBucket.publicAccessBlock] },
      );
    }

    this.registerOutputs({
      distributionId: this.distribution.id,
      domainName: this.distribution.domainName,
      arn: this.distribution.arn,
    });
  }
}

export function cachePolicyArgs(name: string, settings: CacheSettings): aws.cloudfront.CachePolicyArgs {
  const queryStrings = settings.queryStrings;
  return {
    name,
    comment: settings.comment,
    minTtl: settings.minTtl,
    defaultTtl: settings.defaultTtl,
    maxTtl: settings.maxTtl,
    parametersInCacheKeyAndForwardedToOrigin: {
      enableAcceptEncodingGzip: settings.gzipAndBrotli,
      enableAcceptEncodingBrotli: settings.gzipAndBrotli,
      headersConfig:
        settings.headers === "none"
          ? { headerBehavior: "none" }
          : { headerBehavior: "whitelist", headers: { items: [...settings.headers] } },
      cookiesConfig:
        settings.cookies === "none"
          ? { cookieBehavior: "none" }
          : { cookieBehavior: "whitelist", cookies: { items: [...settings.cookies] } },
      queryStringsConfig:
        queryStrings === "none" || queryStrings === "all"
          ? { queryStringBehavior: queryStrings }
          : { queryStringBehavior: "whitelist", queryStrings: { items: [...queryStrings] } },
    },
  };
}

export function responseHeadersPolicyArgs(
  name: string,
  corsOrigins: readonly string[],
  cookieMode: boolean,
): aws.cloudfront.ResponseHeadersPolicyArgs {
  return {
    name,
    comment: "Player CORS and transport security for signed HLS",
    ...(corsOrigins.length > 0
      ? {
          corsConfig: {
            accessControlAllowOrigins: { items: [...corsOrigins] },
            accessControlAllowMethods: { items: ["GET", "HEAD", "OPTIONS"] },
            accessControlAllowHeaders: { items: [...CORS_ALLOWED_HEADERS] },
            accessControlExposeHeaders: { items: [...CORS_EXPOSED_HEADERS] },
            // Signed cookies only reach CloudFront from another origin with credentials.
            accessControlAllowCredentials: cookieMode,
            accessControlMaxAgeSec: 600,
            originOverride: true,
          },
        }
      : {}),
    securityHeadersConfig: {
      strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: false, override: true },
      contentTypeOptions: { override: true },
    },
  };
}
