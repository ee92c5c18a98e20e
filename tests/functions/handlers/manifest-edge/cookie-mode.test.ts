/**
 * Cookie mode (issue 14 item 1): a playlist answered to a viewer whose grant
 * came from signed cookies carries no signature, so the children are judged
 * by the cookies the viewer holds when it reloads them. CloudFront judges a
 * request with signed URL parameters by the URL alone
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-choosing-signed-urls-cookies.html#private-content-using-signed-urls-and-cookies):
 * a signature in the child URI would outvote every renewed cookie.
 */
import { extractMetrics } from "../../../../functions/observability/emf";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { generateKeyPair, Signer, verifyRequest } from "../../../../functions/cloudfront";
import { fixedTrustedKeys } from "../../../../functions/keys";
import type { CloudFrontResultResponse } from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import { createManifestHandler } from "../../../../functions/handlers/manifest-edge/manifest-edge";
import { signPlaylist } from "../../../../functions/handlers/manifest-edge/playlist-signing";
import { findUris } from "../../../../functions/hls";
import { EDGE_TRIGGERS } from "../../../../contract/limits";
import { masterPlaylist } from "../../../support/playlists";
import { requestEvent } from "../events";
import { HOST, NOW, KEY_ID } from "../../../support/constants";

const ASSET = `https://${HOST}/vod/asset1/`;
const pair = generateKeyPair("ecdsa-p256");
const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);
const signerAt = (now: number) =>
  new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => now });

const MEDIA =
  '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI="../keys/k.key"\n' +
  '#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg1.m4s\n#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=1\n' +
  "#EXTINF:2,\nhttps://elsewhere.example.net/seg2.m4s\n";

