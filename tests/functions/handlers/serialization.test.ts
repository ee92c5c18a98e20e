/**
 * The manifest handler must survive Pulumi's closure serialization (that is
 * how it ships to Lambda@Edge): serialize a factory, load the produced module
 * and run a full signed request through it.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { generateKeyPair, Signer, verifyRequest } from "../../../functions/cloudfront";
import { fixedTrustedKeys } from "../../../functions/keys";
import type { CloudFrontResultResponse } from "../../../functions/handlers/manifest-edge/cloudfront-events";
import {
  createManifestHandler,
  type ManifestEdgeConfig,
  type ManifestHandler,
} from "../../../functions/handlers/manifest-edge/manifest-edge";
import { manifestEdgeLambda } from "../../../functions/handlers/manifest-edge/manifest-edge-lambda";
import { requestEvent } from "./events";
import { HOST, KEY_ID } from "../../support/constants";

/** Exercises the fast path, variables, the already-signed check and the host check after serialization. */
const PLAYLIST = [
  "#EXTM3U",
  "#EXTINF:2,",
  "seg1.ts",
  "low.m3u8",
  '#EXT-X-DEFINE:NAME="r",VALUE="720p"',
  "{$r}/index.m3u8",
  "seg2.ts?Signature=abc",
  "https://evil.example.org/vod/a/x.ts",
  "",
].join("\n");

describe("manifest handler: Pulumi closure serialization", function () {
  this.timeout(120_000);
  let dir = "";
  before(() => {
    // Inside the project (git-ignored), so the serialized code resolves node_modules as in a Lambda package.
    const artifacts = join(__dirname, "..", "..", "..", "test-artifacts");
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(artifacts, "manifest-serialized-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const config: ManifestEdgeConfig = {
    distributionDomain: HOST,
    trigger: "viewer-request",
    fetch: { mode: "distribution" },
    fetchTimeoutMs: 2000,
    playlistLifetimeSeconds: 3600,
    keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
    trustedKeySecretIds: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:slot-a-AbCdEf"],
  };

  async function load(factory: () => ManifestHandler, name: string): Promise<ManifestHandler> {
    const serialized = await pulumi.runtime.serializeFunction(factory, { isFactoryFunction: true });
    const file = join(dir, `${name}.js`);
    writeFileSync(file, serialized.text);
    return require(file)[serialized.exportName];
  }

  it("the serialized handler signs a playlist exactly like the original", async () => {
    const pair = generateKeyPair("ecdsa-p256");
    const pem = pair.privateKeyPem;
    const now = Math.floor(Date.now() / 1000);
    const handler = await load(
      () =>
        createManifestHandler(config, {
          keys: { getSigner: async () => new Signer({ keyPairId: KEY_ID, privateKey: pem }) },
          trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
          fetchText: async () => ({
            status: 200,
            body: Buffer.from(PLAYLIST),
          }),
          log: () => undefined,
        }),
      "handler",
    );
    const viewer = new Signer({ keyPairId: KEY_ID, privateKey: pem }).signUrl(
      `https://${HOST}/vod/a/master._m3u8`,
      {
        expires: now + 600,
      },
    );
    const response = (await handler(
      requestEvent("viewer-request", { uri: "/vod/a/master._m3u8", querystring: viewer.split("?")[1] }),
    )) as CloudFrontResultResponse;
    assert.equal(response.status, "200");
    const lines = (response.body ?? "").split("\n");
    assert.match(lines[3], /^low\._m3u8\?Policy=/);
    assert.match(lines[5], /^720p\/index\._m3u8\?Policy=/);
    assert.equal(lines[6], "seg2.ts?Signature=abc");
    assert.equal(lines[7], "https://evil.example.org/vod/a/x.ts");
    const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);
    for (const line of [lines[2], lines[3]]) {
      const verdict = verifyRequest(
        { url: new URL(line, `https://${HOST}/vod/a/`).href, now: now + 1, viewerIp: "203.0.113.178" },
        trusted,
      );
      assert.ok(verdict.accepted, verdict.accepted ? "" : verdict.reason);
    }
  });

  it("the deployed entry (keys from SSM + Secrets Manager, created on first use) serializes", async () => {
    const handler = await load(() => manifestEdgeLambda(config), "lambda");
    assert.equal(typeof handler, "function");
    // No request reaches AWS: an unsigned request is refused before any key is loaded.
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => logged.push(line);
    try {
      const response = (await handler(
        requestEvent("viewer-request", { uri: "/vod/a/master._m3u8" }),
      )) as CloudFrontResultResponse;
      assert.equal(response.status, "403");
    } finally {
      console.log = log;
    }
    assert.equal(JSON.parse(logged[0]).error, "viewer-grant-unreadable");
  });
});
