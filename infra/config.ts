/**
 * Stack configuration: one typed, validated object per stack.
 *
 * `validateStackConfig` is pure (plain strings in, typed config or a
 * `StackConfigError` listing every problem out) so tests exercise it without
 * Pulumi mocks; `readStackConfig` is the thin shell that pulls the raw strings
 * out of `pulumi.Config`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  DEFAULT_IPV6_ENABLED,
  DEFAULT_MIN_IP_PREFIX_LENGTH,
  MIN_IP_PREFIX_LENGTH_FLOOR,
} from "../functions/cloudfront/ip";
import type { HashAlgorithm, KeyAlgorithm } from "../functions/cloudfront/types";
import { MIN_EDGE_TIMEOUT_SECONDS } from "../functions/handlers/manifest-edge/manifest-edge";
import {
  EDGE_MEMORY_LIMIT_MB,
  EDGE_TIMEOUT_LIMIT_SECONDS,
  EDGE_TRIGGERS,
  type EdgeTrigger,
} from "../contract/limits";
import { MONITORING_CONFIG_DEFAULTS, readMonitoringConfig, type MonitoringConfig } from "./monitoring-config";

/** Pulumi project name: the config namespace (`signed-hls-cdn:<key>`). */
export const PROJECT_NAME = "signed-hls-cdn";

export type OriginConfig =
  | { readonly kind: "s3" }
  | {
      readonly kind: "https";
      /** Origin host name, e.g. `abc123.egress.mediapackagev2.us-east-1.amazonaws.com`. */
      readonly domainName: string;
      /** Optional origin path prefix, e.g. `/out/v1`, no trailing slash. */
      readonly originPath?: string;
      /** How the origin tells CloudFront's requests from anyone else's (infra/components/origin-access.ts). */
      readonly access: OriginAccess;
    };

/**
 * MediaPackage v2: an Origin Access Control of type `mediapackagev2` plus the
 * endpoint policy for this distribution. Any other HTTPS origin: optionally a
 * secret header CloudFront adds and the origin requires.
 */
export type OriginAccess =
  | { readonly kind: "mediapackagev2"; readonly endpointArn: string }
  | { readonly kind: "secret-header"; readonly headerName: string }
  | { readonly kind: "open" };

export type PriceClass = "PriceClass_100" | "PriceClass_200" | "PriceClass_All";
export const PRICE_CLASSES: readonly PriceClass[] = ["PriceClass_100", "PriceClass_200", "PriceClass_All"];

