import assert from "node:assert/strict";
import { folderWildcardResource, readSignedRequest, verifyRequest } from "../../../functions/cloudfront";
import { PlaylistError, folderResource, playlistPolicy } from "../../../functions/hls";
import { ASSET, HOST, NOW, VIEWER_IP, keysFor, signedRewrite } from "./helpers";

const URL_ = `${ASSET}720p/index._m3u8`;

describe("hls playlist policy (sign once)", () => {
  it("uses the same folder rule as the signing core", () => {
    for (const url of [
      `${ASSET}master._m3u8`,
      `${ASSET}720p/index._m3u8?_HLS_msn=3&x=1`,
      `https://${HOST}/a.m3u8`,
      `https://${HOST}:8443/a/b/c%20d/e.m3u8`,
    ]) {
      assert.equal(folderResource(url), folderWildcardResource(url), url);
    }
  });

  it("refuses a wildcard in the folder", () => {
    assert.throws(() => folderResource(`https://${HOST}/a*b/c.m3u8`), PlaylistError);
  });

  it("expires at the earlier of the viewer's expiry and now + lifetime, never later than the viewer", () => {
    const short = playlistPolicy({
      playlistUrl: URL_,
      viewer: { resource: URL_, dateLessThan: NOW + 100 },
      now: NOW,
      lifetimeSeconds: 3600,
    });
    assert.equal(short.dateLessThan, NOW + 100);
    const long = playlistPolicy({
      playlistUrl: URL_,
      viewer: { resource: URL_, dateLessThan: NOW + 99999 },
      now: NOW + 0.7,
      lifetimeSeconds: 3600,
    });
    assert.equal(long.dateLessThan, NOW + 3600);
    assert.deepEqual(Object.keys(long).sort(), ["dateLessThan", "resource"]);
  });

  it("carries the viewer's IP binding and not-before over", () => {
    const policy = playlistPolicy({
      playlistUrl: URL_,
      viewer: {
        resource: URL_,
        dateLessThan: NOW + 100,
        ipAddress: "203.0.113.0/24",
        dateGreaterThan: NOW - 10,
      },
      now: NOW,
      lifetimeSeconds: 3600,
    });
    assert.equal(policy.ipAddress, "203.0.113.0/24");
    assert.equal(policy.dateGreaterThan, NOW - 10);
  });

  it("inherits the viewer's asset folder when it covers the playlist, else uses the playlist's folder", () => {
    const at = (resource: string) =>
      playlistPolicy({
        playlistUrl: URL_,
        viewer: { resource, dateLessThan: NOW + 100 },
        now: NOW,
        lifetimeSeconds: 60,
      }).resource;
    assert.equal(at(`${ASSET}*`), `${ASSET}*`, "asset folder from the parent playlist");
    assert.equal(at(URL_), `${ASSET}720p/*`, "canned: the playlist's folder");
    assert.equal(at(`${ASSET}720p/index._m3u8*`), `${ASSET}720p/*`);
    assert.equal(
      at(`https://${HOST}/other/*`),
      `${ASSET}720p/*`,
      "a folder that does not cover the playlist",
    );
    assert.equal(
      at(`${ASSET}720p/sub/*`),
      `${ASSET}720p/*`,
      "a narrower folder than the playlist's is not inherited",
    );
    assert.equal(at(`https://*`), `${ASSET}720p/*`, "never widens to every host");
    assert.equal(at(`https://${HOST}*`), `${ASSET}720p/*`);
    assert.equal(at(`https://other.example.com/*`), `${ASSET}720p/*`);
    assert.equal(at(`https://${HOST}/v?d/*`), `${ASSET}720p/*`);
    assert.equal(at(`https://${HOST}/*`), `https://${HOST}/*`, "the viewer's own grant, never more");
  });

  it("refuses an expired grant and a bad lifetime", () => {
    const input = {
      playlistUrl: URL_,
      viewer: { resource: URL_, dateLessThan: NOW },
      now: NOW,
      lifetimeSeconds: 60,
    };
    assert.throws(
      () => playlistPolicy(input),
      (e: unknown) => e instanceof PlaylistError && e.code === "grant-expired",
    );
    for (const lifetimeSeconds of [0, -1, 1.5, NaN]) {
      assert.throws(
        () =>
          playlistPolicy({ ...input, viewer: { resource: URL_, dateLessThan: NOW + 9 }, lifetimeSeconds }),
        (e: unknown) => e instanceof PlaylistError && e.code === "invalid-options",
      );
    }
  });

  for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
    it(`${algorithm}: the rewritten URIs verify, and stop verifying from another IP or after expiry`, () => {
      const text = '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\nseg1.m4s\n../audio/en/index.m3u8\n';
      const signed = signedRewrite(text, {
        playlistUrl: URL_,
        algorithm,
        viewer: { resource: `${ASSET}*`, ipAddress: "203.0.113.0/24", dateLessThan: NOW + 600 },
      });
      const lines = signed.result.text.split("\n");
      const audio = new URL(lines[3], URL_).href;
      assert.ok(audio.startsWith(`${ASSET}audio/en/index._m3u8?Policy=`));
      const trusted = keysFor(algorithm).trusted;
      assert.ok(verifyRequest({ url: audio, now: NOW + 1, viewerIp: VIEWER_IP }, trusted).accepted);
      const otherIp = verifyRequest({ url: audio, now: NOW + 1, viewerIp: "198.51.100.1" }, trusted);
      assert.equal(otherIp.accepted ? "accepted" : otherIp.code, "ip-mismatch");
      const late = verifyRequest({ url: audio, now: NOW + 600, viewerIp: VIEWER_IP }, trusted);
      assert.equal(late.accepted ? "accepted" : late.code, "expired");
      const read = readSignedRequest(audio);
      assert.ok(!("error" in read));
      assert.deepEqual(read.policy, signed.policy);
    });
  }

  it("LL-HLS: _HLS_msn / _HLS_part / _HLS_skip appended by a player still verify", () => {
    const master = signedRewrite("#EXTM3U\n720p/index.m3u8\n", { playlistUrl: `${ASSET}master._m3u8` });
    const child = new URL(master.result.text.split("\n")[1], `${ASSET}master._m3u8`).href;
    const media = signedRewrite('#EXTM3U\n#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=10\n', {
      playlistUrl: `${ASSET}720p/index._m3u8`,
      viewer: { resource: `${ASSET}*` },
    });
    const report = /URI="([^"]+)"/.exec(media.result.text)![1];
    const reportUrl = new URL(report, `${ASSET}720p/index._m3u8`).href;
    assert.ok(child.includes("index._m3u8?Policy=") && reportUrl.includes("360p/index._m3u8?Policy="));
    const trusted = keysFor().trusted;
    for (const base of [child, reportUrl]) {
      for (const extra of [
        "_HLS_msn=12",
        "_HLS_msn=12&_HLS_part=3",
        "_HLS_skip=YES",
        "_HLS_msn=12&_HLS_part=0&_HLS_skip=v2",
      ]) {
        const verdict = verifyRequest(
          { url: `${base}&${extra}`, now: NOW + 5, viewerIp: VIEWER_IP },
          trusted,
        );
        assert.ok(verdict.accepted, `${extra}: ${verdict.accepted ? "" : verdict.reason}`);
      }
    }
  });

  it("a signature does not open another asset or another host", () => {
    const signed = signedRewrite("#EXTM3U\nseg.ts\n", { playlistUrl: URL_ });
    const suffix = signed.result.text.split("\n")[1].split("?")[1];
    const trusted = keysFor().trusted;
    for (const url of [
      `https://${HOST}/vod/asset2/720p/seg.ts`,
      `https://evil.example.org/vod/asset1/720p/seg.ts`,
      `${ASSET}1080p/seg.ts`,
    ]) {
      const verdict = verifyRequest({ url: `${url}?${suffix}`, now: NOW + 1, viewerIp: VIEWER_IP }, trusted);
      assert.equal(verdict.accepted ? "accepted" : verdict.code, "resource-mismatch", url);
    }
  });
});
