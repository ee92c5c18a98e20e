/** Issue 15: a `*` or a second `?` never reaches a canned policy (signed URL or cookies). */
import assert from "node:assert/strict";
import { generateKeyPair, Signer, SigningInputError } from "../../../functions/cloudfront";
import { HOST } from "../../support/constants";

const EXPIRES = 2_000_000_000;

describe("signing core: canned policies refuse wildcards (issue 15)", () => {
  const signer = new Signer({
    keyPairId: "KC",
    privateKey: generateKeyPair("ecdsa-p256").privateKeyPem,
    now: () => 1_800_000_000,
  });
  const refused = (fn: () => unknown) =>
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof SigningInputError);
      assert.equal(error.code, "wildcard-in-canned-url");
      assert.match(error.message, /--resource 'https:\/\/d111111abcdef8\.cloudfront\.net\/hls\/\*'/);
      return true;
    });

  for (const url of [
    `https://${HOST}/hls/*`,
    `https://${HOST}/hls/seg_*.ts`,
    `https://${HOST}/hls/seg.ts?a=*`,
    `https://${HOST}/hls/seg.ts?a=1?`,
  ]) {
    it(`refuses ${url} as a canned URL and as canned cookies`, () => {
      refused(() => signer.signUrl(url, { expires: EXPIRES }));
      refused(() => signer.signCookies(url, { expires: EXPIRES }));
    });
  }

  it("still signs a plain canned URL with a query, and a custom policy for the folder", () => {
    assert.match(signer.signUrl(`https://${HOST}/hls/seg.ts?a=1`, { expires: EXPIRES }), /&Expires=/);
    const cookies = signer.signCookies(`https://${HOST}/hls/*`, {
      expires: EXPIRES,
      resource: { pattern: `https://${HOST}/hls/*` },
    });
    assert.equal(cookies.policy.resource, `https://${HOST}/hls/*`);
  });
});

describe("signing core: minimum IP prefix (issue 11.4)", () => {
  const pem = generateKeyPair("ecdsa-p256").privateKeyPem;
  const url = `https://${HOST}/hls/seg.ts`;
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as SigningInputError).code;
    }
    return "signed";
  };

  it("refuses a block wider than /24 by default, /0 included, for URLs and cookies", () => {
    const signer = new Signer({ keyPairId: "KC", privateKey: pem, now: () => 1_800_000_000 });
    for (const ipAddress of ["198.51.100.7/0", "198.51.100.0/23", "10.0.0.0/8"]) {
      assert.equal(
        code(() => signer.signUrl(url, { expires: EXPIRES, ipAddress })),
        "ip-range-too-wide",
      );
      assert.equal(
        code(() => signer.signCookies(url, { expires: EXPIRES, ipAddress })),
        "ip-range-too-wide",
      );
    }
    assert.equal(
      code(() => signer.signUrl(url, { expires: EXPIRES, ipAddress: "198.51.100.0/24" })),
      "signed",
    );
    assert.equal(
      code(() => signer.signUrl(url, { expires: EXPIRES, ipAddress: "198.51.100.7" })),
      "signed",
    );
  });

  it("takes a lower minimum when configured, and refuses a bad one", () => {
    const signer = new Signer({
      keyPairId: "KC",
      privateKey: pem,
      minIpPrefixLength: 16,
      now: () => 1_800_000_000,
    });
    assert.equal(
      code(() => signer.signUrl(url, { expires: EXPIRES, ipAddress: "198.51.0.0/16" })),
      "signed",
    );
    assert.equal(
      code(() => signer.signUrl(url, { expires: EXPIRES, ipAddress: "198.50.0.0/15" })),
      "ip-range-too-wide",
    );
    assert.equal(
      code(() => new Signer({ keyPairId: "KC", privateKey: pem, minIpPrefixLength: 33 })),
      "bad-option",
    );
  });
});
