/**
 * The origin-request trigger never sees the viewer's signing query (CloudFront
 * removes it before forwarding), and the cookies it may see were not checked
 * when the URL was signed. The grant comes only through the header the
 * viewer-request CloudFront Function copies from what CloudFront verified;
 * nothing a viewer adds can widen it.
 */
import assert from "node:assert/strict";
import { generateKeyPair, Signer, verifyRequest } from "../../../../functions/cloudfront";
import type { CloudFrontResultResponse } from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import {
  FORWARDED_GRANT_HEADER,
  GRANT_FORWARDING_FUNCTION_CODE,
} from "../../../../functions/handlers/manifest-edge/forwarded-grant";
import { createManifestHandler } from "../../../../functions/handlers/manifest-edge/manifest-edge";
import { findUris } from "../../../../functions/hls";
import { fixedTrustedKeys } from "../../../../functions/keys";
import { runViewerFunction } from "../../../../local/viewer-function";
import { masterPlaylist } from "../../../support/playlists";
import { requestEvent } from "../events";
import { HOST, NOW, KEY_ID } from "../../../support/constants";

const PATH = "/vod/asset1/master._m3u8";
const pair = generateKeyPair("ecdsa-p256");
const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW });
/** The attacker's own key: CloudFront would never accept what it signs. */
const forger = new Signer({
  keyPairId: KEY_ID,
  privateKey: generateKeyPair("ecdsa-p256").privateKeyPem,
  now: () => NOW,
});
const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);

function handler() {
  return createManifestHandler(
    {
      distributionDomain: HOST,
      trigger: "origin-request",
      fetch: { mode: "origin", originBaseUrl: "https://origin.example.org" },
      fetchTimeoutMs: 2000,
      playlistLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
    },
    {
      keys: { getSigner: async () => signer },
      trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
      fetchText: async () => ({ status: 200, body: Buffer.from(masterPlaylist(2)) }),
      now: () => NOW,
      log: () => undefined,
    },
  );
}

function cookieHeader(cookies: object): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${String(value)}`)
    .join("; ");
}

function queryOf(url: string): string {
  return url.slice(url.indexOf("?") + 1);
}

/** Whether every signed child URI is accepted by CloudFront's rules at `at`. */
function childrenAcceptedAt(response: CloudFrontResultResponse, at: number): boolean {
  assert.equal(response.status, "200", response.body);
  const playlistUrl = `https://${HOST}${PATH}`;
  const uris = findUris(response.body ?? "", {
    playlistUrl,
    policy: { resource: `https://${HOST}/vod/asset1/*`, dateLessThan: NOW + 1 },
  }).filter((uri) => uri.value.includes("Signature="));
  assert.ok(uris.length > 0);
  return uris.every(
    (uri) => verifyRequest({ url: new URL(uri.value, playlistUrl).href, now: at }, trusted).accepted,
  );
}

