/** Takes an Observation through the ports (reads only). */
import { parseKeySecret } from "../keys/secret-value";
import { parameterNames } from "../keys/types";
import type { ResolvedRotationConfig } from "./config";
import type { Observation } from "./observation";
import type { RotationPorts } from "./ports";

export async function observe(ports: RotationPorts, config: ResolvedRotationConfig): Promise<Observation> {
  const names = parameterNames(config.parameterPrefix);
  const [parameters, group0, group1, distribution] = await Promise.all([
    ports.parameters.getParameters([names.activeKeyId, names.activeSecretArn]),
    ports.cloudFront.getKeyGroup(config.slots[0].keyGroupId),
    ports.cloudFront.getKeyGroup(config.slots[1].keyGroupId),
    ports.cloudFront.getDistribution(config.distributionId),
  ]);
  const activeSecretArnParam = parameters.get(names.activeSecretArn);
  let activeSecretKeyId: string | undefined;
  const arn = activeSecretArnParam?.value;
  if (arn && config.slots.some((slot) => slot.secretArn === arn)) {
    const secret = await ports.secrets.getSecretValue(arn);
    if (secret) {
      try {
        activeSecretKeyId = parseKeySecret(secret.value).keyPairId;
      } catch {
        activeSecretKeyId = undefined; // an unreadable secret shows up as a topology problem through the parameter id
      }
    }
  }
  return {
    now: ports.clock.now(),
    activeKeyIdParam: parameters.get(names.activeKeyId),
    activeSecretArnParam,
    activeSecretKeyId,
    groups: [group0, group1],
    distribution,
  };
}
