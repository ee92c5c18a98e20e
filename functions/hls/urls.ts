/**
 * Deciding what happens to one URI: resolve it against the playlist URL,
 * refuse anything that must not carry the signature, rename child playlists,
 * and write the reference back in its shortest form that still resolves to
 * the same absolute URL. Pure; never throws for any input string.
 */
import { MAX_SIGNED_REFERENCE_CHARACTERS } from "../../contract/limits";
import { PlaylistError } from "./errors";
import { PLAYLIST_SUFFIX, edgePlaylistPath, renameReference } from "../../contract/playlist-names";
import { SIGNING_QUERY_PARAMETERS, isSigningQueryParameter } from "../../contract/signing-names";
import { hasReferences, substitute, type QueryValue, type Variables } from "./variables";

/** Why a URI was left exactly as written. */
export type UntouchedReason =
  | "empty"
  | "malformed-attribute"
  | "data-uri"
  | "skd-uri"
  | "other-scheme"
  | "unresolved-variable"
  | "too-long"
  | "invalid-uri"
  | "foreign-host"
  | "already-signed"
  | "out-of-scope";

export type UriDecision =
  | { readonly kind: "rewrite"; readonly reference: string }
  | { readonly kind: "untouched"; readonly reason: UntouchedReason };

export interface UriContext {
  readonly base: URL;
  /** `<scheme>://<host><directory>/` of the playlist URL. */
  readonly baseDirectory: string;
  readonly allowedHosts: ReadonlySet<string>;
  /** Precomputed: the playlist's own host is allowed. */
  readonly baseHostAllowed: boolean;
  /** Precomputed: every URL under the playlist's directory is in scope. */
  readonly baseDirectoryInScope: boolean;
  /** Literal prefix of the policy resource: a URI is in scope when its URL starts with it. */
  readonly scopePrefix: string;
  readonly variables: Variables;
  /** QUERYPARAM values: the playlist URL's query parameters. */
  readonly queryValue: QueryValue;
}

// RFC 3986 characters (reserved, unreserved, percent-encoded). Anything else (spaces, quotes,
// controls, `{}`, non-ASCII) is not a URI we can sign with certainty and is left alone.
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
// A plain relative path (no scheme, no `:`, no `%`, no fragment; an optional query of URI
// characters) whose resolution is `baseDirectory + path` once dot segments and `//` are ruled
// out: the common case, decided without URL parsing.
const SIMPLE_REFERENCE =
  /^[A-Za-z0-9_~!$&'()*+,;=@-][A-Za-z0-9_.~!$&'()*+,;=@/-]*(?:\?[A-Za-z0-9\-._~:/?@!$&'()*+,;=]*)?$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/** Parses and checks the playlist URL the rewriter resolves against. */
export function parsePlaylistUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PlaylistError("invalid-options", "playlist URL is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new PlaylistError("invalid-options", "playlist URL must be http(s)");
  }
  if (url.username || url.password) {
    throw new PlaylistError("invalid-options", "playlist URL must not carry credentials");
  }
  return url;
}

export function directoryOf(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname.slice(0, url.pathname.lastIndexOf("/") + 1)}`;
}

/** Decides one URI value as written in the playlist. `forbidComma`: the value is an unquoted attribute. */
export function decideUri(written: string, context: UriContext, forbidComma: boolean): UriDecision {
  if (written === "") return { kind: "untouched", reason: "empty" };
  // Before any pattern runs: every check below is then bounded by the limit, not by the line.
  if (written.length > MAX_SIGNED_REFERENCE_CHARACTERS) return { kind: "untouched", reason: "too-long" };
  // The common case first: a plain relative path, which can hold no scheme and no variable.
  if (SIMPLE_REFERENCE.test(written) && !(forbidComma && written.includes(","))) {
    const simple = decideSimple(written, context);
    if (simple) return simple;
  }
  const schemeReason = schemeRefusal(written);
  if (schemeReason) return { kind: "untouched", reason: schemeReason };
  let text = written;
  if (hasReferences(text)) {
    const substituted = substitute(text, context.variables, MAX_SIGNED_REFERENCE_CHARACTERS);
    if ("refused" in substituted) return { kind: "untouched", reason: substituted.refused };
    text = substituted.text;
    if (text === "") return { kind: "untouched", reason: "empty" };
    const substitutedSchemeReason = schemeRefusal(text);
    if (substitutedSchemeReason) return { kind: "untouched", reason: substitutedSchemeReason };
  }
  if (!URI_CHARACTERS.test(text) || (forbidComma && text.includes(","))) {
    return { kind: "untouched", reason: "invalid-uri" };
  }
  return (
    (SIMPLE_REFERENCE.test(text) ? decideSimple(text, context) : undefined) ?? decideGeneral(text, context)
  );
}

function schemeRefusal(text: string): UntouchedReason | undefined {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === "http" || scheme === "https") return undefined;
  if (scheme === "data") return "data-uri";
  if (scheme === "skd") return "skd-uri";
  return "other-scheme";
}

function decideSimple(text: string, context: UriContext): UriDecision | undefined {
  const queryStart = text.indexOf("?");
  const path = queryStart < 0 ? text : text.slice(0, queryStart);
  // A dot segment starts the path or follows a `/`: the cheap test spares most paths the regex.
  if (path.includes("//") || ((path.startsWith(".") || path.includes("/.")) && DOT_SEGMENT.test(path))) {
    return undefined;
  }
  if (!context.baseHostAllowed) return { kind: "untouched", reason: "foreign-host" };
  if (queryStart >= 0 && hasSigningParameter(text.slice(queryStart + 1))) {
    return { kind: "untouched", reason: "already-signed" };
  }
  const playlist = path.endsWith(PLAYLIST_SUFFIX);
  if (!context.baseDirectoryInScope) {
    const target = context.baseDirectory + (playlist ? edgePlaylistPath(path) : path);
    if (!target.startsWith(context.scopePrefix)) return { kind: "untouched", reason: "out-of-scope" };
  }
  // Same directory, relative as written: nothing shorter resolves to the same URL.
  return { kind: "rewrite", reference: playlist ? renameReference(text) : text };
}

function decideGeneral(text: string, context: UriContext): UriDecision {
  let url: URL;
  try {
    url = new URL(text, context.base);
  } catch {
    return { kind: "untouched", reason: "invalid-uri" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { kind: "untouched", reason: "other-scheme" };
  if (url.username || url.password) return { kind: "untouched", reason: "invalid-uri" };
  if (!context.allowedHosts.has(url.host)) return { kind: "untouched", reason: "foreign-host" };
  if (hasSigningParameter(url.search.slice(1))) return { kind: "untouched", reason: "already-signed" };
  url.pathname = edgePlaylistPath(url.pathname);
  if (!`${url.protocol}//${url.host}${url.pathname}`.startsWith(context.scopePrefix)) {
    return { kind: "untouched", reason: "out-of-scope" };
  }
  return { kind: "rewrite", reference: shortestReference(text, url, context.base) };
}

