/**
 * The local stack with each manifest trigger, signed URLs and signed cookies,
 * answering as CloudFront and S3 would: the origin-request function gets the
 * request as forwarded to the origin (no signing query), playlists carry the
 * function's own CORS headers for the page's real origin (localhost or
 * 127.0.0.1), a missing object is 403, a cookie-mode preflight is 403.
 */
import assert from "node:assert/strict";
import { EDGE_TRIGGERS } from "../../contract/limits";
import { checkOptions, defaultOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import {
  openSession as openAppSession,
  sendToLocal as send,
  type LocalReply as Reply,
} from "../support/local-stack-client";

async function openSession(stack: LocalStack, mode: "url" | "cookies", asset: string) {
  const session = await openAppSession(stack, mode, asset);
  return { masterUrl: session.body.masterUrl, cookie: session.cookie };
}

/** The first child playlist URI of a master, resolved against it. */
function firstChild(master: Reply, masterUrl: string): string {
  const line = master.text.split("\n").find((entry) => entry !== "" && !entry.startsWith("#"));
  assert.ok(line, master.text);
  return new URL(line, masterUrl).href;
}

for (const trigger of EDGE_TRIGGERS) {
  describe(`local stack as CloudFront and S3 answer (${trigger})`, function () {
    this.timeout(60_000);
    let stack: LocalStack;
    const events: string[] = [];

    before(async () => {
      stack = await startLocalStack(
        checkOptions({ ...defaultOptions(), port: 0, stateDir: undefined, live: false, trigger }),
        { log: (line) => events.push(line) },
      );
    });
    after(() => stack?.close());

    for (const mode of ["url", "cookies"] as const) {
      it(`plays a master and its child playlist with signed ${mode}`, async () => {
        const session = await openSession(stack, mode, "ts");
        const headers: Record<string, string> = mode === "cookies" ? { cookie: session.cookie } : {};
        const master = await send(session.masterUrl, headers);
        assert.equal(master.status, 200, `${master.headers["x-local-edge-reason"]} ${master.text}`);
        const childUrl = firstChild(master, session.masterUrl);
        const child = await send(childUrl, headers);
        assert.equal(child.status, 200, `${child.headers["x-local-edge-reason"]} ${child.text}`);
        const segment = firstChild(child, childUrl);
        assert.equal((await send(segment, headers)).status, 200);
      });
    }

    it("answers playlists with CORS for the page's real origin, localhost or 127.0.0.1", async () => {
      const session = await openSession(stack, "url", "ts");
      const pagePort = new URL(stack.urls.page).port;
      for (const origin of [`http://localhost:${pagePort}`, `http://127.0.0.1:${pagePort}`]) {
        const master = await send(session.masterUrl, { origin });
        assert.equal(master.status, 200);
        assert.equal(master.headers["access-control-allow-origin"], origin, "the function's own header");
        assert.equal(master.headers["access-control-allow-credentials"], "true");
        const segment = await send(
          firstChild(await send(firstChild(master, session.masterUrl)), session.masterUrl),
          {
            origin,
          },
        );
        assert.equal(segment.headers["access-control-allow-origin"], origin, "the response headers policy");
      }
      const stranger = await send(session.masterUrl, { origin: "http://evil.example" });
      assert.equal(stranger.status, 200);
      assert.equal(stranger.headers["access-control-allow-origin"], undefined);
    });

    it("answers a missing object 403 as S3 behind an OAC does, and a cookie-mode preflight 403", async () => {
      const session = await openSession(stack, "cookies", "ts");
      const missing = await send(new URL("/ts/missing_999.ts", session.masterUrl).href, {
        cookie: session.cookie,
      });
      assert.equal(missing.status, 403);
      assert.match(missing.text, /<Code>AccessDenied<\/Code>/);
      const missingPlaylist = await send(new URL("/ts/missing._m3u8", session.masterUrl).href, {
        cookie: session.cookie,
      });
      assert.equal(missingPlaylist.status, 403, "the raw playlist read is refused the same way");
      const preflight = await send(
        session.masterUrl,
        { origin: new URL(stack.urls.page).origin, "access-control-request-method": "GET" },
        "OPTIONS",
      );
      assert.equal(preflight.status, 403, "no cookies on a preflight: CloudFront refuses it");
    });
  });
}
