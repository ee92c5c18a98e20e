/**
 * Decides about a request as CloudFront does: reads the signature from the
 * query (which wins) or the cookies, checks the key id against the trusted
 * keys, the signature with the declared hash, then the policy's times, source
 * IP and Resource. Every rejection carries a stable code and plain words.
 */
import { verify } from "node:crypto";
import { fromCloudFrontBase64 } from "./base64";
import { SigningInputError } from "./errors";
import { cidrContains, ipv4ToNumber, isIpv4, parseIpv4Cidr, printable, unmapIpv4 } from "./ip";
import { parsePublicKey, type PublicKey } from "./keys";
import { cannedPolicyJson, parsePolicyJson } from "./policy";
import {
  SIGNING_QUERY_PARAMETERS,
  URL_DECIDING_PARAMETERS,
  signedCookieName,
  type SigningQueryParameter,
} from "../../contract/signing-names";
import { isSigningParameter, parameterName, parameterValue, splitUrl, stripSigningParameters } from "./query";
import type {
  HashAlgorithm,
  PolicyStatement,
  RejectCode,
  TrustedKeys,
  VerifyRequest,
  VerifyResult,
} from "./types";
import { resourceMatches } from "./wildcard";

export { resourceMatches } from "./wildcard";
export { stripSigningParameters } from "./query";

export interface SignedRequest {
  readonly source: "url" | "cookie";
  readonly kind: "canned" | "custom";
  readonly policy: PolicyStatement;
  readonly keyPairId: string;
  readonly hashAlgorithm: HashAlgorithm;
}

type Rejection = { readonly accepted: false; readonly code: RejectCode; readonly reason: string };

/** The raw signing values a viewer presented, before any check. */
interface Presented {
  readonly source: "url" | "cookie";
  readonly kind: "canned" | "custom";
  readonly keyPairId: string;
  readonly hashAlgorithm: HashAlgorithm;
  readonly signature: string;
  /** The exact policy bytes the signature covers. */
  readonly policyBytes: Buffer;
  /** The request URL without signing parameters: what Resource is matched against. */
  readonly resourceUrl: string;
}

function reject(code: RejectCode, reason: string): Rejection {
  return { accepted: false, code, reason };
}

function isRejection(value: unknown): value is Rejection {
  return typeof value === "object" && value !== null && (value as Rejection).accepted === false;
}

/** Signing values from the query string; a name given twice is malformed. */
function fromQuery(url: string): Map<string, string> | Rejection {
  const found = new Map<string, string>();
  const { query } = splitUrl(url);
  if (query === undefined) return found;
  for (const pair of query.split("&")) {
    const name = parameterName(pair);
    if (!isSigningParameter(name)) continue;
    if (found.has(name)) return reject("malformed", `the URL has the ${name} parameter twice`);
    found.set(name, parameterValue(pair));
  }
  return found;
}

/** Signing values from a Cookie header; a CloudFront cookie sent twice is malformed. */
function fromCookies(cookieHeader: string | undefined): Map<string, string> | Rejection {
  const found = new Map<string, string>();
  if (!cookieHeader) return found;
  const wanted = new Map<string, SigningQueryParameter>(
    SIGNING_QUERY_PARAMETERS.map((param) => [signedCookieName(param), param]),
  );
  for (const part of cookieHeader.split(";")) {
    const equals = part.indexOf("=");
    const name = (equals === -1 ? part : part.slice(0, equals)).trim();
    const param = wanted.get(name);
    if (param === undefined) continue;
    if (found.has(param)) {
      return reject(
        "malformed",
        `the ${name} cookie was sent twice (two Set-Cookie scopes overlap: different Path or Domain)`,
      );
    }
    found.set(param, equals === -1 ? "" : part.slice(equals + 1).trim());
  }
  return found;
}

function hashFrom(value: string | undefined, where: string): HashAlgorithm | Rejection {
  if (value === undefined || value === "SHA1") return "sha1";
  if (value === "SHA256") return "sha256";
  return reject("bad-hash-algorithm", `${where} is "${printable(value)}"; CloudFront accepts SHA1 or SHA256`);
}

