/**
 * Entering below the asset root, end to end through the local stack (issue 14
 * item 4): the app signs the committed sample's audio-only media playlist
 * `/show/audio/en/index.m3u8`, whose AES-128 key sits in `../../keys/`. With
 * the local stack's assetRootDepth 1 (`/show/` names the asset) the signer
 * grants `/show/*`, so the key answers 200 in URL and cookie mode. With depth 0
 * (each playlist's own folder) it answers 403, and the edge warns.
 */
import assert from "node:assert/strict";
import { createSignerClient } from "../../client/signer-client";
import { toEdgeAddress } from "../../local/handlers";
import { checkOptions, defaultOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { sendToLocal } from "../support/local-stack-client";

const AUDIO = "/show/audio/en/index.m3u8";
const loopback = (url: string) => url.replace("//localhost:", "//127.0.0.1:");

describe("local stack: a media playlist entered below the asset root (issue 14 item 4)", function () {
  this.timeout(60_000);
  let stack: LocalStack | undefined;
  let lines: string[] = [];
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function start(assetRootDepth: number) {
    lines = [];
    const options = checkOptions({
      ...defaultOptions(),
      port: 0,
      stateDir: undefined,
      live: false,
      assetRootDepth,
    });
    stack = await startLocalStack(options, { log: (line) => lines.push(line) });
    const client = createSignerClient(
      { region: stack.region, signer: { functionUrl: loopback(stack.urls.signer) } },
      { credentials: stack.signerCredentials },
    );
    return { stack, client };
  }

  /** The key URI of the media playlist as the edge answered it, and its absolute edge URL. */
  function keyOf(playlistText: string, playlistUrl: string) {
    const uri = /#EXT-X-KEY:[^\n]*URI="([^"]+)"/.exec(playlistText)?.[1];
    assert.ok(uri, playlistText);
    return { uri, url: new URL(uri, playlistUrl).toString() };
  }

  async function edgeMetrics(running: LocalStack) {
    const status = (await (
      await fetch(loopback(new URL("/api/status", running.urls.page).toString()))
    ).json()) as { edge: { metrics: Record<string, number> } };
    return status.edge.metrics;
  }

  it("URL mode: the asset-root grant signs ../../keys/enc.key and the key answers 200", async () => {
    const { stack: running, client } = await start(1);
    const signed = await client.sign({ resource: AUDIO });
    assert.match(signed.url, /\/show\/audio\/en\/index\._m3u8\?Policy=/);
    const playlistUrl = toEdgeAddress(signed.url, running.urls.edge);
    const playlist = await sendToLocal(playlistUrl);
    assert.equal(playlist.status, 200, playlist.reason);
    const key = keyOf(playlist.text, playlistUrl);
    assert.match(key.uri, /^\.\.\/\.\.\/keys\/enc\.key\?Policy=/);
    const answer = await sendToLocal(key.url);
    assert.equal(answer.status, 200, answer.reason);
    assert.equal(answer.headers["content-length"], "16", "an AES-128 key (16 bytes)");
    assert.equal((await edgeMetrics(running)).UrisOutOfScope, 0);
  });

  it("cookie mode: cookies for /show/ (Path=/show/) open the key from the audio playlist", async () => {
    const { stack: running, client } = await start(1);
    const signed = await client.sign({ resource: AUDIO, mode: "cookies" });
    assert.ok(signed.mode === "cookies");
    for (const header of signed.setCookieHeaders) assert.match(header, /; Path=\/show\/;/);
    const cookie = signed.setCookieHeaders.map((line) => line.slice(0, line.indexOf(";"))).join("; ");
    const playlistUrl = toEdgeAddress(signed.url, running.urls.edge);
    const playlist = await sendToLocal(playlistUrl, { cookie });
    assert.equal(playlist.status, 200, playlist.reason);
    const key = keyOf(playlist.text, playlistUrl);
    assert.equal(key.uri, "../../keys/enc.key");
    const answer = await sendToLocal(key.url, { cookie });
    assert.equal(answer.status, 200, answer.reason);
  });

  it("depth 0 (the playlist's own folder): the key answers 403 and the edge warns, counted", async () => {
    const { stack: running, client } = await start(0);
    const signed = await client.sign({ resource: AUDIO });
    const playlistUrl = toEdgeAddress(signed.url, running.urls.edge);
    const playlist = await sendToLocal(playlistUrl);
    assert.equal(playlist.status, 200, playlist.reason);
    const key = keyOf(playlist.text, playlistUrl);
    assert.equal(key.uri, "../../keys/enc.key", "left unsigned: outside the grant");
    assert.equal((await sendToLocal(key.url)).status, 403);
    assert.equal((await edgeMetrics(running)).UrisOutOfScope, 1);
    const warning = lines
      .filter((line) => line.startsWith("manifest-edge: "))
      .map((line) => JSON.parse(line.slice("manifest-edge: ".length)) as Record<string, unknown>)
      .find((line) => line.event === "playlist-signed");
    assert.equal(warning?.level, "warn");
    assert.deepEqual(warning?.outOfScope, { count: 1, uris: ["../../keys/enc.key"] });
  });
});
