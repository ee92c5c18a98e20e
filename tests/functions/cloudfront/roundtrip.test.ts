/** Every URL and cookie set the signer produces is accepted by the verifier, for both key types. */
import assert from "node:assert/strict";
import { readSignedRequest, verifyRequest, type SignOptions } from "../../../functions/cloudfront";
import { cookieHeader, fixture, HOST, NOW } from "./helpers";

const URL_PLAIN = `https://${HOST}/vod/asset1/720p/seg-00001.ts`;
const URL_QUERY = `https://${HOST}/vod/asset1/720p/seg-00001.ts?session=abc&lang=en`;

const CASES: {
  name: string;
  url: string;
  options: SignOptions;
  viewerIp?: string;
  kind: "canned" | "custom";
}[] = [
  { name: "canned", url: URL_PLAIN, options: { expires: NOW + 60 }, kind: "canned" },
  { name: "canned with own query", url: URL_QUERY, options: { expires: NOW + 60 }, kind: "canned" },
  {
    name: "canned sha256",
    url: URL_QUERY,
    options: { expires: NOW + 60, hashAlgorithm: "sha256" },
    kind: "canned",
  },
  {
    name: "custom not-before",
    url: URL_PLAIN,
    options: { expires: NOW + 60, notBefore: NOW - 10 },
    kind: "custom",
  },
  {
    name: "custom ip",
    url: URL_QUERY,
    options: { expires: NOW + 60, ipAddress: "203.0.113.9" },
    viewerIp: "203.0.113.9",
    kind: "custom",
  },
  {
    name: "custom cidr sha256",
    url: URL_PLAIN,
    options: { expires: NOW + 60, ipAddress: "203.0.113.0/24", hashAlgorithm: "sha256" },
    viewerIp: "203.0.113.200",
    kind: "custom",
  },
  {
    name: "custom pattern",
    url: URL_QUERY,
    options: { expires: NOW + 60, resource: { pattern: `https://${HOST}/vod/asset1/*` } },
    kind: "custom",
  },
  {
    name: "custom folderOf",
    url: URL_PLAIN,
    options: { expires: NOW + 60, resource: { folderOf: `https://${HOST}/vod/asset1/720p/index.m3u8?x=1` } },
    kind: "custom",
  },
];

for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
  describe(`cloudfront round trip (${algorithm})`, () => {
    const { signer, trusted } = fixture(algorithm);

    for (const c of CASES) {
      it(`signed URL is accepted: ${c.name}`, () => {
        const signed = signer.signUrl(c.url, c.options);
        assert.ok(signed.startsWith(c.url), "the URL's own bytes come first, unchanged");
        const result = verifyRequest({ url: signed, now: NOW, viewerIp: c.viewerIp }, trusted);
        assert.equal(result.accepted, true, JSON.stringify(result));
        if (result.accepted) {
          assert.equal(result.kind, c.kind);
          assert.equal(result.source, "url");
          assert.equal(result.hashAlgorithm, c.options.hashAlgorithm ?? "sha1");
        }
        const read = readSignedRequest(signed);
        assert.ok(!("error" in read));
        assert.equal(read.policy.dateLessThan, NOW + 60);
      });

      it(`signed cookies are accepted: ${c.name}`, () => {
        const signed = signer.signCookies(c.url, c.options);
        const result = verifyRequest(
          { url: c.url, cookieHeader: cookieHeader(signed.cookies), now: NOW, viewerIp: c.viewerIp },
          trusted,
        );
        assert.equal(result.accepted, true, JSON.stringify(result));
        if (result.accepted) {
          assert.equal(result.source, "cookie");
          assert.equal(result.kind, c.kind);
        }
        assert.equal(signed.setCookieHeaders.length, Object.keys(signed.cookies).length);
        for (const header of signed.setCookieHeaders) {
          assert.match(header, /; Path=\/; Secure; HttpOnly; SameSite=None$/);
          assert.doesNotMatch(header, /; (?:Expires|Max-Age)=/);
        }
      });
    }
  });
}
