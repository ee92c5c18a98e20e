/**
 * The stack config as a table of keys: each `signed-hls-cdn:<key>` with its
 * default (shared ones from contract/defaults.ts), its parser and its meaning.
 * The README's key table is generated from this one (readme-table.ts; a test
 * keeps them equal). Checks that involve two keys or more are in validators.ts.
 */
import {
  DEFAULT_CLOCK_SKEW_SECONDS,
  DEFAULT_EDGE_TIMEOUT_SECONDS,
  DEFAULT_EDGE_TRIGGER,
  DEFAULT_HASH_ALGORITHM,
  DEFAULT_IPV6_ENABLED,
  DEFAULT_KEY_ALGORITHM,
  DEFAULT_MAX_URL_LIFETIME_SECONDS,
  DEFAULT_MIN_IP_PREFIX_LENGTH,
  DEFAULT_ROTATION_INTERVAL_DAYS,
  DEFAULT_SIGNER_CACHE_TTL_SECONDS,
  DEFAULT_SIGNER_MAX_STALE_SECONDS,
  DEFAULT_URL_LIFETIME_SECONDS,
} from "../../contract/defaults";
import { DEFAULT_ASSET_ROOT_DEPTH, MAX_ASSET_ROOT_DEPTH } from "../../contract/asset-root";
import {
  EDGE_MEMORY_LIMIT_MB,
  EDGE_TIMEOUT_LIMIT_SECONDS,
  EDGE_TRIGGERS,
  type EdgeTrigger,
} from "../../contract/limits";
import { MIN_EDGE_TIMEOUT_SECONDS } from "../../functions/handlers/manifest-edge/manifest-edge";
import { MIN_IP_PREFIX_LENGTH_FLOOR } from "../../functions/cloudfront/ip";
import type { HashAlgorithm, KeyAlgorithm } from "../../functions/cloudfront/types";
import { MONITORING_KEY_TABLE } from "../monitoring-config";
import {
  HOSTNAME,
  ONE_DAY,
  boolean,
  configKey,
  hostNameProblem,
  integer,
  list,
  lowerCase,
  oneOf,
  optional,
  parseDuration,
  text,
  type ConfigKeySpec,
  type ParseContext,
  type ParsedValues,
} from "./parsers";
import { PRICE_CLASSES } from "./types";

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["rsa-2048", "ecdsa-p256"];
const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["sha1", "sha256"];
const ACM_US_EAST_1 = /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;
const S3_BUCKET = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SSM_PREFIX = /^(\/[A-Za-z0-9_.-]+)+$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;
/** PutRetentionPolicy's retentionInDays values (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const MAX_ROTATION_INTERVAL_SECONDS = 365 * ONE_DAY;

/** A rotation interval: whole minutes, 1m to 365d. */
function rotationInterval(value: string, context: ParseContext): number {
  let seconds: number;
  try {
    seconds = parseDuration(value);
  } catch (error) {
    context.report((error as Error).message);
    return 0;
  }
  if (seconds < 60 || seconds % 60 !== 0) context.report(`"${value}" must be whole minutes, at least 1m`);
  if (seconds > MAX_ROTATION_INTERVAL_SECONDS) context.report(`"${value}" must be at most 365d`);
  return seconds;
}

function corsOriginProblem(origin: string): string | undefined {
  if (origin === "*")
    return "* is not allowed (list the player origins; with cookies, browsers refuse * anyway)";
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    parsed = undefined;
  }
  const isLocalhost = parsed?.protocol === "http:" && parsed.hostname === "localhost";
  return !parsed || (parsed.protocol !== "https:" && !isLocalhost) || parsed.origin !== origin
    ? `"${origin}" must be an origin like https://player.example.com (no path, no trailing /)`
    : undefined;
}

/** Alternate domain names: host names (wildcards allowed), each once. */
function aliases(value: string, context: ParseContext): readonly string[] {
  const names = list(
    (alias) => (HOSTNAME.test(alias) ? undefined : `"${alias}" is not a host name`),
    lowerCase,
  )(value, context);
  if (new Set(names).size !== names.length) context.report("duplicates");
  return names;
}

function parameterPrefix(value: string, context: ParseContext): string {
  if (!SSM_PREFIX.test(value) || /^\/(aws|ssm)(\/|$)/i.test(value)) {
    context.report(
      `"${value}" must look like /cloudfront-signer/${context.stack} (letters, digits, _ . -, no trailing /, not under /aws or /ssm)`,
    );
  }
  return value;
}

