/**
 * The one policy statement a playlist is signed under. Pure arithmetic over
 * what the viewer presented: same or earlier expiry, same IP binding and
 * not-before; the resource is the viewer's folder or one inside it, except for
 * a grant naming one URL, which gets that playlist's folder (the asset folder;
 * functions/handlers/shared/grant-scope.ts refuses the root and any folder a wildcard
 * grant does not contain). Structurally identical to the signing core's
 * PolicyStatement, so a caller passes it straight to `signedQueryFor`.
 */
import { PlaylistError } from "./errors";
import { directoryOf, parsePlaylistUrl } from "./urls";

export interface PlaylistPolicy {
  /** `<scheme>://<host>/<folder>/*`: the only wildcard is the trailing one. */
  readonly resource: string;
  /** Epoch seconds; the signed URIs are valid strictly before it. */
  readonly dateLessThan: number;
  readonly dateGreaterThan?: number;
  /** IPv4 CIDR copied from the viewer's policy. */
  readonly ipAddress?: string;
}

/** What the viewer's own (already accepted) signed URL or cookies allow. */
export interface ViewerGrant {
  /** The viewer policy's resource: the exact URL for a canned policy, a pattern for a custom one. */
  readonly resource: string;
  readonly dateLessThan: number;
  readonly dateGreaterThan?: number;
  readonly ipAddress?: string;
}

export interface PlaylistPolicyInput {
  /** The URL of the playlist as the viewer requested it (query ignored). */
  readonly playlistUrl: string;
  readonly viewer: ViewerGrant;
  /** Clock, epoch seconds. */
  readonly now: number;
  /** Longest lifetime of the URIs in the playlist, in seconds; the viewer's expiry caps it further. */
  readonly lifetimeSeconds: number;
}

/** `https://host/dir/file.m3u8?x` -> `https://host/dir/*` (the signing core's folderWildcardResource rule). */
export function folderResource(playlistUrl: string): string {
  const prefix = directoryOf(parsePlaylistUrl(playlistUrl));
  if (/[*?]/.test(prefix)) {
    throw new PlaylistError("invalid-options", "playlist URL path contains a wildcard character (* or ?)");
  }
  return `${prefix}*`;
}

/**
 * The asset folder: the viewer's own folder-wildcard resource when it has one
 * that covers this playlist (a child playlist reached through a rewritten
 * parent inherits the asset folder, so `../audio/` stays in scope), otherwise
 * the playlist's folder. Expiry = min(viewer's expiry, now + lifetime).
 */
export function playlistPolicy(input: PlaylistPolicyInput): PlaylistPolicy {
  const { viewer, now, lifetimeSeconds } = input;
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new PlaylistError("invalid-options", "lifetimeSeconds must be a positive integer");
  }
  if (!Number.isFinite(now) || !Number.isInteger(viewer.dateLessThan)) {
    throw new PlaylistError("invalid-options", "now and the viewer's expiry must be epoch seconds");
  }
  const folder = folderResource(input.playlistUrl);
  const resource = inheritsViewerFolder(viewer.resource, folder) ? viewer.resource : folder;
  const dateLessThan = Math.min(viewer.dateLessThan, Math.floor(now) + lifetimeSeconds);
  if (dateLessThan <= now) {
    throw new PlaylistError("grant-expired", "the viewer's signed URL or cookie has expired");
  }
  return {
    resource,
    dateLessThan,
    ...(viewer.dateGreaterThan !== undefined ? { dateGreaterThan: viewer.dateGreaterThan } : {}),
    ...(viewer.ipAddress !== undefined ? { ipAddress: viewer.ipAddress } : {}),
  };
}

function inheritsViewerFolder(viewerResource: string, folder: string): boolean {
  if (!viewerResource.endsWith("/*")) return false;
  const viewerPrefix = viewerResource.slice(0, -1);
  if (/[*?]/.test(viewerPrefix)) return false;
  const folderPrefix = folder.slice(0, -1);
  // At least `<scheme>://<host>/`: a bare `https://*` must never widen to other hosts.
  const origin = folderPrefix.slice(0, folderPrefix.indexOf("/", folderPrefix.indexOf("//") + 2) + 1);
  return viewerPrefix.startsWith(origin) && folderPrefix.startsWith(viewerPrefix);
}

/** The literal prefix of a `<prefix>*` resource; throws when the resource has any other wildcard. */
export function scopePrefix(resource: string): string {
  const prefix = resource.endsWith("*") ? resource.slice(0, -1) : "";
  if (!prefix || /[*?]/.test(prefix) || !/^https?:\/\/[^/]+\//.test(prefix)) {
    throw new PlaylistError(
      "invalid-options",
      "the policy resource must be <scheme>://<host>/<folder>* with no other wildcard",
    );
  }
  return prefix;
}
