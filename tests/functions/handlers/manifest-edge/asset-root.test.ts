/**
 * The manifest edge and the asset root (issue 14 item 4): a media playlist
 * entered with the signing Lambda's asset-root grant gets `../../keys/` signed;
 * every URI on an allowed host that the grant leaves out is a warning (log
 * level, `outOfScope` field, `UrisOutOfScope` metric); a one-URL grant above
 * the asset root is refused.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { generateKeyPair, Signer, verifyRequest } from "../../../../functions/cloudfront";
import type { CloudFrontResultResponse } from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import { extractMetrics } from "../../../../functions/observability/emf";
import { EDGE_TRIGGERS } from "../../../../contract/limits";
import { handlerServing } from "../../../support/manifest-edge";
import { requestEvent } from "../events";

const NOW = 1_800_000_000;
const HOST = "d111111abcdef8.cloudfront.net";
const KEY_ID = "K2JCJMDEHXQW5F";
const pair = generateKeyPair("ecdsa-p256");
const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);
const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW });

const AUDIO_PATH = "/videos/abc/audio/en/index._m3u8";
/** An audio-only media playlist: its key in the asset's shared keys/ folder, one more above the asset. */
const AUDIO =
  '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI="../../keys/k.key?v=1"\n' +
  "#EXTINF:2,\nseg_0.ts\n" +
  '#EXT-X-KEY:METHOD=AES-128,URI="../../../shared-keys/k2.key"\n#EXTINF:2,\nseg_1.ts\n';

function bodyOf(response: CloudFrontResultResponse): string {
  const body = response.body ?? "";
  return response.bodyEncoding === "base64" ? gunzipSync(Buffer.from(body, "base64")).toString("utf8") : body;
}

for (const trigger of EDGE_TRIGGERS) {
  describe(`manifest edge: the asset root (${trigger})`, () => {
    const setup = (assetRootDepth?: number) => {
      const logs: Record<string, unknown>[] = [];
      const handler = handlerServing(trigger, AUDIO, {
        signer,
        publicKeyPem: pair.publicKeyPem,
        now: NOW,
        host: HOST,
        log: (line) => logs.push(line as Record<string, unknown>),
        config: assetRootDepth === undefined ? {} : { assetRootDepth },
      });
      const get = async (signedUrl: string) => {
        const url = new URL(signedUrl);
        return (await handler(
          requestEvent(trigger, { uri: url.pathname, querystring: url.search.slice(1) }),
        )) as CloudFrontResultResponse;
      };
      return { logs, get };
    };
    const lastMetrics = (logs: Record<string, unknown>[]) =>
      Object.fromEntries(extractMetrics(logs[logs.length - 1]).map((metric) => [metric.name, metric.value]));

    it("signs ../../keys/ for a media playlist entered with the asset-root grant; the key verifies", async () => {
      const { logs, get } = setup(2);
      // What the signing Lambda hands out for this playlist with assetRootDepth 2 (sign-grants.test.ts).
      const viewerUrl = signer.signUrl(`https://${HOST}${AUDIO_PATH}`, {
        expires: NOW + 600,
        resource: { pattern: `https://${HOST}/videos/abc/*` },
      });
      const response = await get(viewerUrl);
      assert.equal(response.status, "200", response.body);
      const keyUri = /URI="(\.\.\/\.\.\/keys\/k\.key\?v=1&Policy=[^"]+)"/.exec(bodyOf(response))?.[1];
      assert.ok(keyUri, bodyOf(response));
      const keyUrl = new URL(keyUri, `https://${HOST}${AUDIO_PATH}`).href;
      assert.ok(verifyRequest({ url: keyUrl, now: NOW + 1 }, trusted).accepted);
      // The key above the asset root stays out, and says so: a warning with the URI as written.
      const line = logs[logs.length - 1];
      assert.equal(line.level, "warn");
      assert.equal(line.warning, "uris-out-of-scope");
      assert.deepEqual(line.outOfScope, { count: 1, uris: ["../../../shared-keys/k2.key"] });
      assert.equal(lastMetrics(logs).UrisOutOfScope, 1);
    });

    it("a one-URL grant for the same playlist leaves both keys out: two warnings counted", async () => {
      const { logs, get } = setup(2);
      const response = await get(signer.signUrl(`https://${HOST}${AUDIO_PATH}`, { expires: NOW + 600 }));
      assert.equal(response.status, "200");
      assert.match(bodyOf(response), /URI="\.\.\/\.\.\/keys\/k\.key\?v=1"/);
      const line = logs[logs.length - 1];
      assert.equal(line.level, "warn");
      assert.deepEqual(line.outOfScope, {
        count: 2,
        uris: ["../../keys/k.key", "../../../shared-keys/k2.key"],
      });
      assert.equal(lastMetrics(logs).UrisOutOfScope, 2);
    });

    it("a playlist with every URI in scope logs info and UrisOutOfScope 0", async () => {
      const { logs, get } = setup(1);
      const response = await get(
        signer.signUrl(`https://${HOST}${AUDIO_PATH}`, {
          expires: NOW + 600,
          resource: { pattern: `https://${HOST}/videos/*` },
        }),
      );
      assert.equal(response.status, "200");
      const line = logs[logs.length - 1];
      assert.equal(line.level, "info");
      assert.equal(line.outOfScope, undefined);
      assert.equal(lastMetrics(logs).UrisOutOfScope, 0);
    });

    it("refuses a one-URL grant for a playlist above the asset root (403 above-asset-root)", async () => {
      const above = signer.signUrl(`https://${HOST}/videos/master._m3u8`, { expires: NOW + 600 });
      const { logs, get } = setup(2);
      assert.equal((await get(above)).status, "403");
      assert.equal(logs[logs.length - 1].error, "above-asset-root");
      // Without an asset root only the distribution root is refused, as before.
      assert.equal((await setup().get(above)).status, "200");
    });

    it("refuses an invalid assetRootDepth at creation", () => {
      assert.throws(() => setup(17), /assetRootDepth must be a whole number from 0 to 16/);
    });
  });
}
