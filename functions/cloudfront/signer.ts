/**
 * The signer: bound once to a key id and a parsed key, it produces signed
 * URLs and cookies exactly as CloudFront verifies them, and refuses (with a
 * SigningInputError, before any signature exists) every input the rules forbid.
 */
import { sign } from "node:crypto";
import { toCloudFrontBase64 } from "./base64";
import { buildSetCookieHeaders } from "./cookies";
import { SigningInputError } from "./errors";
import { DEFAULT_MIN_IP_PREFIX_LENGTH, normalizeIpv4Cidr, printable } from "./ip";
import { keyAlgorithmOf, parsePrivateKey, type SigningKey } from "./keys";
import { assertEpoch, cannedPolicyOfChecked, customPolicyOfChecked } from "./policy";
import {
  assertCannedUrl,
  checkPattern,
  checkUrlToSign,
  folderWildcardResource,
  patternHost,
} from "./url-rules";
import { resourceMatches } from "./wildcard";
import type {
  CookieAttributes,
  HashAlgorithm,
  KeyAlgorithm,
  PolicyStatement,
  SignedCookies,
  SignedCookieValues,
  SignOptions,
} from "./types";

export { folderWildcardResource } from "./url-rules";

export interface SignerOptions {
  /** CloudFront public key id, e.g. `K2JCJMDEHXQW5F`. */
  readonly keyPairId: string;
  /** PEM (PKCS#8, PKCS#1 or SEC1) or an already parsed key. */
  readonly privateKey: string | SigningKey;
  /** Default hash for every call, `sha1` unless set. */
  readonly hashAlgorithm?: HashAlgorithm;
  /** If set, URLs and resources on any other host are refused. Case-insensitive host names. */
  readonly allowedHosts?: readonly string[];
  /** If set, an expiry further than this from now is refused (or clamped, see `clampLifetime`). */
  readonly maxLifetimeSeconds?: number;
  /** `true`: clamp the expiry to now + maxLifetimeSeconds instead of refusing. */
  readonly clampLifetime?: boolean;
  /**
   * Shortest IPv4 prefix `signUrl`/`signCookies` bind to (0-32); a wider block is refused.
   * Default DEFAULT_MIN_IP_PREFIX_LENGTH (24). `signedQueryFor` copies an existing grant's binding as is.
   */
  readonly minIpPrefixLength?: number;
  /** Clock in epoch seconds; default `Date.now() / 1000`. */
  readonly now?: () => number;
}

/** A fully checked request to sign. */
interface Plan {
  readonly kind: "canned" | "custom";
  readonly statement: PolicyStatement;
  readonly policyJson: string;
  readonly hashAlgorithm: HashAlgorithm;
}

const KEY_PAIR_ID = /^[A-Za-z0-9]{1,128}$/;

function checkHash(hash: unknown): HashAlgorithm {
  if (hash === "sha1" || hash === "sha256") return hash;
  throw new SigningInputError(
    "bad-hash-algorithm",
    `hash algorithm must be "sha1" or "sha256", got "${String(hash)}"`,
  );
}

/** A plan's policy is ASCII (checked resource, numbers, CIDR), so latin1 gives its UTF-8 bytes, faster. */
function policyBytesOf(plan: Plan): Buffer {
  return Buffer.from(plan.policyJson, "latin1");
}

export class Signer {
  readonly keyPairId: string;
  readonly algorithm: KeyAlgorithm;
  private readonly key: SigningKey;
  private readonly defaultHash: HashAlgorithm;
  /** Lower-case host names; an array, so a Signer survives Pulumi closure serialization. */
  private readonly allowedHosts?: readonly string[];
  private readonly maxLifetimeSeconds?: number;
  private readonly clampLifetime: boolean;
  private readonly minIpPrefixLength: number;
  private readonly now: () => number;

  constructor(options: SignerOptions) {
    if (typeof options?.keyPairId !== "string" || !KEY_PAIR_ID.test(options.keyPairId)) {
      throw new SigningInputError(
        "bad-key-pair-id",
        `key pair id "${printable(String(options?.keyPairId))}" must be 1-128 letters and digits`,
      );
    }
    this.keyPairId = options.keyPairId;
    this.key =
      typeof options.privateKey === "string" ? parsePrivateKey(options.privateKey) : options.privateKey;
    if (!this.key || this.key.keyObject?.type !== "private") {
      throw new SigningInputError(
        "bad-key",
        "privateKey must be a PEM string or a parsed private SigningKey",
      );
    }
    // Re-derived from the key itself, so a mislabelled SigningKey cannot claim another algorithm.
    this.algorithm = keyAlgorithmOf(this.key.keyObject);
    this.defaultHash = checkHash(options.hashAlgorithm ?? "sha1");
    if (options.allowedHosts !== undefined) {
      if (!Array.isArray(options.allowedHosts) || options.allowedHosts.length === 0) {
        throw new SigningInputError(
          "bad-option",
          "allowedHosts must be a non-empty list of host names when set",
        );
      }
      this.allowedHosts = options.allowedHosts.map((host) => String(host).toLowerCase());
    }
    if (options.maxLifetimeSeconds !== undefined) {
      if (!Number.isSafeInteger(options.maxLifetimeSeconds) || options.maxLifetimeSeconds <= 0) {
        throw new SigningInputError("bad-option", "maxLifetimeSeconds must be a positive whole number");
      }
      this.maxLifetimeSeconds = options.maxLifetimeSeconds;
    }
    this.clampLifetime = options.clampLifetime === true;
    const minIp = options.minIpPrefixLength ?? DEFAULT_MIN_IP_PREFIX_LENGTH;
    if (!Number.isInteger(minIp) || minIp < 0 || minIp > 32) {
      throw new SigningInputError("bad-option", "minIpPrefixLength must be a whole number from 0 to 32");
    }
    this.minIpPrefixLength = minIp;
    this.now = options.now ?? (() => Date.now() / 1000);
  }

