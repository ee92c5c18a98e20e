/**
 * Issue 11 item 10 through the manifest edge handler: the rewrite stops as
 * soon as no response within the trigger's limit could hold it (a 502 with the
 * same `response-too-large` code as a response found too large after gzip),
 * and a playlist that used to blow the URI pattern up is answered, never a 500.
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { generateKeyPair, Signer } from "../../../../functions/cloudfront";
import type { CloudFrontResultResponse } from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import {
  EDGE_GENERATED_RESPONSE_LIMIT_BYTES,
  largestPlaylistForResponse,
  type EdgeTrigger,
} from "../../../../contract/limits";
import { handlerServing, signedViewerEvent } from "../../../support/manifest-edge";
import { vodMediaPlaylist } from "../../../support/playlists";
import { HOST, NOW } from "../../../support/constants";

const ASSET = `https://${HOST}/vod/asset1/`;
const pair = generateKeyPair("ecdsa-p256");
const signer = new Signer({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pair.privateKeyPem, now: () => NOW });

/** The handler over an HTTPS origin serving `body` for every path; returns the response and the log lines. */
async function serve(trigger: EdgeTrigger, body: string, gzip: boolean, query = "") {
  const logs: Record<string, unknown>[] = [];
  const handler = handlerServing(trigger, body, {
    signer,
    publicKeyPem: pair.publicKeyPem,
    now: NOW,
    host: HOST,
    log: (line) => logs.push(line as Record<string, unknown>),
  });
  const url = `${ASSET}index._m3u8${query ? `?${query}` : ""}`;
  const response = (await handler(
    signedViewerEvent(trigger, url, { signer, now: NOW, gzip }),
  )) as CloudFrontResultResponse;
  return { response, logs };
}

describe("manifest edge: the rewrite stops at the response limit (issue 11 item 10)", () => {
  it("bounds the rewritten playlist by the body limit, or by deflate's best ratio when gzipped", () => {
    for (const trigger of ["viewer-request", "origin-request"] as const) {
      const limit = EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger];
      assert.equal(largestPlaylistForResponse(limit, false), limit);
      assert.equal(
        largestPlaylistForResponse(limit, true),
        Math.min(Math.floor((limit * 3) / 4) * 1032, 64 << 20),
      );
    }
  });

  it("an uncompressed viewer-request response: stops at 40 KB with a 502 response-too-large", async () => {
    const { response, logs } = await serve("viewer-request", vodMediaPlaylist(10_000), false);
    assert.equal(response.status, "502");
    assert.equal(logs.length, 1);
    assert.equal(logs[0].error, "response-too-large");
    assert.match(String(logs[0].reason), /rewritten playlist passes 40960 bytes/);
  });

  it("a 1 MiB EXT-X-DEFINE value referenced ten times: answered with the URIs as written, not a 500", async () => {
    const text = `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="${"a".repeat(1024 * 1024)}"\n${"{$v}".repeat(10)}\n`;
    const { response, logs } = await serve("origin-request", text, true);
    assert.equal(response.status, "200", JSON.stringify(logs));
    assert.equal(gunzipSync(Buffer.from(response.body ?? "", "base64")).toString("utf8"), text);
  });

  it("a 7,000-character QUERYPARAM referenced 5,000 times: the playlist comes back as written", async () => {
    const text = `#EXTM3U\n#EXT-X-DEFINE:QUERYPARAM="q"\n${"#EXTINF:2,\n{$q}.ts\n".repeat(5000)}`;
    const { response, logs } = await serve("origin-request", text, false, `q=${"a".repeat(7000)}`);
    assert.equal(response.status, "200", JSON.stringify(logs));
    assert.equal(response.body, text);
  });
});
