import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOptions, defaultOptions, type LocalStackOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { createSignerClient } from "../../client/signer-client";
import { sendToLocal } from "../support/local-stack-client";

const loopback = (url: string) => url.replace("//localhost:", "//127.0.0.1:");

/** GET a localhost URL over 127.0.0.1 keeping its Host (fetch would send 127.0.0.1, a wrong host for the edge). */
const getAsLocalhost = (url: string) => sendToLocal(url);

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(loopback(url), {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("local stack wiring", function () {
  this.timeout(60_000);
  let stateDir: string;
  let stack: LocalStack | undefined;
  let options: LocalStackOptions;

  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), "signed-hls-cdn-state-"));
    options = checkOptions({ ...defaultOptions(), port: 0, stateDir });
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  after(() => rmSync(stateDir, { recursive: true, force: true }));

  it("keeps its keys across a restart (state file mode 0600)", async () => {
    stack = await startLocalStack(options, { log: () => undefined });
    const active = await stack.cloud.activeKeyId();
    const trusted = [...stack.cloud.trustedKeys().keys()].sort();
    assert.ok(active && trusted.includes(active));
    assert.equal(trusted.length, 2, "two key groups, one key each");
    await stack.close();
    assert.equal(statSync(join(stateDir, "cloud.json")).mode & 0o777, 0o600);

    stack = await startLocalStack(options, { log: () => undefined });
    assert.equal(await stack.cloud.activeKeyId(), active);
    assert.deepEqual([...stack.cloud.trustedKeys().keys()].sort(), trusted);
  });

  it("the signer API takes SigV4 with the app's credentials, as the Function URL does, and refuses others", async () => {
    stack = await startLocalStack({ ...options, stateDir: undefined }, { log: () => undefined });
    const anonymous = await post(stack.urls.signer, { resource: "/ts/master.m3u8" });
    assert.equal(anonymous.status, 403);
    const bearer = await post(
      stack.urls.signer,
      { resource: "/ts/master.m3u8" },
      { authorization: "Bearer nope" },
    );
    assert.equal(bearer.status, 403);
    const endpoint = { region: stack.region, signer: { functionUrl: loopback(stack.urls.signer) } };
    const impostor = createSignerClient(endpoint, {
      credentials: { ...stack.signerCredentials, secretAccessKey: "not-the-secret" },
    });
    await assert.rejects(impostor.sign({ resource: "/ts/master.m3u8" }), { status: 403 });

    const client = createSignerClient(endpoint, { credentials: stack.signerCredentials });
    const signed = await client.sign({ resource: "/ts/master.m3u8" });
    assert.match(
      signed.url,
      /^https:\/\/localhost\/ts\/master\._m3u8\?Expires=\d+&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K/,
    );
    await assert.rejects(client.sign({ resource: "https://evil.example/ts/master.m3u8" }), {
      status: 400,
    });
  });

  it("clamps a lifetime beyond the stack maximum to the maximum, as the deployed signer does", async () => {
    stack = await startLocalStack({ ...options, stateDir: undefined }, { log: () => undefined });
    const endpoint = { region: stack.region, signer: { functionUrl: loopback(stack.urls.signer) } };
    const client = createSignerClient(endpoint, { credentials: stack.signerCredentials });
    const before = Math.floor(Date.now() / 1000);
    const signed = await client.sign({
      resource: "/ts/master.m3u8",
      lifetimeSeconds: options.urlLifetimeSeconds + 3600,
    });
    const after = Math.floor(Date.now() / 1000);
    assert.ok(signed.expires >= before + options.urlLifetimeSeconds);
    assert.ok(signed.expires <= after + options.urlLifetimeSeconds);
  });

  it("mirrors ipv6Enabled: IP-bound signing works by default and is refused with --ipv6", async () => {
    for (const ipv6Enabled of [false, true]) {
      stack = await startLocalStack(
        { ...options, stateDir: undefined, ipv6Enabled },
        { log: () => undefined },
      );
      const endpoint = { region: stack.region, signer: { functionUrl: loopback(stack.urls.signer) } };
      const client = createSignerClient(endpoint, { credentials: stack.signerCredentials });
      const request = { resource: "/ts/master.m3u8", ipAddress: "192.0.2.7" };
      if (ipv6Enabled) await assert.rejects(client.sign(request), { status: 400 });
      else assert.match((await client.sign(request)).url, /[?&]Policy=/);
      await stack.close();
      stack = undefined;
    }
  });

  it("the app authorises only catalog assets and known modes, and reports keys and rotations", async () => {
    stack = await startLocalStack({ ...options, stateDir: undefined }, { log: () => undefined });
    const session = new URL("/api/session", stack.urls.page).toString();
    assert.equal((await post(session, { mode: "url", asset: "nope" })).status, 404);
    assert.equal((await post(session, { mode: "magic", asset: "ts" })).status, 400);
    assert.equal((await post(session, { mode: "url", asset: "../ts" })).status, 400);
    assert.equal((await post(session, "{not json")).status, 400);
    const form = await fetch(loopback(session), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "mode=url&asset=ts",
    });
    assert.equal(form.status, 415, "a cross-site form cannot open sessions");

    const cookies = await fetch(loopback(session), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "cookies", asset: "fmp4" }),
    });
    assert.equal(cookies.status, 200);
    const setCookie = cookies.headers.getSetCookie();
    assert.equal(setCookie.length, 3);
    for (const cookie of setCookie)
      assert.match(
        cookie,
        /^CloudFront-(Policy|Signature|Key-Pair-Id)=[^;]+; Path=\/fmp4\/; Secure; HttpOnly; SameSite=None$/,
      );
    const body = (await cookies.json()) as { masterUrl: string };
    assert.equal(body.masterUrl, `${stack.urls.edge}/fmp4/master._m3u8`);

    const assets = (await (
      await fetch(loopback(new URL("/api/assets", stack.urls.page).toString()))
    ).json()) as { assets: string[] };
    assert.deepEqual(assets.assets, ["byterange", "fmp4", "show", "ts"]);
    const status = (await (
      await fetch(loopback(new URL("/api/status", stack.urls.page).toString()))
    ).json()) as { activeKeyId: string; trustedKeyIds: string[] };
    assert.ok(status.trustedKeyIds.includes(status.activeKeyId));
    const page = await fetch(loopback(stack.urls.page));
    assert.match(await page.text(), /<script src="\/vendor\/hls\.min\.js">/);
    assert.equal(
      (await fetch(loopback(new URL("/vendor/hls.min.js", stack.urls.page).toString()))).status,
      200,
    );
  });

  it("serves playlists with the manifest handler on the origin-request trigger and RSA keys too", async () => {
    stack = await startLocalStack(
      { ...options, stateDir: undefined, trigger: "origin-request", keyAlgorithm: "rsa-2048" },
      { log: () => undefined },
    );
    const session = await post(new URL("/api/session", stack.urls.page).toString(), {
      mode: "url",
      asset: "ts",
    });
    assert.equal(session.status, 200);
    const masterUrl = String(session.body.masterUrl);
    const master = await getAsLocalhost(masterUrl);
    assert.equal(master.status, 200, master.reason);
    const child = master.text.split("\n").find((line) => line.startsWith("stream_0._m3u8?Policy="));
    assert.ok(child, "the rewritten master signs its child playlists");
    const media = await getAsLocalhost(new URL(child, masterUrl).toString());
    assert.equal(media.status, 200, media.reason);
    assert.match(media.text, /^#EXTM3U[^]*stream_0_00\d\.ts\?Policy=/);
    // The page's edge outcomes: the metrics the edge function's own log lines carry.
    assert.equal((await getAsLocalhost(masterUrl.replace("Signature=", "Signature=x"))).status, 403);
    const status = (await (
      await fetch(loopback(new URL("/api/status", stack.urls.page).toString()))
    ).json()) as { edge: { metrics: Record<string, number> } };
    assert.equal(status.edge.metrics.PlaylistsSigned, 2);
    assert.ok(status.edge.metrics.UrisSigned > 2);
    assert.equal(status.edge.metrics.EdgeServerErrors, undefined);
  });
});
