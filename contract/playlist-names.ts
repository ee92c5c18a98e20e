/**
 * The one rule that sends child playlists back through the manifest edge
 * function: a path ending in `.m3u8` ends in `._m3u8` instead. The behaviors
 * (behaviors.ts), the rewriter, the signer and the local stack all use it.
 */

/** Suffix of a raw playlist as stored at the origin. */
export const PLAYLIST_SUFFIX = ".m3u8";
/** Suffix of a playlist URL that enters through the manifest edge function. */
export const MANIFEST_SUFFIX = "._m3u8";

/** Renames a URL path (no query, no fragment): `/a/b.m3u8` -> `/a/b._m3u8`; anything else unchanged. */
export function edgePlaylistPath(path: string): string {
  return path.endsWith(PLAYLIST_SUFFIX) ? path.slice(0, -PLAYLIST_SUFFIX.length) + MANIFEST_SUFFIX : path;
}

/** The inverse, for the edge function: `/a/b._m3u8` -> `/a/b.m3u8`; undefined when the path is not an edge playlist. */
export function rawPlaylistPath(path: string): string | undefined {
  return path.endsWith(MANIFEST_SUFFIX)
    ? path.slice(0, -MANIFEST_SUFFIX.length) + PLAYLIST_SUFFIX
    : undefined;
}

/** Applies the rename to the path part of a URI reference (before `?` / `#`), leaving the rest as written. */
export function renameReference(reference: string): string {
  const end = pathEnd(reference);
  return edgePlaylistPath(reference.slice(0, end)) + reference.slice(end);
}

function pathEnd(reference: string): number {
  const query = reference.indexOf("?");
  const hash = reference.indexOf("#");
  if (query < 0) return hash < 0 ? reference.length : hash;
  return hash < 0 ? query : Math.min(query, hash);
}
