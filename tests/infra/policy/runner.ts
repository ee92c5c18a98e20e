/**
 * Runs the pack's policies the way @pulumi/policy's analyzer server does
 * (same argument shapes, config and not-applicable handling), over resources
 * in the shape the infra harness captures.
 */
import type {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { policies } from "../../../infra/policy/policies";

/** One resource as tests/infra/harness.ts captures it from the mocked program (assets as pulumi.asset objects). */
export interface CapturedResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** Physical id, when known (the harness's mocks assign one). */
  id?: string;
  /** Outputs after create/update; AnalyzeStack sees these (the engine's "final outputs"), else the inputs. */
  state?: Record<string, unknown>;
  options: {
    parent?: string;
    ignoreChanges?: string[];
    provider?: string;
    retainOnDelete?: boolean;
    additionalSecretOutputs?: string[];
    /** Emulates the analyzer's propertyDependencies (input name -> URNs); the harness does not capture them. */
    propertyDependencies?: Record<string, string[]>;
  };
}

export interface Violation {
  policy: string;
  message: string;
  urn: string;
}

export type PackConfig = Record<string, Record<string, unknown>>;

class NotApplicable extends Error {}

function isResourcePolicy(policy: Policy): policy is ResourceValidationPolicy {
  return typeof (policy as ResourceValidationPolicy).validateResource !== "undefined";
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** A provider reference (`<urn>::<id>` as the engine writes it, or a bare URN) -> the provider resource. */
function providerOf(resource: CapturedResource, all: CapturedResource[]): PolicyResource["provider"] {
  const reference = resource.options.provider;
  if (!reference) return undefined;
  const provider = all.find(
    (candidate) => reference === candidate.urn || reference.startsWith(`${candidate.urn}::`),
  );
  if (!provider)
    throw new Error(`provider ${reference} of ${resource.urn} is not among the captured resources`);
  return { type: provider.type, name: provider.name, urn: provider.urn, props: provider.inputs };
}

function options(resource: CapturedResource) {
  return {
    protect: false,
    ignoreChanges: resource.options.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: resource.options.additionalSecretOutputs ?? [],
    ...(resource.options.parent ? { parent: resource.options.parent } : {}),
  };
}

function getConfigFor(policy: Policy, config: PackConfig) {
  return <T extends object>() => ({ ...(config[policy.name] ?? {}) }) as T;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

function isTypeFn(type: string) {
  return (resourceClass: { __pulumiType?: string }) => resourceClass.__pulumiType === type;
}

/** Runs one resource policy over one resource, returning its violations. */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: CapturedResource,
  all: CapturedResource[] = [resource],
  config: PackConfig = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  const isType = isTypeFn(resource.type);
  const args: ResourceValidationArgs = {
    type: resource.type,
    props: resource.inputs,
    urn: resource.urn,
    name: resource.name,
    opts: options(resource),
    stackTags: new Map(),
    isType: isType as ResourceValidationArgs["isType"],
    asType: ((resourceClass: { __pulumiType?: string }) =>
      isType(resourceClass) ? resource.inputs : undefined) as ResourceValidationArgs["asType"],
    getConfig: getConfigFor(policy, config),
    notApplicable,
  };
  const provider = providerOf(resource, all);
  if (provider) args.provider = provider;
  for (const validation of validations) {
    try {
      await validation(args, (message) =>
        violations.push({ policy: policy.name, message, urn: resource.urn }),
      );
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return violations;
}

/** The stack view the analyzer builds for AnalyzeStack: parents and dependencies as resource objects. */
export function stackResources(all: CapturedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const resource of all) {
    const isType = isTypeFn(resource.type);
    // The engine passes outputs without the id but with property dependencies; the harness has ids but no
    // property dependencies, so its ids stand in for them (e.g. matching trusted key group ids to key groups).
    const props = resource.state
      ? { ...resource.state, ...(resource.id ? { id: resource.id } : {}) }
      : resource.inputs;
    const view: PolicyResource = {
      type: resource.type,
      props,
      urn: resource.urn,
      name: resource.name,
      opts: options(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: isType as PolicyResource["isType"],
      asType: ((resourceClass: { __pulumiType?: string }) =>
        isType(resourceClass) ? props : undefined) as PolicyResource["asType"],
    };
    const provider = providerOf(resource, all);
    if (provider) view.provider = provider;
    byUrn.set(resource.urn, view);
  }
  for (const resource of all) {
    const view = byUrn.get(resource.urn) as PolicyResource;
    if (resource.options.parent) view.parent = byUrn.get(resource.options.parent);
    for (const [key, urns] of Object.entries(resource.options.propertyDependencies ?? {})) {
      view.propertyDependencies[key] = urns
        .map((urn) => byUrn.get(urn))
        .filter((dep): dep is PolicyResource => dep !== undefined);
      view.dependencies.push(...view.propertyDependencies[key]);
    }
  }
  return [...byUrn.values()];
}

export async function runStackPolicy(
  policy: StackValidationPolicy,
  all: CapturedResource[],
  config: PackConfig = {},
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const args: StackValidationArgs = {
    resources: stackResources(all),
    getConfig: getConfigFor(policy, config),
    stackTags: new Map(),
    notApplicable,
  };
  try {
    await policy.validateStack(args, (message, urn) =>
      violations.push({ policy: policy.name, message, urn: urn ?? "" }),
    );
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
  }
  return violations;
}

/** Every violation one policy finds in a stack (a resource policy runs on each resource). */
export async function runPolicy(
  policy: Policy,
  all: CapturedResource[],
  config: PackConfig = {},
): Promise<Violation[]> {
  const enforcement =
    (config[policy.name]?.enforcementLevel as string | undefined) ?? policy.enforcementLevel;
  if (enforcement === "disabled") return [];
  if (isStackPolicy(policy)) return runStackPolicy(policy, all, config);
  if (!isResourcePolicy(policy)) return [];
  const results: Violation[] = [];
  for (const resource of all) results.push(...(await runResourcePolicy(policy, resource, all, config)));
  return results;
}

/** Every violation the whole pack finds in a stack. */
export async function runPack(all: CapturedResource[], config: PackConfig = {}): Promise<Violation[]> {
  const results: Violation[] = [];
  for (const policy of policies) results.push(...(await runPolicy(policy, all, config)));
  return results;
}

export function policyNamed(name: string): Policy {
  const policy = policies.find((candidate) => candidate.name === name);
  if (!policy) throw new Error(`no policy named ${name}`);
  return policy;
}
