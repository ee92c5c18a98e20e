/**
 * Every single-character tamper of a signed URL or cookie set is rejected,
 * with the reason that names what was changed: policy, signature, key id,
 * expiry, resource, viewer IP, hash algorithm.
 */
import assert from "node:assert/strict";
import { verifyRequest, type RejectCode, type VerifyRequest } from "../../../functions/cloudfront";
import { MAX_EPOCH_SECONDS } from "../../../contract/limits";
import { cookieHeader, fixture, HOST, KEY_ID, NOW, queryParam } from "./helpers";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-~_";
const URL_PLAIN = `https://${HOST}/vod/asset7/1080p/seg-00042.ts`;
const URL_QUERY = `${URL_PLAIN}?session=s1&lang=en`;
const VIEWER = "198.51.100.23";

/** Replaces one character with another one of the same class, so the value keeps its shape. */
function swap(text: string, index: number, alphabet = ALPHABET): string {
  const current = text[index];
  const position = alphabet.indexOf(current);
  const next = alphabet[(position + 1) % alphabet.length];
  return text.slice(0, index) + (next === current ? alphabet[0] : next) + text.slice(index + 1);
}

function replaceParam(url: string, name: string, value: string): string {
  return url.replace(`${name}=${queryParam(url, name)}`, `${name}=${value}`);
}

/** What a tamper of CloudFront base64 must give: a changed byte is a bad signature, a non-canonical text is malformed. */
function canonical(text: string): boolean {
  const standard = text.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/");
  return (
    /^[A-Za-z0-9+/]*={0,2}$/.test(standard) && Buffer.from(standard, "base64").toString("base64") === standard
  );
}

/** A changed expiry breaks the signature; one beyond 2038 cannot even form a policy. */
function expiresCode(tampered: string): RejectCode {
  return Number(tampered) > MAX_EPOCH_SECONDS ? "malformed" : "bad-signature";
}

function expectReject(
  request: VerifyRequest,
  trusted: ReadonlyMap<string, string>,
  codes: readonly RejectCode[],
) {
  const result = verifyRequest(request, trusted);
  assert.equal(result.accepted, false, `accepted a tampered request: ${request.url}`);
  if (!result.accepted) {
    assert.ok(
      codes.includes(result.code),
      `got ${result.code} (${result.reason}), wanted ${codes.join("|")}`,
    );
    assert.ok(result.reason.length > 10);
  }
}

