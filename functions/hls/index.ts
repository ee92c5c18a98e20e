/** Lossless HLS playlist rewriting: pure, no package dependency (limits come from ../limits). */
export { PlaylistError, isMalformedPlaylist, type PlaylistErrorCode } from "./errors";
export { DEFAULT_MAX_PLAYLIST_BYTES, validatePlaylist } from "./lines";
export { scanAttributes, type AttributeSpan } from "./attributes";
export { URI_ATTRIBUTES } from "./uri-positions";
export {
  MANIFEST_SUFFIX,
  PLAYLIST_SUFFIX,
  edgePlaylistPath,
  rawPlaylistPath,
} from "../../contract/playlist-names";
export {
  folderResource,
  playlistPolicy,
  scopePrefix,
  type PlaylistPolicy,
  type PlaylistPolicyInput,
  type ViewerGrant,
} from "./policy";
export { appendSignedQuery, type UntouchedReason, type UriDecision } from "./urls";
export {
  findUris,
  rewritePlaylist,
  type RewriteOptions,
  type RewriteResult,
  type RewriteStats,
  type UriOccurrence,
} from "./rewrite";
