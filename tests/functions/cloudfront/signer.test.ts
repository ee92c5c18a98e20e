/** Signer features beyond the round trip: limits, hosts, signedQueryFor, cookie attributes, readSignedRequest. */
import assert from "node:assert/strict";
import {
  folderWildcardResource,
  fromCloudFrontBase64,
  readSignedRequest,
  Signer,
  SigningInputError,
  verifyRequest,
} from "../../../functions/cloudfront";
import { cookieHeader, fixture, HOST, KEY_ID, NOW, queryParam } from "./helpers";

const URL_OK = `https://${HOST}/live/ch1/index._m3u8`;

function signer(extra: object = {}): Signer {
  return new Signer({
    keyPairId: KEY_ID,
    privateKey: fixture("ecdsa-p256").privateKeyPem,
    now: () => NOW,
    ...extra,
  });
}

describe("cloudfront signer", () => {
  it("detects the key algorithm and accepts an already parsed key", () => {
    assert.equal(fixture("rsa-2048").signer.algorithm, "rsa-2048");
    assert.equal(fixture("ecdsa-p256").signer.algorithm, "ecdsa-p256");
    assert.equal(fixture("ecdsa-p256").signer.keyPairId, KEY_ID);
  });

  it("maxLifetimeSeconds refuses by default and clamps with clampLifetime", () => {
    assert.throws(
      () => signer({ maxLifetimeSeconds: 600 }).signUrl(URL_OK, { expires: NOW + 601 }),
      (e: SigningInputError) => e.code === "lifetime-too-long",
    );
    assert.ok(
      signer({ maxLifetimeSeconds: 600 })
        .signUrl(URL_OK, { expires: NOW + 600 })
        .includes(`Expires=${NOW + 600}`),
    );
    const clamped = signer({ maxLifetimeSeconds: 600, clampLifetime: true }).signUrl(URL_OK, {
      expires: NOW + 86_400,
    });
    assert.equal(queryParam(clamped, "Expires"), String(NOW + 600));
    const cookies = signer({ maxLifetimeSeconds: 600, clampLifetime: true }).signCookies(URL_OK, {
      expires: NOW + 9999,
    });
    assert.equal(cookies.expires, NOW + 600);
    assert.throws(
      () =>
        signer({ maxLifetimeSeconds: 600, clampLifetime: true }).signUrl(URL_OK, {
          expires: NOW + 9999,
          notBefore: NOW + 700,
        }),
      (e: SigningInputError) => e.code === "not-before-after-expiry",
    );
  });

  it("allowedHosts accepts listed hosts case-insensitively and refuses others on every method", () => {
    const s = signer({ allowedHosts: [HOST.toUpperCase()] });
    assert.ok(s.signUrl(URL_OK, { expires: NOW + 60 }).startsWith(URL_OK));
    assert.ok(s.signCookies(URL_OK, { expires: NOW + 60 }).cookies["CloudFront-Signature"]);
    assert.ok(
      s
        .signedQueryFor({ resource: `https://${HOST}/live/ch1/*`, dateLessThan: NOW + 60 })
        .startsWith("Policy="),
    );
    for (const call of [
      () => s.signUrl("https://other.example/a.ts", { expires: NOW + 60 }),
      () => s.signCookies("https://other.example/a.ts", { expires: NOW + 60 }),
      () =>
        s.signUrl(URL_OK, { expires: NOW + 60, resource: { folderOf: "https://other.example/live/x.m3u8" } }),
    ]) {
      assert.throws(call, (e: SigningInputError) => e.code === "host-not-allowed");
    }
  });

  it("signedQueryFor signs once for a folder; players may append LL-HLS parameters", () => {
    const { trusted } = fixture("ecdsa-p256");
    const resource = folderWildcardResource(`${URL_OK}?foo=1`);
    assert.equal(resource, `https://${HOST}/live/ch1/*`);
    const suffix = signer().signedQueryFor(
      { resource, dateLessThan: NOW + 30, ipAddress: "192.0.2.9" },
      "sha256",
    );
    assert.match(
      suffix,
      /^Policy=[A-Za-z0-9~_-]+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$/,
    );
    const policy = fromCloudFrontBase64(queryParam(`?${suffix}`, "Policy") as string).toString("utf8");
    assert.equal(
      policy,
      `{"Statement":[{"Resource":"https://${HOST}/live/ch1/*","Condition":{"DateLessThan":{"AWS:EpochTime":${NOW + 30}},` +
        `"IpAddress":{"AWS:SourceIp":"192.0.2.9/32"}}}]}`,
    );
    for (const uri of ["seg-1.ts", "720p/seg-2.m4s", "index._m3u8?_HLS_msn=10&_HLS_part=1"]) {
      const url = `https://${HOST}/live/ch1/${uri}${uri.includes("?") ? "&" : "?"}${suffix}`;
      const result = verifyRequest({ url, now: NOW, viewerIp: "192.0.2.9" }, trusted);
      assert.equal(result.accepted, true, JSON.stringify(result));
    }
    const appended = `https://${HOST}/live/ch1/index._m3u8?${suffix}&_HLS_msn=11&_HLS_skip=YES`;
    assert.equal(verifyRequest({ url: appended, now: NOW, viewerIp: "192.0.2.9" }, trusted).accepted, true);
    const outside = `https://${HOST}/live/ch2/seg-1.ts?${suffix}`;
    const rejected = verifyRequest({ url: outside, now: NOW, viewerIp: "192.0.2.9" }, trusted);
    assert.equal(rejected.accepted ? "accepted" : rejected.code, "resource-mismatch");
  });

  it("signedQueryFor enforces time rules and refuses bad statements", () => {
    const resource = `https://${HOST}/live/ch1/*`;
    for (const [statement, code] of [
      [{ resource, dateLessThan: NOW - 1 }, "expired"],
      [{ resource, dateLessThan: NOW + 60, dateGreaterThan: NOW + 60 }, "not-before-after-expiry"],
      [{ resource, dateLessThan: NOW + 60, ipAddress: "::1" }, "ipv6-not-supported"],
      [{ resource: "*", dateLessThan: NOW + 60 }, "bad-resource"],
    ] as const) {
      assert.throws(
        () => signer().signedQueryFor(statement),
        (e: SigningInputError) => e.code === code,
      );
    }
  });

  it("cookies carry Domain, Path, SameSite and, only when asked, Expires and Max-Age", () => {
    const set = signer().signCookies(
      URL_OK,
      { expires: NOW + 120, hashAlgorithm: "sha256", notBefore: NOW - 5 },
      { domain: "cloudfront.net", path: "/live/", sameSite: "Lax", expiresAttribute: true },
    );
    assert.deepEqual(Object.keys(set.cookies), [
      "CloudFront-Policy",
      "CloudFront-Signature",
      "CloudFront-Key-Pair-Id",
      "CloudFront-Hash-Algorithm",
    ]);
    assert.equal(set.cookies["CloudFront-Hash-Algorithm"], "SHA256");
    const expires = new Date((NOW + 120) * 1000).toUTCString();
    for (const header of set.setCookieHeaders) {
      assert.ok(
        header.endsWith(
          `; Path=/live/; Domain=cloudfront.net; Expires=${expires}; Max-Age=120; Secure; HttpOnly; SameSite=Lax`,
        ),
        header,
      );
    }
    assert.deepEqual(set.policy, { resource: URL_OK, dateLessThan: NOW + 120, dateGreaterThan: NOW - 5 });
    const result = verifyRequest(
      { url: URL_OK, cookieHeader: cookieHeader(set.cookies), now: NOW },
      fixture("ecdsa-p256").trusted,
    );
    assert.equal(result.accepted, true);
  });

  it("the URL's own query is preserved byte for byte, including odd encodings", () => {
    const url = `https://${HOST}/a/b.ts?z=%7E&a=1&a=2&empty=&flag&x=y%26z`;
    const signed = signer().signUrl(url, { expires: NOW + 60 });
    assert.ok(signed.startsWith(`${url}&Expires=`));
    assert.equal(verifyRequest({ url: signed, now: NOW }, fixture("ecdsa-p256").trusted).accepted, true);
  });
});

