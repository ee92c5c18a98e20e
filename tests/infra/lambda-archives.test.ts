/**
 * Each Lambda's archive, exactly as the mocked program built it (the
 * CallbackFunction's serialized closure), run in its own Node process against
 * sample events. A closure that does not survive serialization fails here,
 * not in AWS.
 *
 * Honest fakes, not patched code: AWS calls reach tests/infra/aws-stub.ts via
 * the SDK's own endpoint override; the edge function's fetch of the raw
 * playlist (to the distribution's domain) is routed by a preloaded fetch hook
 * to a local origin that, like CloudFront's `*.m3u8` behavior, serves only
 * requests whose signature our verifier accepts.
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { Signer } from "../../functions/cloudfront/signer";
import { verifyRequest } from "../../functions/cloudfront/verifier";
import { EDGE_PACKAGE_LIMIT_BYTES } from "../../contract/limits";
import type { CloudFrontRequest } from "../../functions/handlers/manifest-edge/cloudfront-events";
import { GRANT_FORWARDING_FUNCTION_CODE } from "../../functions/handlers/manifest-edge/forwarded-grant";
import { cacheSettingsFor } from "../../infra/cache-settings";
import { forwardToOrigin } from "../../local/cloudfront-event";
import { runViewerFunction } from "../../local/viewer-function";
import { AwsStub } from "./aws-stub";
import { ofType, resourceNamed, runProgram, type ProgramRun } from "./harness";
import { compressedArchiveBytes, invokeLambda, unpackArchive, type LambdaArchive } from "./lambda-runner";

const KEY_GROUP_TYPE = "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup";

const MEDIA_PLAYLIST = [
  "#EXTM3U",
  "#EXT-X-VERSION:7",
  "#EXT-X-TARGETDURATION:4",
  "#EXT-X-MEDIA-SEQUENCE:0",
  '#EXT-X-KEY:METHOD=AES-128,URI="keys/k0.key",IV=0x00000000000000000000000000000001',
  '#EXT-X-MAP:URI="init.mp4"',
  "#EXTINF:4.000,",
  "seg-0.m4s",
  "#EXTINF:4.000,",
  "seg-1.m4s",
  "#EXT-X-ENDLIST",
  "",
].join("\n");

const FETCH_HOOK = `
// Stands in for DNS + TLS to CloudFront: requests to the distribution's host
// go to the local test origin, path and query untouched.
const target = process.env.TEST_ORIGIN_URL;
const realFetch = globalThis.fetch;
globalThis.fetch = (url, init = {}) => {
  const requested = new URL(String(url));
  const local = new URL(requested.pathname + requested.search, target);
  return realFetch(local, { ...init, headers: { ...(init.headers || {}), "x-test-requested-host": requested.host } });
};
`;

interface Keys {
  readonly keyPairId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

function archiveOf(run: ProgramRun, name: string): LambdaArchive {
  return resourceNamed(run, "aws:lambda/function:Function", name).inputs.code as LambdaArchive;
}

/**
 * The AWS side as the first deploy leaves it: parameters point at the active slot's key and
 * secret; each slot secret holds its own first key (the edge function reads both).
 */
function seedStub(stub: AwsStub, run: ProgramRun, keys: Keys): void {
  const names = run.outputs.parameterNames as { activeKeyId: string; activeSecretArn: string };
  const secrets = run.outputs.secretArns as { active: string; inactive: string };
  stub.putParameter(names.activeKeyId, keys.keyPairId);
  stub.putParameter(names.activeSecretArn, secrets.active);
  stub.putSecret(secrets.active, keys.privateKeyPem);
  stub.putSecret(secrets.inactive, INACTIVE_SLOT_KEY);
}

const INACTIVE_SLOT_KEY = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

