import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { classifyEvent } from "../../functions/handlers/lambda-events";
import { closeServer, listenOnLoopback } from "../../local/http";
import { createSignerApi, type FunctionUrlEvent, type SignerApi } from "../../local/signer-api";

describe("local signer API (Function URL stand-in)", () => {
  const events: FunctionUrlEvent[] = [];
  let api: SignerApi;
  let server: Server;
  let base: string;

  before(async () => {
    api = createSignerApi({
      invoke: async (event) => {
        events.push(event);
        return {
          statusCode: 201,
          headers: { "content-type": "application/json" },
          cookies: ["a=1; Secure", "b=2; Secure"],
          body: '{"ok":true}',
        };
      },
    });
    server = createServer(api.handler);
    base = `http://127.0.0.1:${await listenOnLoopback(server, 0)}`;
  });
  after(() => closeServer(server));

  it("passes an authorised request as a Function URL event the signer handler accepts, without the credential", async () => {
    const response = await fetch(`${base}/sign?x=1`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
      body: '{"resource":"/ts/master.m3u8"}',
    });
    assert.equal(response.status, 201);
    assert.deepEqual(response.headers.getSetCookie(), ["a=1; Secure", "b=2; Secure"]);
    assert.deepEqual(await response.json(), { ok: true });
    const event = events.at(-1)!;
    assert.equal(event.version, "2.0");
    assert.equal(event.rawPath, "/sign");
    assert.equal(event.rawQueryString, "x=1");
    assert.equal(event.body, '{"resource":"/ts/master.m3u8"}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.headers.authorization, undefined, "the credential never reaches the function");
    assert.equal(event.requestContext.http.method, "POST");
    assert.equal(event.requestContext.http.sourceIp, "127.0.0.1");
    const classified = classifyEvent(event);
    assert.equal(classified.kind, "function-url");
    assert.deepEqual(classified.kind === "function-url" && classified.payload, {
      resource: "/ts/master.m3u8",
    });
  });

  it("refuses a missing or wrong credential with 403 before invoking, and bounds the body", async () => {
    const count = events.length;
    for (const authorization of [undefined, "Bearer wrong", `Bearer ${api.token}x`, api.token]) {
      const response = await fetch(`${base}/`, {
        method: "POST",
        headers: authorization ? { authorization } : {},
        body: "{}",
      });
      assert.equal(response.status, 403, String(authorization));
    }
    assert.equal(events.length, count);
    const big = await fetch(`${base}/`, {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}` },
      body: "x".repeat(17 * 1024),
    });
    assert.equal(big.status, 413);
  });
});
