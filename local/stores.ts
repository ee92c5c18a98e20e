/**
 * The local stand-in for CloudFront key groups, SSM and Secrets Manager: the
 * in-memory model from local/memory-cloud, persisted to a JSON file
 * under the state dir (mode 0600, it holds private keys) so a restart keeps
 * the keys. Seeded the way the Pulumi program creates a stack: two key
 * groups trusted by every behavior of contract/behaviors.ts, two secrets, the
 * SSM parameters pointing at the first.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_BEHAVIOR, ORDERED_BEHAVIORS } from "../contract/behaviors";
import type { KeyAlgorithm, TrustedKeys } from "../functions/cloudfront/types";
import type { KeySourceConfig } from "../functions/keys/config";
import { parameterNames } from "../functions/keys/types";
import type { RotationConfig } from "../functions/rotation/config";
import { InMemoryCloud, type SeededStack } from "./memory-cloud";

/** The SSM prefix of the local stack (what `parameterPrefix` is in a deployed stack's config). */
export const LOCAL_PARAMETER_PREFIX = "/cloudfront-signer/local";
/** The region the key source config names; the in-memory model answers for it. */
export const LOCAL_REGION = "us-east-1";
const STATE_FILE = "cloud.json";

export interface LocalCloudOptions {
  /** Folder for the persisted model; undefined keeps everything in memory. */
  readonly stateDir: string | undefined;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly rotateEverySeconds: number;
  readonly urlLifetimeSeconds: number;
  readonly keyCacheTtlSeconds: number;
  readonly keyMaxStaleSeconds: number;
  readonly clockSkewSeconds: number;
  /** Seconds a key group change takes to "deploy" (the distribution reports InProgress meanwhile). */
  readonly deploymentDelaySeconds: number;
}

export interface LocalCloud {
  readonly cloud: InMemoryCloud;
  readonly stack: SeededStack;
  /** What every signer (signer handler, manifest handler) loads its key with. */
  readonly keySourceConfig: KeySourceConfig;
  readonly rotationConfig: RotationConfig;
  /** Keys every configuration CloudFront may be enforcing right now trusts (while a change deploys, old and new must agree). */
  trustedKeys(): TrustedKeys;
  /** The key id the SSM parameter names as active (what signers switch to within their cache TTL). */
  activeKeyId(): Promise<string | undefined>;
}

export function openLocalCloud(options: LocalCloudOptions): LocalCloud {
  let persistPath: string | undefined;
  if (options.stateDir !== undefined) {
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    persistPath = join(options.stateDir, STATE_FILE);
  }
  const cloud = new InMemoryCloud({
    persistPath,
    deploymentDelaySeconds: options.deploymentDelaySeconds,
    region: LOCAL_REGION,
  });
  const stack = cloud.seedStack({
    parameterPrefix: LOCAL_PARAMETER_PREFIX,
    keyAlgorithm: options.keyAlgorithm,
    pathPatterns: [...ORDERED_BEHAVIORS, DEFAULT_BEHAVIOR].map((behavior) => behavior.pathPattern),
    domainName: "localhost",
  });
  const keySourceConfig: KeySourceConfig = {
    region: LOCAL_REGION,
    parameterPrefix: LOCAL_PARAMETER_PREFIX,
    cacheTtlSeconds: options.keyCacheTtlSeconds,
    maxStaleSeconds: options.keyMaxStaleSeconds,
  };
  const rotationConfig: RotationConfig = {
    parameterPrefix: LOCAL_PARAMETER_PREFIX,
    distributionId: stack.distributionId,
    slots: stack.slots,
    keyAlgorithm: options.keyAlgorithm,
    rotationIntervalDays: options.rotateEverySeconds / 86400,
    signerCacheTtlSeconds: options.keyCacheTtlSeconds,
    signerMaxStaleSeconds: options.keyMaxStaleSeconds,
    maxUrlLifetimeSeconds: options.urlLifetimeSeconds,
    clockSkewSeconds: options.clockSkewSeconds,
    minPropagationSeconds: 0,
    // Local runs take milliseconds; a short lease lets a restarted stack resume a killed run soon.
    leaseSeconds: 30,
  };
  const activeKeyName = parameterNames(LOCAL_PARAMETER_PREFIX).activeKeyId;
  return {
    cloud,
    stack,
    keySourceConfig,
    rotationConfig,
    trustedKeys: () => {
      const [first, ...others] = cloud.liveTrustSets(stack.distributionId);
      if (!first) return new Map();
      return new Map([...first].filter(([keyId]) => others.every((set) => set.has(keyId))));
    },
    activeKeyId: async () => (await cloud.keySource.readParameters([activeKeyName])).get(activeKeyName),
  };
}