function secretRecoveryWindowDays(value: string, context: ParseContext): number {
  const days = integer(0, 30)(value, context);
  if (days > 0 && days < 7) context.report(`${days} must be 0 or from 7 to 30 (Secrets Manager's range)`);
  return days;
}

function logRetentionDays(value: string, context: ParseContext): number {
  const days = Number(value);
  if (!/^\d+$/.test(value) || !LOG_RETENTION_DAYS.includes(days)) {
    context.report(`"${value}" must be one of CloudWatch Logs' values: ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  return days;
}

const largest = (limits: Readonly<Record<EdgeTrigger, number>>): number => Math.max(...Object.values(limits));

/** Every `signed-hls-cdn:<key>`, in the README's order. */
export const CONFIG_KEY_TABLE = {
  keyAlgorithm: configKey({
    default: DEFAULT_KEY_ALGORITHM,
    doc:
      "`rsa-2048` or `ecdsa-p256` (CloudFront accepts both for signed URLs and cookies; ECDSA signs far faster, see `npm run bench`), " +
      "for the first keys and every rotation. Changing it later takes effect at the next rotation: the first key pairs are never remade. " +
      "A stack deployed before the default became `ecdsa-p256` (it was `rsa-2048`) keeps its keys and rotates to ECDSA P-256 unless it sets `rsa-2048`.",
    parse: oneOf(KEY_ALGORITHMS),
  }),
  hashAlgorithm: configKey({
    default: DEFAULT_HASH_ALGORITHM,
    doc: "`sha1` (CloudFront's default) or `sha256` (adds `Hash-Algorithm=SHA256`).",
    parse: oneOf(HASH_ALGORITHMS),
  }),
  defaultUrlLifetimeSeconds: configKey({
    default: String(DEFAULT_URL_LIFETIME_SECONDS),
    doc: "Lifetime when the caller asks for none; at most `maxUrlLifetimeSeconds`.",
    parse: integer(1, 7 * ONE_DAY),
  }),
  maxUrlLifetimeSeconds: configKey({
    default: String(DEFAULT_MAX_URL_LIFETIME_SECONDS),
    doc: "Longest lifetime handed out; longer requests are clamped. At most 7 days.",
    parse: integer(1, 7 * ONE_DAY),
  }),
  signerCacheTtlSeconds: configKey({
    default: String(DEFAULT_SIGNER_CACHE_TTL_SECONDS),
    doc: "How long signers keep the active key before re-reading SSM.",
    parse: integer(1, ONE_DAY),
  }),
  signerMaxStaleSeconds: configKey({
    default: String(DEFAULT_SIGNER_MAX_STALE_SECONDS),
    doc: "How long signers keep serving a cached key while SSM is unreachable (>= the TTL).",
    parse: integer(1, ONE_DAY),
  }),
  clockSkewSeconds: configKey({
    default: String(DEFAULT_CLOCK_SKEW_SECONDS),
    doc: "Clock disagreement allowed between signers and CloudFront.",
    parse: integer(0, 3600),
  }),
  minIpPrefixLength: configKey({
    default: String(DEFAULT_MIN_IP_PREFIX_LENGTH),
    doc:
      `Shortest IPv4 prefix (${MIN_IP_PREFIX_LENGTH_FLOOR}-32) the signer binds a URL or cookie to; a wider \`ipAddress\` ` +
      "(e.g. `/0`, which matches everyone) is refused with 400. The CLI's `--min-ip-prefix` has the same default.",
    parse: integer(MIN_IP_PREFIX_LENGTH_FLOOR, 32),
  }),
  ipv6Enabled: configKey({
    default: String(DEFAULT_IPV6_ENABLED),
    doc:
      "The distribution's `isIpv6Enabled`. Off by default so IP-bound URLs and cookies keep working: on an IPv6-enabled distribution " +
      "a dual-stack viewer arrives over IPv6 and gets 403 for an IPv4 binding, and AWS advises against IPv6 with `IpAddress` policies. " +
      "`true`: the signing Lambda refuses `ipAddress` (400 `ip-binding-refused`) and the manifest edge refuses IP-bound viewer grants " +
      "(403 `ip-binding-refused`); the policy pack's `ipv6-without-ip-binding` holds the pair together. The default lives in " +
      "`contract/defaults.ts` (`DEFAULT_IPV6_ENABLED`), shared with `npm start -- --ipv6`.",
    parse: boolean,
  }),
  assetRootDepth: configKey({
    default: String(DEFAULT_ASSET_ROOT_DEPTH),
    doc: "The first N folders of a path name an asset (`2`: `/videos/<asset>/`; `contract/asset-root.ts`). The signing Lambda then grants a playlist or cookies for that **asset root** whatever playlist the app starts from (a media playlist below it gets a custom policy for `https://host/videos/<asset>/*`, so `../../keys/` stays signed), never wider; a playlist or cookies above it are refused (400 `above-asset-root`), and the manifest edge refuses a one-URL grant above it (403 `above-asset-root`). `0`: no asset root, each playlist's own folder (a root playlist is still refused). Set it to your layout's depth; 0-16. See \"How wide that is\".",
    parse: integer(0, MAX_ASSET_ROOT_DEPTH),
  }),
  rotationInterval: configKey({
    default: `${DEFAULT_ROTATION_INTERVAL_DAYS}d`,
    doc:
      "Age (`90d`, `12h`, `30m`) at which the active key is replaced. Must exceed max(TTL, max stale) + max URL lifetime + skew, " +
      "else refused (`rotationIntervalIsSafe` in `contract/rotation-window.ts`, the rule `npm start` and the policy pack apply too).",
    parse: rotationInterval,
  }),
  rotationEnabled: configKey({
    default: "true",
    doc: "Whether the schedule is enabled (the function can always be invoked by hand).",
    parse: boolean,
  }),
  edgeTrigger: configKey({
    default: DEFAULT_EDGE_TRIGGER,
    doc:
      "`viewer-request` (40 KB responses, 5 s) or `origin-request` (1 MB, 30 s). Either way CloudFront does not cache the function's " +
      "answer: it carries `Cache-Control: private, no-store` and the `*._m3u8` cache policy's minimum TTL is 0 " +
      "([Expiration](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/Expiration.html)), so every playlist request runs the function.",
    parse: oneOf(EDGE_TRIGGERS),
  }),
  edgeMemoryMb: configKey({
    default: "128",
    doc: "Edge function memory, within the trigger's limit.",
    parse: integer(128, largest(EDGE_MEMORY_LIMIT_MB)),
  }),
  edgeTimeoutSeconds: configKey({
    default: String(DEFAULT_EDGE_TIMEOUT_SECONDS),
    doc:
      "Edge function timeout, 4 s up to the trigger's limit: 1 s is kept for CPU work and 1 s for each of two key-store reads, " +
      'the raw fetch gets the rest (2 s at 5 s; see "Cold start within the 5 s viewer-request limit").',
    // At least MIN_EDGE_TIMEOUT_SECONDS: CPU work and key reads keep their budgets, the raw fetch gets the rest.
    parse: integer(MIN_EDGE_TIMEOUT_SECONDS, largest(EDGE_TIMEOUT_LIMIT_SECONDS)),
  }),
  originType: configKey({
    default: "s3",
    doc: "`s3` (a private bucket created by the stack) or `https`.",
    parse: oneOf(["s3", "https"] as const),
  }),
  originDomain: configKey({
    default: "",
    doc: "The HTTPS origin's host (e.g. a MediaPackage v2 endpoint); only with `https`.",
    parse: optional(
      (host) =>
        hostNameProblem(host) === undefined
          ? undefined
          : `"${host}" must be the origin's host name (no scheme, no path)`,
      lowerCase,
    ),
  }),
  originPath: configKey({
    default: "",
    doc: "Optional path prefix on the HTTPS origin (e.g. `/out/v1`); only with `https`.",
    parse: optional((path) =>
      /^\/[A-Za-z0-9._~\-/]*[^/]$/.test(path) && !path.includes("//")
        ? undefined
        : `"${path}" must start with / and not end with /`,
    ),
  }),
  originEndpointArn: configKey({
    default: "",
    doc:
      "Required for a MediaPackage v2 `originDomain`: the origin endpoint's ARN. CloudFront then reaches it through an OAC of type " +
      "`mediapackagev2`, and the `originEndpointPolicy` output is the endpoint policy to apply.",
    parse: text,
  }),
  originSecretHeader: configKey({
    default: "",
    doc:
      "Any other HTTPS origin: a header name (e.g. `X-Origin-Verify`) CloudFront adds with a random secret value " +
      "(output `originSecretHeaderValue`, a secret); make the origin refuse requests without it.",
    parse: optional((header) =>
      HEADER_NAME.test(header) && !/^(x-amz-|x-edge-)/i.test(header)
        ? undefined
        : `"${header}" must be a header name (letters, digits, -), not X-Amz-* or X-Edge-*`,
    ),
  }),
  parameterPrefix: configKey({
    default: "/cloudfront-signer/<stack>",
    doc: "SSM prefix of `active-key-id`, `active-secret-arn`, `rotation-state`.",
    parse: parameterPrefix,
  }),
  priceClass: configKey({
    default: "PriceClass_100",
    doc: "`PriceClass_100`, `PriceClass_200` or `PriceClass_All`.",
    parse: oneOf(PRICE_CLASSES),
  }),
  aliases: configKey({
    default: "",
    doc: "Alternate domain names, comma-separated or a JSON list. Needs `certificateArn`.",
    parse: aliases,
  }),
  certificateArn: configKey({
    default: "",
    doc: "ACM certificate in us-east-1 for the aliases (TLSv1.2_2021, SNI).",
    parse: optional((arn) =>
      ACM_US_EAST_1.test(arn)
        ? undefined
        : `"${arn}" must be an ACM certificate ARN in us-east-1 (CloudFront only reads certificates there)`,
    ),
  }),
  allowedHosts: configKey({
    default: "",
    doc: "Extra hosts the signer may sign for, besides the aliases and the distribution's domain.",
    parse: list(hostNameProblem, lowerCase),
  }),
  corsOrigins: configKey({
    default: "",
    doc: "Player origins allowed by CORS (`https://...`, or `http://localhost:PORT`); `*` is refused.",
    parse: list(corsOriginProblem),
  }),
  cookieMode: configKey({
    default: "false",
    doc: "Signed cookies: CORS then allows credentials, the signer returns cookies.",
    parse: boolean,
  }),
  cookieDomain: configKey({
    default: "",
    doc: "Cookie `Domain` (a parent of every alias, e.g. `example.com`) so cookies your app sets reach CloudFront.",
    parse: optional(
      (domain) => (hostNameProblem(domain) === undefined ? undefined : `"${domain}" is not a domain name`),
      lowerCase,
    ),
  }),
  viewerProtocolPolicy: configKey({
    default: "https-only",
    doc: "Or `redirect-to-https` (the first request, signature included, then crosses the network in clear).",
    parse: oneOf(["https-only", "redirect-to-https"] as const),
  }),
  loggingBucket: configKey({
    default: "",
    doc: "Standard access logs: the target bucket (ACLs enabled).",
    parse: optional((bucket) =>
      S3_BUCKET.test(bucket) ? undefined : `"${bucket}" is not an S3 bucket name`,
    ),
  }),
  loggingPrefix: configKey({
    default: "cloudfront/<stack>/",
    doc: "Key prefix of the access logs in `loggingBucket`.",
    parse: optional((prefix) => (prefix.startsWith("/") ? `"${prefix}" must not start with /` : undefined)),
  }),
  secretRecoveryWindowDays: configKey({
    default: "7",
    doc: "Secrets Manager's recovery window on delete: `0` (immediate) or 7 to 30.",
    parse: secretRecoveryWindowDays,
  }),
  protect: configKey({
    default: "false",
    doc: "Protect the distribution, key groups, secrets, parameters and bucket from `pulumi destroy`.",
    parse: boolean,
  }),
  logRetentionDays: configKey({
    default: "30",
    doc: "Retention of the signer's and the rotation's log groups (one of CloudWatch Logs' values: 1, 3, 5, 7, 14, 30, 60, 90, ...).",
    parse: logRetentionDays,
  }),
  ...MONITORING_KEY_TABLE,
} satisfies Record<string, ConfigKeySpec<unknown>>;

export type ConfigKey = keyof typeof CONFIG_KEY_TABLE;
export const CONFIG_KEYS = Object.keys(CONFIG_KEY_TABLE) as ConfigKey[];
/** The typed value of every key (after its parser). */
export type ConfigValues = ParsedValues<typeof CONFIG_KEY_TABLE>;

/** Every config key this program reads, with its default text (`<stack>` stands for the stack name). */
export const CONFIG_DEFAULTS = Object.fromEntries(
  CONFIG_KEYS.map((key) => [key, CONFIG_KEY_TABLE[key].default]),
) as Readonly<Record<ConfigKey, string>>;