export interface StackConfig {
  /** AWS region of the regional resources (signer, rotation, SSM, secrets, S3 origin). */
  readonly region: string;
  /** Algorithm of the key pairs Pulumi creates first and the rotation creates later. */
  readonly keyAlgorithm: KeyAlgorithm;
  /** Hash algorithm signatures are made with (`sha1` is CloudFront's default). */
  readonly hashAlgorithm: HashAlgorithm;
  /** Lifetime of a signed URL when the caller does not ask for one (seconds). */
  readonly defaultUrlLifetimeSeconds: number;
  /** Longest lifetime any signer hands out (seconds); longer requests are clamped. */
  readonly maxUrlLifetimeSeconds: number;
  /** How long a signer keeps the active key in memory before re-reading SSM (seconds). */
  readonly signerCacheTtlSeconds: number;
  /**
   * Longest a signer keeps serving a cached key while refreshes fail (seconds,
   * >= the cache TTL): the key provider's `maxStaleSeconds`.
   */
  readonly signerMaxStaleSeconds: number;
  /** Allowance for clocks that disagree between signers and CloudFront (seconds). */
  readonly clockSkewSeconds: number;
  /** Shortest IPv4 prefix the signer binds a URL to; a wider block (e.g. `/0`) is refused. */
  readonly minIpPrefixLength: number;
  /**
   * The distribution answers over IPv6 too. IP-bound grants then fail for dual-stack viewers,
   * so the signer and the manifest edge refuse IP binding while this is on (DEFAULT_IPV6_ENABLED).
   */
  readonly ipv6Enabled: boolean;
  /** Age (seconds) at which the rotation replaces the active key. */
  readonly rotationIntervalSeconds: number;
  /**
   * EventBridge `rate(...)` at which the rotation function checks the key's
   * age (and finishes a rotation in progress): a 24th of the interval, at
   * most daily, so a rotation is never a whole interval late.
   */
  readonly rotationSchedule: string;
  /** Whether the rotation schedule is enabled (the function can always be invoked by hand). */
  readonly rotationEnabled: boolean;
  /** CloudFront event that runs the manifest edge function. */
  readonly edgeTrigger: EdgeTrigger;
  /** Edge function memory (MB), within the trigger's limit. */
  readonly edgeMemoryMb: number;
  /** Edge function timeout (seconds), within the trigger's limit. */
  readonly edgeTimeoutSeconds: number;
  readonly origin: OriginConfig;
  /** SSM prefix, e.g. `/cloudfront-signer/dev` (no trailing slash). */
  readonly parameterPrefix: string;
  readonly priceClass: PriceClass;
  /** Alternate domain names (CNAMEs); empty means the `*.cloudfront.net` name only. */
  readonly aliases: readonly string[];
  /** ACM certificate in us-east-1 for the aliases (required exactly when aliases are set). */
  readonly certificateArn?: string;
  /** Extra hosts the signer may sign for, besides the aliases and the distribution's own domain. */
  readonly extraAllowedHosts: readonly string[];
  /** Browser origins of the players allowed by CORS, e.g. `https://player.example.com`. */
  readonly corsOrigins: readonly string[];
  /** Signed cookies are used (CORS then allows credentials). */
  readonly cookieMode: boolean;
  /**
   * Cookie `Domain` in cookie mode: a parent domain shared by the app and the
   * media host (e.g. `example.com`), so cookies the app sets reach CloudFront.
   */
  readonly cookieDomain?: string;
  /**
   * `https-only` (default) or `redirect-to-https` for every behavior. A redirect
   * means the first request, signature included, already crossed the network in clear.
   */
  readonly viewerProtocolPolicy: "redirect-to-https" | "https-only";
  /** Standard logging target bucket (name, ACLs enabled), if any. */
  readonly logging?: { readonly bucket: string; readonly prefix: string };
  /** Days Secrets Manager keeps a deleted secret (0 = immediately, else 7..30). */
  readonly secretRecoveryWindowDays: number;
  /** Protect the distribution, key groups and secrets from `pulumi destroy`. */
  readonly protectResources: boolean;
  /** Days CloudWatch Logs keeps the signer's and the rotation's logs (one of CloudWatch's values). */
  readonly logRetentionDays: number;
  /** Alarms, topics, dashboard, production marker (infra/monitoring-config.ts). */
  readonly monitoring: MonitoringConfig;
}

/** Every config key this program reads, with its default (shown in the README table). */
export const CONFIG_DEFAULTS = {
  keyAlgorithm: "rsa-2048",
  hashAlgorithm: "sha1",
  defaultUrlLifetimeSeconds: "3600",
  maxUrlLifetimeSeconds: "43200",
  signerCacheTtlSeconds: "300",
  signerMaxStaleSeconds: "900",
  clockSkewSeconds: "300",
  minIpPrefixLength: String(DEFAULT_MIN_IP_PREFIX_LENGTH),
  ipv6Enabled: String(DEFAULT_IPV6_ENABLED),
  rotationInterval: "90d",
  rotationEnabled: "true",
  edgeTrigger: "viewer-request",
  edgeMemoryMb: "128",
  edgeTimeoutSeconds: "5",
  originType: "s3",
  originDomain: "",
  originPath: "",
  originEndpointArn: "",
  originSecretHeader: "",
  parameterPrefix: "/cloudfront-signer/<stack>",
  priceClass: "PriceClass_100",
  aliases: "",
  certificateArn: "",
  allowedHosts: "",
  corsOrigins: "",
  cookieMode: "false",
  cookieDomain: "",
  viewerProtocolPolicy: "https-only",
  loggingBucket: "",
  loggingPrefix: "cloudfront/<stack>/",
  secretRecoveryWindowDays: "7",
  protect: "false",
  logRetentionDays: "30",
  ...MONITORING_CONFIG_DEFAULTS,
} as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;
export const CONFIG_KEYS = Object.keys(CONFIG_DEFAULTS) as ConfigKey[];

