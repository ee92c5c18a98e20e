/**
 * Finds private key material: a PEM private-key block with a body, not just
 * the marker text that key-parsing code legitimately contains.
 */

const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED |OPENSSH )?PRIVATE KEY)-----([\s\S]{0,20000}?)-----END \1-----/g;
/** Fewer base64 characters than this cannot be a key (an EC P-256 PKCS#8 body alone is ~160). */
const MIN_KEY_BODY_CHARS = 100;

/** Returns the PEM label (e.g. "RSA PRIVATE KEY") of the first private key in `text`, if any. */
export function findPrivateKeyPem(text: string): string | undefined {
  if (!text.includes("PRIVATE KEY-----")) return undefined;
  for (const match of text.matchAll(PEM_PRIVATE_KEY)) {
    // Serialized code escapes newlines ("\\n"); count only base64 characters of the body.
    const body = match[2].replace(/\\[nr]/g, "").replace(/[^A-Za-z0-9+/=]/g, "");
    if (body.length >= MIN_KEY_BODY_CHARS) return match[1];
  }
  return undefined;
}
