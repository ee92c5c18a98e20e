/**
 * Signing a playlist for one viewer: the sign-once policy from the viewer's
 * own grant, one signature, the lossless rewrite. The manifest edge handler
 * and the `rewrite` command both call this, so they cannot disagree.
 */
import type { Signer } from "../cloudfront/signer";
import { assertPolicyWithinGrant } from "./grant-scope";
import {
  playlistPolicy,
  rewritePlaylist,
  type PlaylistPolicy,
  type RewriteResult,
  type ViewerGrant,
} from "../hls";

export interface SignPlaylistInput {
  /** The raw playlist as fetched. */
  readonly playlist: string | Uint8Array;
  /** The URL the viewer requested (the `._m3u8` URL), signing parameters removed. */
  readonly playlistUrl: string;
  /** What the viewer's own signed URL or cookies allow. */
  readonly viewer: ViewerGrant;
  readonly signer: Signer;
  /** Hosts whose URIs may carry the signature. */
  readonly allowedHosts: readonly string[];
  /** Longest lifetime of the signed URIs; the viewer's expiry caps it further. */
  readonly lifetimeSeconds: number;
  /** Clock, epoch seconds. */
  readonly now: number;
  readonly maxPlaylistBytes?: number;
  /** Largest rewritten playlist, UTF-8 bytes: past it the rewrite stops with `output-too-large`. */
  readonly maxOutputBytes?: number;
}

export interface SignedPlaylist {
  readonly rewrite: RewriteResult;
  readonly policy: PlaylistPolicy;
}

/**
 * The one policy for the playlist: `playlistPolicy`, refused when it would be wider than the
 * viewer's grant (grant-scope.ts). Throws PlaylistError or SigningInputError.
 */
export function grantedPlaylistPolicy(
  input: Pick<SignPlaylistInput, "playlistUrl" | "viewer" | "lifetimeSeconds" | "now">,
): PlaylistPolicy {
  const policy = playlistPolicy({
    playlistUrl: input.playlistUrl,
    viewer: input.viewer,
    now: input.now,
    lifetimeSeconds: input.lifetimeSeconds,
  });
  assertPolicyWithinGrant(input.viewer.resource, input.playlistUrl, policy.resource);
  return policy;
}

/** Throws PlaylistError (refused playlist, expired grant) or SigningInputError (the signer or grantedPlaylistPolicy refused). */
export function signPlaylist(input: SignPlaylistInput): SignedPlaylist {
  const policy = grantedPlaylistPolicy(input);
  const rewrite = rewritePlaylist(input.playlist, {
    playlistUrl: input.playlistUrl,
    policy,
    allowedHosts: input.allowedHosts,
    maxInputBytes: input.maxPlaylistBytes,
    maxOutputBytes: input.maxOutputBytes,
    signedQuery: (statement) => input.signer.signedQueryFor(statement),
  });
  return { rewrite, policy };
}
