/**
 * The distribution's cache behaviors as plain data: the one source of truth
 * read by the Pulumi program (infra/distribution), the local edge (local/)
 * and the policy pack. No Pulumi or AWS import here on purpose.
 */

import { MANIFEST_SUFFIX, PLAYLIST_SUFFIX } from "./playlist-names";

export { MANIFEST_SUFFIX, PLAYLIST_SUFFIX };

/**
 * - `manifest`: `*._m3u8`, signed, runs the manifest Lambda@Edge function.
 * - `playlist`: `*.m3u8`, signed, the raw playlists the edge function reads.
 * - `media`: segments, init sections, audio, subtitles, keys: signed.
 * - `default`: everything else: still signed, so nothing is public by accident.
 */
export type BehaviorKind = "manifest" | "playlist" | "media" | "default";

export interface Behavior {
  /** CloudFront path pattern (`*` any run of characters, `?` one character, case-sensitive). */
  readonly pathPattern: string;
  readonly kind: BehaviorKind;
  /** Every behavior requires a signed URL or signed cookies (trusted key groups). */
  readonly signed: true;
  /** Whether the manifest Lambda@Edge function is associated with this behavior. */
  readonly manifestEdgeFunction: boolean;
  /** Whether LL-HLS `_HLS_*` query parameters are part of the cache key. */
  readonly llHlsQueryInCacheKey: boolean;
}

/** LL-HLS delivery directives that players append to playlist URLs (RFC 8216bis 6.2.5). */
export const LL_HLS_QUERY_PARAMETERS = ["_HLS_msn", "_HLS_part", "_HLS_skip"] as const;

/** Segment, init-section, audio, subtitle and key extensions served by the `media` behaviors. */
export const MEDIA_EXTENSIONS = [
  "ts",
  "m4s",
  "mp4",
  "m4a",
  "m4v",
  "cmfv",
  "cmfa",
  "cmft",
  "aac",
  "ac3",
  "ec3",
  "mp3",
  "vtt",
  "webvtt",
  "key",
] as const;

const manifest: Behavior = {
  pathPattern: `*${MANIFEST_SUFFIX}`,
  kind: "manifest",
  signed: true,
  manifestEdgeFunction: true,
  llHlsQueryInCacheKey: true,
};

const playlist: Behavior = {
  pathPattern: `*${PLAYLIST_SUFFIX}`,
  kind: "playlist",
  signed: true,
  manifestEdgeFunction: false,
  llHlsQueryInCacheKey: true,
};

const media: Behavior[] = MEDIA_EXTENSIONS.map((extension) => ({
  pathPattern: `*.${extension}`,
  kind: "media",
  signed: true,
  manifestEdgeFunction: false,
  llHlsQueryInCacheKey: false,
}));

/** Ordered cache behaviors, first match wins, exactly as CloudFront evaluates them. */
export const ORDERED_BEHAVIORS: readonly Behavior[] = [manifest, playlist, ...media];

/** The default behavior (`*`), which CloudFront applies when no ordered behavior matches. */
export const DEFAULT_BEHAVIOR: Behavior = {
  pathPattern: "*",
  kind: "default",
  signed: true,
  manifestEdgeFunction: false,
  llHlsQueryInCacheKey: false,
};

/**
 * Whether the grant-forwarding CloudFront Function runs on this behavior's viewer-request
 * event: on the manifest behavior when the manifest function runs on origin-request, which
 * never sees the signing parameters (functions/handlers/manifest-edge/forwarded-grant.ts).
 */
export function forwardsGrant(behavior: Behavior, trigger: "viewer-request" | "origin-request"): boolean {
  return behavior.manifestEdgeFunction && trigger === "origin-request";
}

/**
 * A CloudFront path pattern (`*` any run of characters, `?` one character,
 * case-sensitive) compiled once into a predicate. The common `*<suffix>`
 * patterns become a suffix test, which is exactly their meaning; any other
 * pattern a regular expression built here, not per request.
 */
export function compilePathPattern(pattern: string): (path: string) => boolean {
  if (/^\*[^*?]*$/.test(pattern)) {
    const suffix = pattern.slice(1);
    return (path) => path.endsWith(suffix);
  }
  const normalizedPattern = pattern.startsWith("/") || pattern.startsWith("*") ? pattern : `/${pattern}`;
  let source = "^";
  for (const char of normalizedPattern) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const regex = new RegExp(`${source}$`, "s");
  return (path) => regex.test(path);
}

/** Matches a URL path against a CloudFront path pattern. */
export function pathPatternMatches(pattern: string, path: string): boolean {
  return compilePathPattern(pattern)(path);
}

/** The ordered behaviors with their patterns compiled once (an array: closures serialize; Maps do not). */
const MATCHERS: readonly { readonly behavior: Behavior; readonly matches: (path: string) => boolean }[] =
  ORDERED_BEHAVIORS.map((behavior) => ({ behavior, matches: compilePathPattern(behavior.pathPattern) }));

/**
 * The behavior CloudFront applies to a request path (without query string):
 * the first ordered behavior that matches, else the default. The signer, the
 * local edge and the policy pack all ask this one function.
 */
export function behaviorForPath(path: string): Behavior {
  for (const matcher of MATCHERS) if (matcher.matches(path)) return matcher.behavior;
  return DEFAULT_BEHAVIOR;
}
