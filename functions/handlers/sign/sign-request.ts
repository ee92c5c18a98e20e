/**
 * The signing Lambda's input, validated into exactly what will be signed.
 * Every refusal is a SignRequestError with a stable code and plain words;
 * nothing here touches a key.
 */
import { behaviorForPath } from "../../../contract/behaviors";
import { MANIFEST_SUFFIX, PLAYLIST_SUFFIX, edgePlaylistPath } from "../../../contract/playlist-names";
import { aboveAssetRootMessage, assetRootPath } from "../../../contract/asset-root";
import { normalizeIpv4Cidr } from "../../cloudfront/ip";
import { ROOT_PLAYLIST_MESSAGE } from "../shared/grant-scope";
import { requestPathProblem } from "../shared/request-path";

/** The JSON a caller sends: the direct-invoke payload, or the body of a Function URL POST. */
export interface SignRequest {
  /**
   * What to sign: a path on the distribution (`/videos/abc/master.m3u8`) or a
   * full `https://` URL on an allowed host. A query string is kept as is; a
   * `#fragment`, `*`, dot segments and CloudFront's own signing parameters are refused.
   * A `.m3u8` playlist is signed (and returned) as `._m3u8`, the manifest edge function's entry.
   */
  readonly resource: string;
  /** Seconds the URL/cookies stay valid, 1..maxLifetimeSeconds; default defaultLifetimeSeconds. */
  readonly lifetimeSeconds?: number;
  /** Viewer IPv4 address or CIDR (`192.0.2.7`, `192.0.2.0/24`) the signature is bound to. */
  readonly ipAddress?: string;
  /** Not valid before this epoch second (must be before the expiry). */
  readonly notBefore?: number;
  /**
   * `url` (default): a signed URL (a playlist below the asset root: a custom policy for the asset root).
   * `cookies`: signed cookies for the resource's asset root (`https://host/videos/abc/*`).
   */
  readonly mode?: "url" | "cookies";
}

export class SignRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SignRequestError";
  }
}

export interface CheckedSignRequest {
  /** The exact URL to sign (manifest form for playlists). */
  readonly url: string;
  readonly host: string;
  /** Path without query, for logs. */
  readonly path: string;
  readonly mode: "url" | "cookies";
  readonly lifetimeSeconds: number;
  readonly expires: number;
  readonly notBefore?: number;
  readonly ipAddress?: string;
  /**
   * For a playlist, and for every cookie request: the asset root the grant covers
   * (contract/asset-root.ts; the resource's own folder when the stack sets no assetRootDepth).
   * Undefined for a media URL, which is signed for exactly itself.
   */
  readonly assetRoot?: AssetRootGrant;
}

export interface AssetRootGrant {
  /** `/videos/abc/`: the cookies' default Path. */
  readonly path: string;
  /** `https://host/videos/abc/*`: the custom-policy Resource. */
  readonly resource: string;
  /** The resource lies in a sub-folder of the asset root (a canned URL would reach only its own folder). */
  readonly below: boolean;
}

export interface SignRules {
  readonly distributionDomain: string;
  readonly allowedHosts: readonly string[];
  readonly defaultLifetimeSeconds: number;
  readonly maxLifetimeSeconds: number;
  /** Clamp a too-long lifetime to the maximum instead of refusing it. */
  readonly clampLifetime: boolean;
  /** Shortest IPv4 prefix of `ipAddress`; a wider block is refused. */
  readonly minIpPrefixLength: number;
  /** The distribution has IPv6 enabled: any `ipAddress` is refused. */
  readonly refuseIpBinding: boolean;
  /** The stack's assetRootDepth (contract/asset-root.ts); 0: each playlist's own folder. */
  readonly assetRootDepth: number;
}

// An array, not a Set: Pulumi closure serialization turns a module-level Set into an empty object.
const FIELDS: readonly string[] = ["resource", "lifetimeSeconds", "ipAddress", "notBefore", "mode"];
const MAX_URL_LENGTH = 4096;

