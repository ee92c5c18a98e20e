/**
 * Defaults that more than one of infra/ (the stack config), functions/ (the
 * Lambdas' own fallbacks), local/ (`npm start`) and cli/ fall back on. Defined
 * once here so the deployed stack, a Lambda given a partial config, the local
 * stack and the command line cannot disagree; tests/contract/defaults.test.ts
 * checks each consumer against these values. Imports only contract/limits.ts.
 */
import { EDGE_TIMEOUT_LIMIT_SECONDS } from "./limits";

/**
 * Algorithm of the key pairs the deploy creates first and every rotation
 * creates later. ECDSA P-256: CloudFront accepts RSA 2048 and ECDSA 256 public
 * keys for signed URLs and cookies
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_PublicKey.html),
 * and an ECDSA signature is far cheaper to make than an RSA one (`npm run bench`),
 * which matters at the edge, where every playlist URI is signed.
 */
export const DEFAULT_KEY_ALGORITHM = "ecdsa-p256" as const;

/** Signature hash: SHA-1 is what CloudFront assumes without a `Hash-Algorithm` parameter. */
export const DEFAULT_HASH_ALGORITHM = "sha1" as const;

/** Lifetime (seconds) of a signed URL or cookie when the caller asks for none. */
export const DEFAULT_URL_LIFETIME_SECONDS = 3600;

/** Longest lifetime (seconds) any signer grants; longer requests are clamped. */
export const DEFAULT_MAX_URL_LIFETIME_SECONDS = 43200;

/** How long (seconds) a signer uses a loaded key before it reads the active key again. */
export const DEFAULT_SIGNER_CACHE_TTL_SECONDS = 300;

/** Longest (seconds) a signer keeps serving its last key while refreshes fail; never below the TTL. */
export const DEFAULT_SIGNER_MAX_STALE_SECONDS = 900;

/** Clock disagreement (seconds) allowed between signers, CloudFront and rotation runs. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** Age (days) at which the rotation replaces the active key. */
export const DEFAULT_ROTATION_INTERVAL_DAYS = 90;

/** Shortest wait (seconds) after a key group change before the rotation trusts a `Deployed` status. */
export const DEFAULT_MIN_PROPAGATION_SECONDS = 300;

/** How long (seconds) a rotation run holds its lease; longer than the rotation Lambda's timeout. */
export const DEFAULT_ROTATION_LEASE_SECONDS = 900;

/**
 * Narrowest-allowed IP binding by default: a /24 (256 addresses, one typical
 * carrier or office block). A wider CIDR makes the binding meaningless (`/0`
 * matches every viewer), so signers refuse it unless configured lower.
 */
export const DEFAULT_MIN_IP_PREFIX_LENGTH = 24;

/**
 * Whether a stack's distribution answers over IPv6 unless its config says otherwise. Off: CloudFront
 * compares a policy's `IpAddress` with the viewer's address, and a dual-stack viewer reaching an
 * IPv6-enabled distribution arrives over IPv6 and fails an IPv4 binding, so AWS advises against
 * IPv6 when custom policies carry `IpAddress` (DistributionConfig `IsIPV6Enabled`:
 * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DistributionConfig.html, and
 * "Enable IPv6" in https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DownloadDistValuesGeneral.html).
 * With IPv6 on, the signer and the manifest edge refuse IP binding instead.
 */
export const DEFAULT_IPV6_ENABLED = false;

/** The CloudFront event that runs the manifest edge function (40 KB / 5 s; `origin-request`: 1 MB / 30 s). */
export const DEFAULT_EDGE_TRIGGER = "viewer-request" as const;

/**
 * The manifest edge function's timeout, seconds: the viewer-request limit, so
 * the default fits the default trigger (an origin-request stack may raise it).
 */
export const DEFAULT_EDGE_TIMEOUT_SECONDS = EDGE_TIMEOUT_LIMIT_SECONDS[DEFAULT_EDGE_TRIGGER];

/**
 * How long past its due time (rotation interval after the active key became
 * active) a rotation may be before the rotation-overdue alarm fires and
 * `doctor` reports it: one day, the longest gap between scheduled runs
 * (the stack config's rotationCheckSeconds), so one missed run is tolerated.
 */
export const DEFAULT_OVERDUE_MARGIN_SECONDS = 86400;
