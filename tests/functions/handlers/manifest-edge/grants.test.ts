/**
 * Issue 11, items 1 and 2, at the manifest edge: a request path not in normal
 * form is refused before the grant is read, the function fetches exactly the
 * path the policy was computed for (both fetch modes), and the policy is never
 * wider than the viewer's grant allows (no folder the grant does not reach, no
 * root folder from a one-URL grant).
 */
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { generateKeyPair, Signer, type SignOptions } from "../../../../functions/cloudfront";
import type { CloudFrontResultResponse } from "../../../../functions/handlers/manifest-edge/cloudfront-events";
import {
  createManifestHandler,
  type ManifestEdgeConfig,
} from "../../../../functions/handlers/manifest-edge/manifest-edge";
import type { FetchText } from "../../../../functions/handlers/manifest-edge/playlist-fetch";
import { requestPathProblem } from "../../../../functions/handlers/shared/request-path";
import { fixedTrustedKeys } from "../../../../functions/keys";
import { EDGE_TRIGGERS } from "../../../../contract/limits";
import { vodMediaPlaylist } from "../../../support/playlists";
import { requestEvent } from "../events";
import { HOST, NOW } from "../../../support/constants";

const ORIGIN = "https://origin.example.com";
const pair = generateKeyPair("ecdsa-p256");
const signer = new Signer({ keyPairId: "K2JCJMDEHXQW5F", privateKey: pair.privateKeyPem, now: () => NOW });
const PLAYLIST = vodMediaPlaylist(3);

/** Serves every raw playlist, whatever the folder (the attacker's target included), and records what was asked. */
function anyOrigin() {
  const requested: string[] = [];
  const fetchText: FetchText = async (url) => {
    requested.push(url);
    return { status: 200, body: Buffer.from(PLAYLIST) };
  };
  return { fetchText, requested };
}

function harness(trigger: (typeof EDGE_TRIGGERS)[number], fetch: ManifestEdgeConfig["fetch"]) {
  const origin = anyOrigin();
  const logs: Record<string, unknown>[] = [];
  const handler = createManifestHandler(
    {
      distributionDomain: HOST,
      trigger,
      fetch,
      fetchTimeoutMs: 2000,
      playlistLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
    },
    {
      keys: { getSigner: async () => signer },
      trustedKeys: fixedTrustedKeys([pair.publicKeyPem]),
      fetchText: origin.fetchText,
      now: () => NOW,
      log: (line) => logs.push(line as Record<string, unknown>),
    },
  );
  const get = async (uri: string, query: string) =>
    (await handler(requestEvent(trigger, { uri, querystring: query }))) as CloudFrontResultResponse;
  return { get, requested: origin.requested, logs };
}

/** The signing query of a viewer grant (what CloudFront passes on in the event's querystring). */
function grantQuery(url: string, options: Omit<SignOptions, "expires"> = {}): string {
  const signed = signer.signUrl(url, { expires: NOW + 7200, ...options });
  return signed.slice(signed.indexOf("?") + 1);
}

function policyResources(response: CloudFrontResultResponse): string[] {
  const body = response.body ?? "";
  const text =
    response.bodyEncoding === "base64" ? gunzipSync(Buffer.from(body, "base64")).toString("utf8") : body;
  const policies = new Set([...text.matchAll(/Policy=([A-Za-z0-9~_-]+)/g)].map((match) => match[1]));
  return [...policies].map((policy) => {
    const json = Buffer.from(policy.replace(/-/g, "+").replace(/_/g, "=").replace(/~/g, "/"), "base64");
    return JSON.parse(json.toString("utf8")).Statement[0].Resource as string;
  });
}

const FREE_FOLDER = grantQuery(`https://${HOST}/videos/free/master._m3u8`, {
  resource: { pattern: `https://${HOST}/videos/free/*` },
});

const ESCAPES = [
  "/videos/free/%2e%2e/premium/master._m3u8",
  "/videos/free/%2E%2E/premium/master._m3u8",
  "/videos/free/.%2e/premium/master._m3u8",
  "/videos/free/%2e./premium/master._m3u8",
  "/videos/free/../premium/master._m3u8",
  "/videos/free/./master._m3u8",
  "/videos/free/..%2fpremium/master._m3u8",
  "/videos/free/..%5Cpremium/master._m3u8",
  "/videos/free//master._m3u8",
  "/videos/free/a\\..\\..\\premium/master._m3u8",
];

