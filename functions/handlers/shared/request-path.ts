/**
 * The manifest function only serves request paths that are already in normal
 * form. CloudFront matches a viewer's grant against the path bytes it
 * received; Node's URL parser, `fetch` and many origins then resolve `..`
 * (also `%2e%2e`, `.%2e`) and may decode `%2f`. A path that would change on
 * the way could be covered by the grant and still fetch another folder, so
 * it is refused before the grant is read, and the fetch URL is checked to
 * carry exactly the path the policy was computed for.
 */

/** RFC 3986 path characters, `%XX` escapes included; anything else (spaces, `\`, non-ASCII) is refused. */
const PATH_CHARACTERS = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
/** `%2f` and `%5c` decode to `/` and `\`, which some origins then read as separators. */
const ENCODED_SEPARATOR = /%(?:2f|5c)/i;

export type RequestPathProblem = "bad-characters" | "empty-segment" | "dot-segment" | "encoded-separator";

/** Why `path` is not in normal form, or undefined when every parser and origin reads it as written. */
export function requestPathProblem(path: string): RequestPathProblem | undefined {
  if (!PATH_CHARACTERS.test(path)) return "bad-characters";
  if (path.includes("//")) return "empty-segment";
  if (path.includes("%") && ENCODED_SEPARATOR.test(path)) return "encoded-separator";
  // Only a segment holding "." (raw or %2e) can be, or decode to, "." or "..".
  if (path.includes("/.") || path.includes("%")) {
    for (const segment of path.split("/")) {
      if (segment.length === 0 || segment.length > 6) continue;
      const decoded = segment.replace(/%2e/gi, ".");
      if (decoded === "." || decoded === "..") return "dot-segment";
    }
  }
  return undefined;
}

/**
 * Whether `fetchUrl`, as `fetch` will parse it, asks for exactly `path` (no normalization on the
 * way): parsing only removes or rewrites segments, so an unchanged path still ends the pathname.
 */
export function fetchesExactly(fetchUrl: string, path: string): boolean {
  try {
    return new URL(fetchUrl).pathname.endsWith(path);
  } catch {
    return false;
  }
}
