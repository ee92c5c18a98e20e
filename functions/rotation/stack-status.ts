/**
 * A deployed stack as an operator sees it, read through the rotation's own
 * ports (never a write): the active key and its age, both key groups, which
 * behaviors trust them, the rotation state with its lease, and the facts
 * `doctor` checks. `signed-hls-cdn status` and `doctor` print it; the rotation
 * Lambda reads the active key's age from the same state for its metric.
 */
import { createPublicKey } from "node:crypto";
import { parseKeySecret } from "../keys/secret-value";
import { parameterNames } from "../keys/types";
import { resolveRotationConfig, type ResolvedRotationConfig, type RotationConfig } from "./config";
import { invariantViolations } from "./invariants";
import { readState } from "./lease";
import { nextDueAt, reconcile } from "./machine";
import { activeSlotOf, signingKeyId, trustedKeyIds, type Observation } from "./observation";
import { observe } from "./observe";
import type { AuditEvent, ParameterStorePort, RotationPorts } from "./ports";
import { emptyState, type RotationState } from "./state";
import { topologyProblems } from "./topology";

/** Lists every CloudFront public key of the account (name and id): `doctor`'s orphan and budget checks. */
export interface PublicKeyLister {
  listPublicKeys(): Promise<readonly { readonly id: string; readonly name: string }[]>;
}

/** Recent rotation and revocation audit events, newest last (CloudWatch Logs in AWS). */
export interface AuditReader {
  recent(limit: number): Promise<readonly AuditEvent[]>;
}

export interface StackStatus {
  readonly now: number;
  readonly config: ResolvedRotationConfig;
  readonly activeKeyId?: string;
  /** Index and key group of the slot the active-secret parameter names. */
  readonly activeSlot?: 0 | 1;
  readonly activeKeyGroupId?: string;
  readonly activeSince?: number;
  readonly activeKeyAgeSeconds?: number;
  readonly nextRotationDueAt?: number;
  readonly groups: readonly {
    readonly id: string;
    readonly name: string;
    readonly keyIds: readonly string[];
    readonly trustedByEveryBehavior: boolean;
  }[];
  readonly behaviors: readonly { readonly pathPattern: string; readonly trustsBothGroups: boolean }[];
  readonly everyBehaviorTrustsBothGroups: boolean;
  readonly distributionStatus: string;
  readonly rotation: {
    readonly inProgress: boolean;
    readonly id?: string;
    readonly step?: string;
    readonly startedAt?: number;
    readonly forced?: boolean;
    readonly newKeyId?: string;
    /** The lease as stored; `held` when it has not expired. */
    readonly lease?: { readonly owner: string; readonly expiresAt: number; readonly held: boolean };
    readonly completedRotations: number;
    readonly lastCompleted?: { readonly id: string; readonly at: number };
  };
  /** Set when the rotation-state parameter exists but cannot be parsed. */
  readonly stateError?: string;
  readonly observation: Observation;
  readonly state: RotationState;
}

/** Reads the stack (SSM, key groups, distribution, the active secret's key id, the rotation state). */
export async function readStackStatus(ports: RotationPorts, rawConfig: RotationConfig): Promise<StackStatus> {
  const config = resolveRotationConfig(rawConfig);
  const [observation, stored] = await Promise.all([
    observe(ports, config),
    readStoredState(ports.parameters, config),
  ]);
  // What the next rotation run would persist first: the stored state brought in line with AWS.
  const state = reconcile(stored.state ?? emptyState(), observation);
  const activeSlot = activeSlotOf(observation, config);
  const activeKeyId = signingKeyId(observation);
  const behaviors = observation.distribution.behaviors.map((behavior) => ({
    pathPattern: behavior.pathPattern,
    trustsBothGroups: observation.groups.every((group) => behavior.trustedKeyGroupIds.includes(group.id)),
  }));
  const current = state.current;
  const lease = stored.state?.lease;
  return {
    now: observation.now,
    config,
    activeKeyId,
    activeSlot,
    activeKeyGroupId: activeSlot === undefined ? undefined : config.slots[activeSlot].keyGroupId,
    activeSince: state.activeSince,
    activeKeyAgeSeconds: state.activeSince === undefined ? undefined : observation.now - state.activeSince,
    nextRotationDueAt: state.activeSince === undefined ? undefined : nextDueAt(state, config),
    groups: observation.groups.map((group) => ({
      id: group.id,
      name: group.name,
      keyIds: group.items,
      trustedByEveryBehavior: observation.distribution.behaviors.every((behavior) =>
        behavior.trustedKeyGroupIds.includes(group.id),
      ),
    })),
    behaviors,
    everyBehaviorTrustsBothGroups:
      behaviors.length > 0 && behaviors.every((behavior) => behavior.trustsBothGroups),
    distributionStatus: observation.distribution.status,
    rotation: {
      inProgress: current !== undefined,
      id: current?.id,
      step: current?.step,
      startedAt: current?.startedAt,
      forced: current?.forced,
      newKeyId: current?.newKeyId,
      lease: lease && {
        owner: lease.owner,
        expiresAt: lease.expiresAt,
        held: lease.expiresAt > observation.now,
      },
      completedRotations: state.completedRotations,
      lastCompleted: state.lastCompleted,
    },
    ...(stored.error ? { stateError: stored.error } : {}),
    observation,
    state,
  };
}

