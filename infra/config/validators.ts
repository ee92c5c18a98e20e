/**
 * The stack config's cross-field rules: small pure functions, each given the
 * parsed values of the keys it relates and returning its problems (empty when
 * the values hold together). `CROSS_FIELD_RULES` lists them with their keys;
 * a rule is skipped when one of its keys already failed its own parser, so a
 * bad value is reported once, not again as a consequence.
 */
import { MIN_EDGE_TIMEOUT_SECONDS } from "../../functions/handlers/manifest-edge/manifest-edge";
import { EDGE_MEMORY_LIMIT_MB, EDGE_TIMEOUT_LIMIT_SECONDS } from "../../contract/limits";
import { minimumRotationIntervalSeconds, rotationIntervalIsSafe } from "../../contract/rotation-window";
import type { ConfigKey, ConfigValues } from "./keys";
import { REGION } from "./parsers";

type Values<K extends ConfigKey> = Pick<ConfigValues, K>;

/** The default lifetime is within the maximum. */
export function urlLifetimeProblems(
  values: Values<"defaultUrlLifetimeSeconds" | "maxUrlLifetimeSeconds">,
): string[] {
  const { defaultUrlLifetimeSeconds, maxUrlLifetimeSeconds } = values;
  return defaultUrlLifetimeSeconds > maxUrlLifetimeSeconds
    ? [
        `defaultUrlLifetimeSeconds (${defaultUrlLifetimeSeconds}) must not exceed maxUrlLifetimeSeconds (${maxUrlLifetimeSeconds})`,
      ]
    : [];
}

/** A signer serves a stale key at least as long as a fresh one (the key cache's own rule). */
export function signerKeyAgeProblems(
  values: Values<"signerCacheTtlSeconds" | "signerMaxStaleSeconds">,
): string[] {
  const { signerCacheTtlSeconds, signerMaxStaleSeconds } = values;
  return signerMaxStaleSeconds < signerCacheTtlSeconds
    ? [
        `signerMaxStaleSeconds (${signerMaxStaleSeconds}) must be at least signerCacheTtlSeconds (${signerCacheTtlSeconds})`,
      ]
    : [];
}

/** The rotation invariant (contract/rotation-window.ts), with the keys' names in the message. */
export function rotationIntervalProblems(
  values: Values<
    | "rotationInterval"
    | "signerCacheTtlSeconds"
    | "signerMaxStaleSeconds"
    | "maxUrlLifetimeSeconds"
    | "clockSkewSeconds"
  >,
): string[] {
  const {
    rotationInterval,
    signerCacheTtlSeconds,
    signerMaxStaleSeconds,
    maxUrlLifetimeSeconds,
    clockSkewSeconds,
  } = values;
  const timing = { signerCacheTtlSeconds, signerMaxStaleSeconds, maxUrlLifetimeSeconds, clockSkewSeconds };
  if (rotationIntervalIsSafe(rotationInterval, timing)) return [];
  const keyUse = Math.max(signerCacheTtlSeconds, signerMaxStaleSeconds);
  return [
    `rotationInterval (${rotationInterval}s) must exceed max(signerCacheTtlSeconds, signerMaxStaleSeconds) + ` +
      `maxUrlLifetimeSeconds + clockSkewSeconds (${keyUse} + ${maxUrlLifetimeSeconds} + ${clockSkewSeconds} = ${minimumRotationIntervalSeconds(timing)}s): ` +
      `otherwise a rotation untrusts a key while URLs signed with it are still valid`,
  ];
}

/** Memory and timeout within the limits of the chosen trigger (contract/limits.ts). */
export function edgeLimitProblems(
  values: Values<"edgeTrigger" | "edgeMemoryMb" | "edgeTimeoutSeconds">,
): string[] {
  const { edgeTrigger, edgeMemoryMb, edgeTimeoutSeconds } = values;
  const problems: string[] = [];
  const memory = EDGE_MEMORY_LIMIT_MB[edgeTrigger];
  if (edgeMemoryMb > memory) {
    problems.push(
      `edgeMemoryMb: "${edgeMemoryMb}" must be a whole number from 128 to ${memory} (the ${edgeTrigger} limit)`,
    );
  }
  const timeout = EDGE_TIMEOUT_LIMIT_SECONDS[edgeTrigger];
  if (edgeTimeoutSeconds > timeout) {
    problems.push(
      `edgeTimeoutSeconds: "${edgeTimeoutSeconds}" must be a whole number from ${MIN_EDGE_TIMEOUT_SECONDS} to ${timeout} (the ${edgeTrigger} limit)`,
    );
  }
  return problems;
}

const MEDIAPACKAGE_V2_DOMAIN = /\.mediapackagev2\.([a-z0-9-]+)\.amazonaws\.com$/;
const MEDIAPACKAGE_V2_ENDPOINT_ARN =
  /^arn:aws[a-z-]*:mediapackagev2:([a-z0-9-]+):\d{12}:channelGroup\/[\w-]+\/channel\/[\w-]+\/originEndpoint\/[\w-]+$/;

/** The MediaPackage v2 region named by an origin host, if it is one. */
export function mediaPackageRegion(domainName: string): string | undefined {
  return MEDIAPACKAGE_V2_DOMAIN.exec(domainName)?.[1];
}

/**
 * The origin keys belong together: an HTTPS origin needs its host; the other
 * keys only mean something for it; MediaPackage v2 needs its endpoint ARN (in
 * the same region) and no secret header; other origins take no endpoint ARN.
 */
