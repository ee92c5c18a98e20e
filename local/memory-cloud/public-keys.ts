/** PublicKeyLister over the in-memory model, for `doctor` and `status` in tests and the local stack (the model of functions/rotation/aws/public-keys.ts). */
import type { PublicKeyLister } from "../../functions/rotation/stack-status";
import type { InMemoryCloud } from "./cloud";

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
