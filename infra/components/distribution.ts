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
import { DEFAULT_BEHAVIOR, ORDERED_BEHAVIORS, forwardsGrant, type Behavior } from "../../contract/behaviors";
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
  /** Stack name: part of every policy and function name (`signed-hls-cdn-<stack>-...`). */
  readonly stack: string;
  /** The stack settings the distribution reads; each key's default is in the README's config table (infra/config.ts). */
  readonly config: DistributionConfig;
  /** Every protected behavior trusts all of these (the active and the inactive group). */
  readonly trustedKeyGroupIds: pulumi.Input<string>[];
  /** Published version ARN of the manifest edge function, associated with the `*._m3u8` behavior. */
  readonly manifestFunctionVersionArn: pulumi.Input<string>;
  /**
   * Tags the distribution as production (the policy pack then requires alarms).
   * @default false
   */
  readonly production?: boolean;
}

type CacheKind = "manifest" | "playlist" | "media";
type CachePolicies = Readonly<Record<CacheKind, aws.cloudfront.CachePolicy>>;

export class Distribution extends pulumi.ComponentResource {
  readonly distribution: aws.cloudfront.Distribution;
  readonly cachePolicies: CachePolicies;
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
    const { stack, config } = args;
    this.cachePolicies = createCachePolicies(name, stack, config.edgeTrigger, this);
    this.responseHeadersPolicy = createPlayerHeadersPolicy(name, stack, config, this);
    const media = createMediaOrigin(name, stack, config, this);
    this.mediaBucket = media.bucket;
    this.originSecretHeaderValue = media.secretHeaderValue;
    this.grantForwardingFunction = createGrantForwardingFunction(name, stack, config.edgeTrigger, this);
    const behavior = cacheBehavior({
      config,
      cachePolicies: this.cachePolicies,
      responseHeadersPolicy: this.responseHeadersPolicy,
      trustedKeyGroupIds: args.trustedKeyGroupIds,
      manifestFunctionVersionArn: args.manifestFunctionVersionArn,
      grantForwardingArn: this.grantForwardingFunction?.arn,
    });
    this.distribution = new aws.cloudfront.Distribution(
      name,
      distributionArgs(stack, config, media.origin, behavior, args.production === true),
      { parent: this, protect: config.protectResources },
    );
    this.originEndpointPolicy = originEndpointPolicyFor(config, this.distribution);
    this.bucketPolicy =
      this.mediaBucket && createBucketPolicy(name, this.mediaBucket, this.distribution, this);
    this.registerOutputs({
      distributionId: this.distribution.id,
      domainName: this.distribution.domainName,
      arn: this.distribution.arn,
    });
  }
}

/** One cache policy per behavior kind (infra/cache-settings.ts); the default behavior uses the media one. */
function createCachePolicies(
  name: string,
  stack: string,
  trigger: DistributionConfig["edgeTrigger"],
  parent: pulumi.Resource,
): CachePolicies {
  const cachePolicy = (kind: CacheKind) =>
    new aws.cloudfront.CachePolicy(
      `${name}-${kind}-cache`,
      cachePolicyArgs(`signed-hls-cdn-${stack}-${kind}`, cacheSettingsFor(kind, trigger)),
      { parent },
    );
  return {
    manifest: cachePolicy("manifest"),
    playlist: cachePolicy("playlist"),
    media: cachePolicy("media"),
  };
}

function createPlayerHeadersPolicy(
  name: string,
  stack: string,
  config: DistributionConfig,
  parent: pulumi.Resource,
): aws.cloudfront.ResponseHeadersPolicy {
  return new aws.cloudfront.ResponseHeadersPolicy(
    `${name}-player-headers`,
    responseHeadersPolicyArgs(`signed-hls-cdn-${stack}-player`, config.corsOrigins, config.cookieMode),
    { parent },
  );
}

interface MediaOrigin {
  readonly origin: aws.types.input.cloudfront.DistributionOrigin;
  /** S3 origin: the bucket this stack creates. */
  readonly bucket?: MediaBucket;
  /** HTTPS origin with a secret header: its value. */
  readonly secretHeaderValue?: pulumi.Output<string>;
}

