/**
 * Key handling: detects RSA-2048 / ECDSA P-256 from a PEM, refuses every
 * other key with a clear error, and generates new pairs (PKCS#8 / SPKI PEM).
 * Parse once, sign many times: callers keep the returned KeyObject.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { SigningInputError } from "./errors";
import type { KeyAlgorithm } from "./types";

export interface SigningKey {
  readonly algorithm: KeyAlgorithm;
  readonly keyObject: KeyObject;
}

export interface PublicKey {
  readonly algorithm: KeyAlgorithm;
  readonly keyObject: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----/;

function pemLabel(pem: unknown): string {
  if (typeof pem !== "string") throw new SigningInputError("bad-key", "key must be PEM text");
  const match = PEM_BLOCK.exec(pem);
  if (!match) throw new SigningInputError("bad-key", "key is not PEM (no -----BEGIN ...----- line)");
  return match[1];
}

/** Which CloudFront algorithm a key is, or a clear refusal. */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    if (details.modulusLength !== 2048) {
      throw new SigningInputError(
        "unsupported-key",
        `RSA key is ${details.modulusLength} bits: CloudFront accepts RSA-2048 only`,
      );
    }
    return "rsa-2048";
  }
  if (key.asymmetricKeyType === "ec") {
    if (details.namedCurve !== "prime256v1") {
      const name = details.namedCurve === "secp384r1" ? "P-384 (secp384r1)" : String(details.namedCurve);
      throw new SigningInputError(
        "unsupported-key",
        `EC key uses curve ${name}: CloudFront accepts ECDSA P-256 only`,
      );
    }
    return "ecdsa-p256";
  }
  throw new SigningInputError(
    "unsupported-key",
    `${String(key.asymmetricKeyType)} key: CloudFront accepts RSA-2048 and ECDSA P-256 only`,
  );
}

export function parsePrivateKey(pem: string): SigningKey {
  const label = pemLabel(pem);
  if (label.includes("PUBLIC KEY") || label === "CERTIFICATE") {
    throw new SigningInputError("public-key", `this is a ${label}: signing needs the private key`);
  }
  if (label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw new SigningInputError(
      "encrypted-key",
      "the private key is encrypted: decrypt it first (openssl pkey)",
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new SigningInputError("bad-key", `could not read the ${label} PEM: it is damaged or not a key`);
  }
  return { algorithm: keyAlgorithmOf(keyObject), keyObject };
}

export function parsePublicKey(pem: string): PublicKey {
  const label = pemLabel(pem);
  if (label.includes("PRIVATE KEY")) {
    // Refused so that private keys never end up in trusted-key configuration.
    throw new SigningInputError(
      "private-key",
      `this is a ${label}: give the public key (openssl pkey -pubout)`,
    );
  }
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: pem, format: "pem" });
  } catch {
    throw new SigningInputError(
      "bad-key",
      `could not read the ${label} PEM: it is damaged or not a public key`,
    );
  }
  return { algorithm: keyAlgorithmOf(keyObject), keyObject };
}

export function generateKeyPair(algorithm: KeyAlgorithm): { privateKeyPem: string; publicKeyPem: string } {
  const publicKeyEncoding = { type: "spki", format: "pem" } as const;
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  if (algorithm === "rsa-2048") {
    const pair = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicExponent: 0x10001,
      publicKeyEncoding,
      privateKeyEncoding,
    });
    return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
  }
  if (algorithm === "ecdsa-p256") {
    const pair = generateKeyPairSync("ec", {
      namedCurve: "prime256v1",
      publicKeyEncoding,
      privateKeyEncoding,
    });
    return { privateKeyPem: pair.privateKey, publicKeyPem: pair.publicKey };
  }
  throw new SigningInputError("unsupported-key", `unknown key algorithm "${String(algorithm)}"`);
}
