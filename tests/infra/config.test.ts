/**
 * Stack config validation: pure functions, no Pulumi mocks. Every refusal
 * names the key and says what would be accepted.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CONFIG_DEFAULTS,
  minimumRotationIntervalSeconds,
  parseDuration,
  parseList,
  rateExpression,
  rotationCheckSeconds,
  StackConfigError,
  validateStackConfig,
  type RawStackConfig,
} from "../../infra/config";

const yaml = require("js-yaml") as { load(text: string): unknown };

function stackFile(stack: string): RawStackConfig {
  const parsed = yaml.load(
    fs.readFileSync(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`), "utf8"),
  ) as {
    config: Record<string, unknown>;
  };
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed.config)) {
    if (key === "aws:region") raw.region = String(value);
    else if (key.startsWith("signed-hls-cdn:")) raw[key.slice("signed-hls-cdn:".length)] = String(value);
    else throw new Error(`unexpected key ${key} in Pulumi.${stack}.yaml`);
  }
  return raw;
}

function problemsOf(raw: RawStackConfig): string[] {
  try {
    validateStackConfig(raw, "test");
  } catch (error) {
    assert.ok(error instanceof StackConfigError, `expected StackConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  return [];
}

function assertRefused(raw: RawStackConfig, pattern: RegExp): void {
  const problems = problemsOf(raw);
  assert.ok(
    problems.some((problem) => pattern.test(problem)),
    `expected a problem matching ${pattern}, got: ${JSON.stringify(problems)}`,
  );
}

const base: RawStackConfig = { region: "eu-west-1" };

describe("infra config: stack configuration validation", () => {
  it("fills every default for a config that only sets the region", () => {
    const config = validateStackConfig(base, "dev");
    assert.equal(
      config.keyAlgorithm,
      "ecdsa-p256",
      "issue 13: the default every consumer shares (contract/defaults.ts)",
    );
    assert.equal(config.hashAlgorithm, "sha1");
    assert.equal(config.defaultUrlLifetimeSeconds, 3600);
    assert.equal(config.maxUrlLifetimeSeconds, 43200);
    assert.equal(config.signerCacheTtlSeconds, 300);
    assert.equal(config.signerMaxStaleSeconds, 900);
    assert.equal(config.clockSkewSeconds, 300);
    assert.equal(config.rotationIntervalSeconds, 90 * 86400);
    assert.equal(config.rotationSchedule, "rate(1 day)", "checks daily, acts when the key is 90 days old");
    assert.equal(config.edgeTrigger, "viewer-request");
    assert.equal(config.edgeMemoryMb, 128);
    assert.equal(config.edgeTimeoutSeconds, 5);
    assert.deepEqual(config.origin, { kind: "s3" });
    assert.equal(config.parameterPrefix, "/cloudfront-signer/dev");
    assert.equal(config.priceClass, "PriceClass_100");
    assert.deepEqual(config.aliases, []);
    assert.equal(config.certificateArn, undefined);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(config.cookieMode, false);
    assert.equal(config.viewerProtocolPolicy, "https-only");
    assert.equal(config.logging, undefined);
    assert.equal(config.secretRecoveryWindowDays, 7);
    assert.equal(config.protectResources, false);
  });

  it("accepts Pulumi.dev.yaml and Pulumi.prod.yaml as committed", () => {
    const dev = validateStackConfig(stackFile("dev"), "dev");
    assert.equal(dev.keyAlgorithm, "ecdsa-p256");
    assert.equal(dev.rotationIntervalSeconds, 86400);
    assert.equal(dev.rotationSchedule, "rate(1 hour)");
    assert.deepEqual(dev.origin, { kind: "s3" });
    const prod = validateStackConfig(stackFile("prod"), "prod");
    assert.equal(prod.edgeTrigger, "origin-request");
    assert.deepEqual(prod.origin, {
      kind: "https",
      domainName: "abcd1234.egress.mediapackagev2.us-east-1.amazonaws.com",
      originPath: "/out/v1/live/live-channel/hls",
      access: {
        kind: "mediapackagev2",
        endpointArn:
          "arn:aws:mediapackagev2:us-east-1:123456789012:channelGroup/live/channel/live-channel/originEndpoint/hls",
      },
    });
    assert.deepEqual(prod.aliases, ["media.example.com", "media-eu.example.com"]);
    assert.equal(prod.cookieDomain, "example.com");
    assert.match(prod.certificateArn ?? "", /^arn:aws:acm:us-east-1:/);
    assert.equal(prod.cookieMode, true);
    assert.deepEqual(prod.logging, { bucket: "example-cloudfront-logs", prefix: "signed-hls-cdn/prod/" });
    assert.equal(prod.protectResources, true);
  });

  it("documents a default for every key it reads", () => {
    for (const value of Object.values(CONFIG_DEFAULTS)) assert.equal(typeof value, "string");
  });

  it("minIpPrefixLength: /24 by default, refuses a minimum wider than /8 (issue 11.4)", () => {
    assert.equal(validateStackConfig(base, "dev").minIpPrefixLength, 24);
    assert.equal(validateStackConfig({ ...base, minIpPrefixLength: "16" }, "dev").minIpPrefixLength, 16);
    assertRefused({ ...base, minIpPrefixLength: "0" }, /minIpPrefixLength/);
    assertRefused({ ...base, minIpPrefixLength: "33" }, /minIpPrefixLength/);
  });

  it("ipv6Enabled: off by default so IP-bound URLs keep working; true or false only (issue 10.3)", () => {
    assert.equal(CONFIG_DEFAULTS.ipv6Enabled, "false");
    assert.equal(validateStackConfig(base, "dev").ipv6Enabled, false);
    assert.equal(validateStackConfig({ ...base, ipv6Enabled: "true" }, "dev").ipv6Enabled, true);
    assertRefused({ ...base, ipv6Enabled: "yes" }, /ipv6Enabled: "yes" must be true or false/);
  });

  it("assetRootDepth: 0 (each playlist's own folder) by default, a whole number up to 16 (issue 14.4)", () => {
    assert.equal(CONFIG_DEFAULTS.assetRootDepth, "0");
    assert.equal(validateStackConfig(base, "dev").assetRootDepth, 0);
    assert.equal(validateStackConfig({ ...base, assetRootDepth: "2" }, "dev").assetRootDepth, 2);
    assertRefused(
      { ...base, assetRootDepth: "17" },
      /assetRootDepth: "17" must be a whole number from 0 to 16/,
    );
    assertRefused({ ...base, assetRootDepth: "-1" }, /assetRootDepth: "-1" must be a whole number/);
  });

  it("refuses a rotation interval that breaks the rotation invariant, and says why", () => {
    // 1800 + 7200 + 120 = 9120 s needed; 2h = 7200 s is too short.
    const raw = {
      ...base,
      signerCacheTtlSeconds: "60",
      signerMaxStaleSeconds: "1800",
      maxUrlLifetimeSeconds: "7200",
    };
    assertRefused(
      { ...raw, clockSkewSeconds: "120", rotationInterval: "2h" },
      /rotationInterval \(7200s\) must exceed .*= 9120s/,
    );
    // Exactly equal is still refused: the key would be untrusted at the very second a URL may still be presented.
    assertRefused(
      { ...raw, clockSkewSeconds: "120", rotationInterval: "152m" },
      /rotationInterval \(9120s\)/,
    );
    assert.equal(
      validateStackConfig({ ...raw, clockSkewSeconds: "120", rotationInterval: "153m" }, "x")
        .rotationIntervalSeconds,
      9180,
    );
  });

  it("counts the stale-key allowance, not just the cache TTL, in the invariant", () => {
    const parts = {
      signerCacheTtlSeconds: 300,
      signerMaxStaleSeconds: 900,
      maxUrlLifetimeSeconds: 3600,
      clockSkewSeconds: 60,
    };
    assert.equal(minimumRotationIntervalSeconds(parts), 900 + 3600 + 60);
    assertRefused(
      { ...base, signerCacheTtlSeconds: "600", signerMaxStaleSeconds: "300" },
      /signerMaxStaleSeconds \(300\) must be at least/,
    );
  });

  it("refuses unknown algorithms, triggers, price classes and malformed numbers", () => {
    assertRefused(
      { ...base, keyAlgorithm: "rsa-4096" },
      /keyAlgorithm: "rsa-4096" is not one of rsa-2048, ecdsa-p256/,
    );
    assertRefused({ ...base, hashAlgorithm: "md5" }, /hashAlgorithm/);
    assertRefused(
      { ...base, edgeTrigger: "origin-response" },
      /edgeTrigger: "origin-response" is not one of viewer-request, origin-request/,
    );
    assertRefused({ ...base, priceClass: "PriceClass_50" }, /priceClass/);
    assertRefused(
      { ...base, maxUrlLifetimeSeconds: "1h" },
      /maxUrlLifetimeSeconds: "1h" must be a whole number/,
    );
    assertRefused(
      { ...base, defaultUrlLifetimeSeconds: "7200", maxUrlLifetimeSeconds: "3600" },
      /must not exceed maxUrlLifetimeSeconds/,
    );
    assertRefused({ ...base, cookieMode: "yes" }, /cookieMode: "yes" must be true or false/);
    assertRefused(
      { ...base, rotationInterval: "quarterly" },
      /rotationInterval: "quarterly" is not a duration/,
    );
  });

  it("holds the edge function to its trigger's limits", () => {
    assertRefused(
      { ...base, edgeMemoryMb: "256" },
      /edgeMemoryMb: "256" must be a whole number from 128 to 128/,
    );
    assertRefused(
      { ...base, edgeTimeoutSeconds: "10" },
      /edgeTimeoutSeconds: "10" must be a whole number from 4 to 5/,
    );
    const origin = validateStackConfig(
      { ...base, edgeTrigger: "origin-request", edgeMemoryMb: "512", edgeTimeoutSeconds: "30" },
      "x",
    );
    assert.equal(origin.edgeMemoryMb, 512);
    assertRefused({ ...base, edgeTrigger: "origin-request", edgeTimeoutSeconds: "31" }, /edgeTimeoutSeconds/);
  });

  it("needs an origin domain for an HTTPS origin and refuses one for S3", () => {
    assertRefused({ ...base, originType: "https" }, /originDomain: "" must be the origin's host name/);
    assertRefused(
      { ...base, originType: "https", originDomain: "https://x.example.com/path" },
      /originDomain/,
    );
    assertRefused(
      { ...base, originType: "https", originDomain: "x.example.com", originPath: "/v1/" },
      /originPath/,
    );
    assertRefused({ ...base, originDomain: "x.example.com" }, /only used with originType https/);
  });

  it("refuses a stack name CloudFront key names cannot carry, with a clear error", () => {
    assert.throws(
      () => validateStackConfig(base, "prod.eu"),
      /stack name "prod\.eu": CloudFront public key and key group names .* take only letters, digits, - and _/,
    );
    assert.throws(() => validateStackConfig(base, "x".repeat(88)), /at most 87/);
    assert.equal(validateStackConfig(base, "x".repeat(87)).region, base.region);
  });

  it("needs the endpoint ARN of a MediaPackage v2 origin, and a valid secret header name elsewhere", () => {
    const mediaPackage = {
      ...base,
      originType: "https",
      originDomain: "abcd1234.egress.mediapackagev2.eu-west-1.amazonaws.com",
    };
    assertRefused(mediaPackage, /originEndpointArn: "" must be the MediaPackage v2 origin endpoint ARN/);
    assertRefused(
      {
        ...mediaPackage,
        originEndpointArn:
          "arn:aws:mediapackagev2:us-east-1:123456789012:channelGroup/g/channel/c/originEndpoint/e",
      },
      /region us-east-1 differs from originDomain's eu-west-1/,
    );
    const https = { ...base, originType: "https", originDomain: "origin.example.com" };
    assertRefused({ ...https, originEndpointArn: "arn:x" }, /only for a MediaPackage v2 originDomain/);
    assertRefused({ ...https, originSecretHeader: "X-Amz-Origin" }, /originSecretHeader/);
    assert.deepEqual(validateStackConfig({ ...https, originSecretHeader: "X-Origin-Verify" }, "dev").origin, {
      kind: "https",
      domainName: "origin.example.com",
      access: { kind: "secret-header", headerName: "X-Origin-Verify" },
    });
  });

  it("pairs aliases with a us-east-1 ACM certificate", () => {
    assertRefused({ ...base, aliases: "media.example.com" }, /certificateArn: required when aliases are set/);
    assertRefused(
      {
        ...base,
        aliases: "media.example.com",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
      },
      /must be an ACM certificate ARN in us-east-1/,
    );
    assertRefused(
      {
        ...base,
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
      },
      /set aliases too/,
    );
    assertRefused({ ...base, aliases: "media.example.com,media.example.com" }, /aliases: duplicates/);
    assertRefused({ ...base, aliases: "not a host" }, /aliases: "not a host" is not a host name/);
  });

  it("refuses wildcard or malformed CORS origins", () => {
    assertRefused({ ...base, corsOrigins: "*" }, /corsOrigins: \* is not allowed/);
    assertRefused({ ...base, corsOrigins: "https://player.example.com/" }, /must be an origin like/);
    assertRefused({ ...base, corsOrigins: "http://player.example.com" }, /must be an origin like/);
    const config = validateStackConfig(
      { ...base, corsOrigins: '["https://a.example.com","http://localhost:8080"]' },
      "x",
    );
    assert.deepEqual(config.corsOrigins, ["https://a.example.com", "http://localhost:8080"]);
  });

  it("refuses parameter prefixes SSM would reject or that shadow AWS namespaces", () => {
    assertRefused({ ...base, parameterPrefix: "cloudfront-signer/dev" }, /parameterPrefix/);
    assertRefused({ ...base, parameterPrefix: "/cloudfront-signer/dev/" }, /parameterPrefix/);
    assertRefused({ ...base, parameterPrefix: "/aws/reserved" }, /parameterPrefix/);
  });

  it("refuses unknown keys (typos), a missing region, and reports every problem at once", () => {
    const problems = problemsOf({
      keyAlgoritm: "rsa-2048",
      edgeTrigger: "nope",
      secretRecoveryWindowDays: "3",
    });
    assert.equal(problems.length, 4, JSON.stringify(problems));
    assert.match(problems[0], /signed-hls-cdn:keyAlgoritm: unknown key/);
    assert.ok(problems.some((problem) => /aws:region: "" is not an AWS region/.test(problem)));
    assert.ok(
      problems.some((problem) => /secretRecoveryWindowDays: 3 must be 0 or from 7 to 30/.test(problem)),
    );
    assert.throws(
      () => validateStackConfig({}, "x"),
      (error: Error) => error.message.startsWith("invalid stack configuration:\n  - "),
    );
  });

  it("checks the key's age often enough that a rotation is never an interval late", () => {
    assert.equal(rotationCheckSeconds(90 * 86400), 86400);
    assert.equal(rotationCheckSeconds(86400), 3600);
    assert.equal(rotationCheckSeconds(3 * 3600), 420);
    assert.equal(rotationCheckSeconds(600), 60);
  });

  it("parses durations, lists and rate expressions", () => {
    assert.equal(parseDuration("90d"), 7776000);
    assert.equal(parseDuration("12h"), 43200);
    assert.equal(parseDuration("30m"), 1800);
    assert.equal(parseDuration("3600"), 3600);
    assert.throws(() => parseDuration("1w"), /not a duration/);
    assert.equal(rateExpression(86400), "rate(1 day)");
    assert.equal(rateExpression(7776000), "rate(90 days)");
    assert.equal(rateExpression(7200), "rate(2 hours)");
    assert.equal(rateExpression(5400), "rate(90 minutes)");
    assert.deepEqual(parseList(" a, b ,,c "), ["a", "b", "c"]);
    assert.deepEqual(parseList('["a"]'), ["a"]);
    assert.throws(() => parseList("[1]"), /JSON array of strings/);
  });
});
