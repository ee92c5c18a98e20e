/**
 * What the signer accepts as a URL or resource pattern. A URL must be exactly
 * the string a browser will request (CloudFront compares bytes), and a pattern
 * must not widen access beyond what the operator wrote.
 */
import { SigningInputError } from "./errors";
import { printable } from "./ip";
import { assertJsonSafeResource } from "./policy";
import { decodedName, isSigningParameter, parameterName, splitUrl } from "./query";

export interface CheckedUrl {
  readonly url: string;
  /** Lower-case host name without port. */
  readonly hostname: string;
}

/** Authority of `scheme://authority/...` as written. */
function rawAuthority(text: string): string {
  const start = text.indexOf("://") + 3;
  const rest = text.slice(start);
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** Validates a URL to sign; returns it unchanged (byte for byte) with its host. */
export function checkUrlToSign(url: string): CheckedUrl {
  if (typeof url !== "string" || url.length === 0) throw new SigningInputError("bad-url", "URL is empty");
  if (url.length > 8192) throw new SigningInputError("bad-url", "URL is longer than 8192 characters");
  if (!url.startsWith("https://") && !url.startsWith("http://")) {
    throw new SigningInputError(
      "bad-scheme",
      `"${printable(url)}" is not an http(s) URL (scheme must be lower-case http:// or https://)`,
    );
  }
  if (url.includes("#")) {
    throw new SigningInputError(
      "has-fragment",
      "URL has a #fragment, which browsers never send to CloudFront",
    );
  }
  assertJsonSafeResource(url);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SigningInputError("bad-url", `"${printable(url)}" is not a valid URL`);
  }
  if (parsed.username || parsed.password) {
    throw new SigningInputError("bad-url", "URL carries user:password@ credentials");
  }
  if (!parsed.hostname) throw new SigningInputError("bad-url", "URL has no host");
  // WHATWG serialization is what a browser sends; an already normalized URL serializes to itself.
  if (parsed.href !== url) {
    throw new SigningInputError(
      "not-normalized",
      `"${printable(url)}" is not what a browser would request (expected "${printable(parsed.href)}"): ` +
        "CloudFront compares the exact bytes, so sign the normalized form",
    );
  }
  const { query } = splitUrl(url);
  if (query === "") throw new SigningInputError("not-normalized", "URL ends with an empty query (a bare ?)");
  if (query !== undefined) {
    for (const pair of query.split("&")) {
      const name = parameterName(pair);
      if (isSigningParameter(name) || (name.includes("%") && isSigningParameter(decodedName(name)))) {
        throw new SigningInputError(
          "already-signed",
          `URL already has a ${decodedName(name)} parameter: CloudFront would read it as a signature; remove it first`,
        );
      }
    }
  }
  return { url, hostname: parsed.hostname.toLowerCase() };
}

/** Host part of a pattern (`https://host/...`, `*://host/...`). */
export function patternHost(pattern: string): string {
  return rawAuthority(pattern).toLowerCase();
}

/** Validates an operator-written resource pattern. */
export function checkPattern(pattern: string): string {
  assertJsonSafeResource(pattern);
  if (!/^(?:https?|http\*|\*):\/\/[^/?]+\//.test(pattern)) {
    throw new SigningInputError(
      "bad-resource",
      `resource pattern "${printable(pattern)}" must be protocol://host/path ` +
        "(protocol http, https, http* or *; a pattern without a path would cover every object on the host)",
    );
  }
  return pattern;
}

/**
 * `https://host/dir/file.m3u8?x` -> `https://host/dir/*`. Built from
 * untrusted input, so a `*` or `?` in the scheme, host or folder (which would
 * widen the scope) is refused; the trailing `*` also covers any query string.
 */
export function folderWildcardResource(url: string): string {
  if (typeof url !== "string") throw new SigningInputError("bad-url", "folder URL must be a string");
  const { base } = splitUrl(url);
  if (url.includes("#")) throw new SigningInputError("has-fragment", "folder URL has a #fragment");
  if (base.includes("*") || base.includes("?")) {
    throw new SigningInputError(
      "wildcard-injection",
      `"${printable(url)}" holds a * or ? wildcard that would widen the signed scope`,
    );
  }
  const checked = checkUrlToSign(base);
  const folderEnd = checked.url.lastIndexOf("/");
  if (folderEnd < checked.url.indexOf("://") + 3)
    throw new SigningInputError("bad-url", "folder URL has no path");
  return `${checked.url.slice(0, folderEnd + 1)}*`;
}
