/**
 * What the rotation writes after the first deploy (key group items, the
 * active-key parameters) must live in resources a later `pulumi up` never
 * writes and `pulumi destroy` deletes with the current ETag: the program's
 * create-only dynamic resources (infra/rotation-owned.ts). The AWS provider's
 * key group and parameter send their stored values on any update, ignored
 * fields included (https://www.pulumi.com/docs/iac/concepts/options/ignorechanges/),
 * and the key group's delete sends the ETag stored in state.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parameterNames } from "../../../functions/keys/types";
import { T, knownOr } from "../resources";
import { configWithDefaults, isExempt, schemaWithExemptions } from "../support";

/** The rotation-written parameters by their last segment (the prefix is the stack's). */
const { activeKeyId, activeSecretArn } = parameterNames("");
const ROTATION_OWNED_PARAMETER_SUFFIXES = [activeKeyId, activeSecretArn];

interface ExemptConfig {
  exemptResources: string[];
}

export const rotationOwnedValuesCreateOnly: ResourceValidationPolicy = {
  name: "rotation-owned-values-create-only",
  description:
    "Key groups and the active-key SSM parameters hold what the rotation writes; an aws:cloudfront KeyGroup or aws:ssm " +
    "Parameter would have a later `pulumi up` send its stored items/value (ignoreChanges only hides the diff) and `pulumi destroy` " +
    "send a stale ETag. Fix: create them with SigningKeyGroup and RotationOwnedParameter (infra/rotation-owned.ts).",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions(),
  validateResource: (args, reportViolation) => {
    const config = configWithDefaults<ExemptConfig>(args, { exemptResources: [] });
    if (isExempt(args, config)) return;
    if (args.type === T.keyGroup) {
      reportViolation(
        "key group made by the AWS provider: an up that changes it writes back the items and ETag stored in state, " +
          "and destroy fails after a rotation; use SigningKeyGroup.",
      );
    } else if (args.type === T.ssmParameter) {
      const name = knownOr(() => args.props.name, undefined);
      if (
        typeof name === "string" &&
        ROTATION_OWNED_PARAMETER_SUFFIXES.some((suffix) => name.endsWith(suffix))
      ) {
        reportViolation(
          `parameter "${name}" is written by the rotation but made by the AWS provider, whose updates send the stored value; ` +
            "use RotationOwnedParameter.",
        );
      }
    }
  },
};
