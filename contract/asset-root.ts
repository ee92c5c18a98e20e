/**
 * The asset root (issue 14 item 4): the stack's `assetRootDepth` says that the
 * first N folders of a path name one asset (2: `/videos/<asset>/`). The signing
 * Lambda grants a playlist or cookies for the asset root whatever playlist the
 * app starts from, so `../../keys/` from a media playlist stays in scope; the
 * manifest edge refuses a one-URL grant for a playlist above it. 0 (the
 * default) sets no asset root: a grant covers the playlist's own folder.
 */

/** `assetRootDepth` when the stack sets none: no asset root, each playlist's own folder. */
export const DEFAULT_ASSET_ROOT_DEPTH = 0;
/** Deepest asset root the config accepts. */
export const MAX_ASSET_ROOT_DEPTH = 16;

/** Whether `depth` is a valid `assetRootDepth`. */
export function isAssetRootDepth(depth: unknown): depth is number {
  return typeof depth === "number" && Number.isInteger(depth) && depth >= 0 && depth <= MAX_ASSET_ROOT_DEPTH;
}

/**
 * The asset root of a path (no query): `/videos/abc/audio/en/index.m3u8` at depth 2 ->
 * `/videos/abc/`; depth 0 -> the path's own folder. Undefined when the path lies above it
 * (fewer than `depth` folders before the file name).
 */
export function assetRootPath(path: string, depth: number): string | undefined {
  const folderEnd = path.lastIndexOf("/");
  if (depth === 0) return path.slice(0, folderEnd + 1);
  let end = 0;
  for (let folder = 0; folder < depth; folder++) {
    end = path.indexOf("/", end + 1);
    if (end === -1 || end > folderEnd) return undefined;
  }
  return path.slice(0, end + 1);
}

/** Why a path above the asset root is refused, in plain words (signer 400 and edge 403 alike). */
export function aboveAssetRootMessage(path: string, depth: number): string {
  return (
    `${path} lies above the asset root: assetRootDepth ${depth} means the first ${depth} folder(s) ` +
    "name an asset (2: /videos/<asset>/), and a grant never covers more than one asset"
  );
}
