/**
 * The manifest Lambda@Edge function (viewer-request or origin-request on
 * `*._m3u8`): read the viewer's grant, fetch the raw `.m3u8`, sign every URI
 * under one policy, answer with the playlist. A thin shell over
 * functions/hls and functions/cloudfront; configuration arrives in the closure.
 */
import { isAssetRootDepth, MAX_ASSET_ROOT_DEPTH } from "../../../contract/asset-root";
import { readSignedRequest, stripSigningParameters } from "../../cloudfront/verifier";
import { SigningInputError } from "../../cloudfront/errors";
import { PlaylistError, isMalformedPlaylist, rawPlaylistPath, DEFAULT_MAX_PLAYLIST_BYTES } from "../../hls";
import { KEY_READ_TIMEOUT_MS, type KeySourceConfig } from "../../keys/config";
import type { TrustedKeyProvider } from "../../keys/trusted";
import type { ActiveKeyProvider } from "../../keys/types";
import {
  EDGE_GENERATED_RESPONSE_LIMIT_BYTES,
  EDGE_TIMEOUT_LIMIT_SECONDS,
  largestPlaylistForResponse,
  type EdgeTrigger,
} from "../../../contract/limits";
import { edgeFailureLine, edgeSignedLine } from "../../observability/metrics";
import {
  headerValue,
  type CloudFrontRequest,
  type CloudFrontRequestEvent,
  type CloudFrontResultResponse,
} from "./cloudfront-events";
import { corsResponseHeaders, type EdgeCorsConfig } from "./edge-cors";
import { FORWARDED_GRANT_HEADER, grantSource } from "./forwarded-grant";
import { acceptsGzip, errorResponse, playlistResponse } from "./manifest-response";
import { fetchTextWithNodeFetch, fetchWithDeadline, type FetchText } from "./playlist-fetch";
import { grantedPlaylistPolicy, signPlaylist } from "./playlist-signing";
import { hostFromHeader, signingHost } from "./viewer-host";
import { isGrantScopeError } from "../shared/grant-scope";
import { grantSignedByStack } from "./grant-verification";
import { fetchesExactly, requestPathProblem } from "../shared/request-path";

/** Plain JSON: captured in the function's closure at deploy time (Lambda@Edge has no environment variables). */
export interface ManifestEdgeConfig {
  /**
   * Main host viewers use (the first alias if any), e.g. `d111111abcdef8.cloudfront.net`: the raw
   * playlist is read through it, and playlists are signed for it when the viewer's host is unknown.
   */
  readonly distributionDomain: string;
  /** Scheme viewers use; `https` in AWS. The local stack serves `http`. Default `https`. */
  readonly distributionProtocol?: "https" | "http";
  /**
   * Hosts whose URIs may carry a signature, and (with distributionDomain) the only hosts a playlist
   * is signed for: a viewer on one of them gets URIs valid on that host. Default: `[distributionDomain]`.
   */
  readonly allowedHosts?: readonly string[];
  /** The event the function is associated with: sets the response size and time limits. */
  readonly trigger: EdgeTrigger;
  /**
   * Where the raw `.m3u8` comes from: through the distribution (`*.m3u8` behavior) with the
   * function's own short-lived signed URL, or straight from an HTTPS origin that needs no signing.
   */
  readonly fetch:
    { readonly mode: "distribution" } | { readonly mode: "origin"; readonly originBaseUrl: string };
  /** Deadline for reading the raw playlist, ms; at most maxFetchTimeoutMs of the function's timeout. */
  readonly fetchTimeoutMs: number;
  /**
   * Longest lifetime of the signed URIs, seconds. The viewer's own expiry caps it, so this only
   * shortens access; it must cover a viewing session (VOD segments are fetched long after the playlist).
   */
  readonly playlistLifetimeSeconds: number;
  /** Where the active signing key lives (SSM + Secrets Manager); used by manifestEdgeLambda. */
  readonly keySource: KeySourceConfig;
  /** Largest raw playlist read, bytes. Default DEFAULT_MAX_PLAYLIST_BYTES (8 MiB). */
  readonly maxPlaylistBytes?: number;
  /** CORS headers the function sets on its own responses (edge-cors.ts); none when absent. */
  readonly cors?: EdgeCorsConfig;
  /**
   * `true` while the distribution has IPv6 enabled: a viewer grant bound to an IP address gets 403
   * `ip-binding-refused` (dual-stack viewers arrive over IPv6; DEFAULT_IPV6_ENABLED cites AWS).
   */
  readonly refuseIpBinding?: boolean;
  /**
   * The stack's assetRootDepth (contract/asset-root.ts): a one-URL grant for a playlist above the
   * asset root gets 403 `above-asset-root`. Default 0: no asset root (a root playlist is still refused).
   */
  readonly assetRootDepth?: number;
  /**
   * The stack's key slot secrets (ARNs), whose public keys every viewer grant is verified
   * against (functions/keys/trusted.ts). Required by manifestEdgeLambda; the infra fills it in.
   */
  readonly trustedKeySecretIds?: readonly string[];
}

