/** PublicKeyLister and AuditReader over the in-memory model, for `doctor` and `status` in tests and the local stack. */
import type { AuditEvent } from "../../functions/rotation/ports";
import type { AuditReader, PublicKeyLister } from "../../functions/rotation/stack-status";
import type { InMemoryCloud } from "./model";

export function memoryPublicKeyLister(cloud: InMemoryCloud): PublicKeyLister {
  return {
    async listPublicKeys() {
      const keys = [];
      for (const id of cloud.publicKeyIds()) {
        const key = await cloud.cloudFront.getPublicKey(id);
        if (key) keys.push({ id, name: key.name });
      }
      return keys;
    },
  };
}

/** The audit events the model's own sink recorded (this process only: the persisted model keeps none). */
export function memoryAuditReader(cloud: InMemoryCloud): AuditReader {
  return { recent: async (limit: number): Promise<AuditEvent[]> => cloud.auditLog.slice(-limit) };
}
