/**
 * The one error type of the playlist rewriter. Every input it refuses throws
 * a PlaylistError whose `code` says exactly why; nothing else is thrown for
 * bad input, so callers can map codes to HTTP statuses or exit codes.
 */

/**
 * - `too-large`: the playlist is larger than the configured maximum (UTF-8 bytes).
 * - `invalid-encoding`: the bytes are not valid UTF-8.
 * - `missing-header`: the first line (after an optional UTF-8 BOM) is not `#EXTM3U`
 *   (optionally followed by spaces or tabs). An empty input is refused this way too.
 * - `nul-byte`: the playlist contains a NUL character.
 * - `bare-carriage-return`: a CR not followed by LF (lines end in LF or CRLF only, RFC 8216 4.1).
 * - `invalid-options`: the caller passed options the rewriter cannot honour
 *   (unparsable playlist URL, a policy resource that is not `<prefix>*`, a malformed query suffix).
 * - `grant-expired`: the viewer's grant has already expired, so no policy can be issued.
 * - `output-too-large`: the rewritten playlist would pass the caller's `maxOutputBytes`; the
 *   rewriter stops as soon as it knows, without building the rest.
 */
export type PlaylistErrorCode =
  | "too-large"
  | "invalid-encoding"
  | "missing-header"
  | "nul-byte"
  | "bare-carriage-return"
  | "invalid-options"
  | "grant-expired"
  | "output-too-large";

export class PlaylistError extends Error {
  readonly code: PlaylistErrorCode;

  constructor(code: PlaylistErrorCode, message: string) {
    super(message);
    this.name = "PlaylistError";
    this.code = code;
  }
}

/** True for the refusals that describe the playlist itself (as opposed to the caller's options or limits). */
export function isMalformedPlaylist(error: unknown): error is PlaylistError {
  return (
    error instanceof PlaylistError &&
    error.code !== "invalid-options" &&
    error.code !== "grant-expired" &&
    error.code !== "output-too-large"
  );
}
