/**
 * The in-memory cloud's shared state: the model data the service files
 * (cloudfront.ts, ssm.ts, secrets.ts) read and write, the counter their ids
 * and ETags come from, the gate every port call passes (call count, one
 * macrotask, injected faults), and the JSON file it persists to (mode 0600:
 * it holds private keys) so a restarted local stack keeps its keys.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Clock } from "../../functions/rotation/ports";
import type { FaultInjector, MemoryOperation } from "./faults";

export interface PublicKeyRecord {
  id: string;
  name: string;
  encodedKey: string;
  callerReference: string;
  comment?: string;
  etag: string;
  createdAt: number;
}
export interface KeyGroupRecord {
  id: string;
  name: string;
  items: string[];
  comment?: string;
  etag: string;
}
export interface Deployment {
  /** Key id -> PEM trusted by every behavior under this configuration. */
  trusted: [string, string][];
  startedAt: number;
  completesAt: number;
}
export interface DistributionRecord {
  id: string;
  domainName: string;
  behaviors: { pathPattern: string; trustedKeyGroupIds: string[] }[];
  deployments: Deployment[];
}
export interface ParameterVersion {
  value: string;
  version: number;
  lastModified: number;
}
export interface SecretRecord {
  arn: string;
  name: string;
  versions: { versionId: string; value: string; createdAt: number }[];
  current?: string;
}
/** The two key group + secret pairs of a seeded stack, in slot order. */
export type StackSlots = readonly [
  { keyGroupId: string; secretArn: string },
  { keyGroupId: string; secretArn: string },
];
export interface ModelData {
  schema: 1;
  counter: number;
  publicKeys: PublicKeyRecord[];
  keyGroups: KeyGroupRecord[];
  distributions: DistributionRecord[];
  parameters: Record<string, ParameterVersion[]>;
  secrets: SecretRecord[];
  /** Stacks created by seedStack, by parameter prefix. */
  stacks: Record<string, { distributionId: string; slots: StackSlots }>;
}

export class ModelStore {
  readonly data: ModelData;
  private readonly counts = new Map<string, number>();

  constructor(
    readonly clock: Clock,
    readonly faults: FaultInjector,
    readonly region: string,
    private readonly persistPath: string | undefined,
  ) {
    this.data = persistPath && existsSync(persistPath) ? loadModel(persistPath) : emptyModel();
  }

  /** Serves one port call: counted, one macrotask, with the fault injector before and after. */
  async call<T>(operation: MemoryOperation, keySource: boolean, body: () => T): Promise<T> {
    // One macrotask per call so concurrent callers really interleave, as over a network.
    await new Promise((resolve) => setImmediate(resolve));
    const label = keySource ? `keySource:${operation}` : operation;
    this.counts.set(label, (this.counts.get(label) ?? 0) + 1);
    const decision = this.faults.before(operation, keySource);
    const result = body();
    this.faults.after(operation, decision);
    return result;
  }

  callCount(label: string): number {
    return this.counts.get(label) ?? 0;
  }

  resetCallCounts(): void {
    this.counts.clear();
  }

  /** The next value of the model's one counter (ids, ETags, ARNs, version ids). */
  next(): number {
    return this.data.counter++;
  }

  newId(prefix: string): string {
    return `${prefix}${String(this.next()).padStart(13 - prefix.length + 1, "0")}`;
  }

  newEtag(): string {
    return `E${this.next().toString(36).toUpperCase()}`;
  }

  save(): void {
    if (!this.persistPath) return;
    const temporary = `${this.persistPath}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.data), { mode: 0o600 });
    renameSync(temporary, this.persistPath);
  }
}

function emptyModel(): ModelData {
  return {
    schema: 1,
    counter: 1,
    publicKeys: [],
    keyGroups: [],
    distributions: [],
    parameters: {},
    secrets: [],
    stacks: {},
  };
}

function loadModel(path: string): ModelData {
  const data = JSON.parse(readFileSync(path, "utf8")) as ModelData;
  if (data.schema !== 1 || !Array.isArray(data.publicKeys))
    throw new Error(`${path} is not an in-memory model file`);
  return data;
}
