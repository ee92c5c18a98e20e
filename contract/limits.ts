/**
 * Service limits that infra, handlers, the local stack and the policy pack all
 * enforce. One place, so a limit cannot differ between what is deployed and
 * what is tested.
 */

/** Lambda@Edge: largest generated response body (bytes) by trigger. */
export const EDGE_GENERATED_RESPONSE_LIMIT_BYTES = {
  "viewer-request": 40 * 1024,
  "origin-request": 1024 * 1024,
} as const;

export type EdgeTrigger = keyof typeof EDGE_GENERATED_RESPONSE_LIMIT_BYTES;
export const EDGE_TRIGGERS = Object.keys(EDGE_GENERATED_RESPONSE_LIMIT_BYTES) as EdgeTrigger[];

/** Lambda@Edge: function timeout (seconds) and memory (MB) limits by trigger. */
export const EDGE_TIMEOUT_LIMIT_SECONDS = { "viewer-request": 5, "origin-request": 30 } as const;
export const EDGE_MEMORY_LIMIT_MB = { "viewer-request": 128, "origin-request": 10240 } as const;

/** Lambda@Edge: compressed deployment package limit (bytes) for viewer and origin triggers. */
export const EDGE_PACKAGE_LIMIT_BYTES = {
  "viewer-request": 1024 * 1024,
  "origin-request": 50 * 1024 * 1024,
} as const;

/** CloudFront: trusted key groups per cache behavior and public keys per key group. */
export const MAX_KEY_GROUPS_PER_BEHAVIOR = 4;
export const MAX_KEYS_PER_KEY_GROUP = 5;

/**
 * CloudFront: public keys per AWS account (default quota; CreatePublicKey then
 * fails with TooManyPublicKeys).
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html
 */
export const MAX_PUBLIC_KEYS_PER_ACCOUNT = 10;

/** CloudFront: the largest epoch time a policy may carry (2038-01-19T03:14:07Z). */
export const MAX_EPOCH_SECONDS = 2147483647;

/**
 * CloudFront: the longest URL it accepts, bytes ("Maximum length of a URL",
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html).
 */
export const CLOUDFRONT_MAX_URL_BYTES = 8192;

/**
 * Rewriter: the longest URI reference it signs, as written or after variable
 * substitution (characters; a signable reference is ASCII). A longer one could
 * not be requested through CloudFront once the signature is appended, so it is
 * left exactly as written (reason `too-long`).
 */
export const MAX_SIGNED_REFERENCE_CHARACTERS = CLOUDFRONT_MAX_URL_BYTES;

/**
 * Rewriter: the longest variable value (EXT-X-DEFINE VALUE or QUERYPARAM) it
 * substitutes, characters. A reference to a longer value is left as written
 * (`too-long`). 1 KiB holds any token or path prefix we know of and keeps a
 * substituted reference about as large as the signed query every URI gets
 * anyway, so variables cannot amplify the output beyond what signing does.
 */
export const MAX_VARIABLE_VALUE_CHARACTERS = 1024;

/**
 * Rewriter: the largest rewritten playlist it builds, UTF-8 bytes, whatever the
 * response limit. A signed VOD playlist gzips about 125:1 (bench/playlist), so
 * a 1 MB origin-request response holds at most ~95 MB of playlist in theory;
 * 64 MiB (8x the 8 MiB input cap, ~100,000 segments) keeps the string, its
 * UTF-8 copy and the gzip buffers within what an edge function can hold.
 */
export const MAX_REWRITTEN_PLAYLIST_BYTES = 64 * 1024 * 1024;

/**
 * deflate's largest compression ratio: a 258-byte match coded in two bits
 * (zlib technical details, https://zlib.net/zlib_tech.html). No gzipped body is
 * smaller than its input divided by this.
 */
export const DEFLATE_MAX_COMPRESSION_RATIO = 1032;

/**
 * The largest rewritten playlist (UTF-8 bytes) that can still fit a generated
 * response of `limitBytes`: the body itself uncompressed; gzipped, the most
 * deflate can shrink into the base64 body (3 bytes per 4 characters), capped
 * at MAX_REWRITTEN_PLAYLIST_BYTES. The rewriter stops as soon as it passes this.
 */
export function largestPlaylistForResponse(limitBytes: number, gzip: boolean): number {
  if (!gzip) return limitBytes;
  const gzippedBytes = Math.floor((limitBytes * 3) / 4);
  return Math.min(gzippedBytes * DEFLATE_MAX_COMPRESSION_RATIO, MAX_REWRITTEN_PLAYLIST_BYTES);
}
