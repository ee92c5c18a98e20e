/**
 * Validation and line splitting. The split keeps every terminator so that
 * joining `content + terminator` of all lines gives back the exact input.
 */
import { PlaylistError } from "./errors";

/** Default largest playlist accepted, in UTF-8 bytes (a 10,000-segment VOD playlist is ~0.5 MB). */
export const DEFAULT_MAX_PLAYLIST_BYTES = 8 * 1024 * 1024;

export const BOM = "\uFEFF";

export interface Line {
  /** The line without its terminator (never contains CR or LF). */
  readonly content: string;
  /** `"\n"`, `"\r\n"`, or `""` for a last line without a terminator. */
  readonly terminator: string;
}

/** Decodes and checks a playlist; returns its text or throws PlaylistError. */
export function validatePlaylist(input: string | Uint8Array, maxBytes = DEFAULT_MAX_PLAYLIST_BYTES): string {
  let text: string;
  if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") > maxBytes) {
      throw new PlaylistError("too-large", `playlist is larger than ${maxBytes} bytes`);
    }
    text = input;
  } else {
    if (input.byteLength > maxBytes) {
      throw new PlaylistError("too-large", `playlist is larger than ${maxBytes} bytes`);
    }
    try {
      // ignoreBOM keeps a leading BOM in the text, so the output can keep it too.
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      throw new PlaylistError("invalid-encoding", "playlist is not valid UTF-8");
    }
  }
  const nul = text.indexOf("\0");
  if (nul >= 0) throw new PlaylistError("nul-byte", `playlist contains a NUL character at offset ${nul}`);
  const bareCr = findBareCarriageReturn(text);
  if (bareCr >= 0) {
    throw new PlaylistError(
      "bare-carriage-return",
      `playlist contains a carriage return not followed by a line feed at offset ${bareCr}`,
    );
  }
  const start = text.startsWith(BOM) ? BOM.length : 0;
  const firstLineEnd = text.indexOf("\n", start);
  const firstLine = text.slice(start, firstLineEnd < 0 ? text.length : firstLineEnd).replace(/\r$/, "");
  if (!/^#EXTM3U[ \t]*$/.test(firstLine)) {
    throw new PlaylistError("missing-header", "playlist does not start with an #EXTM3U line");
  }
  return text;
}

function findBareCarriageReturn(text: string): number {
  let index = text.indexOf("\r");
  while (index >= 0) {
    if (text.charCodeAt(index + 1) !== 10) return index;
    index = text.indexOf("\r", index + 2);
  }
  return -1;
}

/** Splits validated text into lines; `lines.map(l => l.content + l.terminator).join("")` is the input. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start < text.length) {
    const lf = text.indexOf("\n", start);
    if (lf < 0) {
      lines.push({ content: text.slice(start), terminator: "" });
      break;
    }
    const crlf = lf > start && text.charCodeAt(lf - 1) === 13;
    lines.push({ content: text.slice(start, crlf ? lf - 1 : lf), terminator: crlf ? "\r\n" : "\n" });
    start = lf + 1;
  }
  return lines;
}
