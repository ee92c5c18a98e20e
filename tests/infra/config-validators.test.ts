/**
 * The stack config's cross-field validators (infra/config/validators.ts), each
 * a pure function tested as a table: the values it is given, and the problems
 * it must return (none, or each matching one pattern, in order).
 */
import assert from "node:assert/strict";
import { CONFIG_KEY_TABLE, CONFIG_KEYS, validateStackConfig, StackConfigError } from "../../infra/config";
import {
  CROSS_FIELD_RULES,
  certificateProblems,
  cookieDomainProblems,
  edgeLimitProblems,
  originProblems,
  regionProblems,
  rotationIntervalProblems,
  signerKeyAgeProblems,
  stackNameProblems,
  urlLifetimeProblems,
} from "../../infra/config/validators";

interface Row<V> {
  readonly name: string;
  readonly values: V;
  readonly problems: readonly RegExp[];
}

function table<V>(validator: (values: V) => string[], rows: readonly Row<V>[]): void {
  for (const row of rows) {
    it(row.name, () => {
      const problems = validator(row.values);
      assert.equal(problems.length, row.problems.length, JSON.stringify(problems));
      row.problems.forEach((pattern, index) => assert.match(problems[index], pattern));
    });
  }
}

const ARN_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b";
const MP_DOMAIN = "abcd1234.egress.mediapackagev2.eu-west-1.amazonaws.com";
const MP_ARN = "arn:aws:mediapackagev2:eu-west-1:123456789012:channelGroup/g/channel/c/originEndpoint/e";
const S3 = {
  originType: "s3" as const,
  originDomain: "",
  originPath: "",
  originEndpointArn: "",
  originSecretHeader: "",
};
const HTTPS = { ...S3, originType: "https" as const, originDomain: "origin.example.com" };
const TIMING = {
  signerCacheTtlSeconds: 60,
  signerMaxStaleSeconds: 600,
  maxUrlLifetimeSeconds: 7200,
  clockSkewSeconds: 120,
};

