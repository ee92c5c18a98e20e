import assert from "node:assert/strict";
import { extractMetrics } from "../../../../functions/observability/emf";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { generateKeyPair, Signer, verifyRequest } from "../../../../functions/cloudfront";
import type {
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
} from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import { FORWARDED_GRANT_HEADER } from "../../../../functions/handlers/manifest-edge/forwarded-grant";
import {
  checkManifestEdgeConfig,
  createManifestHandler,
  redactQueries,
  type ManifestEdgeConfig,
  type ManifestHandlerDeps,
} from "../../../../functions/handlers/manifest-edge/manifest-edge";
import {
  acceptsGzip,
  PLAYLIST_CONTENT_TYPE,
} from "../../../../functions/handlers/manifest-edge/manifest-response";
import type { FetchText } from "../../../../functions/handlers/manifest-edge/playlist-fetch";
import {
  hostFromGrant,
  hostFromHeader,
  signingHost,
} from "../../../../functions/handlers/manifest-edge/viewer-host";
import { findUris } from "../../../../functions/hls";
import { fixedTrustedKeys } from "../../../../functions/keys";
import {
  EDGE_GENERATED_RESPONSE_LIMIT_BYTES,
  EDGE_TRIGGERS,
  type EdgeTrigger,
} from "../../../../contract/limits";
import { masterPlaylist, vodMediaPlaylist } from "../../../support/playlists";
import { requestEvent } from "../events";
import { HOST, NOW, KEY_ID } from "../../../support/constants";

const VIEWER_IP = "203.0.113.178";
const ASSET = `https://${HOST}/vod/asset1/`;
const pair = generateKeyPair("ecdsa-p256");
const signer = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW });
const trusted = new Map([[KEY_ID, pair.publicKeyPem]]);
const TRUSTED_KEYS = fixedTrustedKeys([pair.publicKeyPem]);
/** Signs viewer URLs that are already expired at NOW. */
const pastSigner = new Signer({ keyPairId: KEY_ID, privateKey: pair.privateKeyPem, now: () => NOW - 1000 });

function config(trigger: EdgeTrigger, overrides: Partial<ManifestEdgeConfig> = {}): ManifestEdgeConfig {
  return {
    distributionDomain: HOST,
    trigger,
    fetch: { mode: "distribution" },
    fetchTimeoutMs: 2000,
    playlistLifetimeSeconds: 3600,
    keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
    ...overrides,
  };
}

/** An origin behind the distribution: answers raw playlists, and like CloudFront refuses unsigned requests. */
function distribution(files: Record<string, { status?: number; body?: string }>) {
  const requested: string[] = [];
  const fetchText: FetchText = async (url, { maxBytes }) => {
    requested.push(url);
    const parsed = new URL(url);
    if (parsed.host === HOST) {
      const verdict = verifyRequest({ url, now: NOW }, trusted);
      if (!verdict.accepted) return { status: 403, body: Buffer.from("AccessDenied") };
    }
    const file = files[parsed.pathname];
    if (!file) return { status: 404, body: Buffer.from("NoSuchKey") };
    const body = Buffer.from(file.body ?? "");
    if (body.length > maxBytes)
      return { status: file.status ?? 200, body: new Uint8Array(0), tooLarge: true };
    return { status: file.status ?? 200, body };
  };
  return { fetchText, requested };
}

function harness(
  trigger: EdgeTrigger,
  files: Record<string, { status?: number; body?: string }>,
  overrides: Partial<ManifestEdgeConfig> = {},
  deps: Partial<ManifestHandlerDeps> = {},
) {
  const logs: object[] = [];
  const origin = distribution(files);
  const handler = createManifestHandler(config(trigger, overrides), {
    keys: { getSigner: async () => signer },
    trustedKeys: TRUSTED_KEYS,
    fetchText: origin.fetchText,
    now: () => NOW,
    log: (line) => logs.push(line),
    ...deps,
  } as ManifestHandlerDeps);
  return { handler, logs, requested: origin.requested };
}

/** The viewer's signed URL for a playlist, split the way CloudFront puts it in the event. */
function viewerRequest(
  path: string,
  options: { expires?: number; folder?: boolean; ip?: string; extraQuery?: string } = {},
) {
  const url = `https://${HOST}${path}${options.extraQuery ? `?${options.extraQuery}` : ""}`;
  const expired = options.expires !== undefined && options.expires <= NOW;
  const signed = (expired ? pastSigner : signer).signUrl(url, {
    expires: options.expires ?? NOW + 7200,
    ...(options.folder === false ? {} : { resource: { folderOf: `${ASSET}x` } }),
    ...(options.ip ? { ipAddress: options.ip } : {}),
  });
  const query = signed.slice(signed.indexOf("?") + 1);
  return { uri: path, querystring: query, signed };
}

function bodyOf(response: CloudFrontResultResponse): string {
  const body = response.body ?? "";
  return response.bodyEncoding === "base64" ? gunzipSync(Buffer.from(body, "base64")).toString("utf8") : body;
}

