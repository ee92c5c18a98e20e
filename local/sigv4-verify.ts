/**
 * Verifies an AWS Signature Version 4 request the way a Lambda Function URL
 * with AWS_IAM auth does before it invokes the function
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html): written from
 * the SigV4 specification (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html),
 * independently of the SDK signer the client uses, so a test of one against
 * the other checks both. A request must reach AWS within five minutes of its
 * timestamp (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html).
 *
 * Pure: the caller passes the request's parts, the known credentials and the clock.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignedHttpRequest {
  readonly method: string;
  /** Path and query exactly as received, e.g. `/?a=1`. */
  readonly target: string;
  /** Header names in lower case; repeated headers joined with commas. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export interface SigV4Scope {
  readonly region: string;
  readonly service: string;
}

export type SigV4Verdict =
  | { readonly ok: true; readonly accessKeyId: string }
  | {
      readonly ok: false;
      /** `x-amzn-ErrorType` of the refusal (AWS's names), or `MissingAuthenticationToken` for an unsigned request. */
      readonly errorType: string;
      readonly message: string;
    };

/** How far a request's x-amz-date may be from the verifier's clock, seconds. */
export const SIGV4_MAX_SKEW_SECONDS = 300;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export function verifySigV4(
  request: SignedHttpRequest,
  credentials: readonly LocalCredentials[],
  scope: SigV4Scope,
  nowMs: number,
): SigV4Verdict {
  const authorization = request.headers.authorization;
  if (authorization === undefined)
    return { ok: false, errorType: "MissingAuthenticationToken", message: "Forbidden" };
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match) return refuse("IncompleteSignatureException", "Authorization header is not a SigV4 signature");
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match;
  const known = credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!known)
    return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
  if ((known.sessionToken ?? "") !== (request.headers["x-amz-security-token"] ?? ""))
    return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (region !== scope.region || service !== scope.service)
    return refuse(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region and service (${scope.region}/${scope.service}), not ${region}/${service}.`,
    );

  const amzDate = request.headers["x-amz-date"] ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined || amzDate.slice(0, 8) !== scopeDate)
    return refuse(
      "IncompleteSignatureException",
      "x-amz-date is missing, malformed, or not the credential scope's date",
    );
  if (Math.abs(nowMs - signedAt) > SIGV4_MAX_SKEW_SECONDS * 1000)
    return refuse(
      "InvalidSignatureException",
      `Signature expired or not yet current: ${amzDate} is more than ${SIGV4_MAX_SKEW_SECONDS / 60} minutes from the server's time.`,
    );

  const signedHeaders = signedHeaderList.split(";");
  const sortedAndUnique = signedHeaders.every(
    (name, index) => index === 0 || signedHeaders[index - 1] < name,
  );
  if (!sortedAndUnique || !signedHeaders.includes("host") || !signedHeaders.includes("x-amz-date"))
    return refuse(
      "IncompleteSignatureException",
      "SignedHeaders must be sorted and include host and x-amz-date",
    );
  if (
    request.headers["x-amz-security-token"] !== undefined &&
    !signedHeaders.includes("x-amz-security-token")
  )
    return refuse("IncompleteSignatureException", "x-amz-security-token must be signed");
  if (signedHeaders.some((name) => request.headers[name] === undefined))
    return refuse("IncompleteSignatureException", "a signed header is missing from the request");

  const payloadHash = sha256Hex(request.body);
  const declared = request.headers["x-amz-content-sha256"];
  if (declared !== undefined && declared !== payloadHash)
    return refuse("InvalidSignatureException", "x-amz-content-sha256 does not match the body");
  let uri: string;
  let query: string;
  try {
    uri = canonicalUri(request.target);
    query = canonicalQuery(request.target);
  } catch {
    return refuse("InvalidSignatureException", "the request target is not a well-formed URI");
  }
  const canonical = [
    request.method,
    uri,
    query,
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name] ?? "")}`),
    "",
    signedHeaderList,
    payloadHash,
  ].join("\n");
  const credentialScope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, credentialScope, sha256Hex(canonical)].join("\n");
  let key: Buffer = hmac(`AWS4${known.secretAccessKey}`, scopeDate);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, "hex")))
    return refuse(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided.",
    );
  return { ok: true, accessKeyId };
}

function refuse(errorType: string, message: string): SigV4Verdict {
  return { ok: false, errorType, message };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `20260101T120000Z` -> epoch ms. */
function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** RFC 3986 unreserved characters stay, everything else is %XX (upper case), as SigV4 encodes. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Every service but S3 encodes each path segment once more on top of the URL's own encoding. */
function canonicalUri(target: string): string {
  const path = target.split("?")[0] || "/";
  return path
    .split("/")
    .map((segment) => uriEncode(segment))
    .join("/");
}

function canonicalQuery(target: string): string {
  const queryStart = target.indexOf("?");
  if (queryStart === -1) return "";
  const pairs = target
    .slice(queryStart + 1)
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const name = decodeURIComponent(equals === -1 ? pair : pair.slice(0, equals));
      const value = equals === -1 ? "" : decodeURIComponent(pair.slice(equals + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    });
  pairs.sort(([nameA, valueA], [nameB, valueB]) =>
    nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0,
  );
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, " ");
}
