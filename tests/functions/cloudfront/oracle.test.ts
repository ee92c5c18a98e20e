/**
 * Oracles nobody here wrote: RSA signatures must be byte-identical to
 * @aws-sdk/cloudfront-signer for the same policy string; ECDSA signatures
 * must verify with the openssl CLI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { cannedPolicyJson, customPolicyJson, fromCloudFrontBase64 } from "../../../functions/cloudfront";
import { requireSystemTool } from "../../support/tools";
import { fixture, HOST, KEY_ID, NOW, queryParam } from "./helpers";

const URLS = [
  `https://${HOST}/video/master.m3u8`,
  `https://${HOST}/video/seg-001.ts?token=a%20b&x=1`,
  `https://${HOST}/a/b/c.m4s?_HLS_msn=12&_HLS_part=3`,
];
const HASHES = ["sha1", "sha256"] as const;

/** The AWS signer returns CloudFront-Expires as a number; cookies are text. */
function asStrings(cookies: object): Record<string, string> {
  return Object.fromEntries(Object.entries(cookies).map(([name, value]) => [name, String(value)]));
}

describe("cloudfront oracle: @aws-sdk/cloudfront-signer (RSA)", () => {
  const rsa = fixture("rsa-2048");

  for (const hash of HASHES) {
    for (const url of URLS) {
      it(`canned URL signature is byte-identical (${hash}) for ${url}`, () => {
        const ours = rsa.signer.signUrl(url, { expires: NOW + 3600, hashAlgorithm: hash });
        const theirs = getSignedUrl({
          url,
          keyPairId: KEY_ID,
          privateKey: rsa.privateKeyPem,
          dateLessThan: new Date((NOW + 3600) * 1000).toISOString(),
          ...(hash === "sha256" ? { algorithm: "SHA256" } : {}),
        } as Parameters<typeof getSignedUrl>[0]);
        assert.equal(queryParam(ours, "Signature"), queryParam(theirs, "Signature"));
        assert.equal(queryParam(ours, "Expires"), String(NOW + 3600));
        assert.equal(queryParam(ours, "Expires"), queryParam(theirs, "Expires"));
        assert.ok(ours.startsWith(`${url}${url.includes("?") ? "&" : "?"}Expires=`), "own query preserved");
      });

      it(`custom policy URL signature is byte-identical (${hash}) for ${url}`, () => {
        const statement = {
          resource: `https://${HOST}/video/*`,
          dateLessThan: NOW + 600,
          dateGreaterThan: NOW - 60,
          ipAddress: "192.0.2.0/24",
        };
        const policy = customPolicyJson(statement);
        const theirs = getSignedUrl({
          url,
          keyPairId: KEY_ID,
          privateKey: rsa.privateKeyPem,
          policy,
          ...(hash === "sha256" ? { algorithm: "SHA256" } : {}),
        } as Parameters<typeof getSignedUrl>[0]);
        assert.equal(rsa.signer.signPolicy(policy, hash), queryParam(theirs, "Signature"));
        const suffix = rsa.signer.signedQueryFor(statement, hash);
        assert.equal(queryParam(`?${suffix}`, "Signature"), queryParam(theirs, "Signature"));
        assert.equal(queryParam(`?${suffix}`, "Policy"), queryParam(theirs, "Policy"));
      });
    }

    it(`signed cookies are identical to getSignedCookies (${hash}), canned and custom`, () => {
      const url = URLS[0];
      const canned = rsa.signer.signCookies(url, { expires: NOW + 300, hashAlgorithm: hash });
      const awsCanned = getSignedCookies({
        url,
        keyPairId: KEY_ID,
        privateKey: rsa.privateKeyPem,
        dateLessThan: new Date((NOW + 300) * 1000).toISOString(),
        ...(hash === "sha256" ? { algorithm: "SHA256" } : {}),
      } as Parameters<typeof getSignedCookies>[0]);
      assert.deepEqual({ ...canned.cookies }, asStrings(awsCanned));

      const custom = rsa.signer.signCookies(url, {
        expires: NOW + 300,
        hashAlgorithm: hash,
        resource: { pattern: `https://${HOST}/video/*` },
      });
      const policy = fromCloudFrontBase64(custom.cookies["CloudFront-Policy"] as string).toString("utf8");
      const awsCustom = getSignedCookies({
        url,
        keyPairId: KEY_ID,
        privateKey: rsa.privateKeyPem,
        policy,
        ...(hash === "sha256" ? { algorithm: "SHA256" } : {}),
      } as Parameters<typeof getSignedCookies>[0]);
      assert.deepEqual({ ...custom.cookies }, asStrings(awsCustom));
    });
  }

  it("the canned policy string is exactly CloudFront's", () => {
    assert.equal(
      cannedPolicyJson("https://d111111abcdef8.cloudfront.net/a.ts?x=1", 1357034400),
      '{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/a.ts?x=1",' +
        '"Condition":{"DateLessThan":{"AWS:EpochTime":1357034400}}}]}',
    );
  });
});

describe("cloudfront oracle: openssl verifies ECDSA P-256 signatures", function () {
  let dir = "";
  before(function () {
    requireSystemTool(this, "openssl", "the independent ECDSA verifier");
    dir = mkdtempSync(join(tmpdir(), "cf-ecdsa-"));
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ec = fixture("ecdsa-p256");
  for (const hash of HASHES) {
    for (const kind of ["canned", "custom"] as const) {
      it(`openssl dgst -${hash} -verify accepts our ${kind} signature`, () => {
        const policy =
          kind === "canned"
            ? cannedPolicyJson(URLS[1], NOW + 60)
            : customPolicyJson({
                resource: `https://${HOST}/video/*`,
                dateLessThan: NOW + 60,
                ipAddress: "198.51.100.7",
              });
        const signature = fromCloudFrontBase64(ec.signer.signPolicy(policy, hash));
        assert.equal(signature[0], 0x30, "DER SEQUENCE");
        writeFileSync(join(dir, "pub.pem"), ec.publicKeyPem);
        writeFileSync(join(dir, "policy.json"), policy);
        writeFileSync(join(dir, "sig.der"), signature);
        const run = (file: string) =>
          spawnSync("openssl", ["dgst", `-${hash}`, "-verify", "pub.pem", "-signature", "sig.der", file], {
            cwd: dir,
            encoding: "utf8",
          });
        const good = run("policy.json");
        assert.equal(good.status, 0, good.stderr);
        assert.match(good.stdout, /Verified OK/);
        writeFileSync(join(dir, "tampered.json"), policy.replace("AWS:EpochTime", "AWS:EpochTimf"));
        const bad = run("tampered.json");
        assert.notEqual(bad.status, 0, "openssl must reject a tampered policy");
      });
    }
  }
});