function header(response: CloudFrontResultResponse, name: string): string | undefined {
  return response.headers?.[name.toLowerCase()]?.[0]?.value;
}

/** Every URI the response signed, verified by our verifier as CloudFront would, from the viewer's IP. */
function assertAllVerified(text: string, playlistUrl: string, at = NOW + 10): number {
  const uris = findUris(text, { playlistUrl, policy: { resource: `${ASSET}*`, dateLessThan: NOW + 1 } });
  const signed = uris.filter((uri) => uri.value.includes("Signature="));
  const signatures = new Set(signed.map((uri) => /Signature=([^&#]+)/.exec(uri.value)![1]));
  assert.ok(signed.length > 0);
  assert.equal(signatures.size, 1, "exactly one signature in the response");
  for (const uri of signed) {
    const verdict = verifyRequest(
      { url: new URL(uri.value, playlistUrl).href, viewerIp: VIEWER_IP, now: at },
      trusted,
    );
    assert.ok(verdict.accepted, `${uri.value}: ${verdict.accepted ? "" : verdict.reason}`);
  }
  return signed.length;
}

function assertSafeLog(logs: object[], viewerQuery: string): void {
  const text = JSON.stringify(logs);
  for (const forbidden of ["Signature=", "Policy=", "PRIVATE KEY", pair.privateKeyPem.slice(40, 80)]) {
    assert.ok(!text.includes(forbidden), `log must not contain ${forbidden}`);
  }
  const viewerSignature = /Signature=([^&]+)/.exec(viewerQuery)?.[1];
  if (viewerSignature) assert.ok(!text.includes(viewerSignature.slice(0, 16)));
}

const MASTER = masterPlaylist(6);

for (const trigger of EDGE_TRIGGERS) {
  describe(`manifest edge handler (${trigger})`, () => {
    it("answers a signed master playlist: children renamed, every URI verified, one signature", async () => {
      const { handler, logs, requested } = harness(trigger, { "/vod/asset1/master.m3u8": { body: MASTER } });
      const viewer = viewerRequest("/vod/asset1/master._m3u8");
      const response = (await handler(requestEvent(trigger, viewer))) as CloudFrontResultResponse;
      assert.equal(response.status, "200");
      assert.equal(header(response, "content-type"), PLAYLIST_CONTENT_TYPE);
      assert.equal(header(response, "cache-control"), "private, no-store");
      const text = bodyOf(response);
      assert.equal(text.split("\n").length, MASTER.split("\n").length);
      assert.match(text, /\n1080p\/index\._m3u8\?Policy=/);
      assert.equal(assertAllVerified(text, `${ASSET}master._m3u8`), 6 * 2 + 2);
      // One info line with the outcome metrics (functions/observability), nothing secret in it.
      assert.equal(logs.length, 1);
      assert.equal((logs[0] as Record<string, unknown>).event, "playlist-signed");
      const metrics = Object.fromEntries(
        extractMetrics(logs[0]).map((metric) => [metric.name, metric.value]),
      );
      assert.equal(metrics.PlaylistsSigned, 1);
      assert.equal(metrics.UrisSigned, 6 * 2 + 2);
      assertSafeLog(logs, viewer.querystring);
      // The function read the raw playlist through the distribution with its own short-lived canned URL.
      assert.equal(requested.length, 1);
      const fetched = new URL(requested[0]);
      assert.equal(`${fetched.origin}${fetched.pathname}`, `${ASSET}master.m3u8`);
      const expires = Number(fetched.searchParams.get("Expires"));
      assert.ok(expires > NOW && expires <= NOW + 2 + 30, `fetch URL expires ${expires - NOW}s after now`);
      assert.equal(fetched.searchParams.get("Policy"), null);
    });

    it("child playlists: inherits the asset folder, forwards LL-HLS directives, keeps the viewer's IP binding", async () => {
      const media =
        '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\nseg1.m4s\n#EXT-X-RENDITION-REPORT:URI="../360p/index.m3u8",LAST-MSN=1\n';
      const { handler, requested } = harness(trigger, { "/vod/asset1/720p/index.m3u8": { body: media } });
      const viewer = viewerRequest("/vod/asset1/720p/index._m3u8", { ip: "203.0.113.0/24", extraQuery: "" });
      const response = (await handler(
        requestEvent(trigger, { ...viewer, querystring: `${viewer.querystring}&_HLS_msn=5&_HLS_part=1` }),
      )) as CloudFrontResultResponse;
      assert.equal(response.status, "200");
      const text = bodyOf(response);
      assertAllVerified(text, `${ASSET}720p/index._m3u8`);
      assert.match(text, /URI="\.\.\/360p\/index\._m3u8\?Policy=/);
      const other = new URL(/seg1\.m4s\?[^\n]+/.exec(text)![0], `${ASSET}720p/`).href;
      const verdict = verifyRequest({ url: other, viewerIp: "198.51.100.7", now: NOW + 1 }, trusted);
      assert.equal(verdict.accepted ? "accepted" : verdict.code, "ip-mismatch");
      assert.match(requested[0], /\/vod\/asset1\/720p\/index\.m3u8\?_HLS_msn=5&_HLS_part=1&Expires=/);
    });

    it("IPv6 enabled (refuseIpBinding): an IP-bound grant is refused with 403 before any fetch; an unbound one plays", async () => {
      const media = "#EXTM3U\n#EXTINF:2,\nseg1.m4s\n";
      const files = { "/vod/asset1/720p/index.m3u8": { body: media } };
      const { handler, logs, requested } = harness(trigger, files, { refuseIpBinding: true });
      const bound = viewerRequest("/vod/asset1/720p/index._m3u8", { ip: "203.0.113.0/24" });
      const refused = (await handler(requestEvent(trigger, bound))) as CloudFrontResultResponse;
      assert.equal(refused.status, "403");
      assert.match(JSON.stringify(logs), /ip-binding-refused/);
      assert.deepEqual(requested, []);
      const unbound = viewerRequest("/vod/asset1/720p/index._m3u8");
      const played = (await handler(requestEvent(trigger, unbound))) as CloudFrontResultResponse;
      assert.equal(played.status, "200");
      // IPv6 off (the default): the same IP-bound grant plays.
      const off = harness(trigger, files);
      assert.equal(
        ((await off.handler(requestEvent(trigger, bound))) as CloudFrontResultResponse).status,
        "200",
      );
    });

    it("never signs beyond the viewer's expiry, and caps by the configured lifetime", async () => {
      const { handler } = harness(
        trigger,
        { "/vod/asset1/master.m3u8": { body: MASTER } },
        { playlistLifetimeSeconds: 600 },
      );
      for (const [viewerExpires, expected] of [
        [NOW + 120, NOW + 120],
        [NOW + 7200, NOW + 600],
      ]) {
        const viewer = viewerRequest("/vod/asset1/master._m3u8", { expires: viewerExpires });
        const text = bodyOf((await handler(requestEvent(trigger, viewer))) as CloudFrontResultResponse);
        const url = new URL(
          text.split("\n").find((line) => line.startsWith("1080p/"))!,
          ASSET,
        ).href;
        const verdict = verifyRequest({ url, viewerIp: VIEWER_IP, now: NOW }, trusted);
        assert.ok(verdict.accepted && verdict.policy.dateLessThan === expected);
      }
    });

    it("carries the viewer's not-before into the playlist's policy", async () => {
      const { handler } = harness(trigger, { "/vod/asset1/master.m3u8": { body: MASTER } });
      const url = signer.signUrl(`${ASSET}master._m3u8`, {
        expires: NOW + 600,
        notBefore: NOW - 60,
        resource: { folderOf: `${ASSET}x` },
      });
      const response = (await handler(
        requestEvent(trigger, { uri: "/vod/asset1/master._m3u8", querystring: url.split("?")[1] }),
      )) as CloudFrontResultResponse;
      const child = new URL(
        bodyOf(response)
          .split("\n")
          .find((line) => line.startsWith("1080p/"))!,
        ASSET,
      ).href;
      const verdict = verifyRequest({ url: child, viewerIp: VIEWER_IP, now: NOW }, trusted);
      assert.ok(verdict.accepted && verdict.policy.dateGreaterThan === NOW - 60);
    });

    it("accepts viewers with signed cookies", async () => {
      const { handler } = harness(trigger, { "/vod/asset1/master.m3u8": { body: MASTER } });
      const cookies = signer.signCookies(`${ASSET}master._m3u8`, {
        expires: NOW + 600,
        resource: { folderOf: `${ASSET}x` },
      });
      const cookieHeader = Object.entries(cookies.cookies)
        .map(([name, value]) => `${name}=${value}`)
        .join("; ");
      const response = (await handler(
        requestEvent(trigger, { uri: "/vod/asset1/master._m3u8", headers: { Cookie: cookieHeader } }),
      )) as CloudFrontResultResponse;
      assert.equal(response.status, "200");
      // Cookie mode: children renamed, never signed (tests/functions/handlers/manifest-edge/cookie-mode.test.ts); the cookies open them.
      const text = bodyOf(response);
      assert.doesNotMatch(text, /Signature=/);
      const child = `${ASSET}${text.split("\n").find((line) => line.startsWith("1080p/"))}`;
      assert.equal(child, `${ASSET}1080p/index._m3u8`);
      assert.ok(
        verifyRequest({ url: child, cookieHeader, viewerIp: VIEWER_IP, now: NOW + 10 }, trusted).accepted,
      );
    });

    it("gzips when Accept-Encoding allows it, not otherwise; HEAD has no body", async () => {
      const { handler } = harness(trigger, { "/vod/asset1/master.m3u8": { body: MASTER } });
      const viewer = viewerRequest("/vod/asset1/master._m3u8");
      const plain = (await handler(requestEvent(trigger, viewer))) as CloudFrontResultResponse;
      const gzip = (await handler(
        requestEvent(trigger, { ...viewer, headers: { "Accept-Encoding": "br, gzip;q=0.8" } }),
      )) as CloudFrontResultResponse;
      assert.equal(plain.bodyEncoding, "text");
      assert.equal(header(plain, "content-encoding"), undefined);
      assert.equal(gzip.bodyEncoding, "base64");
      assert.equal(header(gzip, "content-encoding"), "gzip");
      assert.equal(header(gzip, "vary"), "Accept-Encoding");
      // ECDSA signatures differ per signing: compare with the signature masked.
      const mask = (text: string) => text.replace(/Signature=[^&"\n]+/g, "Signature=X");
      assert.equal(mask(bodyOf(gzip)), mask(bodyOf(plain)));
      const head = (await handler(
        requestEvent(trigger, { ...viewer, method: "HEAD" }),
      )) as CloudFrontResultResponse;
      assert.equal(head.status, "200");
      assert.equal(head.body, undefined);
    });

    it("a VOD playlist over the trigger's limit is a 502 with one log line, never a truncated playlist", async () => {
      const limit = EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger];
      // Big enough to break the limit even gzipped (random names do not compress).
      const segments = trigger === "viewer-request" ? 2000 : 40_000;
      const name = () => randomBytes(24).toString("hex");
      const random = Array.from({ length: segments }, () => `#EXTINF:2,\n${name()}.ts`);
      const body = `#EXTM3U\n#EXT-X-TARGETDURATION:2\n${random.join("\n")}\n#EXT-X-ENDLIST\n`;
      const { handler, logs } = harness(trigger, { "/vod/asset1/big.m3u8": { body } });
      const viewer = viewerRequest("/vod/asset1/big._m3u8");
      const response = (await handler(
        requestEvent(trigger, { ...viewer, headers: { "Accept-Encoding": "gzip" } }),
      )) as CloudFrontResultResponse;
      assert.equal(response.status, "502");
      assert.ok(!(response.body ?? "").includes("#EXTM3U"));
      assert.equal(logs.length, 1);
      const line = logs[0] as Record<string, unknown>;
      assert.equal(line.error, "response-too-large");
      assert.equal(line.limitBytes, limit);
      assert.ok((line.bytes as number) > limit);
      assert.match(String(line.reason), /gzipped response is \d+ bytes, over the .* limit/);
      assertSafeLog(logs, viewer.querystring);
    });

    it(`a 3,600-segment VOD playlist fits gzipped; 10,000 segments ${trigger === "origin-request" ? "fit" : "do not fit (502)"}`, async () => {
      for (const segments of [3_600, 10_000]) {
        const body = vodMediaPlaylist(segments);
        const { handler, logs } = harness(trigger, { "/vod/asset1/720p/index.m3u8": { body } });
        const viewer = viewerRequest("/vod/asset1/720p/index._m3u8");
        const response = (await handler(
          requestEvent(trigger, { ...viewer, headers: { "Accept-Encoding": "gzip" } }),
        )) as CloudFrontResultResponse;
        if (segments === 10_000 && trigger === "viewer-request") {
          assert.equal(response.status, "502");
          assert.equal((logs[0] as Record<string, unknown>).error, "response-too-large");
          continue;
        }
        assert.equal(response.status, "200", JSON.stringify(logs));
        assert.equal(assertAllVerified(bodyOf(response), `${ASSET}720p/index._m3u8`), segments + 1);
      }
    });

    describe("errors: one structured log line each, no key material", () => {
      const cases: {
        name: string;
        files?: Record<string, { status?: number; body?: string }>;
        status: number;
        error: string;
        deps?: Partial<ManifestHandlerDeps>;
        overrides?: Partial<ManifestEdgeConfig>;
        event?: (viewer: ReturnType<typeof viewerRequest>) => ReturnType<typeof requestEvent>;
      }[] = [
        { name: "origin 404 -> 404", files: {}, status: 404, error: "origin-status" },
        {
          name: "origin 403 -> 403",
          files: { "/vod/asset1/master.m3u8": { status: 403 } },
          status: 403,
          error: "origin-status",
        },
        {
          name: "origin 500 -> 502",
          files: { "/vod/asset1/master.m3u8": { status: 500 } },
          status: 502,
          error: "origin-error",
        },
        {
          name: "origin 503 -> 502",
          files: { "/vod/asset1/master.m3u8": { status: 503 } },
          status: 502,
          error: "origin-error",
        },
        {
          name: "origin 301 -> 502",
          files: { "/vod/asset1/master.m3u8": { status: 301 } },
          status: 502,
          error: "origin-unexpected-status",
        },
        {
          name: "origin answers HTML, not HLS -> 502 (refused, never passed through)",
          files: { "/vod/asset1/master.m3u8": { body: "<html>maintenance</html>" } },
          status: 502,
          error: "origin-not-hls",
        },
        {
          name: "origin playlist with a NUL byte -> 502",
          files: { "/vod/asset1/master.m3u8": { body: "#EXTM3U\nseg\0.ts\n" } },
          status: 502,
          error: "origin-not-hls",
        },
        {
          name: "origin playlist over maxPlaylistBytes -> 502",
          files: { "/vod/asset1/master.m3u8": { body: MASTER } },
          overrides: { maxPlaylistBytes: 100 },
          status: 502,
          error: "origin-playlist-too-large",
        },
        {
          name: "origin times out -> 504",
          deps: { fetchText: () => new Promise(() => undefined) },
          overrides: { fetchTimeoutMs: 30 },
          status: 504,
          error: "origin-timeout",
        },
        {
          name: "origin unreachable -> 502",
          deps: { fetchText: async () => Promise.reject(new TypeError("fetch failed")) },
          status: 502,
          error: "origin-unreachable",
        },
        {
          name: "origin unreachable, error quoting the signed URL -> 502, the URL's query not logged",
          deps: {
            fetchText: async (url) => Promise.reject(new Error(`connect ECONNREFUSED while fetching ${url}`)),
          },
          status: 502,
          error: "origin-unreachable",
        },
        {
          name: "signing key unavailable -> 503",
          deps: { keys: { getSigner: async () => Promise.reject(new Error("no usable key")) } },
          status: 503,
          error: "signing-key-unavailable",
        },
        {
          name: "no viewer signature -> 403",
          status: 403,
          error: "viewer-grant-unreadable",
          event: () => requestEvent(trigger, { uri: "/vod/asset1/master._m3u8" }),
        },
        {
          name: "expired viewer signature -> 403",
          status: 403,
          error: "viewer-grant-expired",
          event: () => requestEvent(trigger, viewerRequest("/vod/asset1/master._m3u8", { expires: NOW })),
        },
        {
          name: "POST -> 405",
          status: 405,
          error: "method-not-allowed",
          event: (viewer) => requestEvent(trigger, { ...viewer, method: "POST" }),
        },
      ];
      for (const testCase of cases) {
        it(testCase.name, async () => {
          const { handler, logs } = harness(
            trigger,
            testCase.files ?? { "/vod/asset1/master.m3u8": { body: MASTER } },
            testCase.overrides,
            testCase.deps,
          );
          const viewer = viewerRequest("/vod/asset1/master._m3u8");
          const event = testCase.event ? testCase.event(viewer) : requestEvent(trigger, viewer);
          event.Records[0].cf.config.eventType = trigger;
          const response = (await handler(event)) as CloudFrontResultResponse;
          assert.equal(response.status, String(testCase.status));
          assert.equal(header(response, "cache-control"), "no-store");
          assert.equal(logs.length, 1, JSON.stringify(logs));
          const line = logs[0] as Record<string, unknown>;
          assert.equal(line.error, testCase.error);
          assert.equal(line.status, testCase.status);
          assert.equal(line.level, "error");
          assert.equal(line.trigger, trigger);
          assert.equal(line.uri, "/vod/asset1/master._m3u8");
          // The same line counts the outcome: per stack, and per stack and error code.
          const counted = testCase.status >= 500 ? "EdgeServerErrors" : "EdgeRefusals";
          assert.deepEqual(
            extractMetrics(line).map((metric) => [metric.name, metric.value, metric.dimensions]),
            [
              [counted, 1, { stack: "/cloudfront-signer/test" }],
              [counted, 1, { stack: "/cloudfront-signer/test", error: testCase.error }],
              ...(line.bytes === undefined
                ? []
                : [
                    ["ResponseBytes", line.bytes, { stack: "/cloudfront-signer/test" }],
                    [
                      "ResponseBytes",
                      line.bytes,
                      { stack: "/cloudfront-signer/test", error: testCase.error },
                    ],
                  ]),
            ],
          );
          assertSafeLog(logs, viewer.querystring);
        });
      }
    });

    it("origin mode reads the raw playlist from the origin without a signature", async () => {
      const requested: string[] = [];
      const { handler } = harness(
        trigger,
        {},
        { fetch: { mode: "origin", originBaseUrl: "https://origin.example.com/base/" } },
        {
          fetchText: async (url) => {
            requested.push(url);
            return { status: 200, body: Buffer.from(MASTER) };
          },
        },
      );
      const viewer = viewerRequest("/vod/asset1/master._m3u8");
      const response = (await handler(requestEvent(trigger, viewer))) as CloudFrontResultResponse;
      assert.equal(response.status, "200");
      assert.deepEqual(requested, ["https://origin.example.com/base/vod/asset1/master.m3u8"]);
    });

    if (trigger === "viewer-request") {
      it("lets a request that is not for a ._m3u8 path through unchanged (logged)", async () => {
        const { handler, logs } = harness(trigger, {});
        const event = requestEvent(trigger, { uri: "/vod/asset1/seg.ts" });
        const result = await handler(event);
        assert.equal(result, event.Records[0].cf.request);
        assert.equal(logs.length, 1);
      });
    } else {
      it("answers 404 for a path that is not ._m3u8: the viewer's Host must never reach the origin", async () => {
        const { handler, logs, requested } = harness(trigger, {});
        const event = requestEvent(trigger, { uri: "/vod/asset1/seg.ts", headers: { Host: HOST } });
        const response = (await handler(event)) as CloudFrontResultResponse;
        assert.equal(response.status, "404");
        assert.deepEqual(requested, []);
        assert.equal((logs[0] as Record<string, unknown>).error, "not-a-manifest-path");
      });
    }

    it("refuses an event from another trigger than configured (a deploy mismatch would break the size limit)", async () => {
      const other = trigger === "viewer-request" ? "origin-request" : "viewer-request";
      const { handler, logs } = harness(trigger, { "/vod/asset1/master.m3u8": { body: MASTER } });
      const response = (await handler(
        requestEvent(other, viewerRequest("/vod/asset1/master._m3u8")),
      )) as CloudFrontResultResponse;
      assert.equal(response.status, "500");
      assert.equal((logs[0] as Record<string, unknown>).error, "trigger-mismatch");
    });
  });
}

describe("manifest edge config and helpers", () => {
  it("is plain JSON", () => {
    const value = config("viewer-request", {
      fetch: { mode: "origin", originBaseUrl: "https://o.example.com" },
    });
    assert.deepEqual(JSON.parse(JSON.stringify(value)), value);
  });

  it("refuses a fetch timeout the trigger cannot afford, and other bad settings", () => {
    assert.doesNotThrow(() => checkManifestEdgeConfig(config("viewer-request", { fetchTimeoutMs: 2000 })));
    assert.doesNotThrow(() => checkManifestEdgeConfig(config("origin-request", { fetchTimeoutMs: 27000 })));
    for (const bad of [
      config("viewer-request", { fetchTimeoutMs: 2001 }),
      config("origin-request", { fetchTimeoutMs: 27001 }),
      config("viewer-request", { fetchTimeoutMs: 0 }),
      config("viewer-request", { playlistLifetimeSeconds: 0 }),
      config("viewer-request", { distributionDomain: "https://d1.cloudfront.net" }),
      config("viewer-request", { allowedHosts: [] }),
      config("viewer-request", { fetch: { mode: "origin", originBaseUrl: "not a url" } }),
      config("viewer-request", { trigger: "origin-response" as EdgeTrigger }),
    ]) {
      assert.throws(() => checkManifestEdgeConfig(bad), /manifest edge config:/);
    }
  });

  it("removes queries and signing values from logged messages", () => {
    assert.equal(
      redactQueries("failed https://h/a.m3u8?_HLS_msn=1&Signature=abc&Key-Pair-Id=K; Policy=xyz"),
      "failed https://h/a.m3u8?[query removed] Policy=[removed]",
    );
  });

  it("reads Accept-Encoding like HTTP", () => {
    const table: [string | undefined, boolean][] = [
      [undefined, false],
      ["", false],
      ["gzip", true],
      ["GZIP", true],
      ["x-gzip", true],
      ["br", false],
      ["gzip;q=0", false],
      ["gzip; q=0.000", false],
      ["deflate, gzip;q=0.5", true],
      ["*", true],
      ["*;q=0", false],
      ["*, gzip;q=0", false],
      ["identity", false],
    ];
    for (const [header, expected] of table) assert.equal(acceptsGzip(header), expected, String(header));
  });
});

/** A distribution with two aliases, as in Pulumi.prod.yaml. */
const MAIN = "media.example.com";
const EU = "media-eu.example.com";
const ALIASES = [MAIN, EU];
const ALIAS_PLAYLIST = [
  "#EXTM3U",
  "#EXT-X-TARGETDURATION:6",
  '#EXT-X-MAP:URI="init.mp4"',
  "#EXTINF:6.0,",
  "seg00001.m4s",
  "#EXTINF:6.0,",
  `https://${MAIN}/vod/asset1/seg00002.m4s`,
  "#EXT-X-ENDLIST",
  "",
].join("\n");

/** Whether the viewer presented cookies: on origin-request the forwarded grant header keeps their form. */
function cookieViewer(event: CloudFrontRequestEvent): boolean {
  const request = event.Records[0].cf.request;
  const forwarded = request.headers[FORWARDED_GRANT_HEADER.toLowerCase()]?.[0]?.value;
  return forwarded === undefined ? !request.querystring : forwarded.startsWith("CloudFront-");
}

function aliasHarness(trigger: EdgeTrigger) {
  const requested: string[] = [];
  const fetchText: FetchText = async (url) => {
    requested.push(url);
    const verdict = verifyRequest({ url, now: NOW }, trusted);
    if (!verdict.accepted) return { status: 403, body: Buffer.from("AccessDenied") };
    const path = new URL(url).pathname;
    if (path === "/vod/asset1/index.m3u8") return { status: 200, body: Buffer.from(ALIAS_PLAYLIST) };
    return { status: 404, body: Buffer.from("NoSuchKey") };
  };
  const handler = createManifestHandler(
    config(trigger, { distributionDomain: MAIN, allowedHosts: ALIASES }),
    {
      keys: { getSigner: async () => signer },
      trustedKeys: TRUSTED_KEYS,
      fetchText,
      now: () => NOW,
      log: () => undefined,
    },
  );
  return { handler, requested };
}

/**
 * The viewer's request on `host`, signed by URL (canned or folder policy) or by cookies. The Host
 * header is the viewer's in both triggers (origin-request: the deployed manifest cache policy keys
 * on Host, so CloudFront forwards it); `null` keeps the example event's own (the origin's in
 * origin-request events, as when Host is not forwarded).
 */
function aliasEvent(
  trigger: EdgeTrigger,
  host: string,
  grant: "canned" | "folder" | "cookies",
  hostHeader: string | null = host,
) {
  const url = `https://${host}/vod/asset1/index._m3u8`;
  const headers: Record<string, string> = hostHeader === null ? {} : { Host: hostHeader };
  if (grant === "cookies") {
    const signed = signer.signCookies(url, { expires: NOW + 600, resource: { folderOf: url } });
    headers.Cookie = Object.entries(signed.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    return requestEvent(trigger, { uri: "/vod/asset1/index._m3u8", headers });
  }
  const signed = signer.signUrl(url, {
    expires: NOW + 600,
    ...(grant === "folder" ? { resource: { folderOf: url } } : {}),
  });
  return requestEvent(trigger, {
    uri: "/vod/asset1/index._m3u8",
    querystring: signed.slice(signed.indexOf("?") + 1),
    headers,
  });
}

/** The signed URIs of a response resolved against `https://<host>/...`, and whether CloudFront would accept each. */
function signedOn(response: CloudFrontResultResponse, host: string) {
  const playlistUrl = `https://${host}/vod/asset1/index._m3u8`;
  return findUris(bodyOf(response), {
    playlistUrl,
    policy: { resource: `https://${host}/vod/asset1/*`, dateLessThan: NOW + 1 },
  })
    .filter((uri) => uri.value.includes("Signature="))
    .map((uri) => {
      const url = new URL(uri.value, playlistUrl).href;
      return { url, verdict: verifyRequest({ url, viewerIp: VIEWER_IP, now: NOW + 10 }, trusted) };
    });
}

/** Asserts the response's signed URIs are accepted on `host` and refused on the other alias. */
function assertSignedFor(response: CloudFrontResultResponse, host: string, grant = "url"): void {
  assert.equal(response.status, "200", bodyOf(response));
  if (grant === "cookies") {
    // Cookie mode signs nothing; an absolute URI on another alias than `host` stays as written.
    const body = bodyOf(response);
    assert.doesNotMatch(body, /Signature=/);
    assert.equal(body.includes(`https://${MAIN}/vod/asset1/seg00002.m4s`), host !== MAIN);
    return;
  }
  const signed = signedOn(response, host);
  // init.mp4 and seg00001.m4s (relative); the absolute URI on the main alias only when it is the viewer's.
  assert.equal(signed.length, host === MAIN ? 3 : 2);
  for (const { url, verdict } of signed) {
    assert.ok(url.startsWith(`https://${host}/vod/asset1/`), url);
    assert.ok(verdict.accepted, `${url}: ${verdict.accepted ? "" : verdict.reason}`);
  }
  // The same URIs on the other alias are refused: the policy names the viewer's host only.
  const other = ALIASES.find((alias) => alias !== host)!;
  const elsewhere = signedOn(response, other).filter(({ url }) => url.startsWith(`https://${other}/`));
  assert.ok(elsewhere.length > 0);
  for (const { verdict } of elsewhere) assert.equal(verdict.accepted, false);
}

for (const trigger of EDGE_TRIGGERS) {
  describe(`manifest edge handler on a distribution with two aliases (${trigger})`, () => {
    for (const host of ALIASES) {
      for (const grant of ["canned", "folder", "cookies"] as const) {
        it(`a viewer on ${host} (${grant}) gets URIs CloudFront accepts on ${host}`, async () => {
          const { handler, requested } = aliasHarness(trigger);
          assertSignedFor(
            (await handler(aliasEvent(trigger, host, grant))) as CloudFrontResultResponse,
            host,
            grant,
          );
          // The raw playlist is still read through the main domain.
          assert.equal(new URL(requested[0]).host, MAIN);
        });
      }
    }

    it("without the viewer's Host, a custom policy's literal host still picks the alias; a canned URL falls back to the main one", async () => {
      // origin-request: the origin's Host, as when the cache policy does not forward Host.
      const { handler } = aliasHarness(trigger);
      for (const grant of ["folder", "cookies"] as const) {
        const event = aliasEvent(trigger, EU, grant, null);
        assertSignedFor((await handler(event)) as CloudFrontResultResponse, EU, grant);
      }
      const canned = (await handler(aliasEvent(trigger, EU, "canned", null))) as CloudFrontResultResponse;
      assert.equal(canned.status, "200");
      for (const { verdict } of signedOn(canned, MAIN)) assert.ok(verdict.accepted);
    });

    it("an absolute URI on the other alias stays unsigned (the viewer's grant does not reach it)", async () => {
      const { handler } = aliasHarness(trigger);
      const response = (await handler(aliasEvent(trigger, EU, "folder"))) as CloudFrontResultResponse;
      assert.equal(response.status, "200");
      assert.ok(bodyOf(response).split("\n").includes(`https://${MAIN}/vod/asset1/seg00002.m4s`));
    });

    it("a host outside the configured hosts never becomes the signed host", async () => {
      const { handler } = aliasHarness(trigger);
      const evil = "attacker.example.net";
      // A forged Host header on a URL signed for the main alias; a viewer policy naming the foreign
      // host (or a wildcard host), with that Host or with the event's own.
      const events = [
        aliasEvent(trigger, MAIN, "folder", evil),
        aliasEvent(trigger, MAIN, "canned", `${evil}:443`),
        aliasEvent(trigger, MAIN, "cookies", evil.toUpperCase()),
        aliasEvent(trigger, evil, "folder"),
        aliasEvent(trigger, evil, "cookies"),
        aliasEvent(trigger, evil, "folder", null),
        aliasEvent(trigger, evil, "cookies", null),
      ];
      const wildcard = signer.signUrl(`https://${EU}/vod/asset1/index._m3u8`, {
        expires: NOW + 600,
        resource: { pattern: "https://*.example.com/vod/asset1/*" },
      });
      events.push(
        requestEvent(trigger, {
          uri: "/vod/asset1/index._m3u8",
          querystring: wildcard.slice(wildcard.indexOf("?") + 1),
        }),
      );
      for (const [index, event] of events.entries()) {
        const response = (await handler(event)) as CloudFrontResultResponse;
        // A grant naming the foreign host does not cover the main alias's playlist (CloudFront
        // would have refused it): nothing is signed at all (grant-scope.ts).
        if (index >= 3 && index <= 6) {
          assert.equal(response.status, "403", bodyOf(response));
          assert.ok(!bodyOf(response).includes(evil));
          continue;
        }
        assert.equal(response.status, "200", bodyOf(response));
        const body = bodyOf(response);
        assert.ok(!body.includes(evil));
        if (cookieViewer(event)) {
          assert.doesNotMatch(body, /Signature=/, "cookie mode signs nothing");
          continue;
        }
        const onMain = signedOn(response, MAIN);
        assert.equal(onMain.length, 3);
        for (const { url, verdict } of onMain) assert.ok(verdict.accepted, url);
        for (const { verdict } of signedOn(response, evil)) assert.equal(verdict.accepted, false);
      }
    });
  });
}

describe("viewer host choice", () => {
  it("takes a configured Host header, case-insensitively, and nothing else", () => {
    assert.equal(hostFromHeader("Media-EU.example.com", ALIASES), EU);
    assert.equal(hostFromHeader("attacker.example.net", ALIASES), undefined);
    assert.equal(hostFromHeader(`${EU}.attacker.example.net`, ALIASES), undefined);
    assert.equal(hostFromHeader(undefined, ALIASES), undefined);
    assert.equal(hostFromHeader("", ALIASES), undefined);
  });

  it("signs for a configured Host, else a configured literal policy host, else the main domain", () => {
    const choose = (hostHeader: string | undefined, resource: string) =>
      signingHost({ hostHeader, resource, viewerHosts: ALIASES, fallback: MAIN });
    // A canned policy read on the Host's own URL (origin-request with Host forwarded).
    assert.equal(choose(EU, `https://${EU}/vod/asset1/index._m3u8`), EU);
    // The origin's Host (not forwarded): the custom policy's literal host decides.
    assert.equal(choose("origin.example.org", `https://${EU}/vod/asset1/*`), EU);
    assert.equal(choose("origin.example.org", `https://${MAIN}/vod/asset1/index._m3u8`), MAIN);
    assert.equal(choose("attacker.example.net", "https://attacker.example.net/vod/*"), MAIN);
    assert.equal(choose(undefined, "https://*.example.com/vod/*"), MAIN);
  });

  it("takes a policy Resource's host only when it is literal and configured", () => {
    assert.equal(hostFromGrant(`https://${EU}/vod/asset1/*`, ALIASES), EU);
    assert.equal(hostFromGrant(`https://${EU}/vod/asset1/index._m3u8?x=1`, ALIASES), EU);
    assert.equal(hostFromGrant(`http*://${EU}/vod/*`, ALIASES), EU);
    assert.equal(hostFromGrant("https://*.example.com/vod/*", ALIASES), undefined);
    assert.equal(hostFromGrant("https://media-?u.example.com/vod/*", ALIASES), undefined);
    assert.equal(hostFromGrant(`https://user@${EU}/vod/*`, ALIASES), undefined);
    assert.equal(hostFromGrant("https://attacker.example.net/vod/*", ALIASES), undefined);
    assert.equal(hostFromGrant(`https://${EU}`, ALIASES), undefined);
    assert.equal(hostFromGrant("*", ALIASES), undefined);
  });
});