for (const trigger of EDGE_TRIGGERS) {
  for (const fetch of [{ mode: "distribution" }, { mode: "origin", originBaseUrl: ORIGIN }] as const) {
    describe(`manifest edge grants (${trigger}, fetch ${fetch.mode})`, () => {
      for (const uri of ESCAPES) {
        it(`refuses ${uri} before reading the grant, fetching nothing (11.1)`, async () => {
          const { get, requested, logs } = harness(trigger, fetch);
          const response = await get(uri, FREE_FOLDER);
          assert.equal(response.status, "400");
          assert.deepEqual(requested, []);
          assert.equal(logs[0]?.error, "request-path-not-normal");
        });
      }

      it("fetches exactly the path the policy was computed for (11.1)", async () => {
        const { get, requested } = harness(trigger, fetch);
        const response = await get("/videos/free/720p/index._m3u8", FREE_FOLDER);
        assert.equal(response.status, "200");
        assert.equal(requested.length, 1);
        assert.equal(new URL(requested[0]).pathname, "/videos/free/720p/index.m3u8");
        assert.deepEqual(policyResources(response), [`https://${HOST}/videos/free/*`]);
      });

      it("never signs a folder the grant does not reach, even if CloudFront let it through (11.1)", async () => {
        const { get, requested } = harness(trigger, fetch);
        const response = await get("/videos/premium/master._m3u8", FREE_FOLDER);
        assert.equal(response.status, "403");
        assert.deepEqual(requested, []);
        const files = grantQuery(`https://${HOST}/videos/free/master._m3u8`, {
          resource: { pattern: `https://${HOST}/videos/free/master*` },
        });
        const narrow = await get("/videos/free/master._m3u8", files);
        assert.equal(narrow.status, "403", "a grant for master* does not reach the folder's segments");
      });

      it("refuses a root-level playlist under a one-URL grant instead of signing https://host/* (11.2)", async () => {
        const { get, requested, logs } = harness(trigger, fetch);
        for (const options of [{}, { ipAddress: "203.0.113.178" }]) {
          const response = await get("/movie1._m3u8", grantQuery(`https://${HOST}/movie1._m3u8`, options));
          assert.equal(response.status, "403");
        }
        assert.deepEqual(requested, []);
        assert.equal(logs[0]?.error, "root-playlist");
        // One folder down, a one-URL grant gives that folder; a grant for the whole host keeps it.
        const deeper = await get("/movie1/master._m3u8", grantQuery(`https://${HOST}/movie1/master._m3u8`));
        assert.deepEqual(policyResources(deeper), [`https://${HOST}/movie1/*`]);
        const everything = grantQuery(`https://${HOST}/movie1._m3u8`, {
          resource: { pattern: `https://${HOST}/*` },
        });
        assert.deepEqual(policyResources(await get("/movie1._m3u8", everything)), [`https://${HOST}/*`]);
      });
    });
  }
}

describe("manifest edge verifies the viewer's grant against the stack's keys (11.3)", () => {
  const attacker = new Signer({
    keyPairId: "K2JCJMDEHXQW5F", // a trusted key's id, on a key the stack never held
    privateKey: generateKeyPair("ecdsa-p256").privateKeyPem,
    now: () => NOW,
  });
  for (const trigger of EDGE_TRIGGERS) {
    it(`${trigger}: a forged grant is refused and nothing is fetched or signed`, async () => {
      const { get, requested, logs } = harness(trigger, { mode: "distribution" });
      const url = `https://${HOST}/videos/premium/master._m3u8`;
      const forged = attacker.signUrl(url, {
        expires: NOW + 7200,
        resource: { pattern: `https://${HOST}/videos/*` },
      });
      const response = await get("/videos/premium/master._m3u8", forged.slice(forged.indexOf("?") + 1));
      assert.equal(response.status, "403");
      assert.equal(logs[0]?.error, "viewer-grant-unverified");
      // A genuine grant's policy with a longer expiry spliced in: the signature no longer matches.
      const genuine = grantQuery(url, { resource: { pattern: `https://${HOST}/videos/premium/*` } });
      const longer = signer.signUrl(url, {
        expires: NOW + 999_999,
        resource: { pattern: `https://${HOST}/videos/*` },
      });
      const policy = /Policy=[^&]+/.exec(longer)![0];
      const spliced = genuine.replace(/Policy=[^&]+/, policy);
      assert.equal((await get("/videos/premium/master._m3u8", spliced)).status, "403");
      assert.deepEqual(requested, []);
      assert.equal((await get("/videos/premium/master._m3u8", genuine)).status, "200");
    });
  }
});

describe("request paths in normal form", () => {
  it("accepts plain and percent-encoded names, refuses what a parser would change", () => {
    for (const path of ["/vod/a/master._m3u8", "/vod/a%20b/x._m3u8", "/vod/.hidden/x._m3u8", "/vod/a..b/x"]) {
      assert.equal(requestPathProblem(path), undefined, path);
    }
    for (const path of ESCAPES.concat(["/vod/a b/x", "/vod/é/x", "vod/x"])) {
      assert.notEqual(requestPathProblem(path), undefined, path);
    }
  });
});
