import assert from "node:assert/strict";
import { verifyRequest } from "../../../../functions/cloudfront/verifier";
import type { TrustedKeys } from "../../../../functions/cloudfront/types";
import {
  createSignHandler,
  type SignHandlerConfig,
  type SignInvokeResult,
  type FunctionUrlResult,
} from "../../../../functions/handlers/sign/sign";
import { makeStack } from "../../rotation/support";

function setup(overrides: Partial<SignHandlerConfig> = {}) {
  const stack = makeStack();
  const lines: string[] = [];
  const config: SignHandlerConfig = {
    distributionDomain: stack.domain,
    allowedHosts: [stack.domain, "media.example.com"],
    defaultLifetimeSeconds: 300,
    maxLifetimeSeconds: 3600,
    keySource: stack.keySource,
    ...overrides,
  };
  const handler = createSignHandler(config, {
    keySource: stack.cloud.keySource,
    now: stack.clock.now,
    log: (line) => lines.push(line),
  });
  const trusted = (): TrustedKeys => stack.cloud.liveTrustSets(stack.rotation.distributionId)[0];
  const invoke = async (event: unknown) =>
    (await handler(event, { awsRequestId: "req-1" })) as SignInvokeResult & Record<string, unknown>;
  return { stack, lines, handler, trusted, invoke };
}

function functionUrlEvent(
  body: unknown,
  options: { iam?: boolean; method?: string; base64?: boolean; domain?: string } = {},
) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/",
    headers: { "content-type": "application/json" },
    requestContext: {
      domainName: options.domain ?? "abcdefghij.lambda-url.eu-west-1.on.aws",
      http: { method: options.method ?? "POST", path: "/" },
      ...(options.iam === false
        ? {}
        : { authorizer: { iam: { userArn: "arn:aws:iam::123456789012:role/app", callerId: "AROA" } } }),
    },
    body: options.base64 ? Buffer.from(text).toString("base64") : text,
    isBase64Encoded: options.base64 === true,
  };
}

