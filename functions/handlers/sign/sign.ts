/**
 * The signing Lambda: `createSignHandler(config)` returns the handler that a
 * Pulumi CallbackFunction (or the local stack) runs. The app calls it, after
 * authorising its user, by direct invoke or an AWS_IAM Function URL.
 */
import { performance } from "node:perf_hooks";
import {
  DEFAULT_ASSET_ROOT_DEPTH,
  isAssetRootDepth,
  MAX_ASSET_ROOT_DEPTH,
} from "../../../contract/asset-root";
import { SigningInputError } from "../../cloudfront/errors";
import { DEFAULT_MIN_IP_PREFIX_LENGTH } from "../../cloudfront/ip";
import type { CookieAttributes, SignedCookieValues } from "../../cloudfront/types";
import {
  createActiveKeyProvider,
  KeyUnavailableError,
  type ActiveKeyProvider,
  type KeyCacheEvent,
  type KeySourceConfig,
  type KeySourcePort,
} from "../../keys";
import { signerLogTail } from "../../observability/metrics";
import { classifyEvent } from "./lambda-events";
import { formatSignLog, type SignLogEntry } from "./sign-log";
import {
  checkSignRequest,
  SignRequestError,
  type AssetRootGrant,
  type CheckedSignRequest,
  type SignRequest,
} from "./sign-request";

export type { SignRequest } from "./sign-request";

/** Stack configuration of the signer (plain JSON, captured in the Lambda closure). */
export interface SignHandlerConfig {
  /** The distribution's domain; a `resource` given as a path is signed on it. */
  readonly distributionDomain: string;
  /** Hosts a `resource` URL may name; default `[distributionDomain]` (add an alias such as media.example.com). */
  readonly allowedHosts?: readonly string[];
  /** Lifetime when the request names none (seconds). */
  readonly defaultLifetimeSeconds: number;
  /** Longest lifetime granted (seconds); the rotation's maxUrlLifetimeSeconds must be at least this. */
  readonly maxLifetimeSeconds: number;
  /** `true`: a longer request is clamped to the maximum; default false: refused with 400. */
  readonly clampLifetime?: boolean;
  /** Shortest IPv4 prefix an `ipAddress` may have (a wider block is refused); default DEFAULT_MIN_IP_PREFIX_LENGTH (24). */
  readonly minIpPrefixLength?: number;
  /**
   * `true` while the distribution has IPv6 enabled: an `ipAddress` is refused (400 `ip-binding-refused`),
   * since dual-stack viewers would arrive over IPv6 and fail the binding (DEFAULT_IPV6_ENABLED cites AWS).
   */
  readonly refuseIpBinding?: boolean;
  /** Where the active key lives (SSM + Secrets Manager). */
  readonly keySource: KeySourceConfig;
  /**
   * The first N folders of a path name an asset (contract/asset-root.ts): playlists and cookies are
   * granted for that asset root, a path above it is refused. Default 0: the resource's own folder.
   */
  readonly assetRootDepth?: number;
  /** Cookie attributes in `cookies` mode. Path defaults to the asset root. */
  readonly cookies?: {
    readonly domain?: string;
    readonly path?: string;
    readonly sameSite?: "Strict" | "Lax" | "None";
    readonly expiresAttribute?: boolean;
  };
}

/** What a successful request returns (direct invoke: this object plus `statusCode: 200`; Function URL: the JSON body). */
export type SignResponse =
  | { readonly mode: "url"; readonly url: string; readonly expires: number; readonly keyPairId: string }
  | {
      readonly mode: "cookies";
      /** The URL the player loads first (manifest form), unsigned: the cookies carry the signature. */
      readonly url: string;
      /** The wildcard resource the cookies grant, e.g. `https://host/videos/abc/*`. */
      readonly resource: string;
      readonly cookies: SignedCookieValues;
      /** Complete `Set-Cookie` values to pass on to the viewer. */
      readonly setCookieHeaders: readonly string[];
      readonly expires: number;
      readonly keyPairId: string;
    };

