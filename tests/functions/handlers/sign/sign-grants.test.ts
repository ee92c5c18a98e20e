/**
 * The signing Lambda's grant rules from issues 15 and 11: a wildcard never
 * reaches a canned policy, an IP binding is never wider than the stack's
 * minimum prefix, and the audit log never presents a claimed caller as verified.
 * Issue 14 item 4: with `assetRootDepth` N a playlist or cookies anywhere inside
 * `/<N folders>/` are granted exactly that asset root, so `../../keys/` from a
 * media playlist stays in scope; never wider, and a path above it is refused.
 */
import assert from "node:assert/strict";
import { readSignedRequest, verifyRequest } from "../../../../functions/cloudfront/verifier";
import {
  createSignHandler,
  type SignHandlerConfig,
  type SignInvokeResult,
} from "../../../../functions/handlers/sign/sign";
import { assetRootPath } from "../../../../contract/asset-root";
import { makeStack } from "../../rotation/support";

function setup(overrides: Partial<SignHandlerConfig> = {}) {
  const stack = makeStack();
  const lines: string[] = [];
  const handler = createSignHandler(
    {
      distributionDomain: stack.domain,
      defaultLifetimeSeconds: 300,
      maxLifetimeSeconds: 3600,
      keySource: stack.keySource,
      ...overrides,
    },
    { keySource: stack.cloud.keySource, now: stack.clock.now, log: (line) => lines.push(line) },
  );
  const invoke = async (event: unknown) =>
    (await handler(event, { awsRequestId: "req-1" })) as SignInvokeResult & Record<string, unknown>;
  const trusted = () => stack.cloud.liveTrustSets(stack.rotation.distributionId)[0];
  return { stack, lines, invoke, trusted };
}

describe("sign handler: grant rules (issues 15, 11.4, 11.5)", () => {
  it("refuses a * in the query of a canned URL, as the signing core does (issue 15)", async () => {
    const { invoke } = setup();
    const result = await invoke({ resource: "/videos/abc/seg_1.ts?part=*" });
    assert.equal(result.statusCode, 400, JSON.stringify(result));
    assert.equal((result as { error: { code: string } }).error.code, "wildcard-in-canned-url");
  });

  it("refuses an IP block wider than the default /24, /0 included (issue 11.4)", async () => {
    const { invoke } = setup();
    for (const ipAddress of ["198.51.100.7/0", "198.51.100.0/23", "10.0.0.0/8"]) {
      const result = await invoke({ resource: "/videos/abc/seg_1.ts", ipAddress });
      assert.equal(result.statusCode, 400, ipAddress);
      assert.equal((result as { error: { code: string } }).error.code, "ip-range-too-wide", ipAddress);
    }
    assert.equal(
      (await invoke({ resource: "/videos/abc/seg_1.ts", ipAddress: "198.51.100.0/24" })).statusCode,
      200,
    );
  });

  it("honours a stack's own minimum prefix, and the URL still binds to the block", async () => {
    const { invoke, stack, trusted } = setup({ minIpPrefixLength: 16 });
    const wide = await invoke({ resource: "/videos/abc/seg_1.ts", ipAddress: "198.51.0.0/15" });
    assert.equal(wide.statusCode, 400);
    const ok = await invoke({ resource: "/videos/abc/seg_1.ts", ipAddress: "198.51.0.0/16" });
    assert.equal(ok.statusCode, 200);
    const now = stack.clock.current;
    assert.equal(
      verifyRequest({ url: ok.url as string, viewerIp: "198.51.7.7", now }, trusted()).accepted,
      true,
    );
    assert.equal(
      verifyRequest({ url: ok.url as string, viewerIp: "198.52.7.7", now }, trusted()).accepted,
      false,
    );
  });

  it("refuses a signed URL for a root-level playlist, whose folder would be the whole distribution (11.2)", async () => {
    const { invoke } = setup();
    for (const resource of ["/movie1.m3u8", "/movie1._m3u8"]) {
      const result = await invoke({ resource });
      assert.equal(result.statusCode, 400, resource);
      assert.equal((result as { error: { code: string } }).error.code, "folder-too-wide");
    }
    assert.equal((await invoke({ resource: "/movie1/master.m3u8" })).statusCode, 200);
    assert.equal(
      (await invoke({ resource: "/seg_1.ts" })).statusCode,
      200,
      "a root segment opens only itself",
    );
  });

  it("never signs a path the manifest edge function would refuse as not normal (11.1)", async () => {
    const { invoke } = setup();
    for (const resource of [
      "/videos/a%2Fb/master.m3u8",
      "/videos/a/.%2e/b/master.m3u8",
      "/videos//a/seg.ts",
    ]) {
      const result = await invoke({ resource });
      assert.equal(result.statusCode, 400, resource);
      assert.equal((result as { error: { code: string } }).error.code, "bad-path", resource);
    }
  });

  it("never logs a Function-URL-shaped payload's principal as the caller (issue 11.5)", async () => {
    const { invoke, lines } = setup();
    // What anyone allowed lambda:InvokeFunction can send by direct invoke.
    const forged = {
      version: "2.0",
      requestContext: {
        domainName: "abcdefghij.lambda-url.eu-west-1.on.aws",
        http: { method: "POST" },
        authorizer: { iam: { userArn: "arn:aws:iam::123456789012:role/admin" } },
      },
      body: JSON.stringify({ resource: "/videos/abc/master.m3u8" }),
    };
    const result = await invoke(forged);
    assert.equal(result.statusCode, 200);
    const log = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(log.caller, undefined, lines[0]);
    assert.equal(log.unverifiedCaller, "arn:aws:iam::123456789012:role/admin");
  });
});

