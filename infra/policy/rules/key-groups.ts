/**
 * Signed access on every behavior: each trusts key groups (never legacy
 * TrustedSigners), the protected ones trust both rotation groups, and the
 * CloudFront limits on groups and keys hold.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_BEHAVIOR, ORDERED_BEHAVIORS } from "../../../contract/behaviors";
import { MAX_KEY_GROUPS_PER_BEHAVIOR, MAX_KEYS_PER_KEY_GROUP } from "../../../contract/limits";
import { T, isKeyGroupType, knownItems, knownOr, type ResourceView } from "../resources";
import { cacheBehaviors, configWithDefaults, isExempt, schemaWithExemptions, listInput } from "../support";

interface ExemptConfig {
  exemptResources: string[];
}

export const behaviorsRequireKeyGroups: ResourceValidationPolicy = {
  name: "behaviors-require-trusted-key-groups",
  description:
    "Every cache behavior of the distribution, the default included, must trust at least one CloudFront key group, and no " +
    "behavior may use legacy trustedSigners (account key pairs). Every behavior of contract/behaviors.ts must exist, in its order. " +
    "Fix: set trustedKeyGroups to the stack's active and inactive key group ids on each behavior, remove trustedSigners, and " +
    "build orderedCacheBehaviors from ORDERED_BEHAVIORS in contract/behaviors.ts.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions(),
  validateResource: (args, reportViolation) => {
    if (args.type !== T.distribution) return;
    const config = configWithDefaults<ExemptConfig>(args, { exemptResources: [] });
    if (isExempt(args, config)) return;
    const behaviors = cacheBehaviors(args.props);
    for (const behavior of behaviors) {
      const groups = listInput(behavior.props, "trustedKeyGroups");
      if (groups !== undefined && groups.length === 0) {
        reportViolation(
          `${behavior.label} trusts no key group, so it serves content without a signed URL or cookie.`,
        );
      }
      if ((listInput(behavior.props, "trustedSigners") ?? []).length > 0) {
        reportViolation(`${behavior.label} uses legacy trustedSigners; use trustedKeyGroups instead.`);
      }
    }
    if (!behaviors.some((behavior) => behavior.isDefault)) {
      reportViolation(
        `the distribution has no defaultCacheBehavior (expected "${DEFAULT_BEHAVIOR.pathPattern}").`,
      );
    }
    const actual = behaviors
      .filter((behavior) => !behavior.isDefault)
      .map((behavior) => behavior.pathPattern);
    let cursor = 0;
    for (const expected of ORDERED_BEHAVIORS) {
      const found = actual.indexOf(expected.pathPattern, cursor);
      if (found < 0) {
        const elsewhere = actual.includes(expected.pathPattern);
        reportViolation(
          elsewhere
            ? `behavior "${expected.pathPattern}" is out of the order of contract/behaviors.ts (first match wins).`
            : `behavior "${expected.pathPattern}" of contract/behaviors.ts is missing from orderedCacheBehaviors.`,
        );
        continue;
      }
      cursor = found + 1;
    }
  },
};

export const keyGroupLimits: ResourceValidationPolicy = {
  name: "key-group-limits",
  description:
    `A cache behavior may trust at most ${MAX_KEY_GROUPS_PER_BEHAVIOR} key groups and a key group may hold at most ` +
    `${MAX_KEYS_PER_KEY_GROUP} public keys (CloudFront quotas; contract/limits.ts). Rotation adds a key to the inactive group, ` +
    "so a full group makes the next rotation fail. Fix: remove stale keys from the key group's items and extra groups from the behavior.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions(),
  validateResource: (args, reportViolation) => {
    const config = configWithDefaults<ExemptConfig>(args, { exemptResources: [] });
    if (isExempt(args, config)) return;
    if (args.type === T.distribution) {
      for (const behavior of cacheBehaviors(args.props)) {
        const count = listInput(behavior.props, "trustedKeyGroups")?.length ?? 0;
        if (count > MAX_KEY_GROUPS_PER_BEHAVIOR) {
          reportViolation(
            `${behavior.label} trusts ${count} key groups; CloudFront allows ${MAX_KEY_GROUPS_PER_BEHAVIOR}.`,
          );
        }
      }
    } else if (args.type === T.keyGroup) {
      const count = knownItems(args.props.items).length;
      if (count > MAX_KEYS_PER_KEY_GROUP) {
        reportViolation(`key group holds ${count} public keys; CloudFront allows ${MAX_KEYS_PER_KEY_GROUP}.`);
      } else if (count === 0) {
        reportViolation("key group holds no public key; CloudFront requires at least one.");
      }
    }
  },
};

/** A key group's id when the caller knows it (stack props usually carry no id). */
function keyGroupId(group: ResourceView): string | undefined {
  const id = knownOr(() => group.props.id ?? group.props.keyGroupId, undefined);
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

export const protectedBehaviorsTrustBothGroups: StackValidationPolicy = {
  name: "protected-behaviors-trust-both-key-groups",
  description:
    "Rotation moves signing between an active and an inactive key group; a URL signed a moment ago with the old key must still " +
    "open, so every protected behavior (all of them) must trust both groups, the same set everywhere. Fix: give every " +
    "behavior trustedKeyGroups = [activeKeyGroup.id, inactiveKeyGroup.id] and keep exactly those two key groups in the stack.",
  enforcementLevel: "mandatory",
  validateStack: (args, reportViolation) => {
    const groups = args.resources.filter((resource) => isKeyGroupType(resource.type));
    for (const distribution of args.resources.filter((resource) => resource.type === T.distribution)) {
      if (groups.length < 2) {
        reportViolation(
          `the stack defines ${groups.length} key group(s); rotation needs an active and an inactive group.`,
          distribution.urn,
        );
      }
      const sets = cacheBehaviors(distribution.props).map((behavior) => ({
        behavior,
        ids: listInput(behavior.props, "trustedKeyGroups"),
      }));
      for (const { behavior, ids } of sets) {
        if (ids === undefined) continue; // the whole list is unknown during preview
        const distinct = new Set(ids.map((id, index) => id ?? `unknown-${index}`));
        if (distinct.size < 2) {
          reportViolation(
            `${behavior.label} trusts ${distinct.size} key group(s); it must trust both the active and the inactive group.`,
            distribution.urn,
          );
        }
      }
      // Compare only lists whose ids are all known.
      const complete = sets.filter(
        (entry): entry is { behavior: (typeof sets)[number]["behavior"]; ids: string[] } =>
          entry.ids !== undefined && entry.ids.every((id) => id !== undefined),
      );
      const reference = complete[0];
      if (reference) {
        const referenceSet = [...new Set(reference.ids)].sort().join(",");
        for (const { behavior, ids } of complete) {
          if ([...new Set(ids)].sort().join(",") !== referenceSet) {
            reportViolation(
              `${behavior.label} trusts a different set of key groups than ${reference.behavior.label}.`,
              distribution.urn,
            );
          }
        }
        // Where key group ids are known, each group of the stack must be among them.
        const trusted = new Set(reference.ids);
        for (const group of groups) {
          const id = keyGroupId(group);
          if (id !== undefined && !trusted.has(id)) {
            reportViolation(
              `key group "${group.name}" is not trusted by the distribution's behaviors.`,
              distribution.urn,
            );
          }
        }
      }
      // The analyzer says which resources the behaviors depend on: both key groups must be among them.
      const dependencies = [
        ...(distribution.propertyDependencies?.defaultCacheBehavior ?? []),
        ...(distribution.propertyDependencies?.orderedCacheBehaviors ?? []),
      ];
      if (dependencies.length > 0) {
        for (const group of groups) {
          if (!dependencies.some((dependency) => dependency.urn === group.urn)) {
            reportViolation(
              `key group "${group.name}" is not trusted by the distribution's behaviors.`,
              distribution.urn,
            );
          }
        }
      }
    }
  },
};
