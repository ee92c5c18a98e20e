/**
 * Least-privilege roles for the three Lambdas: one role per function, exact
 * resource ARNs, named actions only, and AWSLambdaBasicExecutionRole for logs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BASIC_EXECUTION_POLICY_ARN } from "./lambda-packaging";
import { COMPONENT_TAG, type Component } from "./policy/conventions";

export interface PolicyStatementInput {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  /**
   * Exact ARNs. `"*"` only for CloudFront key-group and public-key actions,
   * which support no resource-level permissions (IAM service authorization
   * reference for CloudFront).
   */
  readonly Resource: pulumi.Input<pulumi.Input<string>[]> | "*";
}

/** Services that may assume a function's role. */
export const LAMBDA_TRUST = ["lambda.amazonaws.com"] as const;
export const EDGE_LAMBDA_TRUST = ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] as const;

export function assumeRolePolicy(services: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: [...services] }, Action: "sts:AssumeRole" }],
  });
}

/** Reading the active key: the two SSM parameters and the two secrets, nothing else. */
export function readActiveKeyStatements(
  parameterArns: pulumi.Input<string>[],
  secretArns: pulumi.Input<string>[],
): PolicyStatementInput[] {
  return [
    {
      Sid: "ReadActiveKeyParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters"],
      Resource: parameterArns,
    },
    {
      Sid: "ReadSigningSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: secretArns,
    },
  ];
}

export interface RotationPermissions {
  readonly parameterArns: pulumi.Input<string>[];
  readonly secretArns: pulumi.Input<string>[];
  readonly distributionArn: pulumi.Input<string>;
}

/** The rotation of docs/ARCHITECTURE.md: write parameters and secrets, swap public keys in the key groups. */
export function rotationStatements(permissions: RotationPermissions): PolicyStatementInput[] {
  return [
    {
      Sid: "ReadWriteRotationParameters",
      Effect: "Allow",
      Action: ["ssm:GetParameters", "ssm:PutParameter"],
      Resource: permissions.parameterArns,
    },
    {
      Sid: "ReadWriteSigningSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
      Resource: permissions.secretArns,
    },
    {
      Sid: "ManageSigningPublicKeys",
      Effect: "Allow",
      Action: [
        "cloudfront:CreatePublicKey",
        "cloudfront:DeletePublicKey",
        "cloudfront:GetPublicKey",
        "cloudfront:ListPublicKeys",
        "cloudfront:GetKeyGroup",
        "cloudfront:UpdateKeyGroup",
      ],
      Resource: "*",
    },
    {
      Sid: "WatchDistributionDeployment",
      Effect: "Allow",
      Action: ["cloudfront:GetDistribution"],
      Resource: [permissions.distributionArn],
    },
  ];
}

export interface LambdaRoleArgs {
  /** Which function the role serves (tagged, so the policy pack tells the roles apart). */
  readonly component: Component;
  readonly trust: readonly string[];
  readonly statements: PolicyStatementInput[];
  readonly description: string;
}

/** A role with the given trust and one inline policy, plus the logs-only managed policy. */
export function createLambdaRole(name: string, args: LambdaRoleArgs, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: assumeRolePolicy(args.trust),
      description: args.description,
      tags: { [COMPONENT_TAG]: args.component },
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-logs`,
    { role: role.name, policyArn: BASIC_EXECUTION_POLICY_ARN },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.name,
      policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: args.statements }),
    },
    { parent },
  );
  return role;
}