  /** Signed URL: canned policy unless notBefore, ipAddress or resource ask for a custom one. */
  signUrl(url: string, options: SignOptions): string {
    const checked = checkUrlToSign(url);
    const plan = this.plan(checked.url, checked.hostname, options);
    const separator = checked.url.includes("?") ? "&" : "?";
    return `${checked.url}${separator}${this.querySuffix(plan)}`;
  }

  /** Signed cookies for the same policies, as values and as complete Set-Cookie headers. */
  signCookies(url: string, options: SignOptions, attributes: CookieAttributes = {}): SignedCookies {
    const checked = checkUrlToSign(url);
    const plan = this.plan(checked.url, checked.hostname, options);
    const policyBytes = policyBytesOf(plan);
    const signature = this.signBytes(policyBytes, plan.hashAlgorithm);
    const cookies: SignedCookieValues =
      plan.kind === "canned"
        ? {
            "CloudFront-Expires": String(plan.statement.dateLessThan),
            "CloudFront-Signature": signature,
            "CloudFront-Key-Pair-Id": this.keyPairId,
          }
        : {
            "CloudFront-Policy": toCloudFrontBase64(policyBytes),
            "CloudFront-Signature": signature,
            "CloudFront-Key-Pair-Id": this.keyPairId,
          };
    if (plan.hashAlgorithm === "sha256") cookies["CloudFront-Hash-Algorithm"] = "SHA256";
    return {
      cookies,
      setCookieHeaders: buildSetCookieHeaders(cookies, checked.hostname, attributes, {
        expires: plan.statement.dateLessThan,
        now: this.now(),
      }),
      expires: plan.statement.dateLessThan,
      policy: plan.statement,
    };
  }

  /**
   * Signs one already-built statement; returns `Policy=...&Signature=...&Key-Pair-Id=...`
   * (+ `&Hash-Algorithm=SHA256`), without a leading `?` or `&`. The host,
   * time and lifetime rules apply; the resource is the caller's (trusted) pattern.
   */
  signedQueryFor(statement: PolicyStatement, hashAlgorithm?: HashAlgorithm): string {
    const resource = checkPattern(statement?.resource);
    this.checkHost(patternHost(resource), resource);
    const hash = checkHash(hashAlgorithm ?? this.defaultHash);
    const times = this.checkTimes(statement.dateLessThan, statement.dateGreaterThan);
    const checked: PolicyStatement = {
      resource,
      dateLessThan: times.expires,
      ...(times.notBefore !== undefined ? { dateGreaterThan: times.notBefore } : {}),
      ...(statement.ipAddress !== undefined ? { ipAddress: normalizeIpv4Cidr(statement.ipAddress) } : {}),
    };
    return this.querySuffix({
      kind: "custom",
      statement: checked,
      // Each field was checked just above.
      policyJson: customPolicyOfChecked(checked),
      hashAlgorithm: hash,
    });
  }

  /** Low level: the CloudFront-base64 signature of an exact policy string. */
  signPolicy(policyJson: string, hashAlgorithm?: HashAlgorithm): string {
    if (typeof policyJson !== "string" || policyJson.length === 0) {
      throw new SigningInputError("bad-policy", "policy to sign is empty");
    }
    return this.signBytes(Buffer.from(policyJson, "utf8"), checkHash(hashAlgorithm ?? this.defaultHash));
  }

  /** Signs policy bytes with an already checked hash; the callers encode the policy once for both uses. */
  private signBytes(policy: Buffer, hash: HashAlgorithm): string {
    // RSA: PKCS#1 v1.5 (Node's default padding); ECDSA: DER signature (Node's default encoding).
    return toCloudFrontBase64(sign(hash, policy, this.key.keyObject));
  }