function makeKeys(run: ProgramRun): Keys {
  const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    keyPairId: String(
      resourceNamed(run, KEY_GROUP_TYPE, "signing-keys-active-key-group").state.initialPublicKeyId,
    ),
    privateKeyPem: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** A local origin that serves raw playlists only to requests CloudFront would accept. */
async function startSignedOrigin(trusted: Map<string, string>, playlists: Record<string, string>) {
  const requests: { url: string; accepted: boolean }[] = [];
  const server = http.createServer((request, response) => {
    const host = String(request.headers["x-test-requested-host"]);
    const url = `https://${host}${request.url}`;
    const verdict = verifyRequest({ url, now: Math.floor(Date.now() / 1000) }, trusted);
    requests.push({ url, accepted: verdict.accepted });
    const body = playlists[new URL(url).pathname];
    if (!verdict.accepted) response.writeHead(403).end(verdict.reason);
    else if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { "content-type": "application/vnd.apple.mpegurl" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, requests, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function viewerRequestEvent(signedUrl: string, trigger: string, distributionDomainName: string) {
  const url = new URL(signedUrl);
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName,
            distributionId: "EDFDVBD6EXAMPLE",
            eventType: trigger,
            requestId: "test-request",
          },
          request: {
            clientIp: "203.0.113.10",
            method: "GET",
            uri: url.pathname,
            querystring: url.search.slice(1),
            headers: {
              host: [{ key: "Host", value: url.host }],
              "accept-encoding": [{ key: "Accept-Encoding", value: "gzip" }],
            },
          },
        },
      },
    ],
  };
}

/**
 * An origin-request event as CloudFront builds it from the viewer's request: the grant-forwarding
 * CloudFront Function first, then only what the *._m3u8 cache policy forwards (local/cloudfront-event.ts).
 */
function asForwardedToOrigin<T extends ReturnType<typeof viewerRequestEvent>>(event: T): T {
  const record = event.Records[0].cf;
  if (record.config.eventType !== "origin-request") return event;
  const viewer = record.request as unknown as CloudFrontRequest;
  record.request = forwardToOrigin(
    runViewerFunction(GRANT_FORWARDING_FUNCTION_CODE, viewer),
    cacheSettingsFor("manifest", "origin-request"),
    new URL("https://origin.example.com"),
  ) as unknown as typeof record.request;
  return event;
}

/** Every URI the rewritten playlist names, resolved against the playlist URL. */
function playlistUris(text: string, playlistUrl: string): string[] {
  const uris: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      for (const match of line.matchAll(/URI="([^"]+)"/g)) uris.push(new URL(match[1], playlistUrl).href);
    } else if (line.trim() !== "") {
      uris.push(new URL(line.trim(), playlistUrl).href);
    }
  }
  return uris;
}

