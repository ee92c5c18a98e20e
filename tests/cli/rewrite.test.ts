/** `signed-hls-cdn rewrite`: in-process against the edge handler, and spawned as operators run it. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runRewrite } from "../../cli/commands/rewrite";
import type { CommandIo } from "../../cli/io";
import { generateKeyPair, Signer, verifyRequest } from "../../functions/cloudfront";
import { fixedTrustedKeys } from "../../functions/keys";
import type { CloudFrontResultResponse } from "../../functions/handlers/manifest-edge/cloudfront-events";
import { createManifestHandler } from "../../functions/handlers/manifest-edge/manifest-edge";
import { requestEvent } from "../functions/handlers/events";
import { HOST, NOW, KEY_ID } from "../support/constants";

const BIN = join(__dirname, "..", "..", "cli", "bin.js");
const PLAYLIST = readFileSync(join(__dirname, "..", "fixtures", "hls", "master.m3u8"));

function io(now = NOW) {
  const out = { stdout: "", stderr: "" };
  const commandIo: CommandIo = {
    stdout: (text) => (out.stdout += text),
    stderr: (text) => (out.stderr += text),
    now: () => now,
  };
  return { out, commandIo };
}

describe("cli: signed-hls-cdn rewrite", function () {
  this.timeout(60_000);
  let dir = "";
  let keyFile = "";
  const pair = generateKeyPair("rsa-2048"); // RSA PKCS#1 v1.5 is deterministic: outputs compare byte for byte

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rewrite-cli-"));
    keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, pair.privateKeyPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => [
    "--playlist-url",
    `https://${HOST}/vod/asset1/master._m3u8`,
    "--key-pair-id",
    KEY_ID,
    "--private-key",
    keyFile,
  ];

  it("writes byte for byte what the edge handler answers for the same viewer", async () => {
    const { out, commandIo } = io();
    const code = await runRewrite(
      [...base(), "--expires", String(NOW + 3600), "--lifetime", "600"],
      commandIo,
      async () => PLAYLIST,
    );
    assert.equal(code, 0, out.stderr);

    const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW });
    const handler = createManifestHandler(
      {
        distributionDomain: HOST,
        trigger: "viewer-request",
        fetch: { mode: "distribution" },
        fetchTimeoutMs: 2000,
        playlistLifetimeSeconds: 600,
        keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
      },
      {
        keys: { getSigner: async () => signer },
        trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
        fetchText: async () => ({ status: 200, body: PLAYLIST }),
        now: () => NOW,
        log: () => undefined,
      },
    );
    const viewerUrl = signer.signUrl(`https://${HOST}/vod/asset1/master._m3u8`, { expires: NOW + 3600 });
    const response = (await handler(
      requestEvent("viewer-request", {
        uri: "/vod/asset1/master._m3u8",
        querystring: viewerUrl.slice(viewerUrl.indexOf("?") + 1),
      }),
    )) as CloudFrontResultResponse;
    assert.equal(response.status, "200");
    assert.equal(out.stdout, response.body);
  });

  it("carries --ip into the policy and signs other --allow-host hosts", async () => {
    const { out, commandIo } = io();
    const input = Buffer.from("#EXTM3U\nhttps://alias.example.com/vod/asset1/a.ts\nb.ts\n");
    const code = await runRewrite(
      [
        ...base(),
        "--playlist-url",
        "https://alias.example.com/vod/asset1/m._m3u8",
        "--ttl",
        "60",
        "--ip",
        "203.0.113.7",
        "--allow-host",
        "alias.example.com",
        "--stats",
      ],
      commandIo,
      async () => input,
    );
    assert.equal(code, 0, out.stderr);
    const lines = out.stdout.split("\n");
    const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);
    const url = new URL(lines[2], "https://alias.example.com/vod/asset1/m._m3u8").href;
    assert.ok(verifyRequest({ url, now: NOW + 1, viewerIp: "203.0.113.7" }, trusted).accepted);
    assert.ok(!verifyRequest({ url, now: NOW + 1, viewerIp: "203.0.113.8" }, trusted).accepted);
    assert.ok(!verifyRequest({ url, now: NOW + 60, viewerIp: "203.0.113.7" }, trusted).accepted);
    assert.ok(lines[1].startsWith("a.ts?Policy="), "same host: written relative");
    const stats = JSON.parse(out.stderr);
    assert.equal(stats.rewritten, 2);
    assert.equal(stats.signatures, 1);
  });

  it("refuses a malformed playlist: nothing on stdout, the reason on stderr, exit 2", async () => {
    for (const bad of ["", "<html>oops</html>", "#EXTM3U\nseg\0.ts\n"]) {
      const { out, commandIo } = io();
      const code = await runRewrite([...base(), "--ttl", "60"], commandIo, async () => Buffer.from(bad));
      assert.equal(code, 2);
      assert.equal(out.stdout, "");
      assert.match(out.stderr, /playlist refused: .*\[(missing-header|nul-byte)\]/);
    }
  });

  it("spawned: stdin -> stdout, and a non-zero exit with no output for a malformed playlist", () => {
    const ok = spawnSync(process.execPath, [BIN, "rewrite", ...base(), "--ttl", "3600"], {
      input: PLAYLIST,
      encoding: "utf8",
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.split("\n").length, PLAYLIST.toString().split("\n").length);
    assert.match(
      ok.stdout,
      /\n1080p\/index\._m3u8\?Policy=[^&]+&Signature=[^&]+&Key-Pair-Id=K2JCJMDEHXQW5F\n/,
    );
    const bad = spawnSync(process.execPath, [BIN, "rewrite", ...base(), "--ttl", "3600"], {
      input: "# not a playlist\n#EXTM3U\nseg.ts\n",
      encoding: "utf8",
    });
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, /missing-header/);
    const usage = spawnSync(process.execPath, [BIN, "rewrite", ...base()], { input: "", encoding: "utf8" });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--expires EPOCH or --ttl SECONDS/);
  });
});
