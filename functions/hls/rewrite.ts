/**
 * The lossless playlist rewriter. Line by line: a URI line or a URI attribute
 * value is replaced by its signed form; every other byte, including the
 * terminators, a BOM and unknown tags, is copied as it was.
 */
import { scanAttributes } from "./attributes";
import { PlaylistError } from "./errors";
import { joinPieces } from "./join";
import { DEFAULT_MAX_PLAYLIST_BYTES, validatePlaylist } from "./lines";
import { scopePrefix, type PlaylistPolicy } from "./policy";
import { DEFINE_TAG, uriAttributesOf } from "./uri-positions";
import {
  decideUri,
  directoryOf,
  parsePlaylistUrl,
  signedReferenceParts,
  type UntouchedReason,
  type UriContext,
  type UriDecision,
} from "./urls";
import { defineVariable, queryValueOf } from "./variables";

export interface RewriteOptions {
  /**
   * The URL the viewer requested for this playlist (the `._m3u8` URL), without
   * CloudFront signing parameters. Relative URIs resolve against it and
   * `EXT-X-DEFINE QUERYPARAM` reads its query.
   */
  readonly playlistUrl: string;
  /** The one policy every rewritten URI carries (see playlistPolicy); its resource must be `<prefix>*`. */
  readonly policy: PlaylistPolicy;
  /**
   * The signed query suffix for `policy` (`Policy=...&Signature=...&Key-Pair-Id=...`, no leading
   * `?`/`&`), or a function producing it. The function is called at most once, and not at all when
   * no URI needs a signature: one signature per playlist at most. `null`: no signature at all, the
   * URIs the policy covers are only renamed (`.m3u8` -> `._m3u8`): the viewer's signed cookies
   * authorise them (cookie mode, see functions/handlers/manifest-edge/playlist-signing.ts).
   */
  readonly signedQuery: string | ((policy: PlaylistPolicy) => string) | null;
  /** Hosts (`host` or `host:port`, as in URL.host) whose URIs may be signed. Default: the playlist URL's host. */
  readonly allowedHosts?: readonly string[];
  /** Largest input accepted, UTF-8 bytes. Default DEFAULT_MAX_PLAYLIST_BYTES. */
  readonly maxInputBytes?: number;
  /**
   * Largest output, UTF-8 bytes (the edge passes limits.ts largestPlaylistForResponse): past it the
   * rewrite stops at once with `output-too-large`, so memory and time stay bounded by it. Default: none.
   */
  readonly maxOutputBytes?: number;
}

export interface RewriteStats {
  /** URI positions found (URI lines and URI attributes). */
  readonly uris: number;
  readonly rewritten: number;
  /** Count per reason of URIs left exactly as written. */
  readonly untouched: Partial<Record<UntouchedReason, number>>;
}

export interface RewriteResult {
  readonly text: string;
  /** Signatures computed for this playlist: 1 when any URI was rewritten, else 0. */
  readonly signatures: 0 | 1;
  readonly stats: RewriteStats;
  /**
   * The first MAX_REPORTED_OUT_OF_SCOPE distinct URIs on an allowed host left out of the policy's
   * scope (`out-of-scope`), as written without query or fragment: each is a 403 waiting for a
   * player, which the edge and `rewrite` report as a warning. The full count is in `stats.untouched`.
   */
  readonly outOfScope: readonly string[];
}

/** How many out-of-scope URIs a result names (a log line must stay small; the count is complete). */
export const MAX_REPORTED_OUT_OF_SCOPE = 10;

/** One URI position, as found by the scanner (used by rewritePlaylist and by tests). */
export interface UriOccurrence {
  /** Zero-based line index. */
  readonly line: number;
  /** `undefined` for a URI line, else the tag (without `#`) and attribute holding it. */
  readonly tag?: string;
  readonly attribute?: string;
  /** The value exactly as written (for a URI line: without surrounding whitespace). */
  readonly value: string;
  readonly decision: UriDecision;
}

const SIGNED_QUERY = /^[A-Za-z0-9\-_.~%=&]+$/;