export interface ManifestHandlerDeps {
  readonly keys: ActiveKeyProvider;
  /** The stack's trusted public keys: every viewer grant is verified against them (grant-verification.ts). */
  readonly trustedKeys: TrustedKeyProvider;
  /** Reads the raw playlist; default Node's fetch. */
  readonly fetchText?: FetchText;
  /** Clock, epoch seconds. */
  readonly now?: () => number;
  /** One structured line per request (functions/observability: schema + metrics); default `console.log(JSON.stringify(line))`. */
  readonly log?: (line: object) => void;
}

export type ManifestHandler = (
  event: CloudFrontRequestEvent,
) => Promise<CloudFrontResultResponse | CloudFrontRequest>;

/**
 * Time kept for the CPU work of a call, a cold start's included (module load, key parse, grant
 * verification, rewrite, gzip), ms: bench/edge-cold-start.bench.ts measures it (README "Cold start").
 */
export const FUNCTION_BUDGET_MS = 1000;
/**
 * Key-store reads a call waits for one after the other, each bounded by KEY_READ_TIMEOUT_MS: the
 * trusted slot secrets (in parallel, functions/keys/trusted.ts) alongside the active key's SSM
 * parameters, then the active key's secret (functions/keys/cache.ts). A cold start does all of
 * them, and so does a warm call whose key caches both expire.
 */
export const SEQUENTIAL_KEY_READS = 2;
/** The shortest raw-playlist deadline worth deploying, ms. */
export const MIN_FETCH_TIMEOUT_MS = 500;

/**
 * The longest raw-playlist fetch a function with this timeout can wait for when the key reads
 * and the CPU work take their whole budgets: timeout = CPU + key reads + fetch, nothing left over.
 * 5 s viewer-request: 5000 - 1000 - 2 x 1000 = 2000 ms
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html#limits-lambda-at-edge).
 */
export function maxFetchTimeoutMs(timeoutSeconds: number): number {
  return timeoutSeconds * 1000 - FUNCTION_BUDGET_MS - SEQUENTIAL_KEY_READS * KEY_READ_TIMEOUT_MS;
}

/** The shortest function timeout that leaves MIN_FETCH_TIMEOUT_MS for the fetch, seconds. */
export const MIN_EDGE_TIMEOUT_SECONDS = Math.ceil(
  (FUNCTION_BUDGET_MS + SEQUENTIAL_KEY_READS * KEY_READ_TIMEOUT_MS + MIN_FETCH_TIMEOUT_MS) / 1000,
);
/** Lifetime of the function's own URL for the raw playlist, beyond its fetch deadline, seconds. */
export const FETCH_URL_EXTRA_SECONDS = 30;