export interface SignError {
  readonly error: { readonly code: string; readonly message: string };
}

export type SignInvokeResult =
  ({ readonly statusCode: 200 } & SignResponse) | ({ readonly statusCode: number } & SignError);

export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface SignHandlerDeps {
  /** Active key source; default the cached SSM + Secrets Manager provider from `config.keySource`. */
  readonly keyProvider?: ActiveKeyProvider;
  /** Stand-in for SSM + Secrets Manager (local stack, tests) when no keyProvider is given. */
  readonly keySource?: KeySourcePort;
  /** Receives the key cache's events when no keyProvider is given; default one log line each (keyCacheLine). */
  readonly keyCacheReport?: (event: KeyCacheEvent) => void;
  /** Clock, epoch seconds. */
  readonly now?: () => number;
  /** Receives the one structured log line per request. Default console.log. */
  readonly log?: (line: string) => void;
}

interface LambdaContextLike {
  readonly awsRequestId?: string;
}

export function createSignHandler(config: SignHandlerConfig, deps: SignHandlerDeps = {}) {
  const rules = {
    distributionDomain: config.distributionDomain.toLowerCase(),
    allowedHosts: (config.allowedHosts ?? [config.distributionDomain]).map((host) => host.toLowerCase()),
    defaultLifetimeSeconds: config.defaultLifetimeSeconds,
    maxLifetimeSeconds: config.maxLifetimeSeconds,
    clampLifetime: config.clampLifetime === true,
    minIpPrefixLength: config.minIpPrefixLength ?? DEFAULT_MIN_IP_PREFIX_LENGTH,
    refuseIpBinding: config.refuseIpBinding === true,
    assetRootDepth: config.assetRootDepth ?? DEFAULT_ASSET_ROOT_DEPTH,
  };
  if (!isAssetRootDepth(rules.assetRootDepth))
    throw new Error(`sign handler: assetRootDepth must be a whole number from 0 to ${MAX_ASSET_ROOT_DEPTH}`);
  if (!Number.isSafeInteger(rules.maxLifetimeSeconds) || rules.maxLifetimeSeconds <= 0)
    throw new Error("sign handler: maxLifetimeSeconds must be a positive whole number");
  if (
    !Number.isSafeInteger(rules.defaultLifetimeSeconds) ||
    rules.defaultLifetimeSeconds <= 0 ||
    rules.defaultLifetimeSeconds > rules.maxLifetimeSeconds
  ) {
    throw new Error(
      "sign handler: defaultLifetimeSeconds must be a positive whole number no larger than maxLifetimeSeconds",
    );
  }
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const log = deps.log ?? ((line: string) => console.log(line));
  const logTail = signerLogTail(config.keySource.parameterPrefix);
  // Created on first use: nothing but plain config is captured when Pulumi serializes the closure.
  let provider = deps.keyProvider;
  const keys = (): ActiveKeyProvider =>
    (provider ??= createActiveKeyProvider(config.keySource, {
      source: deps.keySource,
      report: deps.keyCacheReport,
      now,
      // The signer enforces the same host and lifetime rules again (defence in depth).
      signerDefaults: {
        allowedHosts: rules.allowedHosts,
        maxLifetimeSeconds: rules.maxLifetimeSeconds,
        minIpPrefixLength: rules.minIpPrefixLength,
        now,
      },
    }));

  return async function signHandler(
    event: unknown,
    context?: LambdaContextLike,
  ): Promise<SignInvokeResult | FunctionUrlResult> {
    const started = performance.now();
    const classified = classifyEvent(event);
    const entry: SignLogEntry = { requestId: context?.awsRequestId, source: classified.kind };
    const finish = (
      statusCode: number,
      body: SignResponse | SignError,
      http: boolean,
    ): SignInvokeResult | FunctionUrlResult => {
      entry.status = statusCode;
      entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      log(formatSignLog(entry, logTail(entry, now() * 1000)));
      if (http) {
        return {
          statusCode,
          headers: { "content-type": "application/json", "cache-control": "no-store" },
          body: JSON.stringify(body),
        };
      }
      return { statusCode, ...body } as SignInvokeResult;
    };
    if (classified.kind === "refused") {
      entry.error = "refused-event";
      return finish(
        classified.statusCode,
        { error: { code: "refused-event", message: classified.reason } },
        classified.http,
      );
    }
    const http = classified.kind === "function-url";
    if (classified.kind === "function-url") {
      // Unverifiable (lambda-events.ts): logged under a name that says so, never as "caller".
      entry.unverifiedCaller = classified.claimedCaller;
      if (classified.bodyError) {
        entry.error = "bad-request";
        return finish(400, { error: { code: "bad-request", message: classified.bodyError } }, http);
      }
    }
    let checked: CheckedSignRequest;
    try {
      checked = checkSignRequest(classified.payload as SignRequest, rules, now());
      entry.mode = checked.mode;
      entry.host = checked.host;
      entry.path = checked.path;
      entry.lifetimeSeconds = checked.lifetimeSeconds;
      entry.ipBound = checked.ipAddress !== undefined;
      entry.notBefore = checked.notBefore;
    } catch (error) {
      return refusal(error, entry, http, finish);
    }
    try {
      const signer = await keys().getSigner();
      entry.keyPairId = signer.keyPairId;
      const options = {
        expires: checked.expires,
        notBefore: checked.notBefore,
        ipAddress: checked.ipAddress,
      };
      let response: SignResponse;
      if (checked.mode === "url") {
        // A playlist below its asset root is granted the asset root (a custom-policy Resource whose `*`
        // matches any characters, `/` included; README "CloudFront and Lambda@Edge behaviours we rely
        // on"), so the edge signs `../../keys/` too. One in the asset root keeps its canned URL: the edge
        // already signs that folder from it.
        const grant = checked.assetRoot?.below
          ? { ...options, resource: { pattern: checked.assetRoot.resource } }
          : options;
        response = {
          mode: "url",
          url: signer.signUrl(checked.url, grant),
          expires: checked.expires,
          keyPairId: signer.keyPairId,
        };
      } else {
        // checkSignRequest sets the asset root of every cookie request.
        const assetRoot = checked.assetRoot as AssetRootGrant;
        const attributes: CookieAttributes = {
          domain: config.cookies?.domain,
          path: config.cookies?.path ?? assetRoot.path,
          sameSite: config.cookies?.sameSite,
          expiresAttribute: config.cookies?.expiresAttribute,
        };
        const signed = signer.signCookies(
          checked.url,
          { ...options, resource: { pattern: assetRoot.resource } },
          attributes,
        );
        response = {
          mode: "cookies",
          url: checked.url,
          resource: signed.policy.resource,
          cookies: signed.cookies,
          setCookieHeaders: signed.setCookieHeaders,
          expires: signed.expires,
          keyPairId: signer.keyPairId,
        };
      }
      entry.expires = response.expires;
      return finish(200, response, http);
    } catch (error) {
      return refusal(error, entry, http, finish);
    }
  };
}

function refusal(
  error: unknown,
  entry: SignLogEntry,
  http: boolean,
  finish: (statusCode: number, body: SignError, http: boolean) => SignInvokeResult | FunctionUrlResult,
): SignInvokeResult | FunctionUrlResult {
  if (error instanceof SignRequestError || error instanceof SigningInputError) {
    entry.error = error.code;
    return finish(400, { error: { code: error.code, message: error.message } }, http);
  }
  if (error instanceof KeyUnavailableError) {
    entry.error = error.code;
    entry.detail = error.message;
    return finish(
      503,
      { error: { code: error.code, message: "the signing key is unavailable; retry later" } },
      http,
    );
  }
  entry.error = "internal";
  entry.detail = error instanceof Error ? error.name : "unknown";
  return finish(500, { error: { code: "internal", message: "internal error while signing" } }, http);
}