/**
 * Raw strings as they come from `Pulumi.<stack>.yaml` (missing keys are
 * undefined): the `signed-hls-cdn:` keys without their namespace, plus `region`
 * from `aws:region`. Keys this program does not know are refused (typos).
 */
export type RawStackConfig = Readonly<Record<string, string | undefined>>;

export class StackConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "StackConfigError";
  }
}

const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["rsa-2048", "ecdsa-p256"];
const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["sha1", "sha256"];
const HOSTNAME = /^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const ACM_US_EAST_1 = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const S3_BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SSM_PREFIX = /^(\/[A-Za-z0-9_.-]+)+$/;
const ONE_DAY = 86400;
/** PutRetentionPolicy's retentionInDays values (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const MAX_STACK_NAME_LENGTH = 128 - "signed-hls-cdn--inactive-initial-".length - 8;
const STACK_NAME = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_STACK_NAME_LENGTH}}$`);

/** Splits a list value: JSON array (`["a","b"]`) or comma-separated text. */
export function parseList(value: string | undefined): string[] {
  const text = (value ?? "").trim();
  if (text === "") return [];
  if (text.startsWith("[")) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== "string")) {
      throw new Error("expected a JSON array of strings");
    }
    return parsed.map((item: string) => item.trim()).filter((item) => item !== "");
  }
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/** `90d`, `12h`, `30m` (or a bare number of seconds) -> seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([dhms]?)$/.exec(value.trim());
  if (!match) throw new Error(`"${value}" is not a duration like 90d, 12h, 30m or 3600`);
  const amount = Number(match[1]);
  const unit = match[2] || "s";
  return amount * { d: ONE_DAY, h: 3600, m: 60, s: 1 }[unit as "d" | "h" | "m" | "s"];
}

/** EventBridge `rate()` expression for an interval, in the largest whole unit. */
export function rateExpression(seconds: number): string {
  const [amount, unit] =
    seconds % ONE_DAY === 0
      ? [seconds / ONE_DAY, "day"]
      : seconds % 3600 === 0
        ? [seconds / 3600, "hour"]
        : [seconds / 60, "minute"];
  return `rate(${amount} ${unit}${amount === 1 ? "" : "s"})`;
}

/** How often the rotation function runs for a given rotation interval (seconds). */
export function rotationCheckSeconds(intervalSeconds: number): number {
  return Math.min(ONE_DAY, Math.max(60, Math.floor(intervalSeconds / 24 / 60) * 60));
}

/**
 * The rotation invariant of DESIGN.md section 5: a key demoted by one rotation
 * is replaced (untrusted) by the next one, so the interval must exceed the
 * longest time a URL signed with it can still be presented.
 */
export function minimumRotationIntervalSeconds(
  config: Pick<
    StackConfig,
    "signerCacheTtlSeconds" | "signerMaxStaleSeconds" | "maxUrlLifetimeSeconds" | "clockSkewSeconds"
  >,
): number {
  // A signer may keep using a demoted key for its cache TTL, or up to the
  // stale maximum while SSM is unreachable: the larger of the two counts.
  return (
    Math.max(config.signerCacheTtlSeconds, config.signerMaxStaleSeconds) +
    config.maxUrlLifetimeSeconds +
    config.clockSkewSeconds
  );
}