/** Validates the config; throws an Error naming the first problem (a deploy-time mistake). */
export function checkManifestEdgeConfig(config: ManifestEdgeConfig): void {
  const fail = (message: string): never => {
    throw new Error(`manifest edge config: ${message}`);
  };
  if (!config || typeof config !== "object") fail("expected an object");
  if (
    typeof config.distributionDomain !== "string" ||
    !/^[a-z0-9.-]+(:\d{1,5})?$/.test(config.distributionDomain)
  ) {
    fail(
      `distributionDomain must be a lower-case host name, got ${JSON.stringify(config.distributionDomain)}`,
    );
  }
  if (config.distributionProtocol !== undefined && !["https", "http"].includes(config.distributionProtocol)) {
    fail('distributionProtocol must be "https" or "http"');
  }
  if (!(config.trigger in EDGE_GENERATED_RESPONSE_LIMIT_BYTES)) {
    fail(`trigger must be one of ${Object.keys(EDGE_GENERATED_RESPONSE_LIMIT_BYTES).join(", ")}`);
  }
  const maxFetch = maxFetchTimeoutMs(EDGE_TIMEOUT_LIMIT_SECONDS[config.trigger]);
  if (
    !Number.isInteger(config.fetchTimeoutMs) ||
    config.fetchTimeoutMs <= 0 ||
    config.fetchTimeoutMs > maxFetch
  ) {
    fail(`fetchTimeoutMs must be a whole number of ms in 1..${maxFetch} for ${config.trigger}`);
  }
  if (!Number.isInteger(config.playlistLifetimeSeconds) || config.playlistLifetimeSeconds <= 0) {
    fail("playlistLifetimeSeconds must be a positive whole number");
  }
  if (config.allowedHosts !== undefined) {
    if (!Array.isArray(config.allowedHosts) || config.allowedHosts.length === 0)
      fail("allowedHosts must be a non-empty list");
  }
  if (config.fetch?.mode === "origin") {
    let origin: URL | undefined;
    try {
      origin = new URL(config.fetch.originBaseUrl);
    } catch {
      fail("fetch.originBaseUrl must be an absolute URL");
    }
    if (
      origin &&
      ((origin.protocol !== "https:" && origin.protocol !== "http:") || origin.search || origin.hash)
    ) {
      fail("fetch.originBaseUrl must be http(s) without query or fragment");
    }
  } else if (config.fetch?.mode !== "distribution") {
    fail('fetch.mode must be "distribution" or "origin"');
  }
  if (
    config.cors !== undefined &&
    (!Array.isArray(config.cors.origins) ||
      config.cors.origins.some((origin) => typeof origin !== "string" || origin === "*") ||
      typeof config.cors.allowCredentials !== "boolean")
  ) {
    fail("cors must list exact origins (no *) and say whether credentials are allowed");
  }
  if (
    config.trustedKeySecretIds !== undefined &&
    (!Array.isArray(config.trustedKeySecretIds) ||
      config.trustedKeySecretIds.length === 0 ||
      !config.trustedKeySecretIds.every((id) => typeof id === "string" && id.length > 0))
  ) {
    fail("trustedKeySecretIds must be a non-empty list of secret ARNs");
  }
  if (config.assetRootDepth !== undefined && !isAssetRootDepth(config.assetRootDepth)) {
    fail(`assetRootDepth must be a whole number from 0 to ${MAX_ASSET_ROOT_DEPTH}`);
  }
  if (
    config.maxPlaylistBytes !== undefined &&
    (!Number.isInteger(config.maxPlaylistBytes) || config.maxPlaylistBytes <= 0)
  ) {
    fail("maxPlaylistBytes must be a positive whole number");
  }
}

