/**
 * The signing Lambda grants the asset root (issue 14 item 4): with
 * `assetRootDepth` N a playlist or cookies anywhere inside `/<N folders>/` are
 * granted exactly that folder, so `../../keys/` from a media playlist stays in
 * scope; never wider, and a path above it is refused.
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
  const handler = createSignHandler(
    {
      distributionDomain: stack.domain,
      defaultLifetimeSeconds: 300,
      maxLifetimeSeconds: 3600,
      keySource: stack.keySource,
      ...overrides,
    },
    { keySource: stack.cloud.keySource, now: stack.clock.now, log: () => undefined },
  );
  const invoke = async (event: unknown) =>
    (await handler(event, { awsRequestId: "req-1" })) as SignInvokeResult & Record<string, unknown>;
  const accepts = (url: string) =>
    verifyRequest(
      { url, now: stack.clock.current + 1 },
      stack.cloud.liveTrustSets(stack.rotation.distributionId)[0],
    ).accepted;
  return { stack, invoke, accepts };
}

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
    const { invoke, accepts, stack } = setup({ assetRootDepth: 2 });
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