/** Rewrites a playlist. Throws PlaylistError for a refused playlist or invalid options; never returns partial output. */
export function rewritePlaylist(input: string | Uint8Array, options: RewriteOptions): RewriteResult {
  const context = buildContext(options);
  const text = validatePlaylist(input, options.maxInputBytes ?? DEFAULT_MAX_PLAYLIST_BYTES);
  let suffix: string | undefined;
  const produce = options.signedQuery;
  const signedQuery = (): string => {
    if (suffix === undefined) {
      const produced = typeof produce === "function" ? produce(options.policy) : produce;
      if (typeof produced !== "string" || !SIGNED_QUERY.test(produced)) {
        throw new PlaylistError("invalid-options", "the signed query suffix is not a plain query string");
      }
      suffix = produced;
    }
    return suffix;
  };
  if (typeof options.signedQuery === "string") signedQuery();

  const untouched: Partial<Record<UntouchedReason, number>> = {};
  let uris = 0;
  let rewritten = 0;
  // Separator + suffix, built once per separator: the output holds thousands of copies.
  const suffixAfter: Record<string, string> = {};
  // Every piece of the output is ASCII when the input is: the signed query is checked above, and a
  // rewritten reference passed the (ASCII-only) URI character check.
  const ascii = Buffer.byteLength(text, "utf8") === text.length;
  const maxOutputBytes = options.maxOutputBytes ?? Infinity;
  const outOfScope: string[] = [];
  const output = visitPlaylist(text, context, ascii, maxOutputBytes, (decision, value) => {
    uris++;
    if (decision.kind === "untouched") {
      untouched[decision.reason] = (untouched[decision.reason] ?? 0) + 1;
      if (decision.reason === "out-of-scope" && outOfScope.length < MAX_REPORTED_OUT_OF_SCOPE) {
        // Without query or fragment: a playlist may carry tokens there, and logs never hold secrets.
        const reported = value.replace(/[?#].*/, "");
        if (!outOfScope.includes(reported)) outOfScope.push(reported);
      }
      return undefined;
    }
    rewritten++;
    if (produce === null) return [decision.reference];
    const [head, separator, query, fragment] = signedReferenceParts(decision.reference, signedQuery());
    const tail = (suffixAfter[separator] ??= separator + query);
    return fragment === undefined ? [head, tail] : [head, tail, fragment];
  });
  // Characters never outnumber UTF-8 bytes, so the count while visiting only stops early when sure.
  if (!ascii && Buffer.byteLength(output, "utf8") > maxOutputBytes) throw outputTooLarge(maxOutputBytes);
  return {
    text: output,
    signatures: rewritten > 0 && produce !== null ? 1 : 0,
    stats: { uris, rewritten, untouched },
    outOfScope,
  };
}

/** Lists every URI position with the decision the rewriter would take (same scanner, no signing). */
export function findUris(
  input: string | Uint8Array,
  options: Omit<RewriteOptions, "signedQuery">,
): UriOccurrence[] {
  const context = buildContext(options);
  const text = validatePlaylist(input, options.maxInputBytes ?? DEFAULT_MAX_PLAYLIST_BYTES);
  const found: UriOccurrence[] = [];
  visitPlaylist(text, context, false, Infinity, (decision, value, line, tag, attribute) => {
    found.push({ line, value, decision, ...(tag === undefined ? {} : { tag, attribute }) });
    return undefined;
  });
  return found;
}

function buildContext(options: Omit<RewriteOptions, "signedQuery">): UriContext {
  const base = parsePlaylistUrl(options.playlistUrl);
  const hosts = new Set((options.allowedHosts ?? [base.host]).map((host) => host.toLowerCase()));
  const baseDirectory = directoryOf(base);
  const prefix = scopePrefix(options.policy.resource);
  return {
    base,
    baseDirectory,
    allowedHosts: hosts,
    baseHostAllowed: hosts.has(base.host),
    baseDirectoryInScope: baseDirectory.startsWith(prefix),
    scopePrefix: prefix,
    variables: new Map(),
    queryValue: queryValueOf(base),
  };
}

/** Returns the parts that replace the value, or undefined to keep it. */
type Replace = (
  decision: UriDecision,
  value: string,
  line: number,
  tag?: string,
  attribute?: string,
) => readonly string[] | undefined;
/** Replaces text[start, end) (which reads `written`) by the parts. */
type Emit = (start: number, end: number, parts: readonly string[], written: string) => void;

function outputTooLarge(maxOutputBytes: number, line?: number): PlaylistError {
  const where = line === undefined ? "" : ` (stopped at line ${line + 1})`;
  return new PlaylistError("output-too-large", `rewritten playlist passes ${maxOutputBytes} bytes${where}`);
}

/**
 * One pass over the text by offsets: the output is the input with each
 * replaced value span swapped, every other byte copied in long slices. Every
 * scan stays within its line; the output is counted as it grows.
 */
function visitPlaylist(
  text: string,
  context: UriContext,
  ascii: boolean,
  maxOutputBytes: number,
  replace: Replace,
): string {
  const pieces: string[] = [];
  let copied = 0;
  // Characters produced so far: a lower bound of the output's UTF-8 size that only grows.
  let produced = 0;
  let line = 1;
  const emit: Emit = (start, end, parts, written) => {
    // A value kept as written (plus a suffix, the common case; usually the very same string) is
    // copied with the text before it: one piece instead of two.
    const kept = parts[0] === written;
    const before = text.slice(copied, kept ? end : start);
    pieces.push(before);
    produced += before.length;
    for (let index = kept ? 1 : 0; index < parts.length; index++) {
      pieces.push(parts[index]);
      produced += parts[index].length;
    }
    copied = end;
    if (produced > maxOutputBytes) throw outputTooLarge(maxOutputBytes, line);
  };
  // Line 0 is the validated #EXTM3U header (possibly after a BOM).
  let start = text.indexOf("\n") + 1;
  while (start > 0 && start < text.length) {
    const lf = text.indexOf("\n", start);
    const lineEnd = lf < 0 ? text.length : lf;
    const end = lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    let first = start;
    while (first < end && isBlank(text.charCodeAt(first))) first++;
    if (first < end) {
      if (text.charCodeAt(first) === 35 /* # */) {
        visitTag(text, first, end, line, context, replace, emit);
      } else {
        let last = end;
        while (last > first && isBlank(text.charCodeAt(last - 1))) last--;
        const value = text.slice(first, last);
        const parts = replace(decideUri(value, context, false), value, line);
        if (parts) emit(first, last, parts, value);
      }
    }
    start = lineEnd + 1;
    line++;
  }
  if (produced + (text.length - copied) > maxOutputBytes) throw outputTooLarge(maxOutputBytes);
  if (copied === 0) return text;
  pieces.push(text.slice(copied));
  return joinPieces(pieces, ascii);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** `[A-Z0-9-]`: the characters of tag names (RFC 8216 4.2 attribute names use the same set). */
function isTagNameCharacter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45;
}

function visitTag(
  text: string,
  start: number,
  end: number,
  line: number,
  context: UriContext,
  replace: Replace,
  emit: Emit,
): void {
  // Every tag with URIs (and EXT-X-DEFINE) starts with `#EXT-X-`: EXTINF and comments leave here.
  if (text.charCodeAt(start + 4) !== 45 /* - */ || !text.startsWith("#EXT-X-", start)) return;
  // The tag name runs to the colon; a character no tag name has (or the line's end) first: no tag of ours.
  let colon = start + 7;
  while (colon < end && isTagNameCharacter(text.charCodeAt(colon))) colon++;
  if (colon >= end || text.charCodeAt(colon) !== 58 /* : */) return;
  const tag = text.slice(start + 1, colon);
  const names = tag === DEFINE_TAG ? undefined : uriAttributesOf(tag);
  if (tag !== DEFINE_TAG && !names) return;
  const content = text.slice(start, end);
  const offset = colon + 1 - start;
  if (!names) {
    defineVariable(context.variables, content, offset, context.queryValue);
    return;
  }
  for (const span of scanAttributes(content, offset, names)) {
    const value = content.slice(span.valueStart, span.valueEnd);
    const decision: UriDecision = span.wellFormed
      ? decideUri(value, context, !span.quoted)
      : { kind: "untouched", reason: "malformed-attribute" };
    const parts = replace(decision, value, line, tag, span.name);
    if (parts) emit(start + span.valueStart, start + span.valueEnd, parts, value);
  }
}
