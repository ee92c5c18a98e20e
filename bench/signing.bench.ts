/**
 * Signing throughput, measured side by side in one run: our Signer (canned
 * URL, custom URL, cookies) against raw crypto.sign of the same policy bytes
 * with the same key, and against @aws-sdk/cloudfront-signer doing the same
 * job, for RSA-2048 and ECDSA P-256. Variants run interleaved in short
 * rounds and the median round counts, so drift hits all of them alike.
 * Prints ratios only; bounded to a few seconds.
 */
import { sign } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { getSignedCookies, getSignedUrl } from "@aws-sdk/cloudfront-signer";
import {
  cannedPolicyJson,
  customPolicyJson,
  generateKeyPair,
  parsePrivateKey,
  Signer,
  type KeyAlgorithm,
} from "../functions/cloudfront";

const ROUNDS = 15;
const ROUND_MS = 12;
const URL_TO_SIGN = "https://d111111abcdef8.cloudfront.net/vod/asset1/1080p/seg-00042.ts?session=s1";
const PATTERN = "https://d111111abcdef8.cloudfront.net/vod/asset1/*";
const KEY_ID = "K2JCJMDEHXQW5F";

type Job = () => unknown;

/**
 * Runs the jobs interleaved, ROUND_MS each per round, and returns for every
 * job its speed relative to `baseline` (ops/s ratio), as the median over
 * rounds of the ratio within a round: neighbours in time share the machine's
 * load, so a busy machine skews both sides of each ratio alike.
 */
function race(jobs: Record<string, Job>, baseline: string): Record<string, number> {
  const names = Object.keys(jobs);
  const ratios: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let i = 0; i < 20; i++) jobs[name](); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const speed: Record<string, number> = {};
    // Rotate the order every round so no job always runs first.
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      const job = jobs[name];
      let count = 0;
      const start = process.hrtime.bigint();
      const end = start + BigInt(ROUND_MS * 1e6);
      let now = start;
      while (now < end) {
        job();
        count++;
        now = process.hrtime.bigint();
      }
      speed[name] = count / Number(now - start);
    }
    for (const name of names) ratios[name].push(speed[name] / speed[baseline]);
  }
  return Object.fromEntries(
    names.map((name) => [name, ratios[name].sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]]),
  );
}

function fmt(ratio: number): string {
  return ratio.toFixed(2);
}

function benchAlgorithm(algorithm: KeyAlgorithm): { signer: Signer; expires: number } {
  const pair = generateKeyPair(algorithm);
  const key = parsePrivateKey(pair.privateKeyPem);
  const now = Math.floor(Date.now() / 1000);
  const expires = now + 3600;
  const signer = new Signer({ keyPairId: KEY_ID, privateKey: key, now: () => now });
  const dateLessThan = new Date(expires * 1000).toISOString();
  const cannedBytes = Buffer.from(cannedPolicyJson(URL_TO_SIGN, expires));
  const customStatement = { resource: URL_TO_SIGN, dateLessThan: expires, ipAddress: "203.0.113.7/32" };
  const customBytes = Buffer.from(customPolicyJson(customStatement));
  const cookieBytes = Buffer.from(customPolicyJson({ resource: PATTERN, dateLessThan: expires }));
  const customPolicy = customPolicyJson(customStatement);
  const cookiePolicy = customPolicyJson({ resource: PATTERN, dateLessThan: expires });

  const cases: { name: string; ours: Job; raw: Job; aws: Job }[] = [
    {
      name: "canned URL",
      ours: () => signer.signUrl(URL_TO_SIGN, { expires }),
      raw: () => sign("sha1", cannedBytes, key.keyObject),
      aws: () =>
        getSignedUrl({ url: URL_TO_SIGN, keyPairId: KEY_ID, privateKey: pair.privateKeyPem, dateLessThan }),
    },
    {
      name: "custom URL",
      ours: () => signer.signUrl(URL_TO_SIGN, { expires, ipAddress: "203.0.113.7" }),
      raw: () => sign("sha1", customBytes, key.keyObject),
      aws: () =>
        getSignedUrl({
          url: URL_TO_SIGN,
          keyPairId: KEY_ID,
          privateKey: pair.privateKeyPem,
          policy: customPolicy,
        }),
    },
    {
      name: "cookies",
      ours: () => signer.signCookies(URL_TO_SIGN, { expires, resource: { pattern: PATTERN } }),
      raw: () => sign("sha1", cookieBytes, key.keyObject),
      aws: () =>
        getSignedCookies({
          url: URL_TO_SIGN,
          keyPairId: KEY_ID,
          privateKey: pair.privateKeyPem,
          policy: cookiePolicy,
        }),
    },
  ];

  for (const c of cases) {
    const ratio = race({ ours: c.ours, raw: c.raw, aws: c.aws }, "ours");
    console.log(
      `${algorithm.padEnd(10)} ${c.name.padEnd(11)} ours/raw crypto.sign = ${fmt(1 / ratio.raw)} (target >= 0.90)` +
        `   ours/@aws-sdk/cloudfront-signer = ${fmt(1 / ratio.aws)} (target >= 1.00)`,
    );
  }
  return { signer, expires };
}

function main(): void {
  console.log(
    `signing throughput ratios (median of ${ROUNDS} interleaved rounds of ${ROUND_MS} ms per variant)`,
  );
  // Ratios of microsecond operations are only as steady as the machine; say how busy it was.
  console.log(
    `machine: load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} CPUs ` +
      "(ratios are noisy when the load exceeds the CPUs)",
  );
  const rsa = benchAlgorithm("rsa-2048");
  const ecdsa = benchAlgorithm("ecdsa-p256");
  const ratio = race(
    {
      rsa: () => rsa.signer.signUrl(URL_TO_SIGN, { expires: rsa.expires }),
      ecdsa: () => ecdsa.signer.signUrl(URL_TO_SIGN, { expires: ecdsa.expires }),
    },
    "rsa",
  );
  console.log(`ecdsa-p256/rsa-2048 canned URL signing (ours) = ${fmt(ratio.ecdsa)}x (target >= 5x)`);
}

main();
