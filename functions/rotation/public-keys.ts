/**
 * The account's public key budget. CloudFront allows MAX_PUBLIC_KEYS_PER_ACCOUNT
 * public keys per account (contract/limits.ts); keys a rotation or revocation
 * left behind (an aborted attempt, a revocation that replaced a slot's key, a
 * failed run) would use it up. Each run deletes this stack's own leftovers:
 * keys whose name it generated (isGeneratedKeyName) that no key group holds,
 * that no signer may load, and that the rotation in progress does not need.
 */
import { MAX_PUBLIC_KEYS_PER_ACCOUNT } from "../../contract/limits";
import type { ResolvedRotationConfig } from "./config";
import { RotationConfigError, isServiceError } from "./errors";
import { isGeneratedKeyName, publicKeyName } from "./names";
import { keysInUse, type Observation } from "./observation";
import type { CloudFrontPort, RotationPorts } from "./ports";
import type { RotationState } from "./state";

/** Public keys one stack holds: both slots; a third while a rotation runs; up to five while a revocation aborts a rotation. */
export const PUBLIC_KEYS_PER_STACK = { steady: 2, rotating: 3, worstCase: 5 } as const;

/** Keys the state still needs although no key group may hold them yet (or any more). */
function keysTheStateNeeds(state: RotationState): string[] {
  const current = state.current;
  if (!current) return [];
  return [current.newKeyId, ...current.replaced.map((entry) => entry.keyId)].filter(
    (keyId): keyId is string => keyId !== undefined,
  );
}

/** The name create-key gives the attempt in progress: its key may exist before the state records it. */
function namesTheStateNeeds(config: ResolvedRotationConfig, state: RotationState): string[] {
  return state.current ? [publicKeyName(config, state.current.id, state.current.attempt)] : [];
}

/**
 * Deletes this stack's untrusted leftover public keys; returns their ids.
 * Only while the distribution is Deployed: then no edge still runs a
 * configuration whose key group held one of them.
 */
export async function pruneLeftoverKeys(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  observation: Observation,
  state: RotationState,
): Promise<string[]> {
  if (observation.distribution.status !== "Deployed") return [];
  const keep = new Set([
    ...observation.groups.flatMap((group) => group.items),
    ...keysInUse(observation),
    ...keysTheStateNeeds(state),
  ]);
  const keepNames = namesTheStateNeeds(config, state);
  const deleted: string[] = [];
  for (const key of await ports.cloudFront.listPublicKeys()) {
    if (keep.has(key.id) || keepNames.includes(key.name) || !isGeneratedKeyName(config, key.name)) continue;
    // PublicKeyInUse: a key group outside this stack holds it; it stays.
    if ((await deletePublicKeyIfPresent(ports.cloudFront, key.id)) === "deleted") deleted.push(key.id);
  }
  return deleted;
}

/** CreatePublicKey through the quota: TooManyPublicKeys becomes an error that names the fix. */
export async function createPublicKeyWithinQuota(
  ports: RotationPorts,
  config: ResolvedRotationConfig,
  input: { callerReference: string; name: string; encodedKey: string; comment?: string },
): Promise<{ id: string }> {
  try {
    return await ports.cloudFront.createPublicKey(input);
  } catch (error) {
    if (!isServiceError(error, "quota-exceeded")) throw error;
    throw new RotationConfigError(
      `CloudFront refused a new public key (TooManyPublicKeys): the account holds its quota of public keys ` +
        `(${MAX_PUBLIC_KEYS_PER_ACCOUNT} by default). This stack needs up to ${PUBLIC_KEYS_PER_STACK.rotating} ` +
        `during a rotation and has already deleted its own unused keys (named ${config.keyNamePrefix}-...). ` +
        `Fix: delete public keys no key group uses (aws cloudfront list-public-keys, then delete-public-key), ` +
        `or ask AWS for a higher "Public keys" quota; then run again.`,
    );
  }
}

/** GetPublicKey ETag -> DeletePublicKey IfMatch; "gone" when it no longer exists, "in-use" when a key group holds it. */
export async function deletePublicKeyIfPresent(
  cloudFront: CloudFrontPort,
  keyId: string,
): Promise<"deleted" | "gone" | "in-use"> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const key = await cloudFront.getPublicKey(keyId);
    if (!key) return "gone";
    try {
      await cloudFront.deletePublicKey(keyId, key.etag!);
      return "deleted";
    } catch (error) {
      if (isServiceError(error, "not-found")) return "gone";
      if (isServiceError(error, "public-key-in-use")) return "in-use";
      if (isServiceError(error, "precondition-failed") && attempt === 0) continue;
      throw error;
    }
  }
  return "gone";
}
