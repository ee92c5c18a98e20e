/**
 * The manifest Lambda@Edge function: one association on `*._m3u8`, to a
 * published version in us-east-1, inside the trigger's limits, configured
 * through its closure rather than environment variables (which Lambda@Edge
 * rejects).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ORDERED_BEHAVIORS } from "../../../contract/behaviors";
import {
  EDGE_MEMORY_LIMIT_MB,
  EDGE_TIMEOUT_LIMIT_SECONDS,
  EDGE_TRIGGERS,
  type EdgeTrigger,
} from "../../../contract/limits";
import {
  T,
  componentOf,
  componentPatterns,
  isRecord,
  knownItems,
  knownOr,
  providerRegion,
  tryKnown,
  type ResourceView,
} from "../resources";
import type { Component } from "../conventions";
import { actionCovers, parsePolicyDocument } from "../iam-document";
import { cacheBehaviors, configWithDefaults, isExempt, schemaWithExemptions } from "../support";

/** Lambda@Edge's region: functions are created there and replicated. */
export const EDGE_REGION = "us-east-1";
/** Node.js runtimes Lambda@Edge accepts that Lambda still lets you create (AWS docs, Lambda@Edge restrictions). */
export const EDGE_NODE_RUNTIMES = ["nodejs22.x", "nodejs20.x"];
/** Lambda defaults when timeout / memorySize are not set. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const LAMBDA_DEFAULT_MEMORY_MB = 128;

const MANIFEST_PATTERN =
  ORDERED_BEHAVIORS.find((behavior) => behavior.manifestEdgeFunction)?.pathPattern ?? "*._m3u8";
/** A numbered version of a function in us-east-1 (not $LATEST, not an alias, not unqualified). */
const QUALIFIED_EDGE_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:([A-Za-z0-9_-]+):(\d+)$/;

interface EdgeConfig {
  exemptResources: string[];
  supportedRuntimes: string[];
  componentPatterns?: Partial<Record<Component, string>>;
}

const COMPONENT_PATTERNS_SCHEMA = {
  type: "object",
  description:
    "Regular expressions (case-insensitive) that recognise a component from a resource's or its parent's name when it carries no signed-hls-cdn:component tag.",
  properties: { signer: { type: "string" }, edge: { type: "string" }, rotation: { type: "string" } },
} as const;

export const edgeFunctionConstraints: ResourceValidationPolicy = {
  name: "edge-function-constraints",
  description:
    "The manifest edge function is replicated by Lambda@Edge, which rejects environment variables, layers and VPC settings, runs " +
    "only functions created in us-east-1, only published versions, only its supported Node.js runtimes, and only roles that " +
    "both lambda.amazonaws.com and edgelambda.amazonaws.com may assume. Fix: create the function with a us-east-1 provider, " +
    "publish: true, no environment (capture configuration in the callback's closure), no layers or vpcConfig, runtime " +
    "nodejs22.x, and a role trusting both service principals.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions({
    supportedRuntimes: {
      type: "array",
      items: { type: "string" },
      default: EDGE_NODE_RUNTIMES,
      description: "Runtimes accepted for the edge function.",
    },
    componentPatterns: COMPONENT_PATTERNS_SCHEMA,
  }),
  validateResource: (args, reportViolation) => {
    if (args.type !== T.lambdaFunction && args.type !== T.role) return;
    const config = configWithDefaults<EdgeConfig>(args, {
      exemptResources: [],
      supportedRuntimes: EDGE_NODE_RUNTIMES,
    });
    if (isExempt(args, config) || componentOf(args, componentPatterns(config)) !== "edge") return;
    if (args.type === T.role) {
      checkEdgeTrust(args.props.assumeRolePolicy, reportViolation);
      return;
    }
    const environment = args.props.environment;
    if (isRecord(environment)) {
      const variables = knownOr(() => environment.variables, {});
      if (!isRecord(variables) || Object.keys(variables).length > 0) {
        reportViolation(
          "the edge function has environment variables; Lambda@Edge rejects them. Capture configuration in the closure.",
        );
      }
    }
    const runtime = args.props.runtime;
    if (typeof runtime !== "string" || !config.supportedRuntimes.includes(runtime)) {
      reportViolation(
        `the edge function's runtime "${String(runtime)}" is not one of ${config.supportedRuntimes.join(", ")}.`,
      );
    }
    if (args.props.publish !== true) {
      reportViolation(
        "the edge function is not published (publish: true); CloudFront can only associate a numbered version.",
      );
    }
    if (knownItems(args.props.layers).length > 0)
      reportViolation("the edge function uses layers; Lambda@Edge does not support them.");
    if (isRecord(args.props.vpcConfig))
      reportViolation("the edge function has a vpcConfig; Lambda@Edge does not support VPC access.");
    const region = providerRegion(args);
    if (region !== EDGE_REGION) {
      reportViolation(
        `the edge function's provider region is "${region ?? "not set"}"; it must be created with a ${EDGE_REGION} provider.`,
      );
    }
  },
};

const EDGE_PRINCIPALS = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"];

/** Lambda@Edge replicates a function only when its role trusts both Lambda and edgelambda. */
function checkEdgeTrust(document: unknown, reportViolation: (message: string) => void): void {
  let statements;
  try {
    statements = parsePolicyDocument(document);
  } catch (error) {
    reportViolation(`the edge role's assumeRolePolicy: ${(error as Error).message}.`);
    return;
  }
  const trusted = new Set<string>();
  for (const statement of statements) {
    if (
      statement.effect !== "Allow" ||
      !statement.actions.some((action) => actionCovers(action, "sts:AssumeRole"))
    )
      continue;
    const principal = statement.principal;
    const services = isRecord(principal) ? principal.Service : undefined;
    for (const service of Array.isArray(services) ? services : [services])
      if (typeof service === "string") trusted.add(service);
  }
  const missing = EDGE_PRINCIPALS.filter((service) => !trusted.has(service));
  if (missing.length > 0)
    reportViolation(`the edge role does not let ${missing.join(" and ")} assume it; Lambda@Edge needs both.`);
}