  private querySuffix(plan: Plan): string {
    const policyBytes = policyBytesOf(plan);
    const signature = this.signBytes(policyBytes, plan.hashAlgorithm);
    const head =
      plan.kind === "canned"
        ? `Expires=${plan.statement.dateLessThan}`
        : `Policy=${toCloudFrontBase64(policyBytes)}`;
    const hash = plan.hashAlgorithm === "sha256" ? "&Hash-Algorithm=SHA256" : "";
    return `${head}&Signature=${signature}&Key-Pair-Id=${this.keyPairId}${hash}`;
  }

  private plan(url: string, hostname: string, options: SignOptions): Plan {
    if (typeof options !== "object" || options === null) {
      throw new SigningInputError("bad-option", "sign options are required ({ expires, ... })");
    }
    this.checkHost(hostname, url);
    const hashAlgorithm = checkHash(options.hashAlgorithm ?? this.defaultHash);
    const { expires, notBefore } = this.checkTimes(options.expires, options.notBefore);
    const ipAddress =
      options.ipAddress === undefined
        ? undefined
        : normalizeIpv4Cidr(options.ipAddress, this.minIpPrefixLength);
    const resource = this.resourceFor(url, options.resource);
    if (notBefore === undefined && ipAddress === undefined && resource === undefined) {
      assertCannedUrl(url);
      const statement = { resource: url, dateLessThan: expires };
      // url passed checkUrlToSign and expires passed checkTimes.
      return { kind: "canned", statement, policyJson: cannedPolicyOfChecked(url, expires), hashAlgorithm };
    }
    const statement: PolicyStatement = {
      resource: resource ?? this.urlAsPattern(url),
      dateLessThan: expires,
      ...(notBefore !== undefined ? { dateGreaterThan: notBefore } : {}),
      ...(ipAddress !== undefined ? { ipAddress } : {}),
    };
    // url/resource, times and IP were all checked above.
    return { kind: "custom", statement, policyJson: customPolicyOfChecked(statement), hashAlgorithm };
  }

  /**
   * The URL itself as a custom-policy Resource. Its first `?` is the query
   * separator (CloudFront reads it so); a `*` or a second `?` would be a
   * wildcard that widens access, so they are refused.
   */
  private urlAsPattern(url: string): string {
    const mark = url.indexOf("?");
    if (url.includes("*") || (mark !== -1 && url.indexOf("?", mark + 1) !== -1)) {
      throw new SigningInputError(
        "wildcard-injection",
        `"${printable(url)}" contains * or a second ?, which a custom policy reads as wildcards: ` +
          "pass an explicit resource pattern",
      );
    }
    return url;
  }

  private resourceFor(url: string, resource: SignOptions["resource"]): string | undefined {
    if (resource === undefined) return undefined;
    let pattern: string;
    if ("pattern" in resource && typeof resource.pattern === "string") {
      pattern = checkPattern(resource.pattern);
    } else if ("folderOf" in resource && typeof resource.folderOf === "string") {
      // includeQuery needs no handling: CloudFront's trailing "*" in the path always covers the query too.
      pattern = folderWildcardResource(resource.folderOf);
    } else {
      throw new SigningInputError("bad-resource", "resource must be { pattern } or { folderOf }");
    }
    this.checkHost(patternHost(pattern), pattern);
    if (!resourceMatches(pattern, url)) {
      throw new SigningInputError(
        "resource-excludes-url",
        `resource "${printable(pattern)}" does not match the URL being signed, so CloudFront would refuse it`,
      );
    }
    return pattern;
  }

  private checkHost(hostname: string, what: string): void {
    if (this.allowedHosts === undefined) return;
    const bare = hostname.includes(":") ? hostname.replace(/:\d+$/, "") : hostname;
    if (!this.allowedHosts.includes(bare)) {
      throw new SigningInputError(
        "host-not-allowed",
        `"${printable(what)}" is on host "${printable(bare)}", which this signer does not serve`,
      );
    }
  }

  private checkTimes(
    expiresInput: unknown,
    notBeforeInput: unknown,
  ): { expires: number; notBefore?: number } {
    let expires = assertEpoch(expiresInput, "expiry");
    const now = this.now();
    if (expires <= now) {
      throw new SigningInputError(
        "expired",
        `expiry ${expires} is not in the future (now ${Math.floor(now)})`,
      );
    }
    if (this.maxLifetimeSeconds !== undefined && expires - now > this.maxLifetimeSeconds) {
      if (!this.clampLifetime) {
        throw new SigningInputError(
          "lifetime-too-long",
          `expiry is ${Math.ceil(expires - now)} s from now; this signer allows at most ${this.maxLifetimeSeconds} s`,
        );
      }
      expires = Math.floor(now) + this.maxLifetimeSeconds;
    }
    if (notBeforeInput === undefined) return { expires };
    let notBefore: number;
    try {
      notBefore = assertEpoch(notBeforeInput, "not-before");
    } catch (error) {
      throw new SigningInputError("bad-not-before", (error as Error).message);
    }
    if (expires <= notBefore) {
      throw new SigningInputError(
        "not-before-after-expiry",
        `expiry ${expires} must be after not-before ${notBefore}`,
      );
    }
    return { expires, notBefore };
  }
}
