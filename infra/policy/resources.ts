/**
 * Small, dependency-free helpers over what the analyzer hands a policy:
 * resource props (which may hold values unknown during preview), URNs,
 * tags and component membership.
 */
import { COMPONENT_TAG, DEFAULT_COMPONENT_PATTERNS, type Component } from "./conventions";

/** The part of a resource (resource or stack validation) the policies read. */
export interface ResourceView {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts?: { parent?: string; additionalSecretOutputs?: string[] };
  provider?: { type: string; name: string; urn: string; props: Record<string, unknown> };
  /** Stack validation only: resources each input property depends on. */
  propertyDependencies?: Record<string, ResourceView[]>;
  /** Stack validation only: the parent resource. */
  parent?: ResourceView;
}

/** Resource type tokens of @pulumi/aws v7 the pack inspects (strings: the pack never loads @pulumi/aws). */
export const T = {
  distribution: "aws:cloudfront/distribution:Distribution",
  keyGroup: "aws:cloudfront/keyGroup:KeyGroup",
  publicKey: "aws:cloudfront/publicKey:PublicKey",
  originAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
  lambdaFunction: "aws:lambda/function:Function",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  lambdaPermission: "aws:lambda/permission:Permission",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  s3Bucket: "aws:s3/bucket:Bucket",
  s3BucketV2: "aws:s3/bucketV2:BucketV2",
  s3PublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  s3BucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  s3BucketAcl: "aws:s3/bucketAcl:BucketAcl",
  s3Website: "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration",
  ssmParameter: "aws:ssm/parameter:Parameter",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  schedule: "aws:scheduler/schedule:Schedule",
  awsProvider: "pulumi:providers:aws",
  /** The program's create-only dynamic resources (infra/rotation-owned.ts). */
  signingKeyGroup: "pulumi-nodejs:dynamic/signed-hls-cdn:SigningKeyGroup",
  rotationOwnedParameter: "pulumi-nodejs:dynamic/signed-hls-cdn:RotationOwnedParameter",
} as const;

/** A CloudFront key group, made by the AWS provider or by the program's create-only resource. */
export function isKeyGroupType(type: string): boolean {
  return type === T.keyGroup || type === T.signingKeyGroup;
}

export type Known<V> = { known: true; value: V } | { known: false };

/** True for the error @pulumi/policy's proxy throws when a value is unknown during preview. */
export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** Reads a value that may be unknown during preview, without letting the analyzer skip the whole policy. */
export function tryKnown<V>(read: () => V): Known<V> {
  try {
    return { known: true, value: read() };
  } catch (error) {
    if (isUnknownValueError(error)) return { known: false };
    throw error;
  }
}

/** The value, or `fallback` when it is unknown during preview. */
export function knownOr<V, F>(read: () => V, fallback: F): V | F {
  const result = tryKnown(read);
  return result.known ? result.value : fallback;
}

/** A value or list as a list, without touching the elements (an element may be unknown during preview). */
export function asArray<V>(value: V | V[] | undefined | null): V[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The elements of a list, each `undefined` when unknown during preview. */
export function knownItems(value: unknown): unknown[] {
  const list = asArray(value);
  const items: unknown[] = [];
  for (let index = 0; index < list.length; index++) items.push(knownOr(() => list[index], undefined));
  return items;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `urn:pulumi:<stack>::<project>::<parent types $ own type>::<name>`. */
export function parseUrn(urn: string): { qualifiedType: string; ancestorTypes: string[]; name: string } {
  const parts = urn.split("::");
  if (parts.length < 4) return { qualifiedType: "", ancestorTypes: [], name: "" };
  const qualifiedType = parts[2];
  const types = qualifiedType.split("$");
  return { qualifiedType, ancestorTypes: types.slice(0, -1), name: parts.slice(3).join("::") };
}

export function tagsOf(props: Record<string, unknown>): Record<string, string> {
  const tags = knownOr(() => props.tags, undefined);
  if (!isRecord(tags)) return {};
  const result: Record<string, string> = {};
  for (const key of Object.keys(tags)) {
    const value = knownOr(() => tags[key], undefined);
    if (typeof value === "string") result[key] = value;
  }
  return result;
}

/** Component patterns from a policy's config, defaults filled in. */
export function componentPatterns(config: { componentPatterns?: Partial<Record<Component, string>> }) {
  return { ...DEFAULT_COMPONENT_PATTERNS, ...(config.componentPatterns ?? {}) };
}

const COMPONENTS: Component[] = ["rotation", "edge", "signer"];

function matchComponent(text: string, patterns: Record<Component, string>): Component | undefined {
  return COMPONENTS.find((component) => new RegExp(patterns[component], "i").test(text));
}

/**
 * The component a resource belongs to: its `signed-hls-cdn:component` tag,
 * else its own name, its parent's name, then its ancestors' component types.
 */
export function componentOf(
  resource: Pick<ResourceView, "name" | "urn" | "props" | "opts" | "parent">,
  patterns: Record<Component, string> = { ...DEFAULT_COMPONENT_PATTERNS },
): Component | undefined {
  const tagged = tagsOf(resource.props)[COMPONENT_TAG];
  if (tagged && (COMPONENTS as string[]).includes(tagged)) return tagged as Component;
  const candidates = [resource.name];
  let parentUrn = resource.opts?.parent;
  for (let ancestor = resource.parent; ancestor; ancestor = ancestor.parent) {
    const ancestorTag = tagsOf(ancestor.props)[COMPONENT_TAG];
    if (ancestorTag && (COMPONENTS as string[]).includes(ancestorTag)) return ancestorTag as Component;
    candidates.push(ancestor.name);
    parentUrn = undefined;
  }
  if (parentUrn) candidates.push(parseUrn(parentUrn).name);
  candidates.push(
    ...parseUrn(resource.urn)
      .ancestorTypes.reverse()
      .filter((type) => !type.startsWith("pulumi:pulumi:Stack")),
  );
  for (const candidate of candidates) {
    const match = matchComponent(candidate, patterns);
    if (match) return match;
  }
  return undefined;
}

/** The region of the provider a resource is created with, when stated. */
export function providerRegion(resource: Pick<ResourceView, "provider">): string | undefined {
  const props = resource.provider?.props;
  if (!props) return undefined;
  const region = knownOr(() => props.region, undefined);
  return typeof region === "string" ? region : undefined;
}
