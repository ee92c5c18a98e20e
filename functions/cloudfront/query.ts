/**
 * Byte-faithful query handling. CloudFront compares policies against the
 * request URL exactly as sent, so nothing here re-encodes or reorders: the
 * query is split on `&` and joined back unchanged.
 */

import { isSigningQueryParameter } from "../../contract/signing-names";

/** Query parameters CloudFront reads as the signature (and strips before matching): contract/signing-names.ts. */
export const isSigningParameter = isSigningQueryParameter;

export interface SplitUrl {
  /** Everything before `?` (or the whole URL without a fragment). */
  readonly base: string;
  /** The query without `?`, or undefined when there is no `?`. */
  readonly query: string | undefined;
}

/** Splits off the query; a fragment never reaches CloudFront, so it is dropped. */
export function splitUrl(url: string): SplitUrl {
  const hash = url.indexOf("#");
  const withoutFragment = hash === -1 ? url : url.slice(0, hash);
  const mark = withoutFragment.indexOf("?");
  if (mark === -1) return { base: withoutFragment, query: undefined };
  return { base: withoutFragment.slice(0, mark), query: withoutFragment.slice(mark + 1) };
}

export function parameterName(pair: string): string {
  const equals = pair.indexOf("=");
  return equals === -1 ? pair : pair.slice(0, equals);
}

export function parameterValue(pair: string): string {
  const equals = pair.indexOf("=");
  return equals === -1 ? "" : pair.slice(equals + 1);
}

/** Percent-decodes a parameter name for the "already signed" check; undecodable names stay as they are. */
export function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/**
 * Removes Expires, Policy, Signature, Key-Pair-Id and Hash-Algorithm from the
 * query, leaving every other byte as it was: the URL CloudFront matches a
 * policy's Resource against.
 */
export function stripSigningParameters(url: string): string {
  const { base, query } = splitUrl(url);
  if (query === undefined) return base;
  const kept = query.split("&").filter((pair) => !isSigningParameter(parameterName(pair)));
  return kept.length === 0 ? base : `${base}?${kept.join("&")}`;
}