/** Builds the handler. Clients and caches live in `deps` or are created on first use, so the closure serializes. */
export function createManifestHandler(
  config: ManifestEdgeConfig,
  deps: ManifestHandlerDeps,
): ManifestHandler {
  checkManifestEdgeConfig(config);
  const protocol = config.distributionProtocol ?? "https";
  const allowedHosts = (config.allowedHosts ?? [config.distributionDomain]).map((host) => host.toLowerCase());
  const viewerHosts = [...new Set([config.distributionDomain, ...allowedHosts])];
  const limitBytes = EDGE_GENERATED_RESPONSE_LIMIT_BYTES[config.trigger];
  const maxPlaylistBytes = config.maxPlaylistBytes ?? DEFAULT_MAX_PLAYLIST_BYTES;
  const fetchText = deps.fetchText ?? fetchTextWithNodeFetch;
  const clock = deps.now ?? (() => Date.now() / 1000);
  const log = deps.log ?? ((line: object) => console.log(JSON.stringify(line)));

  return async function manifestEdgeHandler(event) {
    const record = event?.Records?.[0]?.cf;
    const request = record?.request;
    const context = {
      stack: config.keySource.parameterPrefix,
      trigger: config.trigger,
      requestId: record?.config?.requestId ?? null,
      uri: request?.uri,
    };
    const cors = corsResponseHeaders(config.cors, headerValue(request?.headers, "origin"));
    const fail = (status: number, error: string, details: object = {}, headers?: Record<string, string>) => {
      log(edgeFailureLine(context, { status, error }, { error, ...details }, clock() * 1000));
      return errorResponse(status, error, { ...cors, ...headers });
    };
    if (!request || typeof request.uri !== "string") return fail(500, "malformed-event");
    if (record.config?.eventType !== config.trigger) {
      return fail(500, "trigger-mismatch", { eventType: record.config?.eventType });
    }
    const rawPath = rawPlaylistPath(request.uri);
    if (rawPath === undefined) {
      // Not a `._m3u8` path: the behavior is misconfigured. In viewer-request events the request goes
      // on (CloudFront's own signature check still applies). In origin-request events it would reach
      // the origin with the viewer's Host (the manifest cache key forwards it), which an S3 origin
      // cannot serve: answer instead, so no request of this behavior ever reaches the origin.
      if (config.trigger === "origin-request") return fail(404, "not-a-manifest-path");
      log(
        edgeFailureLine(
          context,
          { error: "not-a-manifest-path", level: "warn" },
          { error: "not-a-manifest-path", action: "passed-through" },
          clock() * 1000,
        ),
      );
      return request;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return fail(405, "method-not-allowed", { method: request.method }, { Allow: "GET, HEAD" });
    }
    // Before the grant is read: a path that parsers would normalize could match it and fetch elsewhere.
    const pathProblem = requestPathProblem(request.uri);
    if (pathProblem) return fail(400, "request-path-not-normal", { reason: pathProblem });

    const now = clock();
    const pathAndQuery = `${request.uri}${request.querystring ? `?${request.querystring}` : ""}`;
    // Sign for the host the player resolves relative URIs against (README "Playlists", viewer-host.ts):
    // the grant is read on the viewer's Host when it is a configured one, since a canned policy is
    // rebuilt from that URL.
    // On origin-request the grant arrives in a header set by a viewer-request function (forwarded-grant.ts).
    const hostHeader = headerValue(request.headers, "host");
    const grantHost = hostFromHeader(hostHeader, viewerHosts) ?? config.distributionDomain;
    const forwardedGrant = headerValue(request.headers, FORWARDED_GRANT_HEADER);
    const viewerCookies = headerValue(request.headers, "cookie");
    const grantOn = (viewerHost: string) =>
      grantSource(
        config.trigger,
        `${protocol}://${viewerHost}${pathAndQuery}`,
        forwardedGrant,
        viewerCookies,
      );
    const source = grantOn(grantHost);
    const cookieHeader = source.cookieHeader;
    const grant = readSignedRequest(source.url, cookieHeader);
    if ("error" in grant) return fail(403, "viewer-grant-unreadable");
    // The active key loads while the grant is verified: on a cold start the two key-store reads
    // overlap (SEQUENTIAL_KEY_READS). Its failure is answered below, once the grant holds.
    const signerLoad = deps.keys.getSigner();
    signerLoad.catch(() => undefined);
    try {
      const hosts = [grantHost, ...viewerHosts.filter((viewerHost) => viewerHost !== grantHost)];
      const urls = hosts.map((viewerHost) => grantOn(viewerHost).url);
      if (!(await grantSignedByStack({ urls, cookieHeader, trusted: deps.trustedKeys })))
        return fail(403, "viewer-grant-unverified");
    } catch (error) {
      return fail(503, "trusted-keys-unavailable", { reason: messageOf(error) });
    }
    if (grant.policy.dateLessThan <= now)
      return fail(403, "viewer-grant-expired", { expiredAt: grant.policy.dateLessThan });
    // IPv6 on: an IP-bound grant (signed elsewhere, or before ipv6Enabled was set) works only for viewers
    // that happen to arrive over IPv4, so it is refused for everyone rather than copied into the playlist.
    if (config.refuseIpBinding === true && grant.policy.ipAddress !== undefined)
      return fail(403, "ip-binding-refused");
    const host = signingHost({
      hostHeader,
      resource: grant.policy.resource,
      viewerHosts,
      fallback: config.distributionDomain,
    });
    const playlistUrl = stripSigningParameters(`${protocol}://${host}${pathAndQuery}`);
    // Before anything is fetched: a grant that does not reach this playlist's folder gets nothing.
    try {
      grantedPlaylistPolicy({
        playlistUrl,
        viewer: grant.policy,
        now,
        lifetimeSeconds: config.playlistLifetimeSeconds,
        assetRootDepth: config.assetRootDepth,
      });
    } catch (error) {
      if (isGrantScopeError(error)) return fail(403, error.code);
    }

    let signer;
    try {
      signer = await signerLoad;
    } catch (error) {
      return fail(503, "signing-key-unavailable", { reason: messageOf(error) });
    }

    const query = playlistUrl.includes("?") ? playlistUrl.slice(playlistUrl.indexOf("?")) : "";
    let fetchUrl: string;
    try {
      fetchUrl =
        config.fetch.mode === "origin"
          ? `${config.fetch.originBaseUrl.replace(/\/+$/, "")}${rawPath}${query}`
          : signer.signUrl(`${protocol}://${config.distributionDomain}${rawPath}${query}`, {
              expires: Math.floor(now) + Math.ceil(config.fetchTimeoutMs / 1000) + FETCH_URL_EXTRA_SECONDS,
            });
    } catch (error) {
      return fail(error instanceof SigningInputError ? 400 : 500, "raw-playlist-url-unsignable", {
        reason: codeOf(error),
      });
    }

    if (!fetchesExactly(fetchUrl, rawPath)) return fail(400, "request-path-not-normal");

    let fetched;
    try {
      fetched = await fetchWithDeadline(fetchText, fetchUrl, {
        timeoutMs: config.fetchTimeoutMs,
        maxBytes: maxPlaylistBytes,
      });
    } catch (error) {
      return fail(502, "origin-unreachable", { reason: messageOf(error) });
    }
    if (fetched === "timeout") return fail(504, "origin-timeout", { timeoutMs: config.fetchTimeoutMs });
    if (fetched.status === 403 || fetched.status === 404)
      return fail(fetched.status, "origin-status", { originStatus: fetched.status });
    if (fetched.status >= 500) return fail(502, "origin-error", { originStatus: fetched.status });
    if (fetched.status !== 200)
      return fail(502, "origin-unexpected-status", { originStatus: fetched.status });
    if (fetched.tooLarge) return fail(502, "origin-playlist-too-large", { maxPlaylistBytes });

    let text: string;
    let signatures: number;
    const gzip = acceptsGzip(headerValue(request.headers, "accept-encoding"));
    let stats;
    let outOfScope: readonly string[];
    try {
      const signed = signPlaylist({
        playlist: fetched.body,
        playlistUrl,
        viewer: grant.policy,
        grantSource: grant.source,
        signer,
        allowedHosts,
        lifetimeSeconds: config.playlistLifetimeSeconds,
        now,
        assetRootDepth: config.assetRootDepth,
        maxPlaylistBytes,
        // Stops the rewrite as soon as no response could hold it (amplification, issue 11 item 10).
        maxOutputBytes: largestPlaylistForResponse(limitBytes, gzip),
      });
      text = signed.rewrite.text;
      signatures = signed.rewrite.signatures;
      stats = signed.rewrite.stats;
      outOfScope = signed.rewrite.outOfScope;
    } catch (error) {
      if (error instanceof PlaylistError && error.code === "too-large") {
        return fail(502, "origin-playlist-too-large", { maxPlaylistBytes });
      }
      if (error instanceof PlaylistError && error.code === "output-too-large") {
        const reason = `the rewritten playlist passes ${largestPlaylistForResponse(limitBytes, gzip)} bytes, more than any ${gzip ? "gzipped" : "uncompressed"} response within the ${config.trigger} limit of ${limitBytes} holds`;
        return fail(502, "response-too-large", { reason, gzip, limitBytes });
      }
      if (isMalformedPlaylist(error)) return fail(502, "origin-not-hls", { reason: error.code });
      if (error instanceof PlaylistError && error.code === "grant-expired")
        return fail(403, "viewer-grant-expired");
      if (isGrantScopeError(error)) return fail(403, error.code);
      return fail(500, "signing-failed", { reason: codeOf(error) });
    }

    const built = playlistResponse(text, {
      gzip,
      limitBytes,
      head: request.method === "HEAD",
      headers: cors,
    });
    if (!built.ok) {
      return fail(502, "response-too-large", {
        reason: `the ${built.gzip ? "gzipped" : "uncompressed"} response is ${built.bytes} bytes, over the ${config.trigger} limit of ${limitBytes}`,
        bytes: built.bytes,
        playlistBytes: built.rawBytes,
        gzip: built.gzip,
        limitBytes,
        signatures,
      });
    }
    log(
      edgeSignedLine(
        context,
        {
          // A cookie viewer's children are renamed, not signed (playlist-signing.ts): none counts then.
          urisSigned: signatures > 0 ? stats.rewritten : 0,
          untouched: stats.untouched,
          // Each is a 403 waiting for a player: logged as a warning (README "Troubleshooting").
          outOfScope: { count: stats.untouched["out-of-scope"] ?? 0, uris: outOfScope },
          bytes: built.bytes,
          limitBytes,
          gzip: built.gzip,
        },
        clock() * 1000,
      ),
    );
    return built.response;
  };
}

/** Error code or class name: never the message of a signing error (it may quote inputs). */
function codeOf(error: unknown): string {
  if (error instanceof SigningInputError || error instanceof PlaylistError) return error.code;
  return error instanceof Error ? error.name : typeof error;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return redactQueries(text).slice(0, 300);
}

/** Removes every URL query and signing value from a message: a fetch error may quote the signed URL. */
export function redactQueries(text: string): string {
  return text
    .replace(/(https?:\/\/[^\s?#"'<>]*)\?[^\s"'<>]*/g, "$1?[query removed]")
    .replace(/(Expires|Policy|Signature|Key-Pair-Id|Hash-Algorithm)=[^&\s"'<>]*/g, "$1=[removed]");
}