const MEDIAPACKAGE_V2_DOMAIN = /\.mediapackagev2\.([a-z0-9-]+)\.amazonaws\.com$/;
const MEDIAPACKAGE_V2_ENDPOINT_ARN =
  /^arn:aws[a-z-]*:mediapackagev2:([a-z0-9-]+):\d{12}:channelGroup\/[\w-]+\/channel\/[\w-]+\/originEndpoint\/[\w-]+$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

/** The origin's access rule: MediaPackage v2 needs its endpoint ARN; other origins may ask for a secret header. */
function originAccess(
  domainName: string,
  endpointArn: string,
  secretHeader: string,
  problems: string[],
): OriginAccess {
  const mediaPackage = MEDIAPACKAGE_V2_DOMAIN.exec(domainName);
  if (mediaPackage) {
    const arn = MEDIAPACKAGE_V2_ENDPOINT_ARN.exec(endpointArn);
    if (!arn) {
      problems.push(
        `originEndpointArn: "${endpointArn}" must be the MediaPackage v2 origin endpoint ARN ` +
          "(arn:aws:mediapackagev2:<region>:<account>:channelGroup/<group>/channel/<channel>/originEndpoint/<endpoint>): " +
          "the endpoint denies CloudFront without an endpoint policy naming it",
      );
    } else if (arn[1] !== mediaPackage[1]) {
      problems.push(`originEndpointArn: region ${arn[1]} differs from originDomain's ${mediaPackage[1]}`);
    }
    if (secretHeader !== "") {
      problems.push("originSecretHeader: not for MediaPackage v2, which CloudFront reaches through an OAC");
    }
    return { kind: "mediapackagev2", endpointArn };
  }
  if (endpointArn !== "") problems.push("originEndpointArn: only for a MediaPackage v2 originDomain");
  if (secretHeader === "") return { kind: "open" };
  if (!HEADER_NAME.test(secretHeader) || /^(x-amz-|x-edge-)/i.test(secretHeader)) {
    problems.push(
      `originSecretHeader: "${secretHeader}" must be a header name (letters, digits, -), not X-Amz-* or X-Edge-*`,
    );
  }
  return { kind: "secret-header", headerName: secretHeader };
}