describe("sign handler", () => {
  it("signs a playlist URL (direct invoke) in its ._m3u8 form, accepted by CloudFront's rules", async () => {
    const { invoke, trusted, stack, lines } = setup();
    const result = await invoke({ resource: "/videos/abc/master.m3u8", lifetimeSeconds: 600 });
    assert.equal(result.statusCode, 200);
    assert.equal(result.mode, "url");
    const url = result.url as string;
    assert.ok(url.startsWith(`https://${stack.domain}/videos/abc/master._m3u8?Expires=`), url);
    assert.equal(result.expires, stack.clock.current + 600);
    assert.equal(verifyRequest({ url, now: stack.clock.current }, trusted()).accepted, true);
    assert.equal(verifyRequest({ url, now: stack.clock.current + 601 }, trusted()).accepted, false);
    assert.equal(lines.length, 1);
    const log = JSON.parse(lines[0]);
    assert.equal(log.status, 200);
    assert.equal(log.path, "/videos/abc/master._m3u8");
    assert.equal(log.keyPairId, result.keyPairId);
    assert.equal(log.requestId, "req-1");
    assert.doesNotMatch(lines[0], /Signature|BEGIN|Policy=/);
  });

  it("returns folder-scoped cookies with Set-Cookie values that open every file of the folder", async () => {
    const { invoke, trusted, stack } = setup({ cookies: { domain: "media.example.com" } });
    const result = await invoke({
      resource: "https://media.example.com/videos/abc/master.m3u8",
      mode: "cookies",
      lifetimeSeconds: 900,
    });
    assert.equal(result.statusCode, 200, JSON.stringify(result));
    assert.equal(result.resource, "https://media.example.com/videos/abc/*");
    assert.equal(result.url, "https://media.example.com/videos/abc/master._m3u8");
    const cookies = result.cookies as Record<string, string>;
    assert.ok(
      cookies["CloudFront-Policy"] && cookies["CloudFront-Signature"] && cookies["CloudFront-Key-Pair-Id"],
    );
    const headers = result.setCookieHeaders as string[];
    assert.ok(
      headers.every(
        (header) =>
          /Secure/.test(header) &&
          /HttpOnly/.test(header) &&
          /Domain=media\.example\.com/.test(header) &&
          /Path=\/videos\/abc\//.test(header),
      ),
    );
    const cookieHeader = Object.entries(cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    for (const file of ["720p/seg-1.ts", "audio.m4a", "master._m3u8"]) {
      assert.equal(
        verifyRequest(
          { url: `https://media.example.com/videos/abc/${file}`, cookieHeader, now: stack.clock.current },
          trusted(),
        ).accepted,
        true,
        file,
      );
    }
    assert.equal(
      verifyRequest(
        { url: "https://media.example.com/videos/other/seg-1.ts", cookieHeader, now: stack.clock.current },
        trusted(),
      ).accepted,
      false,
    );
  });

  it("binds to an IPv4 address and honours notBefore", async () => {
    const { invoke, trusted, stack } = setup();
    const now = stack.clock.current;
    const result = await invoke({ resource: "/v/x/seg.ts", ipAddress: "192.0.2.7", notBefore: now + 10 });
    assert.equal(result.statusCode, 200);
    const url = result.url as string;
    assert.equal(verifyRequest({ url, viewerIp: "192.0.2.7", now: now + 11 }, trusted()).accepted, true);
    assert.equal(verifyRequest({ url, viewerIp: "192.0.2.8", now: now + 11 }, trusted()).accepted, false);
    assert.equal(verifyRequest({ url, viewerIp: "192.0.2.7", now: now + 5 }, trusted()).accepted, false);
  });

  it("IPv6 enabled (refuseIpBinding): refuses ipAddress with 400 ip-binding-refused, signs without it", async () => {
    const { invoke } = setup({ refuseIpBinding: true });
    for (const mode of ["url", "cookies"]) {
      const refused = await invoke({ resource: "/v/x/seg.ts", ipAddress: "192.0.2.7", mode });
      assert.equal(refused.statusCode, 400);
      const error = (refused as { error: { code: string; message: string } }).error;
      assert.equal(error.code, "ip-binding-refused");
      assert.match(error.message, /ipv6Enabled/);
      assert.doesNotMatch(JSON.stringify(refused), /Signature=|CloudFront-Signature/);
    }
    assert.equal((await invoke({ resource: "/v/x/seg.ts" })).statusCode, 200);
  });

  it("works behind an AWS_IAM Function URL (JSON or base64 body)", async () => {
    const { handler } = setup();
    for (const base64 of [false, true]) {
      const result = (await handler(
        functionUrlEvent({ resource: "/v/x/seg.ts" }, { base64 }),
      )) as FunctionUrlResult;
      assert.equal(result.statusCode, 200);
      assert.equal(result.headers["content-type"], "application/json");
      assert.equal(result.headers["cache-control"], "no-store");
      assert.match(JSON.parse(result.body).url, /Signature=/);
    }
  });

  it("refuses an unauthenticated Function URL, API Gateway events and other methods, never signing", async () => {
    const { handler, lines } = setup();
    const cases: [unknown, number, RegExp][] = [
      [functionUrlEvent({ resource: "/v/x/seg.ts" }, { iam: false }), 403, /not using AWS_IAM/],
      [
        functionUrlEvent({ resource: "/v/x/seg.ts" }, { domain: "abc.execute-api.eu-west-1.amazonaws.com" }),
        403,
        /not API Gateway/,
      ],
      [
        {
          httpMethod: "POST",
          resource: "/v/x/seg.ts",
          headers: {},
          requestContext: { stage: "prod", apiId: "x" },
          body: "{}",
        },
        403,
        /not API Gateway/,
      ],
      [{ httpMethod: "POST", headers: {}, body: '{"resource":"/v/x/seg.ts"}' }, 403, /HTTP proxy events/],
      [functionUrlEvent({ resource: "/v/x/seg.ts" }, { method: "GET" }), 405, /POST/],
      [functionUrlEvent("{not json"), 400, /not valid JSON/],
    ];
    for (const [event, status, message] of cases) {
      const result = (await handler(event)) as FunctionUrlResult;
      assert.equal(result.statusCode, status, JSON.stringify(event).slice(0, 80));
      assert.match(JSON.parse(result.body).error.message, message);
      assert.doesNotMatch(result.body, /Signature|Key-Pair-Id/);
    }
    assert.equal(lines.length, cases.length, "one log line per request");
  });

  it("answers bad input with 400 and a clear message, never a signature", async () => {
    const { invoke } = setup();
    const cases: [unknown, string][] = [
      [{ resource: "https://evil.example.com/v/x/seg.ts" }, "host-not-allowed"],
      [{ resource: "http://media.example.com/v/x/seg.ts" }, "not-https"],
      [{ resource: "/v/x/seg.ts", lifetimeSeconds: 3601 }, "lifetime-too-long"],
      [{ resource: "/v/x/seg.ts", lifetimeSeconds: 0 }, "bad-lifetime"],
      [{ resource: "/v/x/seg.ts", lifetimeSeconds: "60" }, "bad-lifetime"],
      [{ resource: "/v/*/seg.ts" }, "wildcard-injection"],
      [{ resource: "/v/../secret/seg.ts" }, "bad-path"],
      [{ resource: "/v/%2E%2e/seg.ts" }, "bad-path"],
      [{ resource: "/v/x/index.html" }, "not-a-stream-path"],
      [{ resource: "/seg.ts", mode: "cookies" }, "folder-too-wide"],
      [{ resource: "/v/x/seg.ts", mode: "both" }, "bad-mode"],
      [{ resource: "/v/x/seg.ts", lifetime: 60 }, "unknown-field"],
      [{ resource: "/v/x/seg.ts?Signature=abc" }, "already-signed"],
      [{ resource: "/v/x/seg.ts", ipAddress: "2001:db8::1" }, "ipv6-not-supported"],
      [{ resource: "/v/x/seg.ts", ipAddress: "300.1.1.1" }, "bad-ip"],
      [{ resource: "/v/x/seg.ts", notBefore: 4102444800 }, "not-before-after-expiry"],
      [{ resource: "/v/x/seg #1.ts" }, "bad-resource"],
      [{ resource: "https://MEDIA.example.com/v/x/seg.ts" }, "bad-host"],
      [{}, "bad-resource"],
      [[1, 2], "refused-event"],
    ];
    for (const [request, code] of cases) {
      const result = await invoke(request);
      assert.equal(result.statusCode, 400, `${JSON.stringify(request)} -> ${JSON.stringify(result)}`);
      const error = (result as { error: { code: string; message: string } }).error;
      assert.equal(error.code, code, `${JSON.stringify(request)}: ${error.message}`);
      assert.ok(error.message.length > 10);
      assert.doesNotMatch(JSON.stringify(result), /Signature=|Key-Pair-Id=/);
    }
  });

  it("clamps instead of refusing when configured to", async () => {
    const { invoke, stack } = setup({ clampLifetime: true });
    const result = await invoke({ resource: "/v/x/seg.ts", lifetimeSeconds: 86400 });
    assert.equal(result.statusCode, 200);
    assert.equal(result.expires, stack.clock.current + 3600);
  });

  it("fails closed with 503 when no key can be loaded, and logs why without secrets", async () => {
    const { invoke, stack, lines } = setup();
    stack.cloud.faults.inject({ operation: "GetParameters", kind: "unavailable", keySource: true });
    const result = await invoke({ resource: "/v/x/seg.ts" });
    assert.equal(result.statusCode, 503);
    assert.equal((result as { error: { code: string } }).error.code, "key-unavailable");
    assert.match(lines[0], /key-unavailable/);
    assert.doesNotMatch(lines[0], /BEGIN/);
  });

  it("signs with the new key after a rotation, within one cache TTL", async () => {
    const { invoke, stack, trusted } = setup();
    const { runRotation } = await import("../../../../functions/rotation");
    const before = await invoke({ resource: "/v/x/seg.ts" });
    let result = await runRotation(stack.cloud.ports(), stack.rotation, { force: true });
    while (result.outcome !== "completed") {
      stack.clock.advance(60);
      result = await runRotation(stack.cloud.ports(), stack.rotation);
    }
    stack.clock.advance(300);
    const after = await invoke({ resource: "/v/x/seg.ts" });
    assert.notEqual(after.keyPairId, before.keyPairId);
    assert.equal(
      verifyRequest({ url: after.url as string, now: stack.clock.current }, trusted()).accepted,
      true,
    );
  });

  it("validates its configuration when created", () => {
    const { stack } = setup();
    assert.throws(
      () =>
        createSignHandler({
          distributionDomain: stack.domain,
          defaultLifetimeSeconds: 600,
          maxLifetimeSeconds: 300,
          keySource: stack.keySource,
        }),
      /defaultLifetimeSeconds/,
    );
  });
});
