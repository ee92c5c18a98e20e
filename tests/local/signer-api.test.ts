import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import { classifyEvent } from "../../functions/handlers/sign/lambda-events";
import { closeServer, listenOnLoopback } from "../../local/http";
import { createSignerApi, type FunctionUrlEvent, type SignerApi } from "../../local/signer-api";
import type { LocalCredentials } from "../../local/sigv4-verify";

const REGION = "us-east-1";

describe("local signer API (Function URL stand-in with AWS_IAM auth)", () => {
  const events: FunctionUrlEvent[] = [];
  let api: SignerApi;
  let server: Server;
  let base: URL;

  before(async () => {
    api = createSignerApi({
      region: REGION,
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
    base = new URL(`http://127.0.0.1:${await listenOnLoopback(server, 0)}`);
  });
  after(() => closeServer(server));

  /** A POST signed by the AWS SDK's own SigV4 signer; `tamper` changes it after signing. */
  async function signedPost(
    target: string,
    body: string,
    {
      credentials = api.credentials,
      region = REGION,
      service = "lambda",
      signingDate = new Date(),
      tamper = (headers: Record<string, string>) => headers,
      sentBody = body,
    }: {
      credentials?: LocalCredentials;
      region?: string;
      service?: string;
      signingDate?: Date;
      tamper?: (headers: Record<string, string>) => Record<string, string>;
      sentBody?: string;
    } = {},
  ): Promise<Response> {
    const url = new URL(target, base);
    const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
    const signed = await signer.sign(
      {
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.host, "content-type": "application/json" },
        body,
      },
      { signingDate },
    );
    const headers = tamper({ ...signed.headers });
    delete headers.host;
    return fetch(url, { method: "POST", headers, body: sentBody });
  }

  it("passes a SigV4-signed request as a Function URL event the signer handler accepts, without the signature", async () => {
    const response = await signedPost("/sign?x=1&a=b%20c", '{"resource":"/ts/master.m3u8"}');
    assert.equal(response.status, 201, await response.clone().text());
    assert.deepEqual(response.headers.getSetCookie(), ["a=1; Secure", "b=2; Secure"]);
    assert.deepEqual(await response.json(), { ok: true });
    const event = events.at(-1)!;
    assert.equal(event.version, "2.0");
    assert.equal(event.rawPath, "/sign");
    assert.equal(event.rawQueryString, "x=1&a=b%20c");
    assert.equal(event.body, '{"resource":"/ts/master.m3u8"}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.headers.authorization, undefined, "the signature never reaches the function");
    assert.equal(event.requestContext.authorizer.iam.accessKey, api.credentials.accessKeyId);
    assert.equal(event.requestContext.http.method, "POST");
    assert.equal(event.requestContext.http.sourceIp, "127.0.0.1");
    const classified = classifyEvent(event);
    assert.equal(classified.kind, "function-url");
    assert.deepEqual(classified.kind === "function-url" && classified.payload, {
      resource: "/ts/master.m3u8",
    });
  });

  it("refuses unsigned, bearer, wrongly signed, tampered, mis-scoped and expired requests with 403 before invoking", async () => {
    const count = events.length;
    const body = '{"resource":"/ts/master.m3u8"}';
    const unsigned = await fetch(new URL("/", base), { method: "POST", body });
    assert.equal(unsigned.status, 403);
    assert.deepEqual(await unsigned.json(), { Message: "Forbidden" });
    const bearer = await fetch(new URL("/", base), {
      method: "POST",
      headers: { authorization: "Bearer anything" },
      body,
    });
    assert.equal(bearer.status, 403);

    const sixMinutes = 6 * 60 * 1000;
    const refused: Record<string, Response> = {
      "wrong secret": await signedPost("/", body, {
        credentials: { ...api.credentials, secretAccessKey: "wrong" },
      }),
      "unknown key": await signedPost("/", body, {
        credentials: { ...api.credentials, accessKeyId: "AKIAUNKNOWN00000" },
      }),
      "unknown session token": await signedPost("/", body, {
        credentials: { ...api.credentials, sessionToken: "token" },
      }),
      "body changed after signing": await signedPost("/", body, { sentBody: body.replace("ts", "xx") }),
      "query added after signing": await signedPostTo("/?extra=1", "/", body),
      "signature edited": await signedPost("/", body, {
        tamper: (headers) => ({
          ...headers,
          authorization: headers.authorization.replace(/Signature=(.)/, (_, first: string) =>
            first === "0" ? "Signature=1" : "Signature=0",
          ),
        }),
      }),
      "other region": await signedPost("/", body, { region: "eu-west-1" }),
      "other service": await signedPost("/", body, { service: "execute-api" }),
      "signed six minutes ago": await signedPost("/", body, {
        signingDate: new Date(Date.now() - sixMinutes),
      }),
      "signed six minutes ahead": await signedPost("/", body, {
        signingDate: new Date(Date.now() + sixMinutes),
      }),
    };
    for (const [name, response] of Object.entries(refused)) {
      assert.equal(response.status, 403, name);
      assert.ok(response.headers.get("x-amzn-errortype"), `${name}: names the error type`);
    }
    assert.equal(events.length, count, "the function never ran");
  });

  /** Signs a request for `signedTarget` and sends it to `sentTarget`. */
  async function signedPostTo(sentTarget: string, signedTarget: string, body: string): Promise<Response> {
    const url = new URL(signedTarget, base);
    const signer = new SignatureV4({
      service: "lambda",
      region: REGION,
      credentials: api.credentials,
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { host: url.host },
      body,
    });
    const headers = { ...signed.headers };
    delete headers.host;
    return fetch(new URL(sentTarget, base), { method: "POST", headers, body });
  }

  it("bounds the body", async () => {
    const big = await signedPost("/", "x".repeat(17 * 1024));
    assert.equal(big.status, 413);
  });
});
