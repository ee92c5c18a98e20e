// One cold start of the manifest edge function, in a process of its own
// (started by edge-cold-start.bench.ts): load the deployed module graph
// (compiled JavaScript, the AWS SDK clients included), build the handler as
// manifestEdgeLambda does with the key store answering at once, then time the
// first call (key parse, grant verification, rewrite) and warm calls.
// Prints one JSON line. Usage: node edge-cold-start.child.js COMPILED_DIR FIXTURE_JSON
"use strict";
const { performance } = require("node:perf_hooks");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const [compiled, fixturePath] = process.argv.slice(2);
const fixture = JSON.parse(readFileSync(fixturePath, "utf8"));
const WARM_CALLS = 30;

async function main() {
  // The AWS SDK clients first (functions/keys/aws-source.js loads them), then the function's own code.
  const cpuStart = process.cpuUsage();
  const sdkStart = performance.now();
  require("@aws-sdk/client-ssm");
  require("@aws-sdk/client-secrets-manager");
  const ownStart = performance.now();
  const edge = require(join(compiled, "functions/handlers/manifest-edge/manifest-edge.js"));
  require(join(compiled, "functions/handlers/manifest-edge/manifest-edge-lambda.js"));
  const keys = require(join(compiled, "functions/keys/index.js"));
  const loaded = performance.now();
  const sdkMs = ownStart - sdkStart;
  const ownMs = loaded - ownStart;

  // The key store (SSM + Secrets Manager) answers at once: its round trips are bounded
  // separately (KEY_READ_TIMEOUT_MS); this measures the CPU work of a cold start.
  const source = {
    readParameters: async (names) => new Map(names.map((name) => [name, fixture.parameters[name]])),
    readSecret: async (id) => fixture.secrets[id],
  };
  const body = Buffer.from(fixture.playlist);
  const handler = edge.createManifestHandler(fixture.config, {
    keys: keys.createActiveKeyProvider(fixture.config.keySource, { source, report: () => undefined }),
    trustedKeys: keys.createTrustedKeyProvider(fixture.config.keySource, fixture.config.trustedKeySecretIds, {
      source,
    }),
    fetchText: async () => ({ status: 200, body }),
    log: () => undefined,
  });
  const call = async () => {
    const response = await handler(fixture.event);
    if (response.status !== "200") throw new Error(`the bench call answered ${response.status}`);
  };
  const firstStart = performance.now();
  await call();
  const firstMs = performance.now() - firstStart;
  // CPU time (user + system) of the whole cold start: unlike wall time, other processes on a busy machine do not inflate it.
  const cpu = process.cpuUsage(cpuStart);
  const coldCpuMs = (cpu.user + cpu.system) / 1000;
  const warm = [];
  for (let index = 0; index < WARM_CALLS; index++) {
    const start = performance.now();
    await call();
    warm.push(performance.now() - start);
  }
  warm.sort((a, b) => a - b);
  console.log(
    JSON.stringify({ sdkMs, ownMs, firstMs, coldCpuMs, warmMs: warm[Math.floor(warm.length / 2)] }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
