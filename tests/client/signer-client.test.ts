import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSignerClient, readAppConfig, SignerClientError } from "../../client/signer-client";
import { closeServer, listenOnLoopback } from "../../local/http";
import { createSignerApi, type FunctionUrlEvent, type SignerApi } from "../../local/signer-api";

const REGION = "eu-west-1";
const CREDENTIALS = { accessKeyId: "AKIAEXAMPLE0000001", secretAccessKey: "secret" };
const GRANT = {
  mode: "url",
  url: "https://d1.cloudfront.net/a/master._m3u8?x",
  expires: 2_000_000_000,
  keyPairId: "K1",
};

/** A fetch that answers from a script and records what was sent. */
function scriptedFetch(answers: (() => Response)[]) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: URL | string, init?: RequestInit) => {
    sent.push({ url: String(url), init: init ?? {} });
    const next = answers.shift();
    if (!next) throw new Error("no more scripted answers");
    return next();
  }) as typeof fetch;
  return { fake, sent };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });

describe("signer client", () => {
  const endpoint = { region: REGION, signer: { functionUrl: "https://abc.lambda-url.eu-west-1.on.aws/" } };

  describe("against the local Function URL (SigV4 verified as AWS_IAM auth does)", () => {
    const events: FunctionUrlEvent[] = [];
    let api: SignerApi;
    let server: Server;
    let functionUrl: string;
    before(async () => {
      api = createSignerApi({
        region: REGION,
        invoke: async (event) => {
          events.push(event);
          const request = JSON.parse(event.body ?? "{}") as { resource: string; mode?: string };
          if (request.resource === "/bad")
            return {
              statusCode: 400,
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ error: { code: "bad-resource", message: "not on the distribution" } }),
            };
          const body =
            request.mode === "cookies"
              ? {
                  ...GRANT,
                  mode: "cookies",
                  resource: "https://d1.cloudfront.net/a/*",
                  cookies: {},
                  setCookieHeaders: ["c=1"],
                }
              : GRANT;
          return {
            statusCode: 200,
            headers: { "content-type": "application/json" },
            body: JSON.stringify(body),
          };
        },
      });
      server = createServer(api.handler);
      functionUrl = `http://127.0.0.1:${await listenOnLoopback(server, 0)}/`;
    });
    after(() => closeServer(server));

    it("signs the call with SigV4 (service lambda, the stack's region) and returns the typed grant", async () => {
      const client = createSignerClient(
        { region: REGION, signer: { functionUrl } },
        { credentials: api.credentials },
      );
      const grant = await client.sign({ resource: "/a/master.m3u8", lifetimeSeconds: 60 });
      assert.deepEqual(grant, GRANT);
      const cookies = await client.sign({ resource: "/a/master.m3u8", mode: "cookies" });
      assert.deepEqual(cookies.setCookieHeaders, ["c=1"]);
      const event = events.at(-1)!;
      assert.deepEqual(JSON.parse(event.body ?? ""), { resource: "/a/master.m3u8", mode: "cookies" });
      assert.equal(event.requestContext.authorizer.iam.accessKey, api.credentials.accessKeyId);
    });

    it("reports the signer's refusal with its code, and a refused signature as 403 without retrying", async () => {
      const client = createSignerClient(
        { region: REGION, signer: { functionUrl } },
        { credentials: api.credentials },
      );
      await assert.rejects(client.sign({ resource: "/bad" }), (error: unknown) => {
        assert.ok(error instanceof SignerClientError);
        assert.equal(error.status, 400);
        assert.equal(error.code, "bad-resource");
        assert.match(error.message, /not on the distribution/);
        return true;
      });
      const wrongRegion = createSignerClient(
        { region: "us-west-2", signer: { functionUrl } },
        { credentials: api.credentials },
      );
      await assert.rejects(wrongRegion.sign({ resource: "/a/master.m3u8" }), (error: unknown) => {
        assert.ok(error instanceof SignerClientError);
        assert.equal(error.status, 403);
        assert.equal(error.code, "InvalidSignatureException");
        assert.equal(error.attempts, 1);
        assert.match(error.message, /lambda:InvokeFunctionUrl/);
        return true;
      });
    });
  });

  it("retries throttled calls (429, TooManyRequestsException) with capped exponential backoff, signing each afresh", async () => {
    const { fake, sent } = scriptedFetch([
      json(429, { message: "Rate Exceeded." }),
      json(429, { Message: "Too Many Requests" }, { "x-amzn-errortype": "TooManyRequestsException" }),
      json(200, GRANT),
    ]);
    const sleeps: number[] = [];
    let clock = Date.UTC(2026, 0, 1, 12, 0, 0);
    const client = createSignerClient(endpoint, {
      credentials: CREDENTIALS,
      fetch: fake,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      now: () => new Date((clock += 1000)),
    });
    assert.deepEqual(await client.sign({ resource: "/a/master.m3u8" }), GRANT);
    assert.deepEqual(sleeps, [50, 100], "half of 100 ms, then of 200 ms");
    assert.equal(sent.length, 3);
    const dates = sent.map(({ init }) => (init.headers as Record<string, string>)["x-amz-date"]);
    assert.deepEqual(dates, ["20260101T120001Z", "20260101T120002Z", "20260101T120003Z"]);
    const authorization = (sent[0].init.headers as Record<string, string>).authorization;
    assert.match(
      authorization,
      /^AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE0000001\/20260101\/eu-west-1\/lambda\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it("gives up after maxAttempts with a throttled error, and never retries other failures", async () => {
    const throttled = scriptedFetch([json(429, {}), json(429, {}), json(429, {})]);
    const sleeps: number[] = [];
    const client = createSignerClient(endpoint, {
      credentials: CREDENTIALS,
      fetch: throttled.fake,
      maxAttempts: 3,
      baseDelayMs: 1000,
      maxDelayMs: 1500,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.999,
    });
    await assert.rejects(client.sign({ resource: "/a" }), {
      name: "SignerClientError",
      code: "throttled",
      status: 429,
      attempts: 3,
    });
    assert.deepEqual(sleeps, [999, 1498], "capped at maxDelayMs");

    for (const [answer, code] of [
      [json(500, { error: { code: "no-active-key", message: "no key" } }), "no-active-key"],
      [json(502, {}), "http-502"],
      [() => new Response("not json", { status: 200 }), "bad-response"],
    ] as const) {
      const once = scriptedFetch([answer]);
      const single = createSignerClient(endpoint, {
        credentials: CREDENTIALS,
        fetch: once.fake,
        sleep: async () => undefined,
      });
      await assert.rejects(single.sign({ resource: "/a" }), { code });
      assert.equal(once.sent.length, 1, code);
    }
    const down = createSignerClient(endpoint, {
      credentials: CREDENTIALS,
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    await assert.rejects(down.sign({ resource: "/a" }), {
      code: "network",
      status: 0,
      message: /no response from https:\/\/abc\.lambda-url/,
    });
  });

  it("reads the app config the stack outputs produce, and says what is wrong with a bad one", () => {
    const dir = mkdtempSync(join(tmpdir(), "signed-hls-cdn-client-"));
    try {
      const file = join(dir, "app-config.json");
      const config = {
        schemaVersion: 1,
        stack: "dev",
        region: REGION,
        signer: { functionUrl: endpoint.signer.functionUrl },
      };
      writeFileSync(file, JSON.stringify(config));
      assert.equal(readAppConfig(file).signer.functionUrl, endpoint.signer.functionUrl);
      assert.doesNotThrow(() => createSignerClient(file, { credentials: CREDENTIALS }));
      writeFileSync(file, JSON.stringify({ ...config, schemaVersion: 2 }));
      assert.throws(() => readAppConfig(file), /schemaVersion 2, expected 1/);
      writeFileSync(file, JSON.stringify({ ...config, signer: {} }));
      assert.throws(() => readAppConfig(file), /no signer\.functionUrl/);
      assert.throws(() => readAppConfig(join(dir, "missing.json")), /cannot read the app config/);
      assert.throws(() => createSignerClient({ region: "", signer: endpoint.signer }), /no region/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