/** Validates raw config strings; throws one `StackConfigError` naming every problem. */
export function validateStackConfig(raw: RawStackConfig, stack: string): StackConfig {
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    if (key !== "region" && !(CONFIG_KEYS as string[]).includes(key)) {
      problems.push(`${PROJECT_NAME}:${key}: unknown key (known keys: ${CONFIG_KEYS.join(", ")})`);
    }
  }
  const value = (key: ConfigKey): string => {
    const given = raw[key];
    const fallback = CONFIG_DEFAULTS[key].replace("<stack>", stack);
    return given === undefined || given.trim() === "" ? fallback : given.trim();
  };
  const oneOf = <T extends string>(key: ConfigKey, allowed: readonly T[]): T => {
    const text = value(key);
    if ((allowed as readonly string[]).includes(text)) return text as T;
    problems.push(`${key}: "${text}" is not one of ${allowed.join(", ")}`);
    return allowed[0];
  };
  const integer = (key: ConfigKey, min: number, max: number): number => {
    const text = value(key);
    const number = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
      problems.push(`${key}: "${text}" must be a whole number from ${min} to ${max}`);
      return min;
    }
    return number;
  };
  const boolean = (key: ConfigKey): boolean => {
    const text = value(key).toLowerCase();
    if (text === "true" || text === "false") return text === "true";
    problems.push(`${key}: "${value(key)}" must be true or false`);
    return false;
  };
  const list = (key: ConfigKey): string[] => {
    try {
      return parseList(raw[key]);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).message}`);
      return [];
    }
  };

  // The stack name is part of every public key and key group name, which CloudFront limits to
  // letters, digits, - and _, 128 characters (the Developer Guide's "name" rules for public keys:
  // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html).
  // The longest name is `signed-hls-cdn-<stack>-inactive-initial-<8 hex>`.
  if (!STACK_NAME.test(stack)) {
    problems.push(
      `stack name "${stack}": CloudFront public key and key group names (which carry it) take only letters, digits, - and _, ` +
        `and the stack name at most ${MAX_STACK_NAME_LENGTH} of them; pick another stack name (pulumi stack rename)`,
    );
  }

  const region = (raw.region ?? "").trim();
  if (!REGION.test(region)) {
    problems.push(
      `aws:region: "${region}" is not an AWS region (set it with: pulumi config set aws:region eu-west-1)`,
    );
  }

  const keyAlgorithm = oneOf("keyAlgorithm", KEY_ALGORITHMS);
  const hashAlgorithm = oneOf("hashAlgorithm", HASH_ALGORITHMS);
  const defaultUrlLifetimeSeconds = integer("defaultUrlLifetimeSeconds", 1, 7 * ONE_DAY);
  const maxUrlLifetimeSeconds = integer("maxUrlLifetimeSeconds", 1, 7 * ONE_DAY);
  if (defaultUrlLifetimeSeconds > maxUrlLifetimeSeconds) {
    problems.push(
      `defaultUrlLifetimeSeconds (${defaultUrlLifetimeSeconds}) must not exceed maxUrlLifetimeSeconds (${maxUrlLifetimeSeconds})`,
    );
  }
  const signerCacheTtlSeconds = integer("signerCacheTtlSeconds", 1, ONE_DAY);
  const signerMaxStaleSeconds = integer("signerMaxStaleSeconds", 1, ONE_DAY);
  if (signerMaxStaleSeconds < signerCacheTtlSeconds) {
    problems.push(
      `signerMaxStaleSeconds (${signerMaxStaleSeconds}) must be at least signerCacheTtlSeconds (${signerCacheTtlSeconds})`,
    );
  }
  const clockSkewSeconds = integer("clockSkewSeconds", 0, 3600);
  const minIpPrefixLength = integer("minIpPrefixLength", MIN_IP_PREFIX_LENGTH_FLOOR, 32);
  const ipv6Enabled = boolean("ipv6Enabled");

  let rotationIntervalSeconds = 0;
  try {
    rotationIntervalSeconds = parseDuration(value("rotationInterval"));
    if (rotationIntervalSeconds < 60 || rotationIntervalSeconds % 60 !== 0) {
      problems.push(`rotationInterval: "${value("rotationInterval")}" must be whole minutes, at least 1m`);
    }
    if (rotationIntervalSeconds > 365 * ONE_DAY) {
      problems.push(`rotationInterval: "${value("rotationInterval")}" must be at most 365d`);
    }
  } catch (error) {
    problems.push(`rotationInterval: ${(error as Error).message}`);
  }
  const minimum = minimumRotationIntervalSeconds({
    signerCacheTtlSeconds,
    signerMaxStaleSeconds,
    maxUrlLifetimeSeconds,
    clockSkewSeconds,
  });
  if (rotationIntervalSeconds > 0 && rotationIntervalSeconds <= minimum) {
    const keyUse = Math.max(signerCacheTtlSeconds, signerMaxStaleSeconds);
    problems.push(
      `rotationInterval (${rotationIntervalSeconds}s) must exceed max(signerCacheTtlSeconds, signerMaxStaleSeconds) + ` +
        `maxUrlLifetimeSeconds + clockSkewSeconds (${keyUse} + ${maxUrlLifetimeSeconds} + ${clockSkewSeconds} = ${minimum}s): ` +
        `otherwise a rotation untrusts a key while URLs signed with it are still valid`,
    );
  }
  const rotationEnabled = boolean("rotationEnabled");

  const edgeTrigger = oneOf("edgeTrigger", EDGE_TRIGGERS);
  const edgeMemoryMb = integer("edgeMemoryMb", 128, EDGE_MEMORY_LIMIT_MB[edgeTrigger]);
  // At least MIN_EDGE_TIMEOUT_SECONDS: CPU work and key reads keep their budgets, the raw fetch gets the rest.
  const edgeTimeoutSeconds = integer(
    "edgeTimeoutSeconds",
    MIN_EDGE_TIMEOUT_SECONDS,
    EDGE_TIMEOUT_LIMIT_SECONDS[edgeTrigger],
  );

  const originType = oneOf("originType", ["s3", "https"] as const);
  let origin: OriginConfig = { kind: "s3" };
  if (originType === "https") {
    const domainName = value("originDomain").toLowerCase();
    const originPath = value("originPath");
    if (!HOSTNAME.test(domainName) || domainName.startsWith("*.")) {
      problems.push(
        `originDomain: "${domainName}" must be the origin's host name (no scheme, no path) when originType is https`,
      );
    }
    if (originPath !== "" && (!/^\/[A-Za-z0-9._~\-/]*[^/]$/.test(originPath) || originPath.includes("//"))) {
      problems.push(`originPath: "${originPath}" must start with / and not end with /`);
    }
    const access = originAccess(
      domainName,
      value("originEndpointArn"),
      value("originSecretHeader"),
      problems,
    );
    origin = { kind: "https", domainName, ...(originPath ? { originPath } : {}), access };
  } else {
    for (const key of ["originDomain", "originPath", "originEndpointArn", "originSecretHeader"] as const) {
      if (value(key) !== "") {
        problems.push(`${key}: only used with originType https (the s3 origin is created by the stack)`);
      }
    }
  }

  const parameterPrefix = value("parameterPrefix");
  if (!SSM_PREFIX.test(parameterPrefix) || /^\/(aws|ssm)(\/|$)/i.test(parameterPrefix)) {
    problems.push(
      `parameterPrefix: "${parameterPrefix}" must look like /cloudfront-signer/${stack} (letters, digits, _ . -, no trailing /, not under /aws or /ssm)`,
    );
  }
  const priceClass = oneOf("priceClass", PRICE_CLASSES);

  const aliases = list("aliases").map((alias) => alias.toLowerCase());
  for (const alias of aliases) {
    if (!HOSTNAME.test(alias)) problems.push(`aliases: "${alias}" is not a host name`);
  }
  if (new Set(aliases).size !== aliases.length) problems.push("aliases: duplicates");
  const certificateArn = value("certificateArn");
  if (aliases.length > 0 && certificateArn === "") {
    problems.push(
      "certificateArn: required when aliases are set (an ACM certificate in us-east-1 covering them)",
    );
  }
  if (certificateArn !== "" && !ACM_US_EAST_1.test(certificateArn)) {
    problems.push(
      `certificateArn: "${certificateArn}" must be an ACM certificate ARN in us-east-1 (CloudFront only reads certificates there)`,
    );
  }
  if (certificateArn !== "" && aliases.length === 0) {
    problems.push("certificateArn: set aliases too (a certificate without alternate domain names is unused)");
  }

  const extraAllowedHosts = list("allowedHosts").map((host) => host.toLowerCase());
  for (const host of extraAllowedHosts) {
    if (!HOSTNAME.test(host) || host.startsWith("*."))
      problems.push(`allowedHosts: "${host}" is not a host name`);
  }

  const cookieMode = boolean("cookieMode");
  const corsOrigins = list("corsOrigins");
  for (const corsOrigin of corsOrigins) {
    if (corsOrigin === "*") {
      problems.push(
        "corsOrigins: * is not allowed (list the player origins; with cookies, browsers refuse * anyway)",
      );
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(corsOrigin);
    } catch {
      parsed = undefined;
    }
    const isLocalhost = parsed?.protocol === "http:" && parsed.hostname === "localhost";
    if (!parsed || (parsed.protocol !== "https:" && !isLocalhost) || parsed.origin !== corsOrigin) {
      problems.push(
        `corsOrigins: "${corsOrigin}" must be an origin like https://player.example.com (no path, no trailing /)`,
      );
    }
  }

  const cookieDomain = value("cookieDomain").toLowerCase();
  if (cookieDomain !== "") {
    if (!cookieMode) problems.push("cookieDomain: only used with cookieMode true");
    if (!HOSTNAME.test(cookieDomain) || cookieDomain.startsWith("*.")) {
      problems.push(`cookieDomain: "${cookieDomain}" is not a domain name`);
    }
    const outside = aliases.filter((alias) => alias !== cookieDomain && !alias.endsWith(`.${cookieDomain}`));
    if (aliases.length === 0 || outside.length > 0) {
      problems.push(
        `cookieDomain: "${cookieDomain}" must contain every alias (${aliases.join(", ") || "none set"}): cookies for it never reach the *.cloudfront.net name`,
      );
    }
  }

  const viewerProtocolPolicy = oneOf("viewerProtocolPolicy", ["redirect-to-https", "https-only"] as const);

  const loggingBucket = value("loggingBucket");
  let logging: StackConfig["logging"];
  if (loggingBucket !== "") {
    if (!S3_BUCKET.test(loggingBucket))
      problems.push(`loggingBucket: "${loggingBucket}" is not an S3 bucket name`);
    const prefix = value("loggingPrefix");
    if (prefix.startsWith("/")) problems.push(`loggingPrefix: "${prefix}" must not start with /`);
    logging = { bucket: loggingBucket, prefix };
  }

  const secretRecoveryWindowDays = integer("secretRecoveryWindowDays", 0, 30);
  if (secretRecoveryWindowDays > 0 && secretRecoveryWindowDays < 7) {
    problems.push(
      `secretRecoveryWindowDays: ${secretRecoveryWindowDays} must be 0 or from 7 to 30 (Secrets Manager's range)`,
    );
  }
  const protectResources = boolean("protect");
  const logRetentionDays = Number(value("logRetentionDays"));
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problems.push(
      `logRetentionDays: "${value("logRetentionDays")}" must be one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
  const monitoring = readMonitoringConfig(
    {
      value,
      list,
      boolean,
      duration: (key) => {
        try {
          return parseDuration(value(key));
        } catch (error) {
          problems.push(`${key}: ${(error as Error).message}`);
          return 0;
        }
      },
    },
    region,
    problems,
  );

  if (problems.length > 0) throw new StackConfigError(problems);
  return {
    region,
    keyAlgorithm,
    hashAlgorithm,
    defaultUrlLifetimeSeconds,
    maxUrlLifetimeSeconds,
    signerCacheTtlSeconds,
    signerMaxStaleSeconds,
    clockSkewSeconds,
    minIpPrefixLength,
    ipv6Enabled,
    rotationIntervalSeconds,
    rotationSchedule: rateExpression(rotationCheckSeconds(rotationIntervalSeconds)),
    rotationEnabled,
    edgeTrigger,
    edgeMemoryMb,
    edgeTimeoutSeconds,
    origin,
    parameterPrefix,
    priceClass,
    aliases,
    ...(certificateArn ? { certificateArn } : {}),
    extraAllowedHosts,
    corsOrigins,
    cookieMode,
    ...(cookieDomain ? { cookieDomain } : {}),
    viewerProtocolPolicy,
    ...(logging ? { logging } : {}),
    secretRecoveryWindowDays,
    protectResources,
    logRetentionDays,
    monitoring,
  };
}

/** Reads this stack's `signed-hls-cdn:*` keys and `aws:region`, then validates them. */
export function readStackConfig(): StackConfig {
  const raw: Record<string, string | undefined> = { region: new pulumi.Config("aws").get("region") };
  const namespace = `${PROJECT_NAME}:`;
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(namespace)) raw[fullKey.slice(namespace.length)] = text;
  }
  return validateStackConfig(raw, pulumi.getStack());
}
