/**
 * CloudFront's `Resource` matching, as its developer guide describes it for
 * custom policies (signed URLs and signed cookies):
 *
 * - The policy URL is split into four sections, `protocol://domain/path?query`,
 *   and a wildcard matches only inside its own section: `*` any run of
 *   characters (zero or more, `/` included), `?` exactly one character.
 * - The first `?` after the domain starts the query section (an explicit `\?`
 *   may mark it instead; then every plain `?` is a wildcard).
 * - A trailing `*` in the path implies `*` for the query (`/hello*` equals
 *   `/hello*\?*`): a folder wildcard also covers any query string.
 * - A pattern that ends with `*` in the domain implies `*` for path and query.
 * - A pattern may omit the protocol when it starts with `*` (protocol `*`).
 * - `"*"` alone matches every URL.
 * - Without a trailing `*` in the path and without a query section, the
 *   request must carry no query (after the signing parameters are removed).
 *
 * Matching is case-sensitive except for the domain (host names are not).
 * Iterative globbing, no regex, so a hostile pattern cannot backtrack forever.
 */

/** `*` and `?` glob over one section. */
export function globMatches(pattern: string, text: string): boolean {
  // Without a wildcard the glob is plain equality (the common protocol and domain sections).
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === text;
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern.charCodeAt(p) === 42 /* * */) {
      starP = p++;
      starT = t;
    } else if (p < pattern.length && (pattern.charCodeAt(p) === 63 /* ? */ || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}

interface Sections {
  readonly protocol: string;
  readonly domain: string;
  /** Undefined when the URL ends inside the domain section. */
  readonly path: string | undefined;
  /** Undefined when there is no query section. */
  readonly query: string | undefined;
}

/**
 * Splits `domain/path?query`. In a pattern the domain runs to the first `/`
 * (a `?` before it is a wildcard); in a request it also ends at a `?`.
 */
function splitRest(protocol: string, rest: string, isPattern: boolean): Sections {
  const explicit = isPattern && rest.includes("\\?");
  const slash = rest.indexOf("/");
  const requestMark = isPattern ? -1 : rest.indexOf("?");
  const domainEnd = requestMark !== -1 && (slash === -1 || requestMark < slash) ? requestMark : slash;
  if (domainEnd === -1) return { protocol, domain: rest, path: undefined, query: undefined };
  const domain = rest.slice(0, domainEnd);
  const queryMark = explicit ? rest.indexOf("\\?", domainEnd) : rest.indexOf("?", domainEnd);
  if (queryMark === -1) return { protocol, domain, path: rest.slice(domainEnd), query: undefined };
  const path = domainEnd === queryMark ? "/" : rest.slice(domainEnd, queryMark);
  return { protocol, domain, path, query: rest.slice(queryMark + (explicit ? 2 : 1)) };
}

function patternSections(pattern: string): Sections | undefined {
  const scheme = pattern.indexOf("://");
  if (scheme !== -1 && !pattern.slice(0, scheme).includes("/")) {
    return splitRest(pattern.slice(0, scheme), pattern.slice(scheme + 3), true);
  }
  // A pattern may omit the protocol only when it starts with "*" in the domain.
  if (pattern.startsWith("*")) return splitRest("*", pattern, true);
  return undefined;
}

function requestSections(url: string): Sections | undefined {
  const scheme = url.indexOf("://");
  if (scheme === -1) return undefined;
  const sections = splitRest(url.slice(0, scheme), url.slice(scheme + 3), false);
  return {
    protocol: sections.protocol,
    domain: sections.domain,
    path: sections.path ?? "/",
    query: sections.query || undefined,
  };
}

/**
 * Whether a policy's Resource covers a request URL (signing parameters
 * already removed, as CloudFront does before comparing).
 */
export function resourceMatches(pattern: string, url: string): boolean {
  if (typeof pattern !== "string" || typeof url !== "string") return false;
  if (pattern === "*") return true;
  const want = patternSections(pattern);
  const got = requestSections(url);
  if (!want || !got) return false;
  if (!globMatches(want.protocol, got.protocol)) return false;
  if (!globMatches(want.domain.toLowerCase(), got.domain.toLowerCase())) return false;
  if (want.path === undefined) {
    // Ends in the domain: a trailing "*" covers any path and query; otherwise only "/".
    return want.domain.endsWith("*") || (got.path === "/" && got.query === undefined);
  }
  if (!globMatches(want.path, got.path as string)) return false;
  if (want.query !== undefined) return globMatches(want.query, got.query ?? "");
  return want.path.endsWith("*") || got.query === undefined;
}
