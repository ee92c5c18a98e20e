/**
 * The manifest edge's cold start against a warm call (issue 10 item 9): each
 * sample is a fresh Node process (edge-cold-start.child.js) that loads the
 * function's module graph compiled to JavaScript (the AWS SDK clients
 * included, as deployed), builds the handler with the stack's default RSA-2048
 * keys in a key store that answers at once, and times the first viewer-request
 * call (key parse, grant verification against two slot keys, signed raw-playlist
 * URL, rewrite, gzip) and then warm calls. For a typical playlist (6-rendition
 * master) and the worst case (the longest VOD playlist whose gzipped rewrite
 * still fits the 40 KB viewer-request body). Cold and warm run in one bench run,
 * side by side; prints medians and ratios. Network waits are not measured here:
 * the README's cold-start budget bounds them by the configured deadlines.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { generateKeyPair, Signer } from "../functions/cloudfront";
import { formatKeySecret, parameterNames } from "../functions/keys";
import {
  FUNCTION_BUDGET_MS,
  maxFetchTimeoutMs,
  type ManifestEdgeConfig,
} from "../functions/handlers/manifest-edge/manifest-edge";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, EDGE_TIMEOUT_LIMIT_SECONDS } from "../contract/limits";
import { handlerServing, signedViewerEvent } from "../tests/support/manifest-edge";
import { masterPlaylist, vodMediaPlaylist } from "../tests/support/playlists";

const ROOT = join(__dirname, "..");
const HOST = "d111111abcdef8.cloudfront.net";
const FOLDER = `https://${HOST}/vod/asset1/`;
const PREFIX = "/cloudfront-signer/bench";
const SAMPLES = 7;
const TRIGGER = "viewer-request";

/** Every .ts file under functions/ and contract/, compiled one by one as tsconfig does (no type check). */
function compileFunctions(out: string): void {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    esModuleInterop: true,
  };
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(join(dir, entry.name))
        : entry.name.endsWith(".ts")
          ? [join(dir, entry.name)]
          : [],
    );
  for (const file of [...walk(join(ROOT, "functions")), ...walk(join(ROOT, "contract"))]) {
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(
      target,
      ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: options }).outputText,
    );
  }
}

/** The longest synthetic VOD playlist whose gzipped rewrite the viewer-request response still holds. */
async function longestFittingVod(signer: Signer, publicKeyPem: string, now: number): Promise<number> {
  const fits = async (segments: number) => {
    const handler = handlerServing(TRIGGER, vodMediaPlaylist(segments), {
      signer,
      publicKeyPem,
      now,
      host: HOST,
    });
    const event = signedViewerEvent(TRIGGER, `${FOLDER}1080p/index._m3u8`, { signer, now, gzip: true });
    const response = await handler(event);
    return "status" in response && response.status === "200";
  };
  let low = 100;
  let high = 100;
  while (await fits(high)) [low, high] = [high, high * 2];
  while (high - low > 50) {
    const middle = Math.floor((low + high) / 2);
    if (await fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}

interface Sample {
  sdkMs: number;
  ownMs: number;
  firstMs: number;
  coldCpuMs: number;
  warmMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "signed-hls-cdn-cold-start-"));
  try {
    const compiled = join(work, "compiled");
    compileFunctions(compiled);
    const now = Math.floor(Date.now() / 1000);
    const other = generateKeyPair("rsa-2048");
    const active = generateKeyPair("rsa-2048");
    const keyPairId = "K2JCJMDEHXQW5F";
    const signer = new Signer({ keyPairId, privateKey: active.privateKeyPem });
    const vodSegments = await longestFittingVod(signer, active.publicKeyPem, now);
    const names = parameterNames(PREFIX);
    const config: ManifestEdgeConfig = {
      distributionDomain: HOST,
      trigger: TRIGGER,
      fetch: { mode: "distribution" },
      fetchTimeoutMs: maxFetchTimeoutMs(EDGE_TIMEOUT_LIMIT_SECONDS[TRIGGER]),
      playlistLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: PREFIX },
      trustedKeySecretIds: ["slot-a", "slot-b"],
    };
    const scenarios = [
      { name: "typical: 6-rendition master", playlist: masterPlaylist(6), path: "master._m3u8" },
      {
        name: `worst: ${vodSegments}-segment VOD`,
        playlist: vodMediaPlaylist(vodSegments),
        path: "1080p/index._m3u8",
      },
    ];
    const results = new Map<string, Sample[]>(scenarios.map((scenario) => [scenario.name, []]));
    const fixtures = scenarios.map((scenario, index) => {
      const file = join(work, `fixture-${index}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          config,
          playlist: scenario.playlist,
          parameters: { [names.activeKeyId]: keyPairId, [names.activeSecretArn]: "slot-b" },
          secrets: {
            "slot-a": formatKeySecret({ keyPairId: "K1OTHERSLOTKEY", privateKeyPem: other.privateKeyPem }),
            "slot-b": formatKeySecret({ keyPairId, privateKeyPem: active.privateKeyPem }),
          },
          event: signedViewerEvent(TRIGGER, `${FOLDER}${scenario.path}`, { signer, now, gzip: true }),
        }),
      );
      return { name: scenario.name, file };
    });
    // Scenarios alternate, so machine drift hits both alike.
    for (let sample = 0; sample < SAMPLES; sample++) {
      for (const fixture of fixtures) {
        const child = spawnSync(
          process.execPath,
          [join(__dirname, "edge-cold-start.child.js"), compiled, fixture.file],
          {
            encoding: "utf8",
            env: { ...process.env, NODE_PATH: join(ROOT, "node_modules") },
          },
        );
        if (child.status !== 0) throw new Error(`cold-start child failed: ${child.stderr}`);
        results.get(fixture.name)?.push(JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as Sample);
      }
    }
    console.log(
      `manifest edge, ${TRIGGER} (${EDGE_GENERATED_RESPONSE_LIMIT_BYTES[TRIGGER] / 1024} KB body, gzip), RSA-2048, ` +
        `median of ${SAMPLES} fresh processes (Node ${process.version}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs):`,
    );
    for (const [name, samples] of results) {
      const sdk = median(samples.map((sample) => sample.sdkMs));
      const own = median(samples.map((sample) => sample.ownMs));
      const first = median(samples.map((sample) => sample.firstMs));
      const cold = median(samples.map((sample) => sample.sdkMs + sample.ownMs + sample.firstMs));
      const coldCpu = median(samples.map((sample) => sample.coldCpuMs));
      const warm = median(samples.map((sample) => sample.warmMs));
      console.log(
        `${name.padEnd(27)} wall: load SDK ${sdk.toFixed(0).padStart(4)} ms + own ${own.toFixed(0).padStart(3)} ms` +
          `, first call ${first.toFixed(0).padStart(4)} ms = cold ${cold.toFixed(0).padStart(4)} ms` +
          ` | warm call ${warm.toFixed(1).padStart(5)} ms | cold/warm ${(cold / warm).toFixed(0).padStart(3)}x` +
          ` | cold CPU time ${coldCpu.toFixed(0).padStart(4)} ms = ${((coldCpu / FUNCTION_BUDGET_MS) * 100).toFixed(0)}% of FUNCTION_BUDGET_MS`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