describe("infra Lambda archives: serialized closures run in their own process", function () {
  this.timeout(180000);
  let dev: ProgramRun;
  let prod: ProgramRun;
  let keys: Keys;
  let trusted: Map<string, string>;
  const stub = new AwsStub("eu-west-1");
  const directories: string[] = [];

  before(async () => {
    [dev, prod] = await Promise.all([runProgram("dev"), runProgram("prod")]);
    keys = makeKeys(dev);
    trusted = new Map([[keys.keyPairId, keys.publicKeyPem]]);
    await stub.start();
  });

  after(async () => {
    await stub.stop();
    for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    stub.calls.length = 0;
    stub.parameters.clear();
    stub.secrets.clear();
  });

  function unpack(run: ProgramRun, name: string): string {
    const directory = unpackArchive(archiveOf(run, name));
    directories.push(directory);
    return directory;
  }

  it("keeps the edge archive far below Lambda@Edge's 1 MB viewer-trigger cap (target < 100 KB)", () => {
    for (const run of [dev, prod]) {
      const bytes = compressedArchiveBytes(archiveOf(run, "manifest-edge"));
      console.log(`      edge archive (${run === dev ? "dev" : "prod"}): ${bytes} bytes compressed`);
      assert.ok(bytes < EDGE_PACKAGE_LIMIT_BYTES["viewer-request"], `${bytes} bytes`);
      assert.ok(bytes < 100 * 1024, `${bytes} bytes: over the 100 KB target`);
    }
  });

  it("packs no @aws-sdk, @smithy or @pulumi package into any archive (the runtime has the SDK; the signer client is the app's)", () => {
    for (const run of [dev, prod]) {
      for (const fn of ofType(run, "aws:lambda/function:Function")) {
        const packed = Object.keys((fn.inputs.code as LambdaArchive).assets).filter((path) =>
          /(^|\/)node_modules\/@(aws-sdk|smithy|pulumi)\//.test(path),
        );
        assert.deepEqual(packed, [], fn.name);
      }
    }
  });

  it("captures no Map or Set in any closure (Pulumi serializes them as empty objects)", () => {
    for (const run of [dev, prod]) {
      for (const fn of ofType(run, "aws:lambda/function:Function")) {
        const text = (fn.inputs.code as LambdaArchive).assets["__index.js"].text ?? "";
        // However the serializer names the value (variable, property, literal member), it is emitted this way.
        const broken = [
          ...text.matchAll(
            /([\w.$]+)\s*[=:]\s*Object\.create\(global\.(Set|Map|WeakMap|WeakSet)\.prototype\)/g,
          ),
        ];
        assert.deepEqual(
          broken.map((match) => `${match[1].replace(/^__/, "")} (${match[2]})`),
          [],
          `${fn.name}: module-level Map/Set values captured by the closure arrive empty in Lambda; create them inside a function or use arrays/objects`,
        );
      }
    }
  });

  it("signer: returns a signed URL that our verifier accepts, reading only its parameters and secret", async () => {
    seedStub(stub, dev, keys);
    const directory = unpack(dev, "signer");
    const run = await invokeLambda(
      directory,
      { resource: "/videos/abc/master.m3u8", lifetimeSeconds: 600 },
      stub.environment(),
    );
    assert.ok(run.ok, run.error);
    const result = run.result as {
      statusCode: number;
      mode: string;
      url: string;
      keyPairId: string;
      expires: number;
    };
    assert.equal(result.statusCode, 200, JSON.stringify(result));
    assert.equal(result.keyPairId, keys.keyPairId);
    const url = new URL(result.url);
    assert.equal(url.host, dev.outputs.distributionDomainName);
    assert.equal(url.pathname, "/videos/abc/master._m3u8");
    const verdict = verifyRequest({ url: result.url, now: Math.floor(Date.now() / 1000) }, trusted);
    assert.ok(verdict.accepted, JSON.stringify(verdict));
    const lifetime = result.expires - Math.floor(Date.now() / 1000);
    assert.ok(lifetime > 590 && lifetime <= 600, `lifetime ${lifetime}`);
    assert.deepEqual(
      stub.calls.map((call) => `${call.service}:${call.action}`),
      ["ssm:GetParameters", "secretsmanager:GetSecretValue"],
    );
    assert.doesNotMatch(run.log, /PRIVATE KEY/);
    assert.ok(!run.log.includes(url.searchParams.get("Signature")!), "the signature is not logged");
  });

  it("signer: answers an IAM-authenticated Function URL request (cookie mode on prod) with Set-Cookie values", async () => {
    seedStub(stub, prod, keys);
    const functionUrl = new URL(String(prod.outputs.signerFunctionUrl));
    const event = {
      version: "2.0",
      rawPath: "/",
      headers: { "content-type": "application/json" },
      requestContext: {
        domainName: functionUrl.host,
        http: { method: "POST", path: "/" },
        authorizer: {
          iam: { userArn: "arn:aws:iam::123456789012:role/app-backend", callerId: "AROAEXAMPLE" },
        },
      },
      body: JSON.stringify({ resource: "/live/ch1/master.m3u8", mode: "cookies" }),
      isBase64Encoded: false,
    };
    const run = await invokeLambda(unpack(prod, "signer"), event, stub.environment());
    assert.ok(run.ok, run.error);
    const response = run.result as { statusCode: number; body: string; headers: Record<string, string> };
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers["cache-control"], "no-store");
    const body = JSON.parse(response.body) as { mode: string; resource: string; setCookieHeaders: string[] };
    assert.equal(body.mode, "cookies");
    assert.equal(body.resource, "https://media.example.com/live/ch1/*");
    assert.ok(body.setCookieHeaders.every((header) => /; Secure/.test(header) && /; HttpOnly/.test(header)));
    assert.ok(
      body.setCookieHeaders.some((header) => /Domain=example\.com/i.test(header)),
      "cookieDomain applied",
    );
    const cookieHeader = body.setCookieHeaders.map((header) => header.split(";")[0]).join("; ");
    const verdict = verifyRequest(
      {
        url: "https://media.example.com/live/ch1/720p.m3u8",
        cookieHeader,
        now: Math.floor(Date.now() / 1000),
      },
      trusted,
    );
    assert.ok(verdict.accepted, JSON.stringify(verdict));
    // The same function, reached without AWS_IAM auth, refuses.
    const anonymous = await invokeLambda(
      unpack(prod, "signer"),
      { ...event, requestContext: { ...event.requestContext, authorizer: undefined } },
      stub.environment(),
    );
    assert.equal((anonymous.result as { statusCode: number }).statusCode, 403);
  });

  it("signer: refuses a host the stack does not serve, and fails closed without a key", async () => {
    const directory = unpack(dev, "signer");
    seedStub(stub, dev, keys);
    const foreign = await invokeLambda(
      directory,
      { resource: "https://evil.example.com/a.m3u8" },
      stub.environment(),
    );
    assert.equal((foreign.result as { statusCode: number }).statusCode, 400, JSON.stringify(foreign.result));
    stub.secrets.clear();
    const keyless = await invokeLambda(
      directory,
      { resource: "/videos/abc/master.m3u8" },
      stub.environment(),
    );
    assert.equal((keyless.result as { statusCode: number }).statusCode, 503, JSON.stringify(keyless.result));
  });

  for (const stack of ["dev", "prod"] as const) {
    it(`manifest edge (${stack}): rewrites a playlist so every URI carries a signature CloudFront accepts`, async () => {
      const run = stack === "dev" ? dev : prod;
      seedStub(stub, run, keys);
      const trigger = stack === "dev" ? "viewer-request" : "origin-request";
      const distributionDomainName = String(run.outputs.distributionDomainName);
      const viewerHost = stack === "dev" ? distributionDomainName : "media.example.com";
      // The viewer's own grant, as a signer hands it out for the stack's viewer host.
      const signedUrl = new Signer({
        keyPairId: keys.keyPairId,
        privateKey: keys.privateKeyPem,
        hashAlgorithm: "sha256",
      }).signUrl(`https://${viewerHost}/videos/abc/720p._m3u8`, {
        expires: Math.floor(Date.now() / 1000) + 600,
      });

      const origin = await startSignedOrigin(trusted, { "/videos/abc/720p.m3u8": MEDIA_PLAYLIST });
      try {
        const directory = unpack(run, "manifest-edge");
        const hook = path.join(directory, "fetch-hook.js");
        fs.writeFileSync(hook, FETCH_HOOK);
        const edge = await invokeLambda(
          directory,
          asForwardedToOrigin(viewerRequestEvent(signedUrl, trigger, distributionDomainName)),
          { ...stub.environment(), TEST_ORIGIN_URL: origin.url },
          hook,
        );
        assert.ok(edge.ok, edge.error);
        const response = edge.result as {
          status: string;
          body: string;
          bodyEncoding: string;
          headers: Record<string, { value: string }[]>;
        };
        assert.equal(response.status, "200", `${JSON.stringify(response).slice(0, 500)}\n${edge.log}`);
        const text =
          response.bodyEncoding === "base64"
            ? gunzipSync(Buffer.from(response.body, "base64")).toString("utf8")
            : response.body;
        // The raw playlist was fetched once, through the signed *.m3u8 behavior.
        assert.equal(origin.requests.length, 1);
        assert.ok(origin.requests[0].accepted, origin.requests[0].url);
        assert.equal(new URL(origin.requests[0].url).host, viewerHost);

        const lines = text.split("\n");
        assert.equal(lines.length, MEDIA_PLAYLIST.split("\n").length, "line-based: no line added or lost");
        const playlistUrl = signedUrl.split("?")[0];
        const uris = playlistUris(text, playlistUrl);
        assert.equal(uris.length, 4, text);
        for (const uri of uris) {
          assert.match(uri, /[?&]Signature=/);
          const verdict = verifyRequest({ url: uri, now: Math.floor(Date.now() / 1000) }, trusted);
          assert.ok(verdict.accepted, `${uri}: ${JSON.stringify(verdict)}`);
        }
        assert.doesNotMatch(edge.log, /PRIVATE KEY/);
      } finally {
        origin.server.close();
      }
    });
  }

  it("manifest edge (prod, cookie mode): a viewer holding signed cookies gets a playlist of unsigned URIs its cookies open", async () => {
    seedStub(stub, prod, keys);
    const signer = new Signer({
      keyPairId: keys.keyPairId,
      privateKey: keys.privateKeyPem,
      hashAlgorithm: "sha256",
    });
    const playlistUrl = "https://media.example.com/live/ch1/720p._m3u8";
    const cookies = signer.signCookies(playlistUrl, {
      expires: Math.floor(Date.now() / 1000) + 600,
      resource: { folderOf: playlistUrl },
    });
    const cookieHeader = Object.entries(cookies.cookies)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const origin = await startSignedOrigin(trusted, { "/live/ch1/720p.m3u8": MEDIA_PLAYLIST });
    try {
      const directory = unpack(prod, "manifest-edge");
      const hook = path.join(directory, "fetch-hook.js");
      fs.writeFileSync(hook, FETCH_HOOK);
      const event = viewerRequestEvent(
        playlistUrl,
        "origin-request",
        String(prod.outputs.distributionDomainName),
      );
      const request = event.Records[0].cf.request as {
        headers: Record<string, { key: string; value: string }[]>;
      };
      request.headers.cookie = [{ key: "Cookie", value: cookieHeader }];
      delete request.headers["accept-encoding"];
      const edge = await invokeLambda(
        directory,
        asForwardedToOrigin(event),
        { ...stub.environment(), TEST_ORIGIN_URL: origin.url },
        hook,
      );
      const response = edge.result as { status: string; body: string };
      assert.equal(response.status, "200", `${JSON.stringify(response).slice(0, 500)}\n${edge.log}`);
      const uris = playlistUris(response.body, playlistUrl);
      assert.equal(uris.length, 4, response.body);
      // Cookie mode: nothing signed (a signature would outvote renewed cookies), the cookies open each URI.
      assert.doesNotMatch(response.body, /Signature=/);
      for (const uri of uris) {
        const verdict = verifyRequest(
          { url: uri, cookieHeader, now: Math.floor(Date.now() / 1000) },
          trusted,
        );
        assert.ok(verdict.accepted, `${uri}: ${JSON.stringify(verdict)}`);
      }
    } finally {
      origin.server.close();
    }
  });

  it("rotation: a dry run over the deployed topology plans a rotation and writes nothing", async () => {
    seedStub(stub, dev, keys);
    const groups = {
      active: resourceNamed(dev, KEY_GROUP_TYPE, "signing-keys-active-key-group"),
      inactive: resourceNamed(dev, KEY_GROUP_TYPE, "signing-keys-inactive-key-group"),
    };
    const inactiveKeyId = String(groups.inactive.state.initialPublicKeyId);
    const distribution = ofType(dev, "aws:cloudfront/distribution:Distribution")[0];
    stub.cloudFront = (method, requestPath) => {
      const keyGroup = /^\/2020-05-31\/key-group\/([^/?]+)$/.exec(requestPath);
      if (method === "GET" && keyGroup) {
        const group = keyGroup[1] === groups.active.id ? groups.active : groups.inactive;
        const item = group === groups.active ? keys.keyPairId : inactiveKeyId;
        return {
          status: 200,
          headers: { etag: `E${group === groups.active ? "ACTIVE" : "INACTIVE"}1` },
          body: keyGroupXml(group.id, String(group.inputs.name), item),
        };
      }
      const found = /^\/2020-05-31\/distribution\/([^/?]+)$/.exec(requestPath);
      if (method === "GET" && found && found[1] === distribution.id) {
        return {
          status: 200,
          headers: { etag: "EDIST1" },
          body: distributionXml(distribution.id, distribution.inputs),
        };
      }
      return {
        status: 404,
        body: `<ErrorResponse><Error><Code>NoSuchResource</Code><Message>${requestPath}</Message></Error></ErrorResponse>`,
      };
    };
    const directory = unpack(dev, "rotation");
    const run = await invokeLambda(directory, { dryRun: true, force: true }, stub.environment());
    assert.ok(run.ok, `${run.error}\n${run.log}`);
    const result = run.result as {
      outcome: string;
      message: string;
      plan: { step: string; status: string }[];
    };
    assert.equal(result.outcome, "dry-run", JSON.stringify(result));
    assert.ok(result.plan.length > 0, JSON.stringify(result));
    console.log(
      `      dry-run plan: ${result.plan.map((entry) => `${entry.step} (${entry.status})`).join(", ")}`,
    );
    assert.deepEqual(stub.writes(), [], "a dry run changes nothing");
    const read = new Set(stub.calls.map((call) => `${call.service}:${call.action}`));
    assert.ok(read.has(`cloudfront:GET /2020-05-31/distribution/${distribution.id}`));
    assert.ok(read.has(`cloudfront:GET /2020-05-31/key-group/${groups.inactive.id}`));
    assert.doesNotMatch(run.log, /PRIVATE KEY/);
  });
});

