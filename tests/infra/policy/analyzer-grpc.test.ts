/**
 * Serves the real pack as the Pulumi CLI does (the nodejs language host runs
 * @pulumi/pulumi/cmd/run-policy-pack in the pack's folder, which type-checks
 * and loads index.ts and prints the analyzer's gRPC port), then plays the
 * engine: GetAnalyzerInfo, Configure, Analyze per resource, AnalyzeStack.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { policies } from "../../../infra/policy/policies";
import { ROTATION_TIMING_TAGS } from "../../../infra/policy/conventions";
import { KEY_GROUP_IDS, TEST_KEYS, goodStack } from "./fixtures";
import { capturedStack } from "./from-harness";
import { UNKNOWN_STRING, analyzeRequest, analyzeStackRequest } from "./wire";
import type { CapturedResource } from "./runner";

const ROOT = path.resolve(__dirname, "../../..");
const PACK_DIR = path.join(ROOT, "infra/policy");
const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
/** Type-checking the pack on start takes a few seconds; never wait forever. */
const START_TIMEOUT_MS = 120_000;

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;

/** One unary RPC as a promise. */
function call<Res>(invoke: (callback: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) =>
    invoke((error, response) => (error ? reject(error) : resolve(response))),
  );
}

interface Diagnostic {
  policy: string;
  level: analyzer.EnforcementLevel;
  message: string;
  urn: string;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: d.getEnforcementlevel(),
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

function startPack(): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:0", "."], {
    cwd: PACK_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // never leave a stuck pack behind
      reject(new Error(`pack printed no port within ${START_TIMEOUT_MS} ms; stderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pack exited with ${code} before serving; stderr:\n${stderr}`));
    });
    child.stdout?.on("data", (chunk) => {
      stdout += chunk;
      const match = /^(\d+)\s*$/m.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), stderr: () => stderr });
      }
    });
  });
}

