/**
 * The ports a lease holder acts through: every mutating call first checks
 * that the run still owns the lease (lease.ts), and a secret is written only
 * while the active-secret parameter names another secret, so a stale run can
 * never overwrite the key signers load. Reads pass straight through.
 */
import { parameterNames } from "../keys/types";
import { LeaseLostError } from "./errors";
import type { LeaseHolder } from "./lease";
import type { RotationPorts } from "./ports";

export function fencedPorts(
  ports: RotationPorts,
  holder: LeaseHolder,
  parameterPrefix: string,
): RotationPorts {
  const activeSecretName = parameterNames(parameterPrefix).activeSecretArn;
  const { cloudFront, parameters, secrets } = ports;
  return {
    ...ports,
    cloudFront: {
      ...cloudFront,
      getKeyGroup: (id) => cloudFront.getKeyGroup(id),
      getPublicKey: (id) => cloudFront.getPublicKey(id),
      findPublicKeyByName: (name) => cloudFront.findPublicKeyByName(name),
      listPublicKeys: () => cloudFront.listPublicKeys(),
      getDistribution: (id) => cloudFront.getDistribution(id),
      updateKeyGroup: async (id, config, ifMatch) => {
        await holder.check(`UpdateKeyGroup ${id}`);
        return cloudFront.updateKeyGroup(id, config, ifMatch);
      },
      createPublicKey: async (input) => {
        await holder.check(`CreatePublicKey ${input.name}`);
        return cloudFront.createPublicKey(input);
      },
      deletePublicKey: async (id, ifMatch) => {
        await holder.check(`DeletePublicKey ${id}`);
        return cloudFront.deletePublicKey(id, ifMatch);
      },
    },
    parameters: {
      getParameters: (names) => parameters.getParameters(names),
      putParameter: async (name, value, options) => {
        await holder.check(`PutParameter ${name}`);
        return parameters.putParameter(name, value, options);
      },
    },
    secrets: {
      getSecretValue: (secretId, versionId) => secrets.getSecretValue(secretId, versionId),
      putSecretValue: async (secretId, value, token) => {
        const active = (await parameters.getParameters([activeSecretName])).get(activeSecretName);
        if (active?.value === secretId) {
          throw new LeaseLostError(
            `stopped before PutSecretValue: ${secretId} is the active secret now, no longer the inactive slot this run writes`,
          );
        }
        await holder.check(`PutSecretValue ${secretId}`);
        return secrets.putSecretValue(secretId, value, token);
      },
    },
  };
}
