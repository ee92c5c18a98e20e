/**
 * The public shapes of the CloudFront signing core. Everything that signs or
 * verifies (handlers, rewriter, rotation, CLI, local edge) speaks these types.
 * Pure: no AWS or Pulumi import anywhere under functions/cloudfront.
 */

/** Signature hash. CloudFront uses SHA-1 unless `Hash-Algorithm=SHA256` is sent. */
export type HashAlgorithm = "sha1" | "sha256";

/** Key algorithms CloudFront accepts for public keys in key groups. */
export type KeyAlgorithm = "rsa-2048" | "ecdsa-p256";

/** One statement of a CloudFront policy, in epoch seconds. */
export interface PolicyStatement {
  /** URL or wildcard pattern (`*` any run, `?` one character). */
  readonly resource: string;
  /** `DateLessThan` (required): the URL is valid strictly before this second. */
  readonly dateLessThan: number;
  /** `DateGreaterThan` (optional): the URL is valid strictly after this second. */
  readonly dateGreaterThan?: number;
  /** `IpAddress.AWS:SourceIp` (optional): an IPv4 CIDR such as `192.0.2.0/24` or `192.0.2.7/32`. */
  readonly ipAddress?: string;
}

/** What the caller asks to sign. The resource rules live in the signer, not the caller. */
export interface SignOptions {
  /** Expiry, epoch seconds. */
  readonly expires: number;
  /** Not before, epoch seconds (forces a custom policy). */
  readonly notBefore?: number;
  /** Viewer IPv4 address or CIDR to bind to (forces a custom policy). */
  readonly ipAddress?: string;
  /**
   * Resource of a custom policy. Omitted: the URL itself (canned policy when
   * nothing else forces custom). A trusted, operator-written pattern is passed
   * as `{ pattern }`; a scope derived from untrusted input as `{ folderOf }`,
   * which the signer builds itself and refuses if the input holds `*` or `?`.
   */
  readonly resource?:
    { readonly pattern: string } | { readonly folderOf: string; readonly includeQuery?: boolean };
  /** Hash algorithm, default from the signer (sha1). */
  readonly hashAlgorithm?: HashAlgorithm;
}

/** CloudFront cookie names, exactly. */
export interface SignedCookieValues {
  "CloudFront-Key-Pair-Id": string;
  "CloudFront-Signature": string;
  "CloudFront-Policy"?: string;
  "CloudFront-Expires"?: string;
  "CloudFront-Hash-Algorithm"?: string;
}

export interface CookieAttributes {
  /** Cookie Domain, e.g. `media.example.com` (omit for a host-only cookie). */
  readonly domain?: string;
  /** Cookie Path, default `/`. */
  readonly path?: string;
  /** SameSite, default `None` (players on another origin need it; requires Secure). */
  readonly sameSite?: "Strict" | "Lax" | "None";
  /** Adds `Expires=` / `Max-Age=` only when asked; session cookies by default. */
  readonly expiresAttribute?: boolean;
}

export interface SignedCookies {
  readonly cookies: SignedCookieValues;
  /** Complete `Set-Cookie` header values, one per cookie (Secure; HttpOnly always). */
  readonly setCookieHeaders: string[];
  readonly expires: number;
  readonly policy: PolicyStatement;
}

/** Why CloudFront would reject a request. Stable codes; `reason` is plain words. */
export type RejectCode =
  | "missing-signature"
  | "malformed"
  | "unknown-key"
  | "bad-signature"
  | "expired"
  | "not-yet-valid"
  | "ip-mismatch"
  | "resource-mismatch"
  | "bad-hash-algorithm";

export type VerifyResult =
  | {
      readonly accepted: true;
      readonly keyPairId: string;
      readonly source: "url" | "cookie";
      readonly policy: PolicyStatement;
      readonly kind: "canned" | "custom";
      readonly hashAlgorithm: HashAlgorithm;
    }
  | { readonly accepted: false; readonly code: RejectCode; readonly reason: string };

export interface VerifyRequest {
  /** The full requested URL, e.g. `https://d111.cloudfront.net/a/b.ts?x=1&Policy=...`. */
  readonly url: string;
  /** The request's `Cookie` header, if any. */
  readonly cookieHeader?: string;
  /** Viewer IP address (IPv4 or IPv6 text). */
  readonly viewerIp?: string;
  /** Clock, epoch seconds. */
  readonly now: number;
}

/** Public keys CloudFront trusts for a behavior: key id -> PEM (SPKI). */
export type TrustedKeys = ReadonlyMap<string, string>;
