/**
 * One Lambda built from a Pulumi callback with its own least-privilege role
 * (infra/iam.ts: the role, the logs-only managed policy, one inline policy)
 * and, for a regional function, its own log group: what the signer, the
 * rotation and the manifest edge function share. Their differences are the
 * arguments (trust, architecture, publish, provider, log group); the
 * resources keep the names `<name>`, `<name>-role`, `<name>-role-logs`,
 * `<name>-role-policy` and `<name>-logs` under the calling component.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { createLambdaRole, type PolicyStatementInput } from "../iam";
import { LAMBDA_RUNTIME, lambdaCodePathOptions, regionalLogGroup } from "../lambda-packaging";
import type { Component } from "../policy/conventions";

export interface LambdaWithRoleArgs {
  /** Which function this is (tagged on the role, so the policy pack tells the roles apart). */
  readonly component: Component;
  /** Services that may assume the role: `LAMBDA_TRUST`, or `EDGE_LAMBDA_TRUST` for Lambda@Edge. */
  readonly trust: readonly string[];
  /** The role's inline policy: exact ARNs, named actions. */
  readonly statements: PolicyStatementInput[];
  readonly roleDescription: string;
  readonly description: string;
  /** Builds the handler once per cold start (infra/entrypoints.ts). */
  readonly callbackFactory: aws.lambda.CallbackFactory<unknown, unknown>;
  /** `arm64` for the regional functions; Lambda@Edge runs `x86_64` only. */
  readonly architecture: "arm64" | "x86_64";
  readonly memorySize: number;
  readonly timeout: number;
  readonly tags: Record<string, string>;
  /**
   * Regional functions: their own log group with this retention, named to the function through its
   * logging config (infra/lambda-packaging.ts). Absent for Lambda@Edge, which logs in each edge region.
   */
  readonly logRetentionDays?: number;
  /** Publish a numbered version on every change (what a CloudFront association needs). Default off. */
  readonly publish?: boolean;
}

export interface LambdaWithRole {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
}

/**
 * `parent`: the component that owns the resources. `functionOptions`: extra options for the
 * function alone (the edge function's us-east-1 provider and retainOnDelete).
 */
export function createLambdaWithRole(
  name: string,
  args: LambdaWithRoleArgs,
  parent: pulumi.ComponentResource,
  functionOptions: pulumi.CustomResourceOptions = {},
): LambdaWithRole {
  const role = createLambdaRole(
    `${name}-role`,
    {
      component: args.component,
      trust: args.trust,
      statements: args.statements,
      description: args.roleDescription,
    },
    parent,
  );
  const logs =
    args.logRetentionDays === undefined ? undefined : regionalLogGroup(name, args.logRetentionDays, parent);
  const lambda = new aws.lambda.CallbackFunction(
    name,
    {
      ...(logs ? { loggingConfig: { logFormat: "Text", logGroup: logs.name } } : {}),
      description: args.description,
      callbackFactory: args.callbackFactory,
      role,
      runtime: LAMBDA_RUNTIME,
      architectures: [args.architecture],
      memorySize: args.memorySize,
      timeout: args.timeout,
      ...(args.publish ? { publish: true } : {}),
      codePathOptions: lambdaCodePathOptions(),
      tags: args.tags,
    },
    { ...functionOptions, parent },
  );
  return { role, function: lambda };
}
