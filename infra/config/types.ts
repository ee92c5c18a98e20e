/**
 * The typed stack configuration every other part of the program reads
 * (infra/stack.ts, infra/entrypoints.ts, the components), and the error that
 * lists every problem with the raw keys.
 */
import type { HashAlgorithm, KeyAlgorithm } from "../../functions/cloudfront/types";
import type { EdgeTrigger } from "../../contract/limits";
import type { MonitoringConfig } from "../monitoring-config";

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
  /** The first N folders of a path name an asset: grants cover that asset root (contract/asset-root.ts); 0 = none. */
  readonly assetRootDepth: number;
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
