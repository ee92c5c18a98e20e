/**
 * Oracles nobody here wrote: RSA signatures must be byte-identical to
 * @aws-sdk/cloudfront-signer for the same policy string; ECDSA signatures
 * (randomised, so not comparable byte for byte) must verify with @noble/curves,
 * a pure-JavaScript ECDSA and SHA that shares no code with node's OpenSSL (node
 * only decodes the public key's PEM for it), and with the openssl CLI where it is
 * installed (.ci/run installs it).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicKey } from "node:crypto";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import { p256 } from "@noble/curves/p256";
import { sha1 } from "@noble/hashes/legacy";
import { sha256 } from "@noble/hashes/sha2";
import { cannedPolicyJson, customPolicyJson, fromCloudFrontBase64 } from "../../../functions/cloudfront";
import { systemToolPath } from "../../support/tools";
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

const WITH_OPENSSL = systemToolPath("openssl") !== undefined;
if (!WITH_OPENSSL)
  console.warn("  (openssl is not installed: ECDSA signatures are cross-checked with @noble/curves only)");

/** The uncompressed P-256 point (04 || x || y) of a PEM public key. */
function rawPoint(publicKeyPem: string): Uint8Array {
  const { x, y } = createPublicKey(publicKeyPem).export({ format: "jwk" });
  return Buffer.concat([
    Buffer.from([4]),
    Buffer.from(x ?? "", "base64url"),
    Buffer.from(y ?? "", "base64url"),
  ]);
}

describe("cloudfront oracle: independent verifiers accept our ECDSA P-256 signatures", function () {
  const ec = fixture("ecdsa-p256");
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "cf-ecdsa-"));
    writeFileSync(join(dir, "pub.pem"), ec.publicKeyPem);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const DIGESTS = { sha1, sha256 };
  /** @noble/curves: the DER signature over the policy's digest (noble's own hash). */
  function nobleVerifies(policy: string, signature: Uint8Array, hash: (typeof HASHES)[number]): boolean {
    const digest = DIGESTS[hash](new TextEncoder().encode(policy));
    return p256.verify(signature, digest, rawPoint(ec.publicKeyPem), {
      format: "der",
      prehash: false,
      lowS: false,
    });
  }
  /** The openssl CLI: `openssl dgst -<hash> -verify`. */
  function opensslVerifies(policy: string, signature: Uint8Array, hash: (typeof HASHES)[number]): boolean {
    writeFileSync(join(dir, "policy.json"), policy);
    writeFileSync(join(dir, "sig.der"), signature);
    const run = spawnSync(
      "openssl",
      ["dgst", `-${hash}`, "-verify", "pub.pem", "-signature", "sig.der", "policy.json"],
      { cwd: dir, encoding: "utf8" },
    );
    if (run.status === 0) assert.match(run.stdout, /Verified OK/);
    return run.status === 0;
  }

  for (const hash of HASHES) {
    for (const kind of ["canned", "custom"] as const) {
      const policy =
        kind === "canned"
          ? cannedPolicyJson(URLS[1], NOW + 60)
          : customPolicyJson({
              resource: `https://${HOST}/video/*`,
              dateLessThan: NOW + 60,
              ipAddress: "198.51.100.7",
            });
      const tampered = policy.replace("AWS:EpochTime", "AWS:EpochTimf");

      it(`@noble/curves accepts our ${kind} ${hash} signature and rejects a tampered policy`, () => {
        const signature = fromCloudFrontBase64(ec.signer.signPolicy(policy, hash));
        assert.equal(signature[0], 0x30, "DER SEQUENCE");
        assert.equal(nobleVerifies(policy, signature, hash), true);
        assert.equal(nobleVerifies(tampered, signature, hash), false, "a tampered policy");
        const other = hash === "sha1" ? "sha256" : "sha1";
        assert.equal(nobleVerifies(policy, signature, other), false, `the ${other} digest of the policy`);
      });

      // openssl is a second opinion where it is installed (.ci/run makes sure it is); without it
      // @noble/curves alone is the independent verifier, and no test is left pending.
      if (!WITH_OPENSSL) continue;
      it(`openssl dgst -${hash} -verify accepts our ${kind} signature and rejects a tampered policy`, () => {
        const signature = fromCloudFrontBase64(ec.signer.signPolicy(policy, hash));
        assert.equal(opensslVerifies(policy, signature, hash), true);
        assert.equal(
          opensslVerifies(tampered, signature, hash),
          false,
          "openssl must reject a tampered policy",
        );
      });
    }
  }
});
