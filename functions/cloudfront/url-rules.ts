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

/**
 * A URL in a form the WHATWG parser provably leaves as it is: a lower-case DNS host of plain
 * labels whose last label starts with a letter (not an IPv4 number), no `--` (so no `xn--` IDNA
 * label), a port without a leading zero, and a path and query of characters it never
 * percent-encodes. Such a URL needs no `new URL` to be known normalized (a parse costs about a
 * fifth of an ECDSA signature); anything else takes the full parse.
 */
const PLAIN_URL =
  /^(https?):\/\/((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z](?:[a-z0-9-]*[a-z0-9])?)(?::([1-9][0-9]{0,4}))?\/[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*)?$/;
/** A `.` or `..` segment, also percent-encoded, which the parser would remove. */
const DOT_SEGMENT = /\/(?:\.|%2e)(?:\.|%2e)?(?:[/?]|$)/i;
const DEFAULT_PORT: Readonly<Record<string, string>> = { http: "80", https: "443" };

/** The host of a URL that is provably normalized already (see PLAIN_URL), else undefined. */
export function plainUrlHostname(url: string): string | undefined {
  const match = PLAIN_URL.exec(url);
  if (!match) return undefined;
  const [, scheme, hostname, port] = match;
  if (hostname.includes("--")) return undefined;
  if (port !== undefined && (Number(port) > 65535 || port === DEFAULT_PORT[scheme])) return undefined;
  if ((url.includes("/.") || url.includes("%")) && DOT_SEGMENT.test(url)) return undefined;
  return hostname;
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
  // The common, plain URL skips the full parse (whose checks could not fail for it); its
  // characters are all JSON-safe too.
  let hostname = plainUrlHostname(url);
  if (hostname === undefined) {
    assertJsonSafeResource(url);
    hostname = parsedHostname(url);
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
  return { url, hostname };
}

/** Full WHATWG parse: the URL must have a host, no credentials, and serialize to itself. */
function parsedHostname(url: string): string {
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
  return parsed.hostname.toLowerCase();
}

/**
 * A canned policy names one exact URL: CloudFront rebuilds it from the URL
 * actually requested and compares signatures, so a `*` (or a `?` after the one
 * that starts the query) is never a wildcard there; the signature would open
 * only a URL nobody requests. Refused with the fix named: a custom policy.
 */
export function assertCannedUrl(url: string): void {
  const mark = url.indexOf("?");
  if (!url.includes("*") && (mark === -1 || url.indexOf("?", mark + 1) === -1)) return;
  const folder = printable(url.slice(0, url.lastIndexOf("/", mark === -1 ? url.length : mark) + 1));
  throw new SigningInputError(
    "wildcard-in-canned-url",
    `"${printable(url)}" contains * or a second ?, but a canned policy covers one exact URL ` +
      "(CloudFront rebuilds it from the URL requested), so it would authorise nothing. " +
      `For a folder, sign a custom policy with a resource pattern: --resource '${folder}*' ` +
      "(CLI) or resource: { pattern } / { folderOf } (Signer)",
  );
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