/** The shortest of: the reference as written (renamed), directory-relative, root-relative, absolute; each verified. */
function shortestReference(written: string, target: URL, base: URL): string {
  const href = target.href;
  const candidates: string[] = [];
  if (!SCHEME.test(written)) candidates.push(renameReference(written));
  if (target.protocol === base.protocol && target.host === base.host) {
    const tail = target.search + target.hash;
    candidates.push(directoryRelative(base.pathname, target.pathname) + tail);
    candidates.push(target.pathname + tail);
  }
  let best = href;
  for (const written of candidates) {
    const candidate = withoutSchemeLikeStart(written);
    if (candidate.length < best.length && resolvesTo(candidate, base, href)) best = candidate;
  }
  return best;
}

/**
 * `./` before a relative reference whose first path segment holds a `:` (`2024-05-01T10:00:00Z.ts`):
 * RFC 3986 (4.2) forbids that form, and hls.js' url-toolkit takes `2024-05-01T10:` for a scheme,
 * so the signed segment would be requested from the embedding page's host.
 */
function withoutSchemeLikeStart(reference: string): string {
  for (let index = 0; index < reference.length; index++) {
    const code = reference.charCodeAt(index);
    if (code === 58 /* : */) return `./${reference}`;
    if (code === 47 /* / */ || code === 63 /* ? */ || code === 35 /* # */) break;
  }
  return reference;
}

function resolvesTo(reference: string, base: URL, href: string): boolean {
  try {
    return new URL(reference, base).href === href;
  } catch {
    return false;
  }
}

function directoryRelative(basePath: string, targetPath: string): string {
  const from = basePath.split("/").slice(0, -1);
  const to = targetPath.split("/");
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const relative = "../".repeat(from.length - common) + to.slice(common).join("/");
  // An empty path would read as "this playlist" (a `:` in the first segment is shortestReference's).
  return relative === "" ? "./" : relative;
}

/** A name longer than this cannot decode to a signing parameter (at most 3 characters per `%XX`). */
const LONGEST_ENCODED_SIGNING_NAME = 3 * Math.max(...SIGNING_QUERY_PARAMETERS.map((name) => name.length));

function hasSigningParameter(query: string): boolean {
  let start = 0;
  while (start < query.length) {
    let nameEnd = start;
    while (nameEnd < query.length) {
      const code = query.charCodeAt(nameEnd);
      if (code === 61 /* = */ || code === 38 /* & */) break;
      nameEnd++;
    }
    // Empty and long names are skipped without a copy: a crafted `&&&&…` query costs one step each.
    if (nameEnd > start && nameEnd - start <= LONGEST_ENCODED_SIGNING_NAME) {
      const name = query.slice(start, nameEnd);
      // A URI that already carries a signing parameter (contract/signing-names.ts) is never re-signed.
      if (isSigningQueryParameter(name) || isSigningQueryParameter(safeDecode(name))) return true;
    }
    const end = query.indexOf("&", nameEnd);
    if (end < 0) break;
    start = end + 1;
  }
  return false;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** The reference with the signed query suffix, as parts to concatenate: before any fragment, after any query. */
export function signedReferenceParts(reference: string, signedQuery: string): string[] {
  const hash = reference.indexOf("#");
  const head = hash < 0 ? reference : reference.slice(0, hash);
  const query = head.indexOf("?");
  const separator = query < 0 ? "?" : head.endsWith("?") || head.endsWith("&") ? "" : "&";
  return hash < 0 ? [head, separator, signedQuery] : [head, separator, signedQuery, reference.slice(hash)];
}

/** Appends the signed query suffix before any fragment, after any existing query. */
export function appendSignedQuery(reference: string, signedQuery: string): string {
  return signedReferenceParts(reference, signedQuery).join("");
}
