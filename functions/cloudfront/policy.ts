/**
 * CloudFront policy documents: the canned string CloudFront rebuilds byte for
 * byte, the custom policy we emit, and a strict parser for policies viewers
 * present (one statement, only the conditions CloudFront knows).
 */
import { MAX_EPOCH_SECONDS } from "../../contract/limits";
import { SigningInputError } from "./errors";
import { normalizeIpv4Cidr, printable } from "./ip";
import type { PolicyStatement } from "./types";

/** Printable ASCII without `"` and `\`: what a resource may hold without JSON escaping. */
const JSON_SAFE_RESOURCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function assertEpoch(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new SigningInputError(
      "bad-expiry",
      `${what} must be a whole number of epoch seconds, got ${String(value)}`,
    );
  }
  if (value > MAX_EPOCH_SECONDS) {
    throw new SigningInputError(
      "expiry-too-large",
      `${what} ${value} is beyond ${MAX_EPOCH_SECONDS} (2038-01-19T03:14:07Z), the largest time CloudFront accepts`,
    );
  }
  return value;
}

export function assertJsonSafeResource(resource: string): string {
  if (typeof resource !== "string" || !JSON_SAFE_RESOURCE.test(resource)) {
    throw new SigningInputError(
      "bad-resource",
      `resource "${printable(String(resource))}" must be printable ASCII without spaces, quotes or backslashes`,
    );
  }
  return resource;
}

/** The canned policy exactly as CloudFront rebuilds it from the request. */
export function cannedPolicyJson(resource: string, expires: number): string {
  assertJsonSafeResource(resource);
  assertEpoch(expires, "expiry");
  return cannedPolicyOfChecked(resource, expires);
}

/** For callers that have already checked both values (the signer's hot path). */
export function cannedPolicyOfChecked(resource: string, expires: number): string {
  return `{"Statement":[{"Resource":"${resource}","Condition":{"DateLessThan":{"AWS:EpochTime":${expires}}}}]}`;
}

/** A custom policy with one statement, compact JSON, conditions in a fixed order. */
export function customPolicyJson(statement: PolicyStatement): string {
  const resource = assertJsonSafeResource(statement.resource);
  const expires = assertEpoch(statement.dateLessThan, "DateLessThan");
  if (statement.dateGreaterThan !== undefined) {
    const notBefore = assertEpoch(statement.dateGreaterThan, "DateGreaterThan");
    if (expires <= notBefore) {
      throw new SigningInputError(
        "not-before-after-expiry",
        `DateLessThan ${expires} must be after DateGreaterThan ${notBefore}`,
      );
    }
  }
  return customPolicyOfChecked({
    resource,
    dateLessThan: expires,
    dateGreaterThan: statement.dateGreaterThan,
    ipAddress: statement.ipAddress === undefined ? undefined : normalizeIpv4Cidr(statement.ipAddress),
  });
}

/**
 * For callers that have already checked every field as customPolicyJson does (the signer's hot
 * path: JSON-safe resource, epoch times in order, normalized CIDR).
 */
export function customPolicyOfChecked(statement: PolicyStatement): string {
  let condition = `"DateLessThan":{"AWS:EpochTime":${statement.dateLessThan}}`;
  if (statement.dateGreaterThan !== undefined) {
    condition += `,"DateGreaterThan":{"AWS:EpochTime":${statement.dateGreaterThan}}`;
  }
  if (statement.ipAddress !== undefined) {
    condition += `,"IpAddress":{"AWS:SourceIp":"${statement.ipAddress}"}`;
  }
  return `{"Statement":[{"Resource":"${statement.resource}","Condition":{${condition}}}]}`;
}

function policyError(message: string): SigningInputError {
  return new SigningInputError("bad-policy", `policy ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw policyError(`has an unknown field "${printable(key)}" in ${where}`);
  }
}

function epochCondition(value: unknown, name: string): number {
  if (!isObject(value)) throw policyError(`${name} must be {"AWS:EpochTime": <seconds>}`);
  onlyKeys(value, ["AWS:EpochTime"], name);
  const seconds = value["AWS:EpochTime"];
  if (typeof seconds !== "number" || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw policyError(`${name} AWS:EpochTime must be a whole number of seconds (not a string)`);
  }
  if (seconds > MAX_EPOCH_SECONDS) throw policyError(`${name} ${seconds} is beyond ${MAX_EPOCH_SECONDS}`);
  return seconds;
}

/** Parses a policy a viewer presented; anything CloudFront would not accept throws. */
export function parsePolicyJson(json: string): PolicyStatement {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw policyError("is not valid JSON");
  }
  if (!isObject(document)) throw policyError("must be a JSON object");
  onlyKeys(document, ["Statement"], "the document");
  const statements = document.Statement;
  if (!Array.isArray(statements) || statements.length !== 1) {
    throw policyError("must have exactly one statement in Statement");
  }
  const statement: unknown = statements[0];
  if (!isObject(statement)) throw policyError("statement must be an object");
  onlyKeys(statement, ["Resource", "Condition"], "the statement");
  const resource = statement.Resource;
  if (typeof resource !== "string" || resource.length === 0) {
    // CloudFront would treat a missing Resource as "every object this key can sign for"; we never accept that.
    throw policyError("must name a Resource (a policy without one grants every object the key signs for)");
  }
  const condition = statement.Condition;
  if (!isObject(condition)) throw policyError("must have a Condition object");
  onlyKeys(condition, ["DateLessThan", "DateGreaterThan", "IpAddress"], "Condition");
  if (condition.DateLessThan === undefined) throw policyError("must have Condition.DateLessThan");
  const dateLessThan = epochCondition(condition.DateLessThan, "DateLessThan");
  const result: { -readonly [K in keyof PolicyStatement]: PolicyStatement[K] } = { resource, dateLessThan };
  if (condition.DateGreaterThan !== undefined) {
    result.dateGreaterThan = epochCondition(condition.DateGreaterThan, "DateGreaterThan");
  }
  if (condition.IpAddress !== undefined) {
    const ip = condition.IpAddress;
    if (!isObject(ip)) throw policyError('IpAddress must be {"AWS:SourceIp": "<IPv4 CIDR>"}');
    onlyKeys(ip, ["AWS:SourceIp"], "IpAddress");
    const source = ip["AWS:SourceIp"];
    if (typeof source !== "string") throw policyError("IpAddress AWS:SourceIp must be a string");
    try {
      normalizeIpv4Cidr(source);
    } catch (error) {
      throw policyError(`IpAddress: ${(error as Error).message}`);
    }
    result.ipAddress = source;
  }
  return result;
}