for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
  describe(`cloudfront tamper rejection (${algorithm})`, () => {
    const { signer, trusted } = fixture(algorithm);
    const canned = signer.signUrl(URL_QUERY, { expires: NOW + 600 });
    const custom = signer.signUrl(URL_QUERY, { expires: NOW + 600, ipAddress: VIEWER, notBefore: NOW - 60 });
    const base = { now: NOW, viewerIp: VIEWER };

    it("the untampered URLs are accepted", () => {
      assert.equal(verifyRequest({ url: canned, ...base }, trusted).accepted, true);
      assert.equal(verifyRequest({ url: custom, ...base }, trusted).accepted, true);
    });

    it("every tampered Policy character is rejected", () => {
      const policy = queryParam(custom, "Policy") as string;
      for (let i = 0; i < policy.length; i++) {
        const tampered = swap(policy, i);
        expectReject({ url: replaceParam(custom, "Policy", tampered), ...base }, trusted, [
          canonical(tampered) ? "bad-signature" : "malformed",
        ]);
      }
    });

    for (const [name, url] of [
      ["canned", canned],
      ["custom", custom],
    ] as const) {
      it(`every tampered Signature character is rejected (${name})`, () => {
        const signature = queryParam(url, "Signature") as string;
        for (let i = 0; i < signature.length; i++) {
          expectReject({ url: replaceParam(url, "Signature", swap(signature, i)), ...base }, trusted, [
            "bad-signature",
          ]);
        }
      });

      it(`every tampered Key-Pair-Id character is rejected (${name})`, () => {
        for (let i = 0; i < KEY_ID.length; i++) {
          expectReject({ url: replaceParam(url, "Key-Pair-Id", swap(KEY_ID, i)), ...base }, trusted, [
            "unknown-key",
          ]);
        }
      });

      it(`a missing or changed Hash-Algorithm is rejected (${name})`, () => {
        expectReject({ url: `${url}&Hash-Algorithm=SHA256`, ...base }, trusted, ["bad-hash-algorithm"]);
        expectReject({ url: `${url}&Hash-Algorithm=SHA257`, ...base }, trusted, ["bad-hash-algorithm"]);
        const sha256 = signer.signUrl(URL_PLAIN, { expires: NOW + 60, hashAlgorithm: "sha256" });
        expectReject({ url: sha256.replace("&Hash-Algorithm=SHA256", ""), ...base }, trusted, [
          "bad-hash-algorithm",
        ]);
      });
    }

    it("every tampered Expires digit is rejected", () => {
      const expires = queryParam(canned, "Expires") as string;
      for (let i = 0; i < expires.length; i++) {
        const tampered = swap(expires, i, "0123456789");
        expectReject({ url: replaceParam(canned, "Expires", tampered), ...base }, trusted, [
          expiresCode(tampered),
        ]);
      }
      expectReject({ url: replaceParam(canned, "Expires", `${expires}x`), ...base }, trusted, ["malformed"]);
    });

    it("every tampered resource character is rejected (canned: signature, custom: resource)", () => {
      const start = "https://".length;
      for (let i = start; i < URL_QUERY.length; i++) {
        if (":/?&=.".includes(URL_QUERY[i])) continue; // structure, not resource bytes
        const tamperedUrl = swap(URL_QUERY, i, "abcdefghijklmnopqrstuvwxyz0123456789");
        expectReject({ url: canned.replace(URL_QUERY, tamperedUrl), ...base }, trusted, ["bad-signature"]);
        expectReject({ url: custom.replace(URL_QUERY, tamperedUrl), ...base }, trusted, [
          "resource-mismatch",
        ]);
      }
      expectReject({ url: custom.replace("?session=s1&lang=en", "?session=s1"), ...base }, trusted, [
        "resource-mismatch",
      ]);
    });

    it("every other viewer IP is rejected for an IP-bound policy", () => {
      const octets = VIEWER.split(".");
      for (let i = 0; i < 4; i++) {
        const other = octets.map((o, j) => (j === i ? String((Number(o) + 1) % 256) : o)).join(".");
        expectReject({ url: custom, now: NOW, viewerIp: other }, trusted, ["ip-mismatch"]);
      }
      expectReject({ url: custom, now: NOW, viewerIp: "2001:db8::23" }, trusted, ["ip-mismatch"]);
      expectReject({ url: custom, now: NOW }, trusted, ["ip-mismatch"]);
      expectReject({ url: custom, now: NOW, viewerIp: "not-an-ip" }, trusted, ["ip-mismatch"]);
      assert.equal(
        verifyRequest({ url: custom, now: NOW, viewerIp: `::ffff:${VIEWER}` }, trusted).accepted,
        true,
      );
    });

    it("time bounds are exact: DateLessThan and DateGreaterThan are strict", () => {
      assert.equal(verifyRequest({ url: custom, now: NOW + 599, viewerIp: VIEWER }, trusted).accepted, true);
      expectReject({ url: custom, now: NOW + 600, viewerIp: VIEWER }, trusted, ["expired"]);
      expectReject({ url: custom, now: NOW - 60, viewerIp: VIEWER }, trusted, ["not-yet-valid"]);
      assert.equal(verifyRequest({ url: custom, now: NOW - 59, viewerIp: VIEWER }, trusted).accepted, true);
    });

    it("cookies: every tampered value is rejected", () => {
      const set = signer.signCookies(URL_PLAIN, {
        expires: NOW + 600,
        resource: { pattern: `https://${HOST}/vod/asset7/*` },
      });
      const cookies = { ...set.cookies } as Record<string, string>;
      const send = (changed: Record<string, string>) => ({
        url: URL_PLAIN,
        cookieHeader: cookieHeader(changed),
        ...base,
      });
      assert.equal(verifyRequest(send(cookies), trusted).accepted, true);
      for (const name of ["CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"]) {
        for (let i = 0; i < cookies[name].length; i++) {
          const tampered = swap(cookies[name], i);
          const codes: RejectCode[] =
            name === "CloudFront-Key-Pair-Id"
              ? ["unknown-key"]
              : name === "CloudFront-Policy" && !canonical(tampered)
                ? ["malformed"]
                : ["bad-signature"];
          expectReject(send({ ...cookies, [name]: tampered }), trusted, codes);
        }
      }
      expectReject({ ...send(cookies), url: `https://${HOST}/vod/asset8/seg-1.ts` }, trusted, [
        "resource-mismatch",
      ]);
      const cannedSet = signer.signCookies(URL_PLAIN, { expires: NOW + 600 });
      const cannedCookies = { ...cannedSet.cookies } as Record<string, string>;
      const expires = cannedCookies["CloudFront-Expires"];
      for (let i = 0; i < expires.length; i++) {
        const tampered = swap(expires, i, "0123456789");
        expectReject(send({ ...cannedCookies, "CloudFront-Expires": tampered }), trusted, [
          expiresCode(tampered),
        ]);
      }
    });

    it("the URL decides when it carries signing values, even with valid cookies", () => {
      const set = signer.signCookies(URL_PLAIN, { expires: NOW + 600 });
      const header = cookieHeader(set.cookies);
      const badUrl = replaceParam(
        signer.signUrl(URL_PLAIN, { expires: NOW + 600 }),
        "Signature",
        swap(queryParam(canned, "Signature") as string, 3),
      );
      expectReject({ url: badUrl, cookieHeader: header, ...base }, trusted, ["bad-signature"]);
      const goodUrl = signer.signUrl(URL_PLAIN, { expires: NOW + 600 });
      const result = verifyRequest(
        { url: goodUrl, cookieHeader: "CloudFront-Signature=garbage", ...base },
        trusted,
      );
      assert.equal(result.accepted, true);
      if (result.accepted) assert.equal(result.source, "url");
    });

    it("missing, duplicated or mixed signing values are named", () => {
      expectReject({ url: URL_PLAIN, ...base }, trusted, ["missing-signature"]);
      expectReject({ url: `${canned}&Expires=1`, ...base }, trusted, ["malformed"]);
      expectReject({ url: canned.replace(/&Signature=[^&]*/, ""), ...base }, trusted, ["missing-signature"]);
      expectReject({ url: canned.replace(/&Key-Pair-Id=[^&]*/, ""), ...base }, trusted, ["malformed"]);
      expectReject({ url: `${custom}&Expires=${NOW + 5}`, ...base }, trusted, ["malformed"]);
      const set = signer.signCookies(URL_PLAIN, { expires: NOW + 600 });
      const header = cookieHeader(set.cookies);
      expectReject({ url: URL_PLAIN, cookieHeader: `${header}; ${header}`, ...base }, trusted, ["malformed"]);
    });
  });
}