/** The viewer's cookies for the asset folder, valid `lifetime` seconds from `issuedAt`, as a Cookie header. */
function cookieHeader(issuedAt: number, lifetime: number): string {
  const signed = signerAt(issuedAt).signCookies(`${ASSET}master._m3u8`, {
    expires: issuedAt + lifetime,
    resource: { folderOf: `${ASSET}x` },
  });
  return Object.entries(signed.cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}

function bodyOf(response: CloudFrontResultResponse): string {
  const body = response.body ?? "";
  return response.bodyEncoding === "base64" ? gunzipSync(Buffer.from(body, "base64")).toString("utf8") : body;
}

for (const trigger of EDGE_TRIGGERS) {
  describe(`cookie mode: playlists for cookie viewers carry no signature (${trigger})`, () => {
    let clock = NOW;
    const handler = createManifestHandler(
      {
        distributionDomain: HOST,
        trigger,
        fetch: { mode: "distribution" },
        fetchTimeoutMs: 2000,
        playlistLifetimeSeconds: 3600,
        keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
      },
      {
        keys: { getSigner: async () => signerAt(clock) },
        trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
        // The master at the asset root; every other playlist is a media playlist.
        fetchText: async (url) => ({
          status: 200,
          body: Buffer.from(new URL(url).pathname.endsWith("/master.m3u8") ? masterPlaylist(3) : MEDIA),
        }),
        now: () => clock,
        log: (line) => logs.push(line),
      },
    );
    const logs: object[] = [];
    const get = async (path: string, cookie: string) =>
      (await handler(
        requestEvent(trigger, { uri: path, headers: { Cookie: cookie } }),
      )) as CloudFrontResultResponse;

    it("renames child playlists and leaves every URI free of signing parameters", async () => {
      clock = NOW;
      const master = await get("/vod/asset1/master._m3u8", cookieHeader(NOW, 30));
      assert.equal(master.status, "200");
      const text = bodyOf(master);
      assert.doesNotMatch(text, /Signature=|Policy=|Key-Pair-Id=|Expires=/);
      assert.match(text, /\n1080p\/index\._m3u8\n/);
      assert.doesNotMatch(text, /\.m3u8(\n|"|$)/);
      // The outcome metric counts signatures written, not renames: zero here.
      const metrics = Object.fromEntries(
        extractMetrics(logs[logs.length - 1]).map((metric) => [metric.name, metric.value]),
      );
      assert.equal(metrics.PlaylistsSigned, 1);
      assert.equal(metrics.UrisSigned, 0);

      const media = bodyOf(await get("/vod/asset1/720p/index._m3u8", cookieHeader(NOW, 30)));
      // In scope: renamed only; out of the asset folder's scope or on another host: exactly as written.
      assert.match(media, /URI="\.\.\/360p\/index\._m3u8"/);
      assert.match(media, /URI="\.\.\/keys\/k\.key"/);
      assert.match(media, /\nseg1\.m4s\n/);
      assert.match(media, /\nhttps:\/\/elsewhere\.example\.net\/seg2\.m4s\n/);
      assert.doesNotMatch(media, /Signature=/);
    });

    it("children keep playing on renewed cookies after the first cookies expired", async () => {
      // The app hands out 30 s cookies and renews them every 10 s; the player reloads the child
      // playlists it found in the first master (the same URIs) for two minutes.
      clock = NOW;
      const master = bodyOf(await get("/vod/asset1/master._m3u8", cookieHeader(NOW, 30)));
      const children = findUris(master, {
        playlistUrl: `${ASSET}master._m3u8`,
        policy: { resource: `${ASSET}*`, dateLessThan: NOW + 1 },
      }).map((uri) => new URL(uri.value, `${ASSET}master._m3u8`).href);
      assert.ok(children.length >= 4);
      for (let at = NOW + 10; at <= NOW + 120; at += 10) {
        clock = at;
        const cookies = cookieHeader(at - (at % 10), 30);
        for (const child of children) {
          // CloudFront's check of the child request, then the edge function on it.
          const verdict = verifyRequest({ url: child, cookieHeader: cookies, now: at }, trusted);
          assert.ok(
            verdict.accepted,
            `${child} at +${at - NOW} s: ${verdict.accepted ? "" : verdict.reason}`,
          );
          assert.equal(verdict.source, "cookie");
          if (child.endsWith("._m3u8")) {
            const response = await get(new URL(child).pathname, cookies);
            assert.equal(response.status, "200", `${child} at +${at - NOW} s`);
          }
        }
      }
    });

    it("still refuses an expired cookie, and a URL-signed viewer still gets signed URIs", async () => {
      clock = NOW + 60;
      const expired = await get("/vod/asset1/master._m3u8", cookieHeader(NOW, 30));
      assert.equal(expired.status, "403");
      const url = signerAt(clock).signUrl(`${ASSET}master._m3u8`, {
        expires: clock + 30,
        resource: { folderOf: `${ASSET}x` },
      });
      const signed = (await handler(
        requestEvent(trigger, {
          uri: "/vod/asset1/master._m3u8",
          querystring: url.slice(url.indexOf("?") + 1),
          // A browser that also holds cookies for the folder: the URL decides, as in CloudFront.
          headers: { Cookie: cookieHeader(clock, 30) },
        }),
      )) as CloudFrontResultResponse;
      assert.match(bodyOf(signed), /\n1080p\/index\._m3u8\?Policy=[^\n]+&Signature=/);
    });
  });
}

describe("signPlaylist in cookie mode", () => {
  it("makes no signature at all and reports zero signatures", () => {
    let calls = 0;
    const signer = signerAt(NOW);
    const signedQueryFor = signer.signedQueryFor.bind(signer);
    signer.signedQueryFor = (statement, hash) => {
      calls++;
      return signedQueryFor(statement, hash);
    };
    const input = {
      playlist: masterPlaylist(6),
      playlistUrl: `${ASSET}master._m3u8`,
      viewer: { resource: `${ASSET}*`, dateLessThan: NOW + 60 },
      signer,
      allowedHosts: [HOST],
      lifetimeSeconds: 3600,
      now: NOW,
    };
    const cookie = signPlaylist({ ...input, grantSource: "cookie" });
    assert.equal(calls, 0);
    assert.equal(cookie.rewrite.signatures, 0);
    assert.equal(cookie.rewrite.stats.rewritten, 6 * 2 + 2);
    const url = signPlaylist({ ...input, grantSource: "url" });
    assert.equal(calls, 1);
    // The cookie-mode text is the URL-mode text without the signed query.
    assert.equal(cookie.rewrite.text, url.rewrite.text.replace(/\?Policy=[A-Za-z0-9\-_.~%=&]+/g, ""));
  });
});