function present(url: string, cookieHeader: string | undefined): Presented | Rejection {
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    return reject("malformed", "the request URL must start with http:// or https://");
  }
  const query = fromQuery(url);
  if (isRejection(query)) return query;
  // The URL decides as soon as it carries any signing value, as in CloudFront.
  const urlSigned = URL_DECIDING_PARAMETERS.some((name) => query.has(name));
  const cookies = urlSigned ? new Map<string, string>() : fromCookies(cookieHeader);
  if (isRejection(cookies)) return cookies;
  const source = urlSigned ? "url" : "cookie";
  const values = urlSigned ? query : cookies;
  const label = (param: SigningQueryParameter) =>
    source === "url" ? `the ${param} parameter` : `the ${signedCookieName(param)} cookie`;
  if (!urlSigned && !URL_DECIDING_PARAMETERS.some((name) => values.has(name))) {
    return reject("missing-signature", "no signed URL parameters and no CloudFront signed cookies were sent");
  }
  const signature = values.get("Signature");
  const keyPairId = values.get("Key-Pair-Id");
  const expires = values.get("Expires");
  const policy = values.get("Policy");
  if (!signature) return reject("missing-signature", `${label("Signature")} is missing or empty`);
  if (!keyPairId) return reject("malformed", `${label("Key-Pair-Id")} is missing or empty`);
  if (expires !== undefined && policy !== undefined) {
    return reject("malformed", `both ${label("Expires")} and ${label("Policy")} were sent; use one`);
  }
  if (expires === undefined && policy === undefined) {
    return reject(
      "malformed",
      `neither ${label("Expires")} (canned) nor ${label("Policy")} (custom) was sent`,
    );
  }
  const hashAlgorithm = hashFrom(values.get("Hash-Algorithm"), label("Hash-Algorithm"));
  if (isRejection(hashAlgorithm)) return hashAlgorithm;
  const resourceUrl = stripSigningParameters(url);
  let policyBytes: Buffer;
  if (expires !== undefined) {
    if (!/^\d{1,10}$/.test(expires)) {
      return reject(
        "malformed",
        `${label("Expires")} "${printable(expires)}" is not a whole number of epoch seconds`,
      );
    }
    try {
      policyBytes = Buffer.from(cannedPolicyJson(resourceUrl, Number(expires)), "utf8");
    } catch (error) {
      return reject("malformed", `the canned policy cannot be rebuilt: ${(error as Error).message}`);
    }
  } else {
    try {
      policyBytes = fromCloudFrontBase64(policy as string);
    } catch (error) {
      return reject("malformed", `${label("Policy")} is ${(error as Error).message}`);
    }
  }
  return {
    source,
    kind: expires !== undefined ? "canned" : "custom",
    keyPairId,
    hashAlgorithm,
    signature,
    policyBytes,
    resourceUrl,
  };
}

function statementOf(presented: Presented): PolicyStatement | Rejection {
  try {
    return parsePolicyJson(presented.policyBytes.toString("utf8"));
  } catch (error) {
    return reject("malformed", (error as Error).message);
  }
}

/**
 * Decodes what the viewer presented WITHOUT checking the signature (the edge
 * handler uses it to learn the viewer's expiry and IP binding).
 */
export function readSignedRequest(url: string, cookieHeader?: string): SignedRequest | { error: string } {
  const presented = present(url, cookieHeader);
  if (isRejection(presented)) return { error: presented.reason };
  const policy = statementOf(presented);
  if (isRejection(policy)) return { error: policy.reason };
  const { source, kind, keyPairId, hashAlgorithm } = presented;
  return { source, kind, policy, keyPairId, hashAlgorithm };
}

/**
 * Whether what the viewer presented for `url` (query, else cookies) carries a valid signature by
 * one of `keys`, whichever key id it names. Only the signature: times, IP and Resource are the
 * caller's to check (the manifest edge function re-checks a grant CloudFront already accepted,
 * as defence in depth, against the stack's own key slots, whose ids it may not know).
 */
export function signedByOneOf(
  url: string,
  cookieHeader: string | undefined,
  keys: readonly PublicKey[],
): boolean {
  const presented = present(url, cookieHeader);
  if (isRejection(presented)) return false;
  let signature: Buffer;
  try {
    signature = fromCloudFrontBase64(presented.signature);
  } catch {
    return false;
  }
  return keys.some((key) => signatureValid(presented, key, signature, presented.hashAlgorithm));
}

/**
 * Parsed trusted keys by PEM. Plain arrays, not a Map: Pulumi's closure
 * serialization turns a captured module-level Map into an empty object.
 */
const keyCache: { readonly pems: string[]; readonly keys: PublicKey[] } = { pems: [], keys: [] };
const KEY_CACHE_LIMIT = 64;

/** Parses a trusted public key once; a bad trusted key is the operator's error and throws. */
function trustedKey(keyPairId: string, pem: string): PublicKey {
  const index = keyCache.pems.indexOf(pem);
  if (index !== -1) return keyCache.keys[index];
  let key: PublicKey;
  try {
    key = parsePublicKey(pem);
  } catch (error) {
    const inner = error as SigningInputError;
    throw new SigningInputError(
      inner.code ?? "bad-key",
      `trusted key ${printable(keyPairId)}: ${inner.message}`,
    );
  }
  if (keyCache.pems.length >= KEY_CACHE_LIMIT) {
    keyCache.pems.shift();
    keyCache.keys.shift();
  }
  keyCache.pems.push(pem);
  keyCache.keys.push(key);
  return key;
}