/**
 * The active key's age from the stored rotation state alone (one SSM read):
 * what the rotation Lambda reports after each run. Undefined when no run has
 * recorded the active key yet.
 */
export async function storedActiveKeyAge(
  parameters: ParameterStorePort,
  config: Pick<ResolvedRotationConfig, "parameterPrefix">,
  now: number,
): Promise<number | undefined> {
  const stored = await readStoredState(parameters, config);
  const since = stored.state?.activeSince;
  return since === undefined ? undefined : now - since;
}

async function readStoredState(
  parameters: ParameterStorePort,
  config: Pick<ResolvedRotationConfig, "parameterPrefix">,
): Promise<{ state?: RotationState; error?: string }> {
  try {
    return {
      state: (await readState(parameters, parameterNames(config.parameterPrefix).rotationState))?.state,
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

// ---------------------------------------------------------------- doctor

export interface DoctorOptions {
  /** Account quota of CloudFront public keys (MAX_PUBLIC_KEYS_PER_ACCOUNT unless raised). */
  readonly publicKeyQuota: number;
  /** How long past its due time a rotation may be before it is overdue (seconds). */
  readonly overdueMarginSeconds: number;
}

export interface Violation {
  /** Stable id of the check, e.g. `behaviors-trust-both-groups`. */
  readonly check: DoctorCheck;
  readonly message: string;
  /** What to run or change to fix it. */
  readonly fix: string;
}

/** Every invariant `doctor` checks, in the order it reports them. */
export const DOCTOR_CHECKS = [
  "rotation-state-readable",
  "parameters-name-a-slot",
  "secret-matches-parameter",
  "active-key-exists",
  "secret-matches-public-key",
  "behaviors-trust-both-groups",
  "active-key-trusted",
  "rotation-invariants",
  "no-orphan-keys",
  "distribution-deployed",
  "rotation-not-overdue",
  "public-key-budget",
] as const;
export type DoctorCheck = (typeof DOCTOR_CHECKS)[number];

/** Checks every invariant of the stack; an empty list means healthy. Reads only. */
export async function diagnoseStack(
  ports: RotationPorts,
  lister: PublicKeyLister,
  status: StackStatus,
  options: DoctorOptions,
): Promise<Violation[]> {
  const { config, observation } = status;
  const names = parameterNames(config.parameterPrefix);
  const violations: Violation[] = [];
  const add = (check: DoctorCheck, message: string, fix: string) => violations.push({ check, message, fix });

  if (status.stateError) {
    add(
      "rotation-state-readable",
      `the rotation state ${names.rotationState} cannot be read: ${status.stateError}`,
      `inspect it (aws ssm get-parameter --name ${names.rotationState}); the rotation refuses to run until it parses`,
    );
  }
  const keyParameter = observation.activeKeyIdParam?.value;
  const secretParameter = observation.activeSecretArnParam?.value;
  if (!keyParameter || !secretParameter || status.activeSlot === undefined) {
    add(
      "parameters-name-a-slot",
      !keyParameter || !secretParameter
        ? `the SSM parameter ${!keyParameter ? names.activeKeyId : names.activeSecretArn} does not exist`
        : `${names.activeSecretArn} names ${secretParameter}, which is neither slot's secret`,
      "run `pulumi up` (it creates both parameters pointing at the active slot); never edit them by hand",
    );
  }
  if (keyParameter && observation.activeSecretKeyId && observation.activeSecretKeyId !== keyParameter) {
    add(
      "secret-matches-parameter",
      `${names.activeKeyId} names ${keyParameter} but the active secret holds the key of ${observation.activeSecretKeyId}`,
      "run `signed-hls-cdn rotate` (a promotion interrupted between the two writes is finished by the next run)",
    );
  }
  const activeKeyId = status.activeKeyId;
  const activeKey = activeKeyId ? await ports.cloudFront.getPublicKey(activeKeyId) : undefined;
  if (activeKeyId && !activeKey) {
    add(
      "active-key-exists",
      `the active key ${activeKeyId} does not exist in CloudFront`,
      "every signed URL is refused: run `signed-hls-cdn rotate --force` to create, stage and promote a new key",
    );
  }
  if (activeKey && status.activeSlot !== undefined) {
    const secret = await ports.secrets.getSecretValue(config.slots[status.activeSlot].secretArn);
    const derived = secret ? publicKeyOfSecret(secret.value) : undefined;
    if (!derived || normalisePem(derived) !== normalisePem(activeKey.encodedKey)) {
      add(
        "secret-matches-public-key",
        `the active secret's private key does not match CloudFront public key ${activeKey.id}` +
          (derived ? "" : " (the secret is missing or unreadable)"),
        "signatures are refused: run `signed-hls-cdn rotate --force` so a fresh pair replaces it",
      );
    }
  }
  const untrusting = status.behaviors.filter((behavior) => !behavior.trustsBothGroups);
  if (untrusting.length > 0 || status.behaviors.length === 0) {
    add(
      "behaviors-trust-both-groups",
      status.behaviors.length === 0
        ? "the distribution reports no cache behaviors"
        : `behavior(s) ${untrusting.map((behavior) => behavior.pathPattern).join(", ")} do not trust both key groups (${config.slots.map((slot) => slot.keyGroupId).join(", ")})`,
      "run `pulumi up`: the program sets both groups on every protected behavior (the rotation needs both)",
    );
  }
  const trusted = trustedKeyIds(observation);
  if (activeKeyId && !trusted.has(activeKeyId)) {
    add(
      "active-key-trusted",
      `the active key ${activeKeyId} is not in a key group every behavior trusts`,
      "viewers get 403: run `signed-hls-cdn rotate` (it restages a dropped key) or `pulumi up` to restore the groups",
    );
  }
  const topologyNoted = new Set(topologyProblems(observation, config));
  const deeper = invariantViolations(observation, status.state, config).filter(
    (problem) => !topologyNoted.has(problem),
  );
  for (const problem of deeper) {
    add(
      "rotation-invariants",
      problem,
      "run `signed-hls-cdn rotate --dry-run` to see what the rotation will do, then README Troubleshooting",
    );
  }
  const allKeys = await lister.listPublicKeys();
  const inGroups = new Set(observation.groups.flatMap((group) => group.items));
  const pending = status.rotation.newKeyId;
  const orphans = allKeys.filter(
    (key) => key.name.startsWith(`${config.keyNamePrefix}-`) && !inGroups.has(key.id) && key.id !== pending,
  );
  if (orphans.length > 0) {
    add(
      "no-orphan-keys",
      `public key(s) ${orphans.map((key) => `${key.id} (${key.name})`).join(", ")} carry the stack's prefix but no key group holds them`,
      "delete each after checking no rotation is in progress: aws cloudfront get-public-key --id ID, then delete-public-key --id ID --if-match ETAG",
    );
  }
  if (status.distributionStatus !== "Deployed") {
    add(
      "distribution-deployed",
      `distribution ${config.distributionId} is ${status.distributionStatus}, not Deployed`,
      "wait for CloudFront to finish propagating (minutes), then run `signed-hls-cdn doctor` again",
    );
  }
  if (
    status.nextRotationDueAt !== undefined &&
    status.now > status.nextRotationDueAt + options.overdueMarginSeconds
  ) {
    add(
      "rotation-not-overdue",
      `the active key is ${Math.floor((status.activeKeyAgeSeconds ?? 0) / 86400)} d old; its rotation was due ${new Date(status.nextRotationDueAt * 1000).toISOString()}`,
      "run `signed-hls-cdn rotate --dry-run` to see why it waits or refuses, and check the rotation schedule is enabled",
    );
  }
  if (allKeys.length + 1 > options.publicKeyQuota) {
    add(
      "public-key-budget",
      `the account holds ${allKeys.length} public keys; the next rotation needs room for one more under the quota of ${options.publicKeyQuota}`,
      "delete orphan public keys, or request a higher CloudFront public key quota",
    );
  }
  return violations;
}

/** The SPKI PEM of the private key inside a rotation secret, or undefined when unreadable. */
function publicKeyOfSecret(secretText: string): string | undefined {
  try {
    const { privateKeyPem } = parseKeySecret(secretText);
    return createPublicKey(privateKeyPem).export({ type: "spki", format: "pem" }).toString();
  } catch {
    return undefined;
  }
}

function normalisePem(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}
