/**
 * Signing a playlist for one viewer: the sign-once policy from the viewer's
 * own grant, one signature, the lossless rewrite. The manifest edge handler
 * and the `rewrite` command both call this, so they cannot disagree.
 *
 * Cookie mode (the grant came from signed cookies): the URIs are only renamed
 * (`.m3u8` -> `._m3u8`), never signed. CloudFront judges a request that carries
 * signed URL parameters by the URL alone and ignores the cookies
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html#private-content-using-signed-urls-and-cookies),
 * so a signature with the first cookie's expiry would outvote every renewed
 * cookie on each reload of a child playlist. Unsigned, the children are
 * authorised by whatever cookies the viewer holds at that moment, and a stock
 * player keeps playing as long as the app renews them. The policy is still
 * computed: it refuses an expired grant and decides which URIs are in scope.
 */
import type { Signer } from "../../cloudfront/signer";
import { assertPolicyWithinGrant } from "../shared/grant-scope";
import {
  playlistPolicy,
  rewritePlaylist,
  type PlaylistPolicy,
  type RewriteResult,
  type ViewerGrant,
} from "../../hls";

export interface SignPlaylistInput {
  /** The raw playlist as fetched. */
  readonly playlist: string | Uint8Array;
  /** The URL the viewer requested (the `._m3u8` URL), signing parameters removed. */
  readonly playlistUrl: string;
  /** What the viewer's own signed URL or cookies allow. */
  readonly viewer: ViewerGrant;
  /** Where the viewer's grant came from (CloudFront reads the URL first): `cookie` leaves URIs unsigned. */
  readonly grantSource: "url" | "cookie";
  readonly signer: Signer;
  /** Hosts whose URIs may carry the signature. */
  readonly allowedHosts: readonly string[];
  /** Longest lifetime of the signed URIs; the viewer's expiry caps it further. */
  readonly lifetimeSeconds: number;
  /** Clock, epoch seconds. */
  readonly now: number;
  /** The stack's assetRootDepth (contract/asset-root.ts): a one-URL grant above the asset root is refused. */
  readonly assetRootDepth?: number;
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
  input: Pick<SignPlaylistInput, "playlistUrl" | "viewer" | "lifetimeSeconds" | "now" | "assetRootDepth">,
): PlaylistPolicy {
  const policy = playlistPolicy({
    playlistUrl: input.playlistUrl,
    viewer: input.viewer,
    now: input.now,
    lifetimeSeconds: input.lifetimeSeconds,
  });
  assertPolicyWithinGrant(input.viewer.resource, input.playlistUrl, policy.resource, input.assetRootDepth);
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
    signedQuery:
      input.grantSource === "cookie" ? null : (statement) => input.signer.signedQueryFor(statement),
  });
  return { rewrite, policy };
}
