/**
 * What each kind of behavior puts in its cache key (and so forwards to the
 * origin), as plain data derived from contract/behaviors.ts. Pure: the
 * distribution component turns it into CachePolicy resources and the tests
 * read it directly.
 */
import { LL_HLS_QUERY_PARAMETERS, type BehaviorKind } from "../contract/behaviors";
import type { EdgeTrigger } from "../contract/limits";
import { SIGNED_COOKIE_NAMES } from "../contract/signing-names";
import { FORWARDED_GRANT_HEADER } from "../functions/handlers/manifest-edge/forwarded-grant";

/** The viewer's host: in the manifest key with the origin-request trigger, so that event carries it. */
export const VIEWER_HOST_HEADER = "Host";
/** The page's origin: in the manifest key with origin-request, so the function can answer CORS (edge-cors.ts). */
export const VIEWER_ORIGIN_HEADER = "Origin";

/**
 * Headers of the manifest key with the origin-request trigger: Host and Origin
 * (above), and the grant a viewer-request CloudFront Function copies from what
 * CloudFront verified (functions/handlers/manifest-edge/forwarded-grant.ts), since the
 * signing query parameters never reach an origin-request event.
 */
export const ORIGIN_REQUEST_MANIFEST_HEADERS = [
  VIEWER_HOST_HEADER,
  VIEWER_ORIGIN_HEADER,
  FORWARDED_GRANT_HEADER,
] as const;

export interface CacheSettings {
  readonly comment: string;
  readonly minTtl: number;
  readonly defaultTtl: number;
  readonly maxTtl: number;
  /** `none`, `all`, or the exact query parameter names in the key. */
  readonly queryStrings: "none" | "all" | readonly string[];
  readonly cookies: "none" | readonly string[];
  /** `none`, or the exact request header names in the key (and so forwarded to the origin-request function). */
  readonly headers: "none" | readonly string[];
  readonly gzipAndBrotli: boolean;
}

const ONE_YEAR = 31536000;

/**
 * - manifest (`*._m3u8`): the edge function answers per viewer. With an
 *   origin-request trigger CloudFront caches its answer, so the key holds every
 *   query parameter (the viewer's signature and the LL-HLS directives) and the
 *   signed cookies, for at most two seconds (a live playlist refresh). A
 *   viewer-request answer is never cached; the same policy is harmless there.
 *   With origin-request the viewer's `Host` is in the key too: without it
 *   CloudFront hands the function the origin's Host, and a canned signed URL
 *   names no host, so a viewer on a second alias would get URIs for the first
 *   (functions/handlers/manifest-edge/viewer-host.ts). It is safe because the function
 *   answers every request of this behavior itself (the origin never sees the
 *   viewer's Host), and free because the signed query or cookies already make
 *   every key unique. viewer-request events carry the viewer's Host anyway.
 *   Origin and the forwarded grant join it (ORIGIN_REQUEST_MANIFEST_HEADERS).
 * - playlist (`*.m3u8`): raw playlists shared by all viewers; the LL-HLS
 *   `_HLS_*` directives are in the key, the signing parameters are not
 *   (CloudFront checks them before the cache). TTLs follow the origin.
 * - media and default: nothing but the path; long TTLs follow the origin.
 */
export function cacheSettingsFor(kind: BehaviorKind, trigger: EdgeTrigger): CacheSettings {
  switch (kind) {
    case "manifest":
      return {
        comment: `Signed playlists answered by the manifest edge function (${trigger})`,
        minTtl: 0,
        defaultTtl: 1,
        maxTtl: 2,
        queryStrings: "all",
        cookies: SIGNED_COOKIE_NAMES,
        headers: trigger === "origin-request" ? ORIGIN_REQUEST_MANIFEST_HEADERS : "none",
        gzipAndBrotli: true,
      };
    case "playlist":
      return {
        comment: "Raw HLS playlists: LL-HLS directives in the key, signatures not",
        minTtl: 0,
        defaultTtl: 2,
        maxTtl: ONE_YEAR,
        queryStrings: LL_HLS_QUERY_PARAMETERS,
        cookies: "none",
        headers: "none",
        gzipAndBrotli: true,
      };
    case "media":
    case "default":
      return {
        comment: "Segments, init sections, keys and everything else: path only",
        minTtl: 0,
        defaultTtl: 86400,
        maxTtl: ONE_YEAR,
        queryStrings: "none",
        cookies: "none",
        headers: "none",
        gzipAndBrotli: true,
      };
  }
}