/** The one origin: this stack's private S3 bucket behind an OAC, or an HTTPS origin (origin-access.ts). */
function createMediaOrigin(
  name: string,
  stack: string,
  config: DistributionConfig,
  parent: pulumi.Resource,
): MediaOrigin {
  if (config.origin.kind === "s3") {
    const bucket = new MediaBucket(`${name}-media`, { stack, protect: config.protectResources }, { parent });
    return {
      bucket,
      origin: {
        originId: MEDIA_ORIGIN_ID,
        domainName: bucket.bucket.bucketRegionalDomainName,
        originAccessControlId: bucket.originAccessControl.id,
      },
    };
  }
  const access = httpsOriginAccess(name, stack, config.origin.access, parent);
  return {
    secretHeaderValue: access.secretHeaderValue,
    origin: {
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
    },
  };
}

/** Only when a behavior forwards the viewer's grant to the manifest function (origin-request trigger). */
function createGrantForwardingFunction(
  name: string,
  stack: string,
  trigger: DistributionConfig["edgeTrigger"],
  parent: pulumi.Resource,
): aws.cloudfront.Function | undefined {
  if (![...ORDERED_BEHAVIORS, DEFAULT_BEHAVIOR].some((spec) => forwardsGrant(spec, trigger)))
    return undefined;
  return new aws.cloudfront.Function(
    `${name}-grant-forwarding`,
    {
      name: `signed-hls-cdn-${stack}-grant-forwarding`,
      comment: "Copies the verified signed-URL or cookie grant into a header for the manifest function",
      runtime: "cloudfront-js-2.0",
      code: GRANT_FORWARDING_FUNCTION_CODE,
      publish: true,
    },
    { parent },
  );
}

interface BehaviorInputs {
  readonly config: DistributionConfig;
  readonly cachePolicies: CachePolicies;
  readonly responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicy;
  readonly trustedKeyGroupIds: pulumi.Input<string>[];
  readonly manifestFunctionVersionArn: pulumi.Input<string>;
  readonly grantForwardingArn?: pulumi.Output<string>;
}

/** A behavior of contract/behaviors.ts as CloudFront's cache behavior: signed, both key groups trusted. */
function cacheBehavior(inputs: BehaviorInputs) {
  const { config, grantForwardingArn } = inputs;
  const corsEnabled = config.corsOrigins.length > 0;
  return (spec: Behavior) => ({
    targetOriginId: MEDIA_ORIGIN_ID,
    viewerProtocolPolicy: config.viewerProtocolPolicy,
    allowedMethods: ["GET", "HEAD", "OPTIONS"],
    // Preflight answers differ per Origin; caching them is safe and spares the origin.
    cachedMethods: corsEnabled ? ["GET", "HEAD", "OPTIONS"] : ["GET", "HEAD"],
    compress: true,
    cachePolicyId: inputs.cachePolicies[spec.kind === "default" ? "media" : spec.kind].id,
    responseHeadersPolicyId: inputs.responseHeadersPolicy.id,
    trustedKeyGroups: inputs.trustedKeyGroupIds,
    lambdaFunctionAssociations: spec.manifestEdgeFunction
      ? [{ eventType: config.edgeTrigger, lambdaArn: inputs.manifestFunctionVersionArn, includeBody: false }]
      : [],
    ...(forwardsGrant(spec, config.edgeTrigger) && grantForwardingArn
      ? { functionAssociations: [{ eventType: "viewer-request", functionArn: grantForwardingArn }] }
      : {}),
  });
}

function distributionArgs(
  stack: string,
  config: DistributionConfig,
  origin: aws.types.input.cloudfront.DistributionOrigin,
  behavior: ReturnType<typeof cacheBehavior>,
  production: boolean,
): aws.cloudfront.DistributionArgs {
  return {
    enabled: true,
    comment: `signed-hls-cdn ${stack}: signed HLS delivery`,
    tags: { [PRODUCTION_TAG]: String(production) },
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
  };
}

/** MediaPackage v2 origin: the endpoint policy admitting this distribution (applied by the operator). */
function originEndpointPolicyFor(
  config: DistributionConfig,
  distribution: aws.cloudfront.Distribution,
): pulumi.Output<string> | undefined {
  return config.origin.kind === "https" && config.origin.access.kind === "mediapackagev2"
    ? mediaPackageEndpointPolicy(config.origin.access.endpointArn, distribution.arn)
    : undefined;
}

/** S3 origin: the bucket admits this distribution and nothing else. */
function createBucketPolicy(
  name: string,
  media: MediaBucket,
  distribution: aws.cloudfront.Distribution,
  parent: pulumi.Resource,
): aws.s3.BucketPolicy {
  return new aws.s3.BucketPolicy(
    `${name}-media-policy`,
    { bucket: media.bucket.id, policy: mediaBucketPolicy(media.bucket.arn, distribution.arn) },
    { parent, dependsOn: [media.publicAccessBlock] },
  );
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
