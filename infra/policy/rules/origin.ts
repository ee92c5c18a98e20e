/**
 * The media bucket is private: public access blocked, no public ACL, policy
 * or website endpoint, and CloudFront reaches it through Origin Access
 * Control scoped to the distribution, so nothing bypasses the signatures.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { parsePolicyDocument } from "../iam-document";
import { T, isRecord, knownItems, knownOr, tryKnown, type ResourceView } from "../resources";
import { configWithDefaults } from "../support";

const BUCKET_TYPES: string[] = [T.s3Bucket, T.s3BucketV2];
const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
];
const S3_DOMAIN = /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/;
const PUBLIC_ACL = /^(public-read|public-read-write|authenticated-read)$/;

interface OriginConfig {
  exemptOriginIds: string[];
}

/** Whether `holder.props[key]` refers to `target` (by the analyzer's dependency record or an equal known value). */
function refersTo(holder: ResourceView, key: string, target: ResourceView): boolean {
  if ((holder.propertyDependencies?.[key] ?? []).some((dependency) => dependency.urn === target.urn))
    return true;
  const value = knownOr(() => holder.props[key], undefined);
  if (typeof value !== "string") return false;
  const identities = ["id", "bucket", "arn"].map((field) => knownOr(() => target.props[field], undefined));
  return identities.some(
    (identity) =>
      identity === value || (typeof identity === "string" && value === `arn:aws:s3:::${identity}`),
  );
}

/** The resources of `type` attached to a bucket; a single bucket takes the attachments nothing else claims. */
function attachedTo(
  bucket: ResourceView,
  buckets: ResourceView[],
  attachments: ResourceView[],
): ResourceView[] {
  const linked = attachments.filter((attachment) => refersTo(attachment, "bucket", bucket));
  if (linked.length > 0 || buckets.length !== 1) return linked;
  return attachments.filter((attachment) => !buckets.some((other) => refersTo(attachment, "bucket", other)));
}

function isPublicPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  if (!isRecord(principal)) return false;
  const aws = principal.AWS;
  return aws === "*" || (Array.isArray(aws) && aws.includes("*"));
}

function cloudFrontPrincipal(principal: unknown): boolean {
  if (!isRecord(principal)) return false;
  const service = principal.Service;
  return (
    service === "cloudfront.amazonaws.com" ||
    (Array.isArray(service) && service.includes("cloudfront.amazonaws.com"))
  );
}

function hasSourceArnCondition(condition: Record<string, unknown> | undefined): boolean {
  if (!condition) return false;
  return Object.values(condition).some(
    (operator) =>
      isRecord(operator) && Object.keys(operator).some((key) => key.toLowerCase() === "aws:sourcearn"),
  );
}