export function originProblems(
  values: Values<"originType" | "originDomain" | "originPath" | "originEndpointArn" | "originSecretHeader">,
): string[] {
  const { originType, originDomain, originEndpointArn, originSecretHeader } = values;
  if (originType === "s3") {
    return (["originDomain", "originPath", "originEndpointArn", "originSecretHeader"] as const)
      .filter((key) => values[key] !== "")
      .map((key) => `${key}: only used with originType https (the s3 origin is created by the stack)`);
  }
  if (originDomain === "") {
    return [`originDomain: "" must be the origin's host name (no scheme, no path) when originType is https`];
  }
  const problems: string[] = [];
  const region = mediaPackageRegion(originDomain);
  if (region === undefined) {
    if (originEndpointArn !== "") problems.push("originEndpointArn: only for a MediaPackage v2 originDomain");
    return problems;
  }
  const arnRegion = MEDIAPACKAGE_V2_ENDPOINT_ARN.exec(originEndpointArn)?.[1];
  if (arnRegion === undefined) {
    problems.push(
      `originEndpointArn: "${originEndpointArn}" must be the MediaPackage v2 origin endpoint ARN ` +
        "(arn:aws:mediapackagev2:<region>:<account>:channelGroup/<group>/channel/<channel>/originEndpoint/<endpoint>): " +
        "the endpoint denies CloudFront without an endpoint policy naming it",
    );
  } else if (arnRegion !== region) {
    problems.push(`originEndpointArn: region ${arnRegion} differs from originDomain's ${region}`);
  }
  if (originSecretHeader !== "") {
    problems.push("originSecretHeader: not for MediaPackage v2, which CloudFront reaches through an OAC");
  }
  return problems;
}

/** Aliases and their certificate come together. */
export function certificateProblems(values: Values<"aliases" | "certificateArn">): string[] {
  const { aliases, certificateArn } = values;
  if (aliases.length > 0 && certificateArn === "") {
    return ["certificateArn: required when aliases are set (an ACM certificate in us-east-1 covering them)"];
  }
  if (certificateArn !== "" && aliases.length === 0) {
    return ["certificateArn: set aliases too (a certificate without alternate domain names is unused)"];
  }
  return [];
}

/** A cookie domain is for cookie mode, and must cover every alias (cookies never reach *.cloudfront.net). */
export function cookieDomainProblems(values: Values<"cookieMode" | "cookieDomain" | "aliases">): string[] {
  const { cookieMode, cookieDomain, aliases } = values;
  if (cookieDomain === "") return [];
  const problems: string[] = [];
  if (!cookieMode) problems.push("cookieDomain: only used with cookieMode true");
  const outside = aliases.filter((alias) => alias !== cookieDomain && !alias.endsWith(`.${cookieDomain}`));
  if (aliases.length === 0 || outside.length > 0) {
    problems.push(
      `cookieDomain: "${cookieDomain}" must contain every alias (${aliases.join(", ") || "none set"}): cookies for it never reach the *.cloudfront.net name`,
    );
  }
  return problems;
}

/** The longest public key name is `signed-hls-cdn-<stack>-inactive-initial-<8 hex>`, within CloudFront's 128. */
export const MAX_STACK_NAME_LENGTH = 128 - "signed-hls-cdn--inactive-initial-".length - 8;
const STACK_NAME = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_STACK_NAME_LENGTH}}$`);

/**
 * The stack name is part of every public key and key group name, which CloudFront limits to
 * letters, digits, - and _, 128 characters (the Developer Guide's "name" rules for public keys:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html).
 */
export function stackNameProblems(stack: string): string[] {
  return STACK_NAME.test(stack)
    ? []
    : [
        `stack name "${stack}": CloudFront public key and key group names (which carry it) take only letters, digits, - and _, ` +
          `and the stack name at most ${MAX_STACK_NAME_LENGTH} of them; pick another stack name (pulumi stack rename)`,
      ];
}

/** `aws:region` is set and names a region. */
export function regionProblems(region: string): string[] {
  return REGION.test(region)
    ? []
    : [`aws:region: "${region}" is not an AWS region (set it with: pulumi config set aws:region eu-west-1)`];
}

/** A cross-field rule and the keys it reads. */
export interface CrossFieldRule {
  readonly keys: readonly ConfigKey[];
  readonly check: (values: ConfigValues) => string[];
}

function rule<K extends ConfigKey>(
  keys: readonly K[],
  check: (values: Values<K>) => string[],
): CrossFieldRule {
  return { keys, check };
}

/** Every cross-field rule of the stack config, run after each key passed its own parser. */
export const CROSS_FIELD_RULES: readonly CrossFieldRule[] = [
  rule(["defaultUrlLifetimeSeconds", "maxUrlLifetimeSeconds"], urlLifetimeProblems),
  rule(["signerCacheTtlSeconds", "signerMaxStaleSeconds"], signerKeyAgeProblems),
  rule(
    [
      "rotationInterval",
      "signerCacheTtlSeconds",
      "signerMaxStaleSeconds",
      "maxUrlLifetimeSeconds",
      "clockSkewSeconds",
    ],
    rotationIntervalProblems,
  ),
  rule(["edgeTrigger", "edgeMemoryMb", "edgeTimeoutSeconds"], edgeLimitProblems),
  rule(
    ["originType", "originDomain", "originPath", "originEndpointArn", "originSecretHeader"],
    originProblems,
  ),
  rule(["aliases", "certificateArn"], certificateProblems),
  rule(["cookieMode", "cookieDomain", "aliases"], cookieDomainProblems),
];