describe("origin-request grant: only what CloudFront verified reaches the function", () => {
  it("the event carries no signing query and no CloudFront cookies, only the copied header", () => {
    const url = signer.signUrl(`https://${HOST}${PATH}?lang=en`, { expires: NOW + 60 });
    const cookies = signer.signCookies(`https://${HOST}${PATH}`, { expires: NOW + 60 }).cookies;
    const event = requestEvent("origin-request", {
      uri: PATH,
      querystring: queryOf(url),
      headers: {
        Cookie: cookieHeader(cookies),
      },
    });
    const request = event.Records[0].cf.request;
    assert.equal(request.querystring, "lang=en");
    assert.equal(request.headers.cookie, undefined);
    // Only what the *._m3u8 cache policy forwards, plus what CloudFront adds itself.
    assert.deepEqual(
      Object.keys(request.headers).sort(),
      ["host", "user-agent", "via", "x-forwarded-for", FORWARDED_GRANT_HEADER.toLowerCase()].sort(),
    );
    assert.equal(request.headers["user-agent"]?.[0].value, "Amazon CloudFront");
    assert.equal(request.headers.host?.[0].value, HOST, "the viewer's Host is in the manifest key");
    assert.equal(
      request.headers[FORWARDED_GRANT_HEADER.toLowerCase()]?.[0].value,
      queryOf(url).replace("lang=en&", ""),
    );
  });

  it("a narrow signed URL plus forged wide cookies and a forged header: the URL's scope and expiry win", async () => {
    const url = signer.signUrl(`https://${HOST}${PATH}`, { expires: NOW + 60 });
    const forgedCookies = forger.signCookies(`https://${HOST}/vod/asset1/x`, {
      expires: NOW + 86_400,
      resource: { pattern: `https://${HOST}/*` },
    }).cookies;
    const forgedHeader = queryOf(
      forger.signUrl(`https://${HOST}${PATH}`, {
        expires: NOW + 86_400,
        resource: { pattern: `https://${HOST}/*` },
      }),
    );
    const response = (await handler()(
      requestEvent("origin-request", {
        uri: PATH,
        querystring: queryOf(url),
        headers: {
          Cookie: cookieHeader(forgedCookies),
          [FORWARDED_GRANT_HEADER]: forgedHeader,
        },
      }),
    )) as CloudFrontResultResponse;
    assert.ok(childrenAcceptedAt(response, NOW + 30), "the children play within the URL's lifetime");
    assert.equal(childrenAcceptedAt(response, NOW + 61), false, "and not a second past its expiry");
  });

  it("the other reading (CloudFront forwards CloudFront-* cookies): forged cookies are still never read", async () => {
    const url = signer.signUrl(`https://${HOST}${PATH}`, { expires: NOW + 60 });
    const forgedCookies = forger.signCookies(`https://${HOST}/vod/asset1/x`, {
      expires: NOW + 86_400,
      resource: { pattern: `https://${HOST}/*` },
    }).cookies;
    const event = requestEvent("origin-request", { uri: PATH, querystring: queryOf(url) });
    event.Records[0].cf.request.headers.cookie = [
      {
        key: "Cookie",
        value: cookieHeader(forgedCookies),
      },
    ];
    const response = (await handler()(event)) as CloudFrontResultResponse;
    assert.ok(childrenAcceptedAt(response, NOW + 30));
    assert.equal(childrenAcceptedAt(response, NOW + 61), false, "the forged cookie's day is not granted");
  });

  it("cookie mode: the verified cookies reach the function through the header", async () => {
    const cookies = signer.signCookies(`https://${HOST}/vod/asset1/x`, {
      expires: NOW + 120,
      resource: { folderOf: `https://${HOST}/vod/asset1/x` },
    }).cookies;
    const response = (await handler()(
      requestEvent("origin-request", {
        uri: PATH,
        headers: {
          Cookie: cookieHeader(cookies),
        },
      }),
    )) as CloudFrontResultResponse;
    // The grant keeps its cookie source through the header: children are renamed, never signed,
    // and the viewer's cookies open them while they last (playlist-signing.ts, cookie mode).
    assert.equal(response.status, "200", response.body);
    assert.doesNotMatch(response.body ?? "", /Signature=|Policy=|Key-Pair-Id=|Expires=/);
    const playlistUrl = `https://${HOST}${PATH}`;
    const children = findUris(response.body ?? "", {
      playlistUrl,
      policy: { resource: `https://${HOST}/vod/asset1/*`, dateLessThan: NOW + 1 },
    });
    assert.ok(children.length > 0);
    const acceptedAt = (at: number) =>
      children.every(
        (uri) =>
          verifyRequest(
            { url: new URL(uri.value, playlistUrl).href, cookieHeader: cookieHeader(cookies), now: at },
            trusted,
          ).accepted,
      );
    assert.ok(acceptedAt(NOW + 100));
    assert.equal(acceptedAt(NOW + 121), false);
  });

  it("a forged header alone (no signed query, no cookies) is deleted: 403", async () => {
    const forged = queryOf(signer.signUrl(`https://${HOST}${PATH}`, { expires: NOW + 60 }));
    const response = (await handler()(
      requestEvent("origin-request", { uri: PATH, headers: { [FORWARDED_GRANT_HEADER]: forged } }),
    )) as CloudFrontResultResponse;
    assert.equal(response.status, "403");
    assert.match(response.body ?? "", /viewer-grant-unreadable/);
  });

  it("works whether or not CloudFront leaves a signing parameter in the forwarded query", async () => {
    const url = signer.signUrl(`https://${HOST}${PATH}`, { expires: NOW + 60, hashAlgorithm: "sha256" });
    const event = requestEvent("origin-request", { uri: PATH, querystring: queryOf(url) });
    // The other reading: Hash-Algorithm (or any signing name) still in the origin's query.
    event.Records[0].cf.request.querystring = "Hash-Algorithm=SHA256";
    const response = (await handler()(event)) as CloudFrontResultResponse;
    assert.ok(childrenAcceptedAt(response, NOW + 30));
  });

  it("the CloudFront Function copies nothing from a name sent twice or a value outside base64", () => {
    const grantOf = (querystring: string, cookie?: string) =>
      runViewerFunction(GRANT_FORWARDING_FUNCTION_CODE, {
        clientIp: "203.0.113.9",
        method: "GET",
        uri: PATH,
        querystring,
        headers: cookie ? { cookie: [{ key: "Cookie", value: cookie }] } : {},
      }).headers[FORWARDED_GRANT_HEADER.toLowerCase()]?.[0].value;
    assert.equal(grantOf("Expires=1&Signature=a&Key-Pair-Id=K"), "Expires=1&Signature=a&Key-Pair-Id=K");
    assert.equal(grantOf("Expires=1&Expires=2&Signature=a&Key-Pair-Id=K"), undefined);
    assert.equal(grantOf("Expires=1&Signature=a%26Policy%3Dx&Key-Pair-Id=K"), undefined);
    // A URL with any signing parameter decides; its cookies are not copied (CloudFront ignores them).
    assert.equal(grantOf("Signature=a", "CloudFront-Expires=9; CloudFront-Key-Pair-Id=K"), "Signature=a");
    assert.equal(
      grantOf("lang=en", "CloudFront-Expires=9; CloudFront-Signature=s; CloudFront-Key-Pair-Id=K"),
      "CloudFront-Expires=9; CloudFront-Signature=s; CloudFront-Key-Pair-Id=K",
    );
  });
});