/** Finds the function an association points to: by name in the ARN, by dependency, or the one edge component function. */
function resolveEdgeFunction(
  functionName: string | undefined,
  distribution: ResourceView,
  functions: ResourceView[],
  patterns: Record<Component, string>,
): ResourceView | undefined {
  if (functionName) {
    const byName = functions.filter((fn) => knownOr(() => fn.props.name, undefined) === functionName);
    if (byName.length === 1) return byName[0];
  }
  const dependencies = (distribution.propertyDependencies?.orderedCacheBehaviors ?? []).filter(
    (dep) => dep.type === T.lambdaFunction,
  );
  if (dependencies.length === 1) return dependencies[0];
  const edge = functions.filter((fn) => componentOf(fn, patterns) === "edge");
  return edge.length === 1 ? edge[0] : undefined;
}

export const manifestEdgeAssociation: StackValidationPolicy = {
  name: "manifest-edge-association",
  description:
    `The "${MANIFEST_PATTERN}" behavior must have exactly one Lambda@Edge association, on a viewer-request or origin-request ` +
    "event, whose lambdaArn is a published version (qualified ARN) of a function created in us-east-1, with timeout and memory " +
    "within that trigger's limits (contract/limits.ts: viewer-request 5 s / 128 MB, origin-request 30 s / 10240 MB). Fix: " +
    "associate edgeFunction.qualifiedArn (publish: true, us-east-1 provider) once, and size timeout/memorySize for the trigger.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { componentPatterns: COMPONENT_PATTERNS_SCHEMA } },
  validateStack: (args, reportViolation) => {
    const config = configWithDefaults<Pick<EdgeConfig, "componentPatterns">>(args, {});
    const patterns = componentPatterns(config);
    const functions = args.resources.filter(
      (resource) => resource.type === T.lambdaFunction,
    ) as ResourceView[];
    for (const distribution of args.resources.filter(
      (resource) => resource.type === T.distribution,
    ) as ResourceView[]) {
      const report = (message: string) => reportViolation(message, distribution.urn);
      const manifest = cacheBehaviors(distribution.props).find(
        (behavior) => behavior.pathPattern === MANIFEST_PATTERN,
      );
      if (!manifest) {
        report(
          `the distribution has no "${MANIFEST_PATTERN}" behavior, so playlists are never signed by the edge function.`,
        );
        continue;
      }
      const list = tryKnown(() => manifest.props.lambdaFunctionAssociations);
      if (!list.known) continue; // computed during preview; checked when known
      const associations = knownItems(list.value);
      if (associations.length !== 1) {
        report(
          `${manifest.label} has ${associations.length} Lambda@Edge associations; it must have exactly one (the manifest function).`,
        );
        if (associations.length === 0) continue;
      }
      const association = associations[0];
      if (!isRecord(association)) continue;
      const eventType = knownOr(() => association.eventType, undefined);
      const trigger = EDGE_TRIGGERS.includes(eventType as EdgeTrigger)
        ? (eventType as EdgeTrigger)
        : undefined;
      if (!trigger)
        report(
          `${manifest.label} associates the edge function on "${String(eventType)}"; use one of ${EDGE_TRIGGERS.join(", ")}.`,
        );
      const arn = tryKnown(() => association.lambdaArn);
      let functionName: string | undefined;
      if (arn.known) {
        const match = typeof arn.value === "string" ? QUALIFIED_EDGE_ARN.exec(arn.value) : null;
        if (!match) {
          report(
            `${manifest.label} associates "${String(arn.value)}", which is not a published version (qualified ARN ending in :<version>).`,
          );
        } else {
          functionName = match[2];
          if (match[1] !== EDGE_REGION)
            report(
              `${manifest.label} associates a function in ${match[1]}; Lambda@Edge functions live in ${EDGE_REGION}.`,
            );
        }
      }
      const fn = resolveEdgeFunction(functionName, distribution, functions, patterns);
      if (!fn) {
        report(
          `cannot find the edge function of ${manifest.label} in this stack; define it here, tagged or named as the edge component.`,
        );
        continue;
      }
      const region = providerRegion(fn);
      if (region !== EDGE_REGION)
        report(
          `edge function "${fn.name}" is created with provider region "${region ?? "not set"}"; use a ${EDGE_REGION} provider.`,
        );
      if (knownOr(() => fn.props.publish, true) !== true)
        report(`edge function "${fn.name}" is not published; CloudFront needs a numbered version.`);
      if (!trigger) continue;
      const timeout = knownOr(() => fn.props.timeout, undefined) ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS;
      const memory = knownOr(() => fn.props.memorySize, undefined) ?? LAMBDA_DEFAULT_MEMORY_MB;
      if (typeof timeout === "number" && timeout > EDGE_TIMEOUT_LIMIT_SECONDS[trigger]) {
        report(
          `edge function "${fn.name}" has timeout ${timeout} s; a ${trigger} trigger allows at most ${EDGE_TIMEOUT_LIMIT_SECONDS[trigger]} s.`,
        );
      }
      if (typeof memory === "number" && memory > EDGE_MEMORY_LIMIT_MB[trigger]) {
        report(
          `edge function "${fn.name}" has memorySize ${memory} MB; a ${trigger} trigger allows at most ${EDGE_MEMORY_LIMIT_MB[trigger]} MB.`,
        );
      }
    }
  },
};