export function checkSignRequest(input: unknown, rules: SignRules, now: number): CheckedSignRequest {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new SignRequestError("bad-request", 'the request must be a JSON object with at least a "resource"');
  }
  const request = input as Record<string, unknown>;
  // A loop, not Object.keys().filter(): this runs on every request and unknown fields are rare.
  let unknown: string[] | undefined;
  for (const key in request) {
    if (Object.hasOwn(request, key) && !FIELDS.includes(key)) (unknown ??= []).push(key);
  }
  if (unknown !== undefined) {
    throw new SignRequestError(
      "unknown-field",
      `unknown field(s) ${unknown.map((key) => JSON.stringify(key)).join(", ")}; allowed: ${FIELDS.join(", ")}`,
    );
  }
  const mode = request.mode ?? "url";
  if (mode !== "url" && mode !== "cookies")
    throw new SignRequestError("bad-mode", `mode must be "url" or "cookies", got ${JSON.stringify(mode)}`);

  const { url, host, path } = resolveResource(request.resource, rules);

  let lifetimeSeconds = rules.defaultLifetimeSeconds;
  if (request.lifetimeSeconds !== undefined) {
    const value = request.lifetimeSeconds;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) {
      throw new SignRequestError(
        "bad-lifetime",
        `lifetimeSeconds must be a positive whole number, got ${JSON.stringify(value)}`,
      );
    }
    lifetimeSeconds = value;
  }
  if (lifetimeSeconds > rules.maxLifetimeSeconds) {
    if (!rules.clampLifetime) {
      throw new SignRequestError(
        "lifetime-too-long",
        `lifetimeSeconds ${lifetimeSeconds} exceeds this stack's maximum of ${rules.maxLifetimeSeconds}`,
      );
    }
    lifetimeSeconds = rules.maxLifetimeSeconds;
  }
  const expires = now + lifetimeSeconds;

  let notBefore: number | undefined;
  if (request.notBefore !== undefined) {
    const value = request.notBefore;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw new SignRequestError(
        "bad-not-before",
        `notBefore must be epoch seconds (a whole number), got ${JSON.stringify(value)}`,
      );
    }
    if (value >= expires) {
      throw new SignRequestError(
        "not-before-after-expiry",
        `notBefore ${value} is not before the expiry ${expires} (now + ${lifetimeSeconds} s)`,
      );
    }
    notBefore = value;
  }

  let ipAddress: string | undefined;
  if (request.ipAddress !== undefined) {
    if (rules.refuseIpBinding) {
      throw new SignRequestError(
        "ip-binding-refused",
        "this stack's distribution has IPv6 enabled (ipv6Enabled), so dual-stack viewers arrive over IPv6 and " +
          "would fail an IPv4 binding: sign without ipAddress, or set ipv6Enabled false",
      );
    }
    if (
      typeof request.ipAddress !== "string" ||
      request.ipAddress.length === 0 ||
      request.ipAddress.length > 18
    ) {
      throw new SignRequestError(
        "bad-ip",
        "ipAddress must be an IPv4 address or CIDR such as 192.0.2.7 or 192.0.2.0/24",
      );
    }
    // The exact form (IPv4 only) and the stack's minimum prefix; the signer checks both again.
    ipAddress = normalizeIpv4Cidr(request.ipAddress, rules.minIpPrefixLength);
  }

  const atRoot = path.lastIndexOf("/") === 0;
  if (mode === "cookies" && atRoot) {
    throw new SignRequestError(
      "folder-too-wide",
      "cookies are scoped to the resource's folder; a resource at the root would grant the whole distribution",
    );
  }
  // The manifest function signs a playlist's URIs for its folder (grant-scope.ts): never the root.
  if (atRoot && path.endsWith(MANIFEST_SUFFIX))
    throw new SignRequestError("folder-too-wide", ROOT_PLAYLIST_MESSAGE);
  // A playlist or cookies: granted for the asset root, never above it (contract/asset-root.ts).
  let assetRoot: AssetRootGrant | undefined;
  if (mode === "cookies" || path.endsWith(MANIFEST_SUFFIX)) {
    const rootPath = assetRootPath(path, rules.assetRootDepth);
    if (rootPath === undefined)
      throw new SignRequestError("above-asset-root", aboveAssetRootMessage(path, rules.assetRootDepth));
    assetRoot = {
      path: rootPath,
      resource: `https://${host}${rootPath}*`,
      below: path.lastIndexOf("/") + 1 > rootPath.length,
    };
  }
  return { url, host, path, mode, lifetimeSeconds, expires, notBefore, ipAddress, assetRoot };
}

function resolveResource(value: unknown, rules: SignRules): { url: string; host: string; path: string } {
  if (typeof value !== "string" || value.length === 0) {
    throw new SignRequestError(
      "bad-resource",
      "resource must be a path such as /videos/abc/master.m3u8 or an https:// URL",
    );
  }
  if (value.length > MAX_URL_LENGTH)
    throw new SignRequestError("bad-resource", `resource is longer than ${MAX_URL_LENGTH} characters`);
  if (hasUnsafeCharacter(value)) {
    throw new SignRequestError(
      "bad-resource",
      "resource contains spaces, control characters or backslashes; percent-encode them",
    );
  }
  if (value.includes("#"))
    throw new SignRequestError("bad-resource", "resource has a #fragment, which browsers never send");
  let host: string;
  let rest: string;
  if (value.startsWith("/")) {
    host = rules.distributionDomain.toLowerCase();
    rest = value;
  } else {
    const match = /^https:\/\/([^/?#]+)(\/[^]*)?$/.exec(value);
    if (!match) {
      throw new SignRequestError(
        value.startsWith("http://") ? "not-https" : "bad-resource",
        "resource must be a path starting with / or an https:// URL (the distribution is HTTPS only)",
      );
    }
    host = match[1];
    rest = match[2] ?? "/";
    if (host !== host.toLowerCase())
      throw new SignRequestError("bad-host", `host ${host} must be lower case, exactly as browsers send it`);
    if (host.includes("@") || host.includes(":"))
      throw new SignRequestError("bad-host", `host ${host} must not carry credentials or a port`);
  }
  if (!rules.allowedHosts.includes(host)) {
    throw new SignRequestError(
      "host-not-allowed",
      `host ${host} is not served by this signer (allowed: ${rules.allowedHosts.join(", ")})`,
    );
  }
  const queryAt = rest.indexOf("?");
  let path = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? "" : rest.slice(queryAt);
  if (path.includes("*"))
    throw new SignRequestError(
      "wildcard-injection",
      "resource path must not contain * (wildcards are the signer's to write)",
    );
  // The manifest edge function's own rule (request-path.ts): what it would refuse is never signed.
  const pathProblem = requestPathProblem(path);
  if (pathProblem !== undefined) {
    throw new SignRequestError(
      "bad-path",
      `resource path is not in normal form (${pathProblem}: no . or .. segments, //, %2F or %5C)`,
    );
  }
  path = edgePlaylistPath(path);
  const behavior = behaviorForPath(path);
  if (behavior.kind !== "manifest" && behavior.kind !== "media") {
    throw new SignRequestError(
      "not-a-stream-path",
      `${path} is not an HLS playlist (${PLAYLIST_SUFFIX}/${MANIFEST_SUFFIX}) or media file this distribution serves`,
    );
  }
  return { url: `https://${host}${path}${query}`, host, path };
}

/** Spaces, control characters and backslashes must arrive percent-encoded. */
function hasUnsafeCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}
