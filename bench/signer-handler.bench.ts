/**
 * Signing Lambda handler (warm key cache, direct invoke) against raw
 * Signer.signUrl in the same process, alternating batches so drift hits both
 * sides alike; then the AWS round trips the key cache makes per TTL under
 * concurrent load. Prints ratios, not bare times.
 */
import { performance } from "node:perf_hooks";
import { createSignHandler } from "../functions/handlers/sign/sign";
import { createActiveKeyProvider } from "../functions/keys";
import { InMemoryCloud } from "../local/memory-cloud";
import type { KeyAlgorithm } from "../functions/cloudfront/types";

const PREFIX = "/cloudfront-signer/bench";
const BATCH = 100;
const ROUNDS = 60;
/**
 * Both sides run this long before timing: V8 optimizes JavaScript only after some thousands of
 * calls, as it is in a warm Lambda container. One batch of warm-up left the handler's code
 * unoptimized for much of the measurement.
 */
const WARMUP_MS = 300;

async function measure(algorithm: KeyAlgorithm): Promise<void> {
  const now = 1_800_000_000;
  const clock = { now: () => now };
  const cloud = new InMemoryCloud({ clock });
  const stack = cloud.seedStack({ parameterPrefix: PREFIX, keyAlgorithm: algorithm });
  const keySource = { region: "us-east-1", parameterPrefix: PREFIX };
  const handler = createSignHandler(
    {
      distributionDomain: stack.domainName,
      defaultLifetimeSeconds: 300,
      maxLifetimeSeconds: 3600,
      keySource,
    },
    // The log line is built (JSON) but not written: stdout would measure the terminal.
    { keySource: cloud.keySource, now: clock.now, log: () => undefined },
  );
  const signer = await createActiveKeyProvider(keySource, {
    source: cloud.keySource,
    now: clock.now,
    report: () => undefined,
  }).getSigner();
  // Same distinct paths on both sides (a player's segments), built before timing.
  const paths = Array.from(
    { length: BATCH },
    (_, i) => `/videos/abc/720p/seg-${String(i).padStart(5, "0")}.ts`,
  );
  const urls = paths.map((path) => `https://${stack.domainName}${path}`);
  const requests = paths.map((resource) => ({ resource, lifetimeSeconds: 300 }));

  const raw = () => {
    for (let i = 0; i < BATCH; i++) signer.signUrl(urls[i], { expires: now + 300 });
  };
  const viaHandler = async () => {
    for (let i = 0; i < BATCH; i++) {
      const result = (await handler(requests[i])) as { statusCode: number };
      if (result.statusCode !== 200) throw new Error(`handler answered ${result.statusCode}`);
    }
  };
  // Warm-up: JIT, and the handler's key cache.
  for (const until = Date.now() + WARMUP_MS; Date.now() < until;) raw();
  for (const until = Date.now() + WARMUP_MS; Date.now() < until;) await viaHandler();
  // Alternate small batches and take the median per-round ratio: this machine is shared and noisy.
  const ratios: number[] = [];
  let rawNs = 0;
  let handlerNs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const handlerFirst = round % 2 === 1;
    const a = performance.now();
    if (handlerFirst) await viaHandler();
    else raw();
    const b = performance.now();
    if (handlerFirst) raw();
    else await viaHandler();
    const c = performance.now();
    const [rawTime, handlerTime] = handlerFirst ? [c - b, b - a] : [b - a, c - b];
    rawNs += rawTime;
    handlerNs += handlerTime;
    ratios.push(handlerTime / rawTime);
  }
  ratios.sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)];
  const count = BATCH * ROUNDS;
  console.log(
    `${algorithm.padEnd(10)} handler/raw time ratio ${median.toFixed(3)} median of ${ROUNDS} alternating rounds ` +
      `(overhead ${((median - 1) * 100).toFixed(1)}%, target < 10%; quartiles ${ratios[Math.floor(ROUNDS / 4)].toFixed(3)}-${ratios[Math.floor((3 * ROUNDS) / 4)].toFixed(3)})  ` +
      `raw ${((count * 1000) / rawNs).toFixed(0)}/s  handler ${((count * 1000) / handlerNs).toFixed(0)}/s`,
  );
}

async function callsPerTtl(): Promise<void> {
  let now = 1_800_000_000;
  const clock = { now: () => now };
  const cloud = new InMemoryCloud({ clock });
  cloud.seedStack({ parameterPrefix: PREFIX });
  const ttl = 300;
  const handler = createSignHandler(
    {
      distributionDomain: "d.cloudfront.net",
      defaultLifetimeSeconds: 300,
      maxLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: PREFIX, cacheTtlSeconds: ttl },
    },
    { keySource: cloud.keySource, now: clock.now, log: () => undefined },
  );
  cloud.resetCallCounts();
  const hours = 2;
  let invocations = 0;
  for (let second = 0; second < hours * 3600; second += 5) {
    // 25 concurrent invocations every 5 simulated seconds on one warm container.
    await Promise.all(Array.from({ length: 25 }, () => handler({ resource: "/v/a/seg.ts" })));
    invocations += 25;
    now += 5;
  }
  const windows = (hours * 3600) / ttl;
  console.log(
    `AWS calls per ${ttl} s TTL per container: GetParameters ${(cloud.callCount("keySource:GetParameters") / windows).toFixed(2)}, ` +
      `GetSecretValue ${(cloud.callCount("keySource:GetSecretValue") / windows).toFixed(2)}  (${invocations} invocations over ${hours} h, 25 concurrent)`,
  );
}

async function main(): Promise<void> {
  await measure("ecdsa-p256");
  await measure("rsa-2048");
  await callsPerTtl();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