export const s3OriginPrivateViaOac: StackValidationPolicy = {
  name: "s3-origin-private-via-oac",
  description:
    "A media bucket that is reachable without CloudFront makes every signature pointless. Each S3 origin must use Origin Access " +
    "Control (sigv4, signing always; no legacy origin access identity), each bucket must have a public access block with all " +
    "four settings true, no public ACL or website hosting, and a bucket policy that grants s3:GetObject only to " +
    "cloudfront.amazonaws.com with an AWS:SourceArn condition naming the distribution. Fix: create an " +
    "aws.cloudfront.OriginAccessControl, set originAccessControlId on the origin, add aws.s3.BucketPublicAccessBlock with all " +
    "flags true, and scope the bucket policy to the distribution's ARN.",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      exemptOriginIds: {
        type: "array",
        items: { type: "string" },
        default: [],
        description:
          "Origin ids (originId) that are allowed to be something other than a private S3 bucket behind OAC.",
      },
    },
  },
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<OriginConfig>(args, { exemptOriginIds: [] });
    const resources = args.resources as ResourceView[];
    const ofType = (...types: string[]) => resources.filter((resource) => types.includes(resource.type));
    const controls = ofType(T.originAccessControl);
    for (const distribution of ofType(T.distribution)) {
      for (const origin of knownItems(distribution.props.origins)) {
        if (!isRecord(origin)) continue;
        const originId = String(knownOr(() => origin.originId, "?"));
        if (config.exemptOriginIds.includes(originId)) continue;
        const domain = tryKnown(() => origin.domainName);
        const s3Config = knownOr(() => origin.s3OriginConfig, undefined);
        const isS3 =
          isRecord(s3Config) ||
          (domain.known
            ? typeof domain.value === "string" && S3_DOMAIN.test(domain.value)
            : !isRecord(origin.customOriginConfig));
        if (!isS3) continue;
        const oai = isRecord(s3Config)
          ? knownOr(() => s3Config.originAccessIdentity, "(unknown)")
          : undefined;
        if (oai)
          reportViolation(
            `origin "${originId}" uses a legacy origin access identity; use Origin Access Control.`,
            distribution.urn,
          );
        const oac = knownOr(() => origin.originAccessControlId, "(unknown)");
        if (!oac)
          reportViolation(
            `S3 origin "${originId}" has no originAccessControlId; CloudFront must reach the bucket through OAC.`,
            distribution.urn,
          );
        else if (controls.length === 0)
          reportViolation(
            `S3 origin "${originId}" names an OAC that this stack does not define.`,
            distribution.urn,
          );
      }
    }
    for (const control of controls) {
      // A MediaPackage v2 origin has its own OAC type (mediapackage-origin-via-oac checks it is used).
      const originType = knownOr(() => control.props.originAccessControlOriginType, "s3");
      const expect: [string, string][] = [
        ["originAccessControlOriginType", originType === "mediapackagev2" ? "mediapackagev2" : "s3"],
        ["signingBehavior", "always"],
        ["signingProtocol", "sigv4"],
      ];
      for (const [key, value] of expect) {
        const actual = knownOr(() => control.props[key], value);
        if (actual !== value)
          reportViolation(
            `origin access control sets ${key} "${String(actual)}"; it must be "${value}".`,
            control.urn,
          );
      }
    }
    const buckets = ofType(...BUCKET_TYPES);
    const blocks = ofType(T.s3PublicAccessBlock);
    for (const bucket of buckets) {
      const own = attachedTo(bucket, buckets, blocks);
      if (own.length === 0)
        reportViolation(`bucket "${bucket.name}" has no BucketPublicAccessBlock.`, bucket.urn);
      for (const block of own) {
        const off = PUBLIC_ACCESS_FLAGS.filter((flag) => knownOr(() => block.props[flag], true) !== true);
        if (off.length > 0)
          reportViolation(
            `public access block "${block.name}" leaves ${off.join(", ")} off; set all four to true.`,
            block.urn,
          );
      }
      const acl = knownOr(() => bucket.props.acl, undefined);
      if (typeof acl === "string" && PUBLIC_ACL.test(acl))
        reportViolation(`bucket "${bucket.name}" has the public ACL "${acl}".`, bucket.urn);
      if (isRecord(knownOr(() => bucket.props.website, undefined)))
        reportViolation(`bucket "${bucket.name}" has website hosting, a public HTTP endpoint.`, bucket.urn);
    }
    for (const acl of ofType(T.s3BucketAcl, "aws:s3/bucketAclV2:BucketAclV2")) {
      const value = knownOr(() => acl.props.acl, undefined);
      if (typeof value === "string" && PUBLIC_ACL.test(value))
        reportViolation(`bucket ACL "${acl.name}" is the public "${value}".`, acl.urn);
    }
    for (const website of ofType(
      T.s3Website,
      "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2",
    )) {
      reportViolation(
        `"${website.name}" turns on S3 website hosting, a public HTTP endpoint that bypasses CloudFront.`,
        website.urn,
      );
    }
    for (const policy of [
      ...ofType(T.s3BucketPolicy),
      ...buckets.filter((bucket) => knownOr(() => bucket.props.policy, undefined) !== undefined),
    ]) {
      const document = tryKnown(() => policy.props.policy);
      if (!document.known || document.value === undefined) continue;
      let statements;
      try {
        statements = parsePolicyDocument(document.value);
      } catch (error) {
        reportViolation(`bucket policy "${policy.name}": ${(error as Error).message}.`, policy.urn);
        continue;
      }
      for (const statement of statements.filter((s) => s.effect === "Allow")) {
        if (isPublicPrincipal(statement.principal)) {
          reportViolation(
            `bucket policy "${policy.name}" allows everyone (Principal "*"); grant cloudfront.amazonaws.com only.`,
            policy.urn,
          );
        } else if (cloudFrontPrincipal(statement.principal) && !hasSourceArnCondition(statement.condition)) {
          reportViolation(
            `bucket policy "${policy.name}" lets any CloudFront distribution read; add Condition StringEquals AWS:SourceArn = the distribution ARN.`,
            policy.urn,
          );
        }
      }
    }
  },
};

const MEDIAPACKAGE_V2_DOMAIN = /\.mediapackagev2\.[a-z0-9-]+\.amazonaws\.com$/;

export const mediaPackageOriginViaOac: ResourceValidationPolicy = {
  name: "mediapackage-origin-via-oac",
  description:
    "A MediaPackage v2 endpoint denies what its endpoint policy does not allow; CloudFront must reach it through an Origin " +
    "Access Control (type mediapackagev2) so the policy can admit this distribution alone, not the world " +
    "(https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-mediapackage.html). " +
    "Fix: set originEndpointArn in the stack config (the program then adds the OAC and outputs the endpoint policy).",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (args.type !== T.distribution) return;
    for (const origin of knownItems(args.props.origins)) {
      if (!isRecord(origin)) continue;
      const domain = knownOr(() => origin.domainName, undefined);
      if (typeof domain !== "string" || !MEDIAPACKAGE_V2_DOMAIN.test(domain)) continue;
      const control = tryKnown(() => origin.originAccessControlId);
      if (control.known && (typeof control.value !== "string" || control.value === "")) {
        reportViolation(
          `origin "${String(knownOr(() => origin.originId, "?"))}" is a MediaPackage v2 endpoint reached without an origin access control.`,
        );
      }
    }
  },
};
