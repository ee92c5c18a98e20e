/**
 * The lossless playlist rewriter. Line by line: a URI line or a URI attribute
 * value is replaced by its signed form; every other byte, including the
 * terminators, a BOM and unknown tags, is copied as it was.
 */
import { scanAttributes } from "./attributes";
import { PlaylistError } from "./errors";
import { DEFAULT_MAX_PLAYLIST_BYTES, splitLines, validatePlaylist } from "./lines";
import { scopePrefix, type PlaylistPolicy } from "./policy";
import { DEFINE_TAG, uriAttributesOf } from "./uri-positions";
import {
  appendSignedQuery,
  decideUri,
  directoryOf,
  parsePlaylistUrl,
  type UntouchedReason,
  type UriContext,
  type UriDecision,
} from "./urls";
import { defineVariable } from "./variables";

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
   * no URI needs a signature: one signature per playlist at most.
   */
  readonly signedQuery: string | ((policy: PlaylistPolicy) => string);
  /** Hosts (`host` or `host:port`, as in URL.host) whose URIs may be signed. Default: the playlist URL's host. */
  readonly allowedHosts?: readonly string[];
  /** Largest input accepted, UTF-8 bytes. Default DEFAULT_MAX_PLAYLIST_BYTES. */
  readonly maxInputBytes?: number;
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
}

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
  const signedQuery = (): string => {
    if (suffix === undefined) {
      const produced =
        typeof options.signedQuery === "string" ? options.signedQuery : options.signedQuery(options.policy);
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
  const output = visitPlaylist(text, context, (decision, value) => {
    uris++;
    if (decision.kind === "untouched") {
      untouched[decision.reason] = (untouched[decision.reason] ?? 0) + 1;
      return value;
    }
    rewritten++;
    return appendSignedQuery(decision.reference, signedQuery());
  });
  return { text: output, signatures: rewritten > 0 ? 1 : 0, stats: { uris, rewritten, untouched } };
}

/** Lists every URI position with the decision the rewriter would take (same scanner, no signing). */
export function findUris(
  input: string | Uint8Array,
  options: Omit<RewriteOptions, "signedQuery">,
): UriOccurrence[] {
  const context = buildContext(options);
  const text = validatePlaylist(input, options.maxInputBytes ?? DEFAULT_MAX_PLAYLIST_BYTES);
  const found: UriOccurrence[] = [];
  visitPlaylist(text, context, (decision, value, line, tag, attribute) => {
    found.push({ line, value, decision, ...(tag === undefined ? {} : { tag, attribute }) });
    return value;
  });
  return found;
}

function buildContext(options: Omit<RewriteOptions, "signedQuery">): UriContext {
  const base = parsePlaylistUrl(options.playlistUrl);
  const hosts = options.allowedHosts ?? [base.host];
  return {
    base,
    baseDirectory: directoryOf(base),
    allowedHosts: new Set(hosts.map((host) => host.toLowerCase())),
    scopePrefix: scopePrefix(options.policy.resource),
    variables: new Map(),
  };
}

type Replace = (
  decision: UriDecision,
  value: string,
  line: number,
  tag?: string,
  attribute?: string,
) => string;

function visitPlaylist(text: string, context: UriContext, replace: Replace): string {
  const lines = splitLines(text);
  const out: string[] = new Array(lines.length * 2);
  for (let index = 0; index < lines.length; index++) {
    const { content, terminator } = lines[index];
    // Line 0 is the validated #EXTM3U header (possibly after a BOM).
    out[2 * index] = index === 0 ? content : rewriteLine(content, index, context, replace);
    out[2 * index + 1] = terminator;
  }
  return out.join("");
}

function rewriteLine(content: string, index: number, context: UriContext, replace: Replace): string {
  let start = 0;
  while (start < content.length && (content[start] === " " || content[start] === "\t")) start++;
  if (start === content.length) return content;
  if (content[start] === "#") return rewriteTag(content, start, index, context, replace);
  let end = content.length;
  while (end > start && (content[end - 1] === " " || content[end - 1] === "\t")) end--;
  const value = content.slice(start, end);
  const replaced = replace(decideUri(value, context, false), value, index);
  return replaced === value ? content : content.slice(0, start) + replaced + content.slice(end);
}

function rewriteTag(
  content: string,
  start: number,
  index: number,
  context: UriContext,
  replace: Replace,
): string {
  if (!content.startsWith("#EXT", start)) return content;
  const colon = content.indexOf(":", start);
  if (colon < 0) return content;
  const tag = content.slice(start + 1, colon);
  if (tag === DEFINE_TAG) {
    defineVariable(context.variables, content, colon + 1, context.base);
    return content;
  }
  const names = uriAttributesOf(tag);
  if (!names) return content;
  let result = "";
  let copied = 0;
  for (const span of scanAttributes(content, colon + 1)) {
    if (!names.includes(span.name)) continue;
    const value = content.slice(span.valueStart, span.valueEnd);
    const decision: UriDecision = span.wellFormed
      ? decideUri(value, context, !span.quoted)
      : { kind: "untouched", reason: "malformed-attribute" };
    const replaced = replace(decision, value, index, tag, span.name);
    if (replaced !== value) {
      result += content.slice(copied, span.valueStart) + replaced;
      copied = span.valueEnd;
    }
  }
  return copied === 0 ? content : result + content.slice(copied);
}