const errorCode = (result: Record<string, unknown>) => (result as { error?: { code: string } }).error?.code;

describe("sign handler: grants for the asset root (issue 14 item 4)", () => {
  it("finds the asset root of a path: the first N folders, the own folder at 0, none above it", () => {
    assert.equal(assetRootPath("/videos/abc/audio/en/index.m3u8", 2), "/videos/abc/");
    assert.equal(assetRootPath("/videos/abc/master.m3u8", 2), "/videos/abc/");
    assert.equal(assetRootPath("/videos/abc/audio/en/index.m3u8", 0), "/videos/abc/audio/en/");
    assert.equal(assetRootPath("/videos/master.m3u8", 2), undefined);
    assert.equal(assetRootPath("/master.m3u8", 1), undefined);
  });

  it("URL mode: a media playlist below the asset root is granted the asset root, nothing wider", async () => {
    const { invoke, trusted, stack } = setup({ assetRootDepth: 2 });
    const accepts = (url: string) => verifyRequest({ url, now: stack.clock.current + 1 }, trusted()).accepted;
    const result = await invoke({ resource: "/videos/abc/audio/en/index.m3u8" });
    assert.equal(result.statusCode, 200, JSON.stringify(result));
    const url = result.url as string;
    const read = readSignedRequest(url);
    assert.ok(!("error" in read));
    assert.equal(read.policy.resource, `https://${stack.domain}/videos/abc/*`);
    const query = url.slice(url.indexOf("?"));
    assert.ok(accepts(url));
    assert.ok(accepts(`https://${stack.domain}/videos/abc/keys/k.key${query}`), "the shared key folder");
    assert.ok(!accepts(`https://${stack.domain}/videos/other/keys/k.key${query}`), "another asset");
    assert.ok(!accepts(`https://${stack.domain}/videos/k.key${query}`), "above the asset root");
  });

  it("URL mode: a master in the asset root keeps its canned URL; a media file is signed for itself", async () => {
    const { invoke } = setup({ assetRootDepth: 2 });
    const master = await invoke({ resource: "/videos/abc/master.m3u8" });
    assert.match(master.url as string, /\/videos\/abc\/master\._m3u8\?Expires=\d+&Signature=/);
    const segment = await invoke({ resource: "/videos/abc/audio/en/seg_1.ts" });
    assert.match(segment.url as string, /\/seg_1\.ts\?Expires=\d+&Signature=/);
  });

  it("cookies: the asset root's Resource and Path, whatever playlist the app starts from", async () => {
    const { invoke, stack } = setup({ assetRootDepth: 2 });
    const result = await invoke({ resource: "/videos/abc/audio/en/index.m3u8", mode: "cookies" });
    assert.equal(result.statusCode, 200, JSON.stringify(result));
    assert.equal(result.resource, `https://${stack.domain}/videos/abc/*`);
    for (const header of result.setCookieHeaders as string[]) assert.match(header, /; Path=\/videos\/abc\/;/);
    // Without an asset root (the default) they stay the playlist's own folder, as before.
    const own = await setup().invoke({ resource: "/videos/abc/audio/en/index.m3u8", mode: "cookies" });
    assert.match(own.resource as string, /\/videos\/abc\/audio\/en\/\*$/);
  });

  it("refuses a playlist or cookies above the asset root with a clear 400", async () => {
    const { invoke } = setup({ assetRootDepth: 2 });
    for (const request of [
      { resource: "/videos/master.m3u8" },
      { resource: "/videos/seg_1.ts", mode: "cookies" },
    ]) {
      const result = await invoke(request);
      assert.equal(result.statusCode, 400, JSON.stringify(request));
      assert.equal(errorCode(result), "above-asset-root");
      assert.match(
        (result as { error: { message: string } }).error.message,
        /above the asset root: assetRootDepth 2 means the first 2 folder\(s\) name an asset/,
      );
    }
    // The root rule keeps its own code at any depth.
    assert.equal(errorCode(await invoke({ resource: "/master.m3u8" })), "folder-too-wide");
    // A media URL is signed for exactly itself: nothing to widen, nothing to refuse.
    assert.equal((await invoke({ resource: "/videos/seg_1.ts" })).statusCode, 200);
  });

  it("validates assetRootDepth when created", () => {
    const stack = makeStack();
    for (const assetRootDepth of [-1, 1.5, 17]) {
      assert.throws(
        () =>
          createSignHandler({
            distributionDomain: stack.domain,
            defaultLifetimeSeconds: 300,
            maxLifetimeSeconds: 3600,
            keySource: stack.keySource,
            assetRootDepth,
          }),
        /assetRootDepth must be a whole number from 0 to 16/,
      );
    }
  });
});