function signatureValid(
  presented: Presented,
  key: PublicKey,
  signature: Buffer,
  hash: HashAlgorithm,
): boolean {
  try {
    return verify(hash, presented.policyBytes, key.keyObject, signature);
  } catch {
    return false;
  }
}

function checkIp(policy: PolicyStatement, viewerIp: string | undefined): Rejection | undefined {
  if (policy.ipAddress === undefined) return undefined;
  if (viewerIp === undefined || viewerIp === "") {
    return reject(
      "ip-mismatch",
      `the policy is bound to ${policy.ipAddress} but the viewer's IP address is unknown`,
    );
  }
  const viewer = unmapIpv4(viewerIp.trim());
  if (viewer.includes(":")) {
    return reject(
      "ip-mismatch",
      `the viewer connects over IPv6 (${printable(viewer)}) but the policy is bound to the IPv4 range ${policy.ipAddress}; ` +
        "CloudFront cannot match them (disable IPv6 on the distribution or do not bind to an IP)",
    );
  }
  if (!isIpv4(viewer))
    return reject("ip-mismatch", `the viewer IP "${printable(viewer)}" is not a valid address`);
  if (!cidrContains(parseIpv4Cidr(policy.ipAddress), ipv4ToNumber(viewer))) {
    return reject("ip-mismatch", `the viewer IP ${viewer} is outside the policy's range ${policy.ipAddress}`);
  }
  return undefined;
}

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(".000Z", "Z");
}

export function verifyRequest(request: VerifyRequest, trusted: TrustedKeys): VerifyResult {
  if (typeof request?.now !== "number" || !Number.isFinite(request.now)) {
    throw new SigningInputError("bad-option", "verifyRequest needs now (epoch seconds)");
  }
  const presented = present(request.url, request.cookieHeader);
  if (isRejection(presented)) return presented;
  const pem = trusted.get(presented.keyPairId);
  if (pem === undefined) {
    const known = [...trusted.keys()].join(", ") || "none";
    return reject(
      "unknown-key",
      `key pair id "${printable(presented.keyPairId)}" is not in the trusted key groups (trusted: ${known})`,
    );
  }
  const key = trustedKey(presented.keyPairId, pem);
  let signature: Buffer;
  try {
    signature = fromCloudFrontBase64(presented.signature);
  } catch (error) {
    return reject("bad-signature", `the signature is ${(error as Error).message}`);
  }
  if (!signatureValid(presented, key, signature, presented.hashAlgorithm)) {
    const other: HashAlgorithm = presented.hashAlgorithm === "sha1" ? "sha256" : "sha1";
    if (signatureValid(presented, key, signature, other)) {
      return reject(
        "bad-hash-algorithm",
        `the signature was made with ${other.toUpperCase()} but the request declares ${presented.hashAlgorithm.toUpperCase()} ` +
          `(${other === "sha256" ? "add Hash-Algorithm=SHA256" : "remove Hash-Algorithm=SHA256"})`,
      );
    }
    return reject(
      "bad-signature",
      `the signature does not match the ${presented.kind} policy for key ${presented.keyPairId} ` +
        (presented.kind === "canned"
          ? "(the URL, its query or Expires changed after signing, or another key signed it)"
          : "(the Policy changed after signing, or another key signed it)"),
    );
  }
  const policy = statementOf(presented);
  if (isRejection(policy)) return policy;
  if (request.now >= policy.dateLessThan) {
    return reject(
      "expired",
      `expired at ${iso(policy.dateLessThan)} (${policy.dateLessThan}); now is ${iso(Math.floor(request.now))}`,
    );
  }
  if (policy.dateGreaterThan !== undefined && request.now <= policy.dateGreaterThan) {
    return reject(
      "not-yet-valid",
      `not valid before ${iso(policy.dateGreaterThan)} (${policy.dateGreaterThan}); now is ${iso(Math.floor(request.now))}`,
    );
  }
  const ipProblem = checkIp(policy, request.viewerIp);
  if (ipProblem) return ipProblem;
  if (presented.kind === "custom" && !resourceMatches(policy.resource, presented.resourceUrl)) {
    return reject(
      "resource-mismatch",
      `the policy's Resource "${printable(policy.resource)}" does not match the requested URL ` +
        `"${printable(presented.resourceUrl)}" (signing parameters removed)`,
    );
  }
  return {
    accepted: true,
    keyPairId: presented.keyPairId,
    source: presented.source,
    policy,
    kind: presented.kind,
    hashAlgorithm: presented.hashAlgorithm,
  };
}