describe("policy pack served over gRPC as the Pulumi CLI runs it", function () {
  this.timeout(START_TIMEOUT_MS + 30_000);
  let pack: Awaited<ReturnType<typeof startPack>> | undefined;
  let client: AnalyzerClient;

  const analyze = (request: analyzer.AnalyzeRequest) =>
    call<analyzer.AnalyzeResponse>((cb) => client.analyze(request, cb));
  const analyzeStack = (request: analyzer.AnalyzeStackRequest) =>
    call<analyzer.AnalyzeResponse>((cb) => client.analyzeStack(request, cb));

  before(async () => {
    pack = await startPack();
    client = new AnalyzerClient(`127.0.0.1:${pack.port}`, grpc.credentials.createInsecure());
    // The engine configures the pack before analyzing; an empty config keeps the defaults.
    await call<Empty>((cb) => client.configure(new analyzer.ConfigureAnalyzerRequest(), cb));
  });

  after(async () => {
    client?.close();
    if (!pack || pack.child.exitCode !== null) return;
    const exited = new Promise((resolve) => pack?.child.once("exit", resolve));
    pack.child.kill("SIGTERM");
    await exited;
  });

  it("describes the pack: name, every policy, mandatory, with config schemas", async () => {
    const info = await call<analyzer.AnalyzerInfo>((cb) => client.getAnalyzerInfo(new Empty(), cb));
    assert.equal(info.getName(), "signed-hls-cdn");
    assert.equal(info.getVersion(), "0.1.0");
    const served = info.getPoliciesList();
    assert.deepEqual(served.map((p) => p.getName()).sort(), policies.map((p) => p.name).sort());
    for (const policy of served) {
      assert.equal(policy.getEnforcementlevel(), analyzer.EnforcementLevel.MANDATORY, policy.getName());
      assert.match(policy.getDescription(), /Fix:/);
    }
    const leastPrivilege = served.find((p) => p.getName() === "least-privilege-iam");
    assert.ok(leastPrivilege?.getConfigschema()?.getProperties()?.toJavaScript().exemptResources);
  });

  for (const variant of ["dev", "prod"] as const) {
    it(`passes every resource and the whole ${variant} stack`, async () => {
      const stack = goodStack(variant).resources;
      for (const resource of stack) {
        const response = await analyze(await analyzeRequest(resource, stack));
        assert.deepEqual(diagnostics(response), [], resource.urn);
      }
      const response = await analyzeStack(await analyzeStackRequest(stack));
      assert.deepEqual(diagnostics(response), []);
    });
  }

  for (const variant of ["dev", "prod"] as const) {
    it(`passes the mocked program's ${variant} stack, resource by resource and as a stack`, async () => {
      const stack = await capturedStack(variant);
      for (const resource of stack) {
        assert.deepEqual(diagnostics(await analyze(await analyzeRequest(resource, stack))), [], resource.urn);
      }
      assert.deepEqual(diagnostics(await analyzeStack(await analyzeStackRequest(stack))), []);
    });
  }

  it("blocks the mocked program's distribution once a behavior allows plain HTTP", async () => {
    const stack = await capturedStack("dev");
    const distribution = stack.find(
      (resource) => resource.type === "aws:cloudfront/distribution:Distribution",
    );
    assert.ok(distribution);
    (distribution.inputs.defaultCacheBehavior as Record<string, unknown>).viewerProtocolPolicy = "allow-all";
    const found = diagnostics(await analyze(await analyzeRequest(distribution, stack)));
    assert.deepEqual(
      found.map((d) => [d.policy, d.level]),
      [["https-only-modern-tls", analyzer.EnforcementLevel.MANDATORY]],
    );
  });

  it("blocks a bad distribution and a leaked key, per resource, as mandatory", async () => {
    const fixture = goodStack("dev");
    const distribution = fixture.get("aws:cloudfront/distribution:Distribution");
    const defaultBehavior = distribution.inputs.defaultCacheBehavior as Record<string, unknown>;
    defaultBehavior.viewerProtocolPolicy = "allow-all";
    delete defaultBehavior.trustedKeyGroups;
    const signer = fixture.get("aws:lambda/function:Function", "signer");
    signer.inputs.environment = { variables: { KEY: TEST_KEYS.privateKey } };

    const onDistribution = diagnostics(await analyze(await analyzeRequest(distribution, fixture.resources)));
    assert.deepEqual(onDistribution.map((d) => d.policy).sort(), [
      "behaviors-require-trusted-key-groups",
      "https-only-modern-tls",
    ]);
    assert.ok(onDistribution.every((d) => d.level === analyzer.EnforcementLevel.MANDATORY));

    const onSigner = diagnostics(await analyze(await analyzeRequest(signer, fixture.resources)));
    assert.deepEqual(
      onSigner.map((d) => d.policy),
      ["no-private-key-in-plain-inputs"],
    );
    assert.ok(
      !onSigner[0].message.includes(TEST_KEYS.privateKey.split("\n")[1]),
      "the violation must not echo the key",
    );
  });

  it("blocks a stack whose rotation would untrust a key too early", async () => {
    const fixture = goodStack("prod");
    const rotation = fixture.get("aws:lambda/function:Function", "rotation");
    (rotation.inputs.tags as Record<string, string>)[ROTATION_TIMING_TAGS.maxUrlLifetimeSeconds] = String(
      100 * 86400,
    );
    const found = diagnostics(await analyzeStack(await analyzeStackRequest(fixture.resources)));
    assert.equal(found.length, 1);
    assert.equal(found[0].policy, "rotation-outlives-signed-urls");
    assert.equal(found[0].urn, rotation.urn);
    assert.match(found[0].message, /rotation interval 90 d is not longer than/);
  });

  it("checks a preview whose ids and ARNs are still unknown, through property dependencies", async () => {
    const fixture = goodStack("dev");
    const distribution = fixture.get("aws:cloudfront/distribution:Distribution");
    const edgeFunction = fixture.get("aws:lambda/function:Function", "manifest-edge");
    const groups = fixture.resources.filter(
      (r: CapturedResource) => r.type === "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup",
    );
    const behaviors = [
      distribution.inputs.defaultCacheBehavior,
      ...(distribution.inputs.orderedCacheBehaviors as unknown[]),
    ] as Record<string, unknown>[];
    for (const behavior of behaviors) {
      behavior.trustedKeyGroups = KEY_GROUP_IDS.map(() => UNKNOWN_STRING);
      for (const association of (behavior.lambdaFunctionAssociations as
        Record<string, unknown>[] | undefined) ?? [])
        association.lambdaArn = UNKNOWN_STRING;
    }
    distribution.options.propertyDependencies = {
      defaultCacheBehavior: groups.map((g) => g.urn),
      orderedCacheBehaviors: [...groups.map((g) => g.urn), edgeFunction.urn],
    };
    const resourceFindings = diagnostics(
      await analyze(await analyzeRequest(distribution, fixture.resources)),
    );
    assert.deepEqual(resourceFindings, []);
    assert.deepEqual(diagnostics(await analyzeStack(await analyzeStackRequest(fixture.resources))), []);

    // The same preview with a 10 s viewer-request edge function is still caught.
    edgeFunction.inputs.timeout = 10;
    const found = diagnostics(await analyzeStack(await analyzeStackRequest(fixture.resources)));
    assert.deepEqual(
      found.map((d) => d.policy),
      ["manifest-edge-association"],
    );
    assert.match(found[0].message, /timeout 10 s; a viewer-request trigger allows at most 5 s/);
  });

  it("does not give up on a preview whose key group lists are computed as a whole", async () => {
    const fixture = goodStack("dev");
    const distribution = fixture.get("aws:cloudfront/distribution:Distribution");
    const behaviors = [
      distribution.inputs.defaultCacheBehavior,
      ...(distribution.inputs.orderedCacheBehaviors as unknown[]),
    ] as Record<string, unknown>[];
    for (const behavior of behaviors) behavior.trustedKeyGroups = UNKNOWN_STRING;
    // No "can't run during preview" advisories: what is known (TLS, signers, behaviors' order) is still checked.
    assert.deepEqual(diagnostics(await analyze(await analyzeRequest(distribution, fixture.resources))), []);
    assert.deepEqual(diagnostics(await analyzeStack(await analyzeStackRequest(fixture.resources))), []);
    (distribution.inputs.defaultCacheBehavior as Record<string, unknown>).trustedSigners = ["self"];
    const found = diagnostics(await analyze(await analyzeRequest(distribution, fixture.resources)));
    assert.deepEqual(
      found.map((d) => [d.policy, d.level]),
      [["behaviors-require-trusted-key-groups", analyzer.EnforcementLevel.MANDATORY]],
    );
  });

  it("takes enforcement levels and exemptions from the engine's Configure call", async () => {
    const request = new analyzer.ConfigureAnalyzerRequest();
    const disabled = new analyzer.PolicyConfig();
    disabled.setEnforcementlevel(analyzer.EnforcementLevel.DISABLED);
    disabled.setProperties(Struct.fromJavaScript({}));
    request.getPolicyconfigMap().set("https-only-modern-tls", disabled);
    await call<Empty>((cb) => client.configure(request, cb));
    try {
      const fixture = goodStack("dev");
      const distribution = fixture.get("aws:cloudfront/distribution:Distribution");
      (distribution.inputs.defaultCacheBehavior as Record<string, unknown>).viewerProtocolPolicy =
        "allow-all";
      assert.deepEqual(diagnostics(await analyze(await analyzeRequest(distribution, fixture.resources))), []);
    } finally {
      await call<Empty>((cb) => client.configure(new analyzer.ConfigureAnalyzerRequest(), cb));
    }
  });
});
