/**
 * Set-Cookie header values for CloudFront signed cookies: always Secure and
 * HttpOnly; SameSite=None by default (players on another origin need it);
 * Domain and Path as asked; Expires/Max-Age only when asked.
 */
import { SigningInputError } from "./errors";
import { printable } from "./ip";
import type { CookieAttributes, SignedCookieValues } from "./types";

const DOMAIN =
  /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PATH = /^\/[\x21-\x3a\x3c-\x7e]*$/;
const SAME_SITE: readonly string[] = ["Strict", "Lax", "None"];

export function buildSetCookieHeaders(
  cookies: SignedCookieValues,
  urlHostname: string,
  attributes: CookieAttributes,
  time: { expires: number; now: number },
): string[] {
  // The attributes every cookie shares, each after "; " (built as one string: this runs per request).
  let tail = "";
  const path = attributes.path ?? "/";
  if (!PATH.test(path)) {
    throw new SigningInputError(
      "bad-cookie-attribute",
      `cookie Path "${printable(path)}" must start with / (no ; or spaces)`,
    );
  }
  tail += `; Path=${path}`;
  if (attributes.domain !== undefined) {
    const domain = String(attributes.domain).toLowerCase().replace(/^\./, "");
    if (!DOMAIN.test(domain)) {
      throw new SigningInputError(
        "bad-cookie-attribute",
        `cookie Domain "${printable(domain)}" is not a host name`,
      );
    }
    if (urlHostname !== domain && !urlHostname.endsWith(`.${domain}`)) {
      throw new SigningInputError(
        "bad-cookie-attribute",
        `cookie Domain "${domain}" does not cover "${urlHostname}": the browser would never send these cookies there`,
      );
    }
    tail += `; Domain=${domain}`;
  }
  if (attributes.expiresAttribute === true) {
    tail += `; Expires=${new Date(time.expires * 1000).toUTCString()}`;
    tail += `; Max-Age=${Math.max(0, Math.floor(time.expires - time.now))}`;
  }
  const sameSite = attributes.sameSite ?? "None";
  if (!SAME_SITE.includes(sameSite)) {
    throw new SigningInputError(
      "bad-cookie-attribute",
      `SameSite must be Strict, Lax or None, got "${printable(sameSite)}"`,
    );
  }
  // SameSite=None is only honoured with Secure; Secure and HttpOnly are always set.
  tail += `; Secure; HttpOnly; SameSite=${sameSite}`;
  const headers: string[] = [];
  // Own keys in insertion order, as Object.entries gives them, without its pair arrays.
  for (const name in cookies) {
    const value: unknown = cookies[name as keyof SignedCookieValues];
    if (Object.hasOwn(cookies, name) && typeof value === "string") headers.push(`${name}=${value}${tail}`);
  }
  return headers;
}
