/**
 * CloudFront's URL-safe base64: standard base64 with `+` -> `-`, `=` -> `_`
 * and `/` -> `~`, padding kept. Used for `Policy` and `Signature`.
 */
import { SigningInputError } from "./errors";

const FROM_SAFE: Record<string, string> = { "-": "+", _: "=", "~": "/" };
/** Padded CloudFront base64: groups of four, `_` padding only at the very end. */
const CLOUDFRONT_BASE64 = /^(?:[A-Za-z0-9~-]{4})*(?:[A-Za-z0-9~-]{2}__|[A-Za-z0-9~-]{3}_)?$/;

export function toCloudFrontBase64(data: Buffer | string): string {
  const buffer = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  // base64url already maps + to -; it maps / to _ (CloudFront: ~) and drops the padding (CloudFront: _).
  const url = buffer.toString("base64url");
  const padding = (4 - (url.length % 4)) % 4;
  return url.replaceAll("_", "~") + (padding === 2 ? "__" : padding === 1 ? "_" : "");
}

/**
 * Strict decoder: refuses characters outside the alphabet, bad padding and
 * non-canonical trailing bits (Node's decoder silently ignores all three,
 * which would let a changed character decode to the same bytes).
 */
export function fromCloudFrontBase64(text: string): Buffer {
  if (typeof text !== "string" || text.length === 0 || !CLOUDFRONT_BASE64.test(text)) {
    throw new SigningInputError("bad-base64", "not CloudFront base64 (alphabet A-Z a-z 0-9 - ~, padding _)");
  }
  const decoded = Buffer.from(
    text.replace(/[-_~]/g, (c) => FROM_SAFE[c]),
    "base64",
  );
  if (toCloudFrontBase64(decoded) !== text) {
    throw new SigningInputError(
      "bad-base64",
      "not canonical CloudFront base64 (unused trailing bits are set)",
    );
  }
  return decoded;
}