function keyGroupXml(id: string, name: string, item: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><KeyGroup xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">` +
    `<Id>${id}</Id><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>` +
    `<KeyGroupConfig><Name>${name}</Name><Items><PublicKey>${item}</PublicKey></Items></KeyGroupConfig></KeyGroup>`
  );
}

/** GetDistribution's answer for the distribution the program declared (its behaviors and trusted key groups). */
function distributionXml(id: string, inputs: Record<string, unknown>): string {
  type B = {
    pathPattern?: string;
    trustedKeyGroups: string[];
    targetOriginId: string;
    viewerProtocolPolicy: string;
  };
  const trustedXml = (groups: string[]) =>
    `<TrustedKeyGroups><Enabled>true</Enabled><Quantity>${groups.length}</Quantity><Items>${groups
      .map((group) => `<KeyGroup>${group}</KeyGroup>`)
      .join("")}</Items></TrustedKeyGroups>`;
  const behaviorXml = (behavior: B) =>
    `<TargetOriginId>${behavior.targetOriginId}</TargetOriginId>${trustedXml(behavior.trustedKeyGroups)}` +
    `<ViewerProtocolPolicy>${behavior.viewerProtocolPolicy}</ViewerProtocolPolicy>`;
  const ordered = inputs.orderedCacheBehaviors as B[];
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Distribution xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/">` +
    `<Id>${id}</Id><ARN>arn:aws:cloudfront::123456789012:distribution/${id}</ARN><Status>Deployed</Status>` +
    `<LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches>` +
    `<DomainName>d111111abcdef8.cloudfront.net</DomainName><DistributionConfig><CallerReference>test</CallerReference>` +
    `<Comment></Comment><Enabled>true</Enabled>` +
    `<DefaultCacheBehavior>${behaviorXml(inputs.defaultCacheBehavior as B)}</DefaultCacheBehavior>` +
    `<CacheBehaviors><Quantity>${ordered.length}</Quantity><Items>${ordered
      .map(
        (behavior) =>
          `<CacheBehavior><PathPattern>${behavior.pathPattern}</PathPattern>${behaviorXml(behavior)}</CacheBehavior>`,
      )
      .join("")}</Items></CacheBehaviors></DistributionConfig></Distribution>`
  );
}
