/** Shared setup for rotation tests: a fake clock, a seeded in-memory stack, its configs. */
import { InMemoryCloud } from "../../../local/memory-cloud";
import type { RotationConfig } from "../../../functions/rotation";
import type { KeySourceConfig } from "../../../functions/keys";
import {
  invariantViolations,
  observe,
  parseRotationState,
  emptyState,
  resolveRotationConfig,
} from "../../../functions/rotation";
import { parameterNames } from "../../../functions/keys";

export class FakeClock {
  constructor(public current = 1_800_000_000) {}
  now = (): number => this.current;
  advance(seconds: number): void {
    this.current += seconds;
  }
}

export interface TestStack {
  readonly clock: FakeClock;
  readonly cloud: InMemoryCloud;
  readonly rotation: RotationConfig;
  readonly keySource: KeySourceConfig;
  readonly domain: string;
}

export const PREFIX = "/cloudfront-signer/test";

export function makeStack(
  options: {
    deploymentDelaySeconds?: number;
    rotation?: Partial<RotationConfig>;
    keyAlgorithm?: "ecdsa-p256" | "rsa-2048";
    seed?: number;
  } = {},
): TestStack {
  const clock = new FakeClock();
  const cloud = new InMemoryCloud({
    clock,
    deploymentDelaySeconds: options.deploymentDelaySeconds ?? 120,
    seed: options.seed,
  });
  const seeded = cloud.seedStack({
    parameterPrefix: PREFIX,
    keyAlgorithm: options.keyAlgorithm,
    pathPatterns: ["*._m3u8", "*.m3u8", "*.ts", "*"],
  });
  const rotation: RotationConfig = {
    parameterPrefix: PREFIX,
    distributionId: seeded.distributionId,
    slots: seeded.slots,
    keyAlgorithm: options.keyAlgorithm ?? "ecdsa-p256",
    rotationIntervalDays: 1,
    signerCacheTtlSeconds: 300,
    signerMaxStaleSeconds: 900,
    maxUrlLifetimeSeconds: 3600,
    clockSkewSeconds: 60,
    minPropagationSeconds: 60,
    leaseSeconds: 600,
    ...options.rotation,
  };
  const keySource: KeySourceConfig = {
    region: "us-east-1",
    parameterPrefix: PREFIX,
    cacheTtlSeconds: 300,
    maxStaleSeconds: 900,
  };
  return { clock, cloud, rotation, keySource, domain: seeded.domainName };
}

/** Invariant violations right now (reads through the ports; the model must not be crashed). */
export async function violations(stack: TestStack): Promise<string[]> {
  const config = resolveRotationConfig(stack.rotation);
  const ports = stack.cloud.ports();
  const stored = (await ports.parameters.getParameters([parameterNames(PREFIX).rotationState])).get(
    parameterNames(PREFIX).rotationState,
  );
  const state = stored ? parseRotationState(stored.value) : emptyState();
  return invariantViolations(await observe(ports, config), state, config);
}

export async function readRotationState(stack: TestStack) {
  const name = parameterNames(PREFIX).rotationState;
  const stored = (await stack.cloud.parameters.getParameters([name])).get(name);
  return stored ? parseRotationState(stored.value) : undefined;
}

/** Wraps an async call so that its first invocation pauses (before or after the call itself) until `resume()`. */
export function pauseFirstCall<A extends unknown[], R>(
  call: (...args: A) => Promise<R>,
  when: "before" | "after",
): { wrapped: (...args: A) => Promise<R>; paused: Promise<void>; resume: () => void } {
  let resume!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => (resume = resolve));
  const paused = new Promise<void>((resolve) => (reached = resolve));
  let first = true;
  const wrapped = async (...args: A): Promise<R> => {
    const pause = first;
    first = false;
    if (pause && when === "before") {
      reached();
      await gate;
    }
    const result = await call(...args);
    if (pause && when === "after") {
      reached();
      await gate;
    }
    return result;
  };
  return { wrapped, paused, resume };
}
