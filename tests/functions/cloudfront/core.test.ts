/** The small pure pieces: CloudFront base64, policies, keys. */
import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import {
  customPolicyJson,
  fromCloudFrontBase64,
  generateKeyPair,
  parsePolicyJson,
  parsePrivateKey,
  parsePublicKey,
  SigningInputError,
  toCloudFrontBase64,
} from "../../../functions/cloudfront";

describe("cloudfront base64", () => {
  it("maps + = / to - _ ~ and keeps the padding", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00]); // standard: +/+/AA==
    assert.equal(bytes.toString("base64"), "+/+/AA==");
    assert.equal(toCloudFrontBase64(bytes), "-~-~AA__");
    assert.deepEqual(fromCloudFrontBase64("-~-~AA__"), bytes);
    for (let length = 0; length < 40; length++) {
      const data = Buffer.from(Array.from({ length }, (_, i) => (i * 97 + length) & 0xff));
      const text = toCloudFrontBase64(data);
      assert.equal(text, data.toString("base64").replace(/\+/g, "-").replace(/=/g, "_").replace(/\//g, "~"));
      if (length > 0) assert.deepEqual(fromCloudFrontBase64(text), data);
    }
  });

  it("refuses text Node would silently accept", () => {
    for (const bad of ["", "AB", "A===", "AB_C", "+/+/AA==", "AB C", "AB\n==", "AB=_", "-~-~AB__"]) {
      assert.throws(
        () => fromCloudFrontBase64(bad),
        (e: SigningInputError) => e.code === "bad-base64",
        bad,
      );
    }
  });
});

describe("cloudfront policies", () => {
  it("custom policy JSON is compact, conditions in a fixed order, /32 added to a bare IP", () => {
    assert.equal(
      customPolicyJson({
        resource: "https://h.example/a/*",
        dateLessThan: 20,
        dateGreaterThan: 10,
        ipAddress: "192.0.2.1",
      }),
      '{"Statement":[{"Resource":"https://h.example/a/*","Condition":{"DateLessThan":{"AWS:EpochTime":20},' +
        '"DateGreaterThan":{"AWS:EpochTime":10},"IpAddress":{"AWS:SourceIp":"192.0.2.1/32"}}}]}',
    );
  });

  it("parses what CloudFront's documentation shows, whitespace and condition order included", () => {
    const documented = `{
      "Statement": [{
        "Resource": "https://d111111abcdef8.cloudfront.net/training/*",
        "Condition": {
          "IpAddress": { "AWS:SourceIp": "192.0.2.0/24" },
          "DateGreaterThan": { "AWS:EpochTime": 1675159200 },
          "DateLessThan": { "AWS:EpochTime": 1675332000 }
        }
      }]
    }`;
    assert.deepEqual(parsePolicyJson(documented), {
      resource: "https://d111111abcdef8.cloudfront.net/training/*",
      dateLessThan: 1675332000,
      dateGreaterThan: 1675159200,
      ipAddress: "192.0.2.0/24",
    });
  });
});

describe("cloudfront keys", () => {
  it("generates PKCS#8 / SPKI pairs that parse back to the same algorithm", () => {
    for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
      const pair = generateKeyPair(algorithm);
      assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
      assert.equal(parsePrivateKey(pair.privateKeyPem).algorithm, algorithm);
      assert.equal(parsePublicKey(pair.publicKeyPem).algorithm, algorithm);
    }
  });

  it("reads PKCS#1 RSA and SEC1 EC private keys (what openssl and older tools write)", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pkcs1 = rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    assert.match(pkcs1, /BEGIN RSA PRIVATE KEY/);
    assert.equal(parsePrivateKey(pkcs1).algorithm, "rsa-2048");
    const rsaPublic = createPublicKey(createPrivateKey(pkcs1))
      .export({ type: "pkcs1", format: "pem" })
      .toString();
    assert.equal(parsePublicKey(rsaPublic).algorithm, "rsa-2048");
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const sec1 = ec.privateKey.export({ type: "sec1", format: "pem" }).toString();
    assert.match(sec1, /BEGIN EC PRIVATE KEY/);
    assert.equal(parsePrivateKey(sec1).algorithm, "ecdsa-p256");
  });
});
