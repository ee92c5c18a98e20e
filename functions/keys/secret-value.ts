/**
 * The value stored in a key secret. The rotation writes JSON that carries the
 * public key id with the private key, so a signer that reads the two SSM
 * parameters while a promotion is half-written still pairs the right id with
 * the right key. A bare PEM (e.g. written by hand) is accepted too; its key id
 * then comes from `<prefix>/active-key-id`.
 */

export interface KeySecretValue {
  /** CloudFront public key id the private key belongs to, when the secret says so. */
  readonly keyPairId?: string;
  readonly privateKeyPem: string;
}

const KEY_ID = /^[A-Z0-9]{8,64}$/;

/** Parses a secret string. Errors never quote the secret. */
export function parseKeySecret(text: string): KeySecretValue {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) return { privateKeyPem: trimmed + "\n" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error("key secret is neither a PEM private key nor JSON {keyPairId, privateKeyPem}");
  }
  const record = parsed as Record<string, unknown>;
  if (!record || typeof record !== "object" || typeof record.privateKeyPem !== "string") {
    throw new Error("key secret JSON has no privateKeyPem string");
  }
  if (!record.privateKeyPem.includes("-----BEGIN")) throw new Error("key secret privateKeyPem is not PEM");
  if (
    record.keyPairId !== undefined &&
    (typeof record.keyPairId !== "string" || !KEY_ID.test(record.keyPairId))
  ) {
    throw new Error("key secret keyPairId is not a CloudFront public key id");
  }
  return { keyPairId: record.keyPairId as string | undefined, privateKeyPem: record.privateKeyPem };
}

/** The JSON the rotation writes into a secret. */
export function formatKeySecret(value: { keyPairId: string; privateKeyPem: string }): string {
  if (!KEY_ID.test(value.keyPairId))
    throw new Error(`not a CloudFront public key id: ${JSON.stringify(value.keyPairId)}`);
  return JSON.stringify({ keyPairId: value.keyPairId, privateKeyPem: value.privateKeyPem });
}

export function isCloudFrontKeyId(value: unknown): value is string {
  return typeof value === "string" && KEY_ID.test(value);
}
