/**
 * Secrets Manager in the in-memory cloud (the model of
 * functions/rotation/aws/secrets.ts): versions by ClientRequestToken, the
 * current version, lookup by ARN or name.
 */
import type { KeySourcePort } from "../../functions/keys/ports";
import { ServiceError } from "../../functions/rotation/errors";
import type { SecretStorePort } from "../../functions/rotation/ports";
import type { ModelStore, SecretRecord } from "./store";

export function memorySecretStore(store: ModelStore): SecretStorePort {
  return {
    putSecretValue: (secretId, value, token) =>
      store.call("PutSecretValue", false, () => {
        const secret = findSecret(store, secretId);
        const existing = secret.versions.find((version) => version.versionId === token);
        if (existing) {
          if (existing.value !== value)
            throw new ServiceError(
              "invalid",
              `version ${token} exists with another value`,
              "ResourceExistsException",
            );
          return { versionId: token };
        }
        secret.versions.push({ versionId: token, value, createdAt: store.clock.now() });
        secret.versions = secret.versions.slice(-10);
        secret.current = token;
        store.save();
        return { versionId: token };
      }),
    getSecretValue: (secretId, versionId) =>
      store.call("GetSecretValue", false, () => {
        const secret = findSecret(store, secretId);
        const version = secret.versions.find((entry) => entry.versionId === (versionId ?? secret.current));
        return version ? { value: version.value, versionId: version.versionId } : undefined;
      }),
  };
}

/** The signers' GetSecretValue (current version), counted as `keySource:GetSecretValue`. */
export function signerSecretReader(store: ModelStore): KeySourcePort["readSecret"] {
  return (secretId) =>
    store.call("GetSecretValue", true, () => {
      const secret = findSecret(store, secretId);
      const version = secret.versions.find((entry) => entry.versionId === secret.current);
      if (!version)
        throw new ServiceError(
          "not-found",
          `secret ${secretId} has no current value`,
          "ResourceNotFoundException",
        );
      return version.value;
    });
}

/**
 * Creates a secret with one current version `<versionLabel>-<n>`, as Pulumi
 * would (not counted, no faults).
 */
export function insertSecret(
  store: ModelStore,
  input: { name: string; versionLabel: string; value: string },
  now: number,
): SecretRecord {
  const suffix = String(store.next()).padStart(6, "0").slice(-6);
  const secret: SecretRecord = {
    arn: `arn:aws:secretsmanager:${store.region}:000000000000:secret:${input.name}-${suffix}`,
    name: input.name,
    versions: [],
  };
  const versionId = `${input.versionLabel}-${store.next()}`;
  secret.versions.push({ versionId, value: input.value, createdAt: now });
  secret.current = versionId;
  store.data.secrets.push(secret);
  return secret;
}

function findSecret(store: ModelStore, id: string): SecretRecord {
  const secret = store.data.secrets.find((entry) => entry.arn === id || entry.name === id);
  if (!secret) throw new ServiceError("not-found", `no secret ${id}`, "ResourceNotFoundException");
  return secret;
}
