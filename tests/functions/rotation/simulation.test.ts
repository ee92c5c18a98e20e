/**
 * Over 100 consecutive rotations, signers sign continuously through the real
 * key cache (with flaky SSM reads), and every URL or cookie is verified, while
 * it is inside its lifetime, against every configuration CloudFront may be
 * enforcing at that moment (the deployed one and any still deploying).
 * Zero rejections allowed.
 */
import assert from "node:assert/strict";
import { verifyRequest } from "../../../functions/cloudfront/verifier";
import type { TrustedKeys } from "../../../functions/cloudfront/types";
import { createActiveKeyProvider, type CachingActiveKeyProvider } from "../../../functions/keys";
import { runRotation } from "../../../functions/rotation";
import { mulberry32 } from "../../../local/memory-cloud";
import { makeStack, readRotationState, violations } from "./support";

interface Issued {
  readonly url: string;
  readonly cookieHeader?: string;
  readonly expires: number;
  readonly keyPairId: string;
  readonly signedAt: number;
}

describe("rotation under continuous signing (simulation)", () => {
  it("completes >= 100 rotations with zero rejections of URLs inside their lifetime", async function () {
    this.timeout(600000);
    const stack = makeStack({
      deploymentDelaySeconds: 420,
      rotation: {
        rotationIntervalDays: 0.5 / 24,
        maxUrlLifetimeSeconds: 1800,
        signerCacheTtlSeconds: 300,
        signerMaxStaleSeconds: 900,
        clockSkewSeconds: 60,
        minPropagationSeconds: 120,
      },
      seed: 7,
    });
    const random = mulberry32(42);
    const signers: CachingActiveKeyProvider[] = Array.from({ length: 4 }, () =>
      createActiveKeyProvider(
        { ...stack.keySource, cacheTtlSeconds: 300, maxStaleSeconds: 900 },
        { source: stack.cloud.keySource, now: stack.clock.now, report: () => undefined },
      ),
    );
    // Containers start at different moments, so their caches expire at different times.
    for (const provider of signers) {
      await provider.getSigner();
      stack.clock.advance(73);
    }
    // From now on signer reads fail 3% of the time: caches serve stale keys (up to 900 s), as in an SSM brown-out.
    stack.cloud.faults.keySourceFailureRate = 0.03;
    const live: Issued[] = [];
    const keysUsed = new Set<string>();
    let verified = 0;
    let issued = 0;
    const rejections: string[] = [];
    let lastTrust = "";

    const trustSets = (): TrustedKeys[] => stack.cloud.liveTrustSets(stack.rotation.distributionId);
    const check = (entry: Issued, sets: TrustedKeys[]) => {
      const now = stack.clock.current;
      if (now >= entry.expires) return;
      for (const trusted of sets) {
        const result = verifyRequest({ url: entry.url, cookieHeader: entry.cookieHeader, now }, trusted);
        verified++;
        if (!result.accepted) {
          rejections.push(
            `${result.code} at ${now}: key ${entry.keyPairId} signed at ${entry.signedAt}, expires ${entry.expires}, trusted [${[...trusted.keys()].join(",")}]`,
          );
        }
      }
    };

    const startedAt = stack.clock.current;
    let completed = 0;
    for (let tick = 0; completed < 100; tick++) {
      assert.ok(tick < 200000, "simulation ran away");
      stack.clock.advance(60);
      // Rotation Lambda on a 5-minute schedule.
      if (tick % 5 === 0) {
        const result = await runRotation(stack.cloud.ports(), stack.rotation);
        assert.ok(
          result.outcome !== "failed" && result.outcome !== "refused",
          `${result.outcome}: ${result.message}`,
        );
        if (result.outcome === "completed") completed++;
      }
      // Every signer signs something each minute.
      const sets = trustSets();
      for (const [index, provider] of signers.entries()) {
        if (random() < 0.4) continue;
        let signer;
        try {
          signer = await provider.getSigner();
        } catch (error) {
          assert.fail(`signer ${index} failed closed: ${(error as Error).message}`);
        }
        const lifetime = 60 + Math.floor(random() * 1741);
        const expires = stack.clock.current + lifetime;
        const folder = `https://${stack.domain}/videos/${tick % 17}/`;
        let entry: Issued;
        if (random() < 0.3) {
          const cookies = signer.signCookies(`${folder}master._m3u8`, {
            expires,
            resource: { folderOf: `${folder}master._m3u8` },
          });
          const cookieHeader = Object.entries(cookies.cookies)
            .map(([name, value]) => `${name}=${value}`)
            .join("; ");
          entry = {
            url: `${folder}seg-${tick}.ts`,
            cookieHeader,
            expires,
            keyPairId: signer.keyPairId,
            signedAt: stack.clock.current,
          };
        } else {
          entry = {
            url: signer.signUrl(`${folder}seg-${tick}.ts`, { expires }),
            expires,
            keyPairId: signer.keyPairId,
            signedAt: stack.clock.current,
          };
        }
        issued++;
        keysUsed.add(signer.keyPairId);
        check(entry, sets);
        live.push(entry);
      }
      // Whenever what CloudFront may enforce changes, re-verify everything still valid.
      const trust = JSON.stringify(sets.map((set) => [...set.keys()].sort()));
      const now = stack.clock.current;
      for (let index = live.length - 1; index >= 0; index--)
        if (live[index].expires <= now) live.splice(index, 1);
      if (trust !== lastTrust) {
        for (const entry of live) check(entry, sets);
        lastTrust = trust;
      }
      // And just before each URL expires.
      for (const entry of live) if (entry.expires - now <= 60) check(entry, sets);
      if (tick % 500 === 0) assert.deepEqual(await violations(stack), []);
    }

    assert.deepEqual(rejections.slice(0, 5), [], `${rejections.length} rejections`);
    assert.equal(completed, 100);
    assert.equal((await readRotationState(stack))!.completedRotations, 100);
    assert.ok(keysUsed.size >= 100, `signers used ${keysUsed.size} keys`);
    assert.ok(issued > 10000 && verified > issued, `issued ${issued}, verified ${verified}`);
    assert.ok(stack.cloud.publicKeyIds().length <= 3, "old public keys are deleted as rotations go");
    const hours = (stack.clock.current - startedAt) / 3600;
    console.log(
      `      simulated ${hours.toFixed(0)} h: ${completed} rotations, ${issued} URLs/cookies issued, ${verified} verifications, 0 rejections, ${keysUsed.size} keys used`,
    );
  });
});
