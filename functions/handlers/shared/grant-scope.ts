/**
 * What a playlist's policy may cover, given the viewer's own grant (issue 11,
 * items 1 and 2). `playlistPolicy` inherits the viewer's folder when it covers
 * the playlist, else takes the playlist's folder; this module refuses the
 * cases where that would widen the grant:
 *
 * - the grant does not cover the playlist URL at all (CloudFront would have
 *   refused it; the function never signs a folder the grant does not reach);
 * - a wildcard grant whose literal prefix does not contain the folder (e.g.
 *   `https://host/vod/a/master*` covers the playlist, not its segments);
 * - a grant for one URL (canned, or custom without a wildcard) of a playlist at
 *   the distribution root: its folder would be `https://host/*`, every file.
 *
 * A grant for one URL deeper down gives the playlist's folder: one asset per
 * folder is the layout this project serves (README "One policy per playlist").
 * With an `assetRootDepth` (contract/asset-root.ts) the same rule reaches
 * further: a one-URL grant for a playlist above the asset root would span
 * several assets, so it is refused too (`above-asset-root`).
 */
import { aboveAssetRootMessage, assetRootPath } from "../../../contract/asset-root";
import { SigningInputError } from "../../cloudfront/errors";
import { resourceMatches } from "../../cloudfront/wildcard";

/** `scheme://host/*`: the whole distribution. */
const ROOT_FOLDER = /^[^:/]+:\/\/[^/]+\/\*$/;

/** The message of a playlist refused at the root (the signer Lambda refuses to sign one too). */
export const ROOT_PLAYLIST_MESSAGE =
  "a playlist at the distribution root would be signed for every file of the distribution; put each asset in its own folder";

/**
 * Throws SigningInputError (`grant-excludes-playlist`, `root-playlist`, `above-asset-root`) when
 * `policyResource` would widen the grant. `assetRootDepth`: the stack's (0: none).
 */
export function assertPolicyWithinGrant(
  viewerResource: string,
  playlistUrl: string,
  policyResource: string,
  assetRootDepth = 0,
): void {
  if (!resourceMatches(viewerResource, playlistUrl)) {
    throw new SigningInputError("grant-excludes-playlist", "the viewer's grant does not cover this playlist");
  }
  if (policyResource === viewerResource) return;
  const wildcard = viewerResource.search(/[*?]/);
  if (wildcard !== -1) {
    if (!policyResource.startsWith(viewerResource.slice(0, wildcard))) {
      throw new SigningInputError(
        "grant-excludes-playlist",
        "the viewer's grant covers this playlist but not its folder",
      );
    }
    return;
  }
  if (ROOT_FOLDER.test(policyResource)) throw new SigningInputError("root-playlist", ROOT_PLAYLIST_MESSAGE);
  if (assetRootDepth === 0) return;
  const path = new URL(playlistUrl).pathname;
  if (assetRootPath(path, assetRootDepth) === undefined)
    throw new SigningInputError("above-asset-root", aboveAssetRootMessage(path, assetRootDepth));
}

/** A refusal of assertPolicyWithinGrant: the viewer's grant, not the playlist, is at fault (403). */
export function isGrantScopeError(error: unknown): error is SigningInputError {
  return (
    error instanceof SigningInputError &&
    (error.code === "grant-excludes-playlist" ||
      error.code === "root-playlist" ||
      error.code === "above-asset-root")
  );
}