describe("infra config validators (tables)", () => {
  describe("urlLifetimeProblems", () =>
    table(urlLifetimeProblems, [
      {
        name: "default below max",
        values: { defaultUrlLifetimeSeconds: 60, maxUrlLifetimeSeconds: 61 },
        problems: [],
      },
      {
        name: "default equal to max",
        values: { defaultUrlLifetimeSeconds: 60, maxUrlLifetimeSeconds: 60 },
        problems: [],
      },
      {
        name: "default above max",
        values: { defaultUrlLifetimeSeconds: 61, maxUrlLifetimeSeconds: 60 },
        problems: [/defaultUrlLifetimeSeconds \(61\) must not exceed maxUrlLifetimeSeconds \(60\)/],
      },
    ]));

  describe("signerKeyAgeProblems", () =>
    table(signerKeyAgeProblems, [
      {
        name: "stale above TTL",
        values: { signerCacheTtlSeconds: 300, signerMaxStaleSeconds: 900 },
        problems: [],
      },
      {
        name: "stale equal to TTL",
        values: { signerCacheTtlSeconds: 300, signerMaxStaleSeconds: 300 },
        problems: [],
      },
      {
        name: "stale below TTL",
        values: { signerCacheTtlSeconds: 300, signerMaxStaleSeconds: 299 },
        problems: [/signerMaxStaleSeconds \(299\) must be at least signerCacheTtlSeconds \(300\)/],
      },
    ]));

  describe("rotationIntervalProblems", () =>
    table(rotationIntervalProblems, [
      { name: "one second past the bound", values: { ...TIMING, rotationInterval: 7921 }, problems: [] },
      {
        name: "equal to the bound (strict)",
        values: { ...TIMING, rotationInterval: 7920 },
        problems: [/rotationInterval \(7920s\) must exceed .*\(600 \+ 7200 \+ 120 = 7920s\)/],
      },
      {
        name: "the TTL counts when it is the larger",
        values: { ...TIMING, signerCacheTtlSeconds: 1000, rotationInterval: 8320 },
        problems: [/\(1000 \+ 7200 \+ 120 = 8320s\)/],
      },
    ]));

  describe("edgeLimitProblems", () =>
    table(edgeLimitProblems, [
      {
        name: "viewer-request at its limits",
        values: { edgeTrigger: "viewer-request", edgeMemoryMb: 128, edgeTimeoutSeconds: 5 },
        problems: [],
      },
      {
        name: "viewer-request past both limits",
        values: { edgeTrigger: "viewer-request", edgeMemoryMb: 256, edgeTimeoutSeconds: 6 },
        problems: [
          /edgeMemoryMb: "256" must be a whole number from 128 to 128 \(the viewer-request limit\)/,
          /edgeTimeoutSeconds: "6" must be a whole number from 4 to 5/,
        ],
      },
      {
        name: "origin-request at its limits",
        values: { edgeTrigger: "origin-request", edgeMemoryMb: 10240, edgeTimeoutSeconds: 30 },
        problems: [],
      },
    ]));

  describe("originProblems", () =>
    table(originProblems, [
      { name: "s3 alone", values: S3, problems: [] },
      {
        name: "s3 with https-only keys",
        values: { ...S3, originDomain: "x.example.com", originSecretHeader: "X-Verify" },
        problems: [
          /originDomain: only used with originType https/,
          /originSecretHeader: only used with originType https/,
        ],
      },
      {
        name: "https without a host",
        values: { ...HTTPS, originDomain: "" },
        problems: [/originDomain: "" must be/],
      },
      { name: "https, open", values: HTTPS, problems: [] },
      {
        name: "https with a secret header",
        values: { ...HTTPS, originSecretHeader: "X-Verify" },
        problems: [],
      },
      {
        name: "https (not MediaPackage) with an endpoint ARN",
        values: { ...HTTPS, originEndpointArn: MP_ARN },
        problems: [/originEndpointArn: only for a MediaPackage v2 originDomain/],
      },
      {
        name: "MediaPackage with its ARN",
        values: { ...HTTPS, originDomain: MP_DOMAIN, originEndpointArn: MP_ARN },
        problems: [],
      },
      {
        name: "MediaPackage without an ARN",
        values: { ...HTTPS, originDomain: MP_DOMAIN },
        problems: [/originEndpointArn: "" must be the MediaPackage v2 origin endpoint ARN/],
      },
      {
        name: "MediaPackage with an ARN in another region, and a secret header",
        values: {
          ...HTTPS,
          originDomain: MP_DOMAIN,
          originEndpointArn: MP_ARN.replace("eu-west-1", "us-east-1"),
          originSecretHeader: "X-Verify",
        },
        problems: [
          /region us-east-1 differs from originDomain's eu-west-1/,
          /originSecretHeader: not for MediaPackage v2/,
        ],
      },
    ]));

  describe("certificateProblems", () =>
    table(certificateProblems, [
      { name: "neither", values: { aliases: [], certificateArn: "" }, problems: [] },
      { name: "both", values: { aliases: ["media.example.com"], certificateArn: ARN_CERT }, problems: [] },
      {
        name: "aliases without a certificate",
        values: { aliases: ["media.example.com"], certificateArn: "" },
        problems: [/certificateArn: required when aliases are set/],
      },
      {
        name: "a certificate without aliases",
        values: { aliases: [], certificateArn: ARN_CERT },
        problems: [/certificateArn: set aliases too/],
      },
    ]));

  describe("cookieDomainProblems", () =>
    table(cookieDomainProblems, [
      {
        name: "no cookie domain",
        values: { cookieMode: false, cookieDomain: "", aliases: [] },
        problems: [],
      },
      {
        name: "a parent of every alias, in cookie mode",
        values: {
          cookieMode: true,
          cookieDomain: "example.com",
          aliases: ["media.example.com", "example.com"],
        },
        problems: [],
      },
      {
        name: "without cookie mode, and an alias outside it",
        values: { cookieMode: false, cookieDomain: "example.com", aliases: ["media.example.org"] },
        problems: [
          /cookieDomain: only used with cookieMode true/,
          /must contain every alias \(media\.example\.org\)/,
        ],
      },
      {
        name: "no aliases at all",
        values: { cookieMode: true, cookieDomain: "example.com", aliases: [] },
        problems: [/must contain every alias \(none set\)/],
      },
    ]));

  describe("stackNameProblems", () =>
    table(stackNameProblems, [
      { name: "letters, digits, - and _", values: "prod_eu-1", problems: [] },
      { name: "87 characters", values: "x".repeat(87), problems: [] },
      { name: "88 characters", values: "x".repeat(88), problems: [/at most 87/] },
      { name: "a dot", values: "prod.eu", problems: [/take only letters, digits, - and _/] },
    ]));

  describe("regionProblems", () =>
    table(regionProblems, [
      { name: "eu-west-1", values: "eu-west-1", problems: [] },
      { name: "us-gov-west-1", values: "us-gov-west-1", problems: [] },
      { name: "empty", values: "", problems: [/aws:region: "" is not an AWS region/] },
    ]));

  it("every rule names only keys of the table, and each validator above is a rule", () => {
    for (const rule of CROSS_FIELD_RULES)
      for (const key of rule.keys) assert.ok(CONFIG_KEYS.includes(key), key);
    const checks = CROSS_FIELD_RULES.map((rule) => rule.check);
    for (const validator of [
      urlLifetimeProblems,
      signerKeyAgeProblems,
      rotationIntervalProblems,
      edgeLimitProblems,
      originProblems,
      certificateProblems,
      cookieDomainProblems,
    ]) {
      assert.ok(checks.includes(validator as never), validator.name);
    }
  });

  it("skips a rule whose key already failed its parser: one problem per mistake", () => {
    try {
      validateStackConfig({ region: "eu-west-1", maxUrlLifetimeSeconds: "1h" }, "dev");
      assert.fail("accepted");
    } catch (error) {
      assert.ok(error instanceof StackConfigError);
      assert.deepEqual(error.problems, [
        'maxUrlLifetimeSeconds: "1h" must be a whole number from 1 to 604800',
      ]);
    }
  });

  it("every key of the table has a default its own parser accepts", () => {
    for (const key of CONFIG_KEYS) {
      const problems: string[] = [];
      const text = CONFIG_KEY_TABLE[key].default.replace("<stack>", "dev");
      (CONFIG_KEY_TABLE[key].parse as (text: string, context: object) => unknown)(text, {
        stack: "dev",
        report: (message: string) => problems.push(message),
      });
      assert.deepEqual(problems, [], key);
    }
  });
});
