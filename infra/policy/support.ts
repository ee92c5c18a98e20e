/**
 * Plumbing shared by the policies: typed config with defaults, exemptions,
 * and reading a distribution's cache behaviors.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import { isRecord, knownItems, knownOr, tryKnown } from "./resources";

/** A policy's config merged over its defaults (the engine fills schema defaults too; tests may not). */
export function configWithDefaults<C extends object>(
  args: { getConfig<V extends object>(): V },
  defaults: C,
): C {
  return { ...defaults, ...(args.getConfig<Partial<C>>() ?? {}) };
}

/** Config property every resource policy offers: resources (logical name or URN) the policy skips, with a reason in review. */
export const EXEMPT_RESOURCES_SCHEMA = {
  type: "array",
  items: { type: "string" },
  default: [],
  description:
    "Logical names or URNs of resources this policy does not check. Every entry is an exception a reviewer must accept.",
} as const;

export function isExempt(
  resource: { name: string; urn: string },
  config: { exemptResources?: string[] },
): boolean {
  return (config.exemptResources ?? []).some((entry) => entry === resource.name || entry === resource.urn);
}

/** Config property of the policies that tell components apart: name patterns used when no component tag is set. */
export const COMPONENT_PATTERNS_SCHEMA = {
  type: "object",
  description:
    "Regular expressions (case-insensitive) recognising a component from names when no signed-hls-cdn:component tag is set.",
  properties: { signer: { type: "string" }, edge: { type: "string" }, rotation: { type: "string" } },
} as const;

/** Adds the common `exemptResources` property to a schema. */
export function schemaWithExemptions(properties: PolicyConfigSchema["properties"] = {}): PolicyConfigSchema {
  return {
    properties: { exemptResources: { ...EXEMPT_RESOURCES_SCHEMA, items: { type: "string" } }, ...properties },
  };
}

export interface CacheBehaviorView {
  /** "default behavior" or `behavior "*.ts"`. */
  label: string;
  /** `*` for the default behavior. */
  pathPattern: string;
  isDefault: boolean;
  props: Record<string, unknown>;
}

/** The default behavior first, then the ordered behaviors, as CloudFront evaluates them last/first. */
export function cacheBehaviors(distribution: Record<string, unknown>): CacheBehaviorView[] {
  const result: CacheBehaviorView[] = [];
  const defaultBehavior = distribution.defaultCacheBehavior;
  if (isRecord(defaultBehavior)) {
    result.push({ label: "default behavior", pathPattern: "*", isDefault: true, props: defaultBehavior });
  }
  for (const behavior of knownItems(distribution.orderedCacheBehaviors)) {
    if (!isRecord(behavior)) continue;
    const pathPattern = knownOr(() => behavior.pathPattern, "(unknown path)");
    const pattern = typeof pathPattern === "string" ? pathPattern : String(pathPattern);
    result.push({ label: `behavior "${pattern}"`, pathPattern: pattern, isDefault: false, props: behavior });
  }
  return result;
}

/**
 * A list input such as `trustedKeyGroups`: `undefined` while the whole list is
 * unknown (preview, computed from outputs); unknown elements are `undefined`
 * (their count still matters).
 */
export function listInput(props: Record<string, unknown>, key: string): (string | undefined)[] | undefined {
  const list = tryKnown(() => props[key]);
  if (!list.known) return undefined;
  return knownItems(list.value).map((item) => (typeof item === "string" ? item : undefined));
}