describe("cloudfront readSignedRequest", () => {
  it("decodes URL and cookie credentials without checking the signature", () => {
    const s = signer();
    const url = s.signUrl(URL_OK, {
      expires: NOW + 90,
      ipAddress: "198.51.100.0/24",
      hashAlgorithm: "sha256",
    });
    assert.deepEqual(readSignedRequest(url), {
      source: "url",
      kind: "custom",
      policy: { resource: URL_OK, dateLessThan: NOW + 90, ipAddress: "198.51.100.0/24" },
      keyPairId: KEY_ID,
      hashAlgorithm: "sha256",
    });
    const cookies = s.signCookies(URL_OK, { expires: NOW + 45 }).cookies;
    assert.deepEqual(readSignedRequest(URL_OK, cookieHeader(cookies)), {
      source: "cookie",
      kind: "canned",
      policy: { resource: URL_OK, dateLessThan: NOW + 45 },
      keyPairId: KEY_ID,
      hashAlgorithm: "sha1",
    });
    const forged = url.replace(/Signature=[^&]+/, "Signature=AAAA");
    assert.equal("error" in readSignedRequest(forged), false, "no signature check here");
  });

  it("says what is wrong when it cannot decode", () => {
    for (const [url, cookie, message] of [
      [URL_OK, undefined, /no signed URL parameters and no CloudFront signed cookies/],
      [
        `${URL_OK}?Policy=%%%&Signature=AA__&Key-Pair-Id=K1`,
        undefined,
        /Policy parameter is not CloudFront base64/,
      ],
      [
        `${URL_OK}?Expires=soon&Signature=AA__&Key-Pair-Id=K1`,
        undefined,
        /Expires parameter "soon" is not a whole number/,
      ],
      [URL_OK, "CloudFront-Expires=1; CloudFront-Signature=AA__", /CloudFront-Key-Pair-Id cookie is missing/],
    ] as const) {
      const read = readSignedRequest(url, cookie);
      assert.ok("error" in read, JSON.stringify(read));
      assert.match(read.error, message);
    }
  });
});
