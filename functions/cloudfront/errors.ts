/**
 * The one error type the signing core throws for input it refuses. Callers
 * switch on `code` (stable), humans read `message` (plain words). No message
 * ever contains a private key or a full signature.
 */

/** Stable codes of refused input, one per rule. */
export type SigningInputErrorCode =
  | "bad-url"
  | "bad-scheme"
  | "not-normalized"
  | "has-fragment"
  | "already-signed"
  | "bad-expiry"
  | "expired"
  | "expiry-too-large"
  | "bad-not-before"
  | "not-before-after-expiry"
  | "lifetime-too-long"
  | "bad-ip"
  | "ipv6-not-supported"
  | "wildcard-injection"
  | "wildcard-in-canned-url"
  | "ip-range-too-wide"
  | "grant-excludes-playlist"
  | "root-playlist"
  | "above-asset-root"
  | "bad-resource"
  | "resource-excludes-url"
  | "host-not-allowed"
  | "bad-key-pair-id"
  | "bad-key"
  | "public-key"
  | "private-key"
  | "encrypted-key"
  | "unsupported-key"
  | "bad-hash-algorithm"
  | "bad-policy"
  | "bad-base64"
  | "bad-cookie-attribute"
  | "bad-option";

export class SigningInputError extends Error {
  readonly code: SigningInputErrorCode;

  constructor(code: SigningInputErrorCode, message: string) {
    super(message);
    this.name = "SigningInputError";
    this.code = code;
  }
}
