/**
 * Least privilege for the roles of this stack's Lambdas: exact actions on
 * exact ARNs, no AWS managed FullAccess policies, read-only signers, and
 * only the rotation role writing the key parameters and secrets.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { parameterNames } from "../../../functions/keys/types";
import type { Component } from "../conventions";
import {
  actionCovers,
  describeStatement,
  parsePolicyDocument,
  serviceOf,
  type Statement,
} from "../iam-document";
import { T, componentOf, componentPatterns, isRecord, knownItems, knownOr } from "../resources";
import { COMPONENT_PATTERNS_SCHEMA, configWithDefaults, isExempt, schemaWithExemptions } from "../support";

/** Actions without resource-level permissions: IAM only accepts `Resource: "*"` for them. */
export const WILDCARD_RESOURCE_ACTIONS = [
  // CloudFront public keys and key groups have no IAM resource type (Service Authorization Reference).
  "cloudfront:CreatePublicKey",
  "cloudfront:GetPublicKey",
  "cloudfront:GetPublicKeyConfig",
  "cloudfront:UpdatePublicKey",
  "cloudfront:DeletePublicKey",
  "cloudfront:ListPublicKeys",
  "cloudfront:CreateKeyGroup",
  "cloudfront:GetKeyGroup",
  "cloudfront:GetKeyGroupConfig",
  "cloudfront:UpdateKeyGroup",
  "cloudfront:DeleteKeyGroup",
  "cloudfront:ListKeyGroups",
  "ssm:DescribeParameters",
  "secretsmanager:GetRandomPassword",
  "secretsmanager:ListSecrets",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "cloudwatch:PutMetricData",
];

/** What a signer (and the edge function, which signs too) may do: read its key, write its logs. */
export const READER_ALLOWED_ACTIONS = [
  "ssm:GetParameter",
  "ssm:GetParameters",
  "secretsmanager:GetSecretValue",
  "kms:Decrypt",
  "logs:CreateLogGroup",
  "logs:CreateLogStream",
  "logs:PutLogEvents",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
];

/** Actions that change SSM parameters or Secrets Manager secrets: the rotation's alone. */
const KEY_STORE_WRITE_ACTIONS = [
  "ssm:PutParameter",
  "ssm:DeleteParameter",
  "ssm:DeleteParameters",
  "ssm:LabelParameterVersion",
  "ssm:UnlabelParameterVersion",
  "ssm:AddTagsToResource",
  "ssm:RemoveTagsFromResource",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecret",
  "secretsmanager:UpdateSecretVersionStage",
  "secretsmanager:CreateSecret",
  "secretsmanager:DeleteSecret",
  "secretsmanager:RestoreSecret",
  "secretsmanager:RotateSecret",
  "secretsmanager:CancelRotateSecret",
  "secretsmanager:PutResourcePolicy",
  "secretsmanager:DeleteResourcePolicy",
  "secretsmanager:TagResource",
  "secretsmanager:UntagResource",
];

/** The parameters a signer reads (`<prefix>/active-key-id`, `<prefix>/active-secret-arn`), by their name's ending. */
const { activeKeyId, activeSecretArn } = parameterNames("");
export const READER_PARAMETER_SUFFIXES = [activeKeyId, activeSecretArn];

/** AWS managed policies that grant far more than any function here needs. */
const BROAD_MANAGED_POLICY =
  /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?[^/]*(FullAccess|PowerUser|AdministratorAccess)[^/]*$/i;

interface LeastPrivilegeConfig {
  exemptResources: string[];
  wildcardResourceActions: string[];
  readerAllowedActions: string[];
  maxSecretsPerReader: number;
  componentPatterns?: Partial<Record<Component, string>>;
}

const DEFAULTS: LeastPrivilegeConfig = {
  exemptResources: [],
  wildcardResourceActions: WILDCARD_RESOURCE_ACTIONS,
  readerAllowedActions: READER_ALLOWED_ACTIONS,
  maxSecretsPerReader: 2,
};

/** Policy documents and managed policy ARNs a resource grants, with where they come from. */
function grants(
  type: string,
  props: Record<string, unknown>,
): { documents: [string, unknown][]; managedArns: string[] } {
  const documents: [string, unknown][] = [];
  const managedArns: string[] = [];
  if (type === T.rolePolicy || type === T.policy) documents.push(["policy", props.policy]);
  if (type === T.rolePolicyAttachment || type === T.policyAttachment) {
    const arn = knownOr(() => props.policyArn, undefined);
    if (typeof arn === "string") managedArns.push(arn);
  }
  if (type === T.role) {
    knownItems(props.inlinePolicies).forEach((inline, index) => {
      if (isRecord(inline) && inline.policy !== undefined)
        documents.push([`inlinePolicies[${index}]`, inline.policy]);
    });
    for (const arn of knownItems(props.managedPolicyArns)) if (typeof arn === "string") managedArns.push(arn);
  }
  return { documents, managedArns };
}

/** `arn:aws:secretsmanager:r:a:secret:name-AbCdEf` -> the ARN; `*` or `secret:*` are not specific. */
function isSpecificArn(resource: string, service: "ssm" | "secretsmanager"): boolean {
  if (service === "ssm") return /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[^*?]+/.test(resource);
  return /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[^*?]+/.test(resource);
}

function checkStatement(
  statement: Statement,
  label: string,
  component: Component | undefined,
  config: LeastPrivilegeConfig,
  report: (message: string) => void,
  readerSecrets: Set<string>,
): void {
  if (statement.effect !== "Allow") return;
  if (statement.notActions.length > 0)
    report(`${label} allows NotAction, which grants every other action; list the actions instead.`);
  if (statement.notResources.length > 0)
    report(`${label} allows NotResource, which grants every other resource; list the ARNs instead.`);
  for (const action of statement.actions) {
    if (action === "*" || /^[a-z0-9-]+:\*$/i.test(action))
      report(`${label} allows the wildcard action "${action}"; name the exact actions.`);
  }
  if (statement.resources.includes("*")) {
    const needingArns = statement.actions.filter(
      (action) =>
        !config.wildcardResourceActions.some((allowed) => allowed.toLowerCase() === action.toLowerCase()),
    );
    if (needingArns.length > 0)
      report(
        `${label} allows ${needingArns.join(", ")} on Resource "*"; these accept resource ARNs, so name them.`,
      );
  }
  if (component !== "rotation") {
    for (const action of statement.actions) {
      const writes = KEY_STORE_WRITE_ACTIONS.filter((write) => actionCovers(action, write));
      if (writes.length > 0) {
        report(
          `${label} lets a ${component ?? "non-rotation"} role write the key store (${action}); only the rotation role may.`,
        );
        break;
      }
    }
  }
  if (component === "signer" || component === "edge") {
    for (const action of statement.actions) {
      if (!config.readerAllowedActions.some((allowed) => allowed.toLowerCase() === action.toLowerCase())) {
        report(
          `${label} gives the ${component} role "${action}"; it may only read its parameters and the two secrets (${config.readerAllowedActions.join(", ")}).`,
        );
      }
    }
    for (const service of ["ssm", "secretsmanager"] as const) {
      if (!statement.actions.some((action) => serviceOf(action) === service)) continue;
      for (const resource of statement.resources) {
        if (resource === "*") continue; // already reported above
        if (!isSpecificArn(resource, service)) {
          report(
            `${label} gives the ${component} role ${service} access to "${resource}"; name the exact ARNs.`,
          );
        } else if (service === "secretsmanager") {
          readerSecrets.add(resource);
        } else if (!READER_PARAMETER_SUFFIXES.some((suffix) => resource.endsWith(suffix))) {
          report(
            `${label} gives the ${component} role "${resource}", which is not one of its key parameters ` +
              `(<prefix>${READER_PARAMETER_SUFFIXES.join(", <prefix>")}).`,
          );
        }
      }
    }
  }
}

export const leastPrivilege: ResourceValidationPolicy = {
  name: "least-privilege-iam",
  description:
    'Roles of this stack must grant exact actions on exact ARNs: no "*" or "service:*" action, no NotAction/NotResource, no ' +
    'Resource "*" for actions that accept ARNs, no AWS managed *FullAccess/PowerUser/AdministratorAccess policy (which ' +
    "aws.lambda.CallbackFunction attaches when no role is given). The signer and edge roles may only read their SSM parameters " +
    "and the two key secrets; only the rotation role may write parameters or secrets; no function URL or permission lets " +
    "anyone invoke. Fix: pass an explicit role to each " +
    "CallbackFunction with an inline policy naming the parameter and secret ARNs, and AWSLambdaBasicExecutionRole for logs; " +
    "give function URLs authorizationType AWS_IAM and permissions a named principal.",
  enforcementLevel: "mandatory",
  configSchema: schemaWithExemptions({
    wildcardResourceActions: {
      type: "array",
      items: { type: "string" },
      default: WILDCARD_RESOURCE_ACTIONS,
      description: 'Actions allowed on Resource "*" because they support no resource-level permission.',
    },
    readerAllowedActions: {
      type: "array",
      items: { type: "string" },
      default: READER_ALLOWED_ACTIONS,
      description: "The only actions signer and edge roles may have.",
    },
    maxSecretsPerReader: {
      type: "integer",
      default: 2,
      description: "How many distinct secrets one signer/edge policy may read (the two key secrets).",
    },
    componentPatterns: COMPONENT_PATTERNS_SCHEMA,
  }),
  validateResource: (args, reportViolation) => {
    const relevant: string[] = [
      T.role,
      T.rolePolicy,
      T.policy,
      T.rolePolicyAttachment,
      T.policyAttachment,
      T.functionUrl,
      T.lambdaPermission,
    ];
    if (!relevant.includes(args.type)) return;
    const config = configWithDefaults<LeastPrivilegeConfig>(args, DEFAULTS);
    if (isExempt(args, config)) return;
    if (args.type === T.functionUrl) {
      const auth = knownOr(() => args.props.authorizationType, "AWS_IAM");
      if (auth !== "AWS_IAM")
        reportViolation(
          `the function URL uses authorizationType "${String(auth)}"; anyone could invoke it. Use "AWS_IAM".`,
        );
      return;
    }
    if (args.type === T.lambdaPermission) {
      const principal = knownOr(() => args.props.principal, "");
      const urlAuth = knownOr(() => args.props.functionUrlAuthType, undefined);
      if (principal === "*" || urlAuth === "NONE")
        reportViolation(
          `the Lambda permission lets anyone invoke (principal "${String(principal)}"); name the calling service or account.`,
        );
      return;
    }
    const component = componentOf(args, componentPatterns(config));
    const { documents, managedArns } = grants(args.type, args.props);
    for (const arn of managedArns) {
      if (BROAD_MANAGED_POLICY.test(arn))
        reportViolation(
          `attaches the AWS managed policy ${arn}; grant the exact actions in an inline policy instead.`,
        );
    }
    const readerSecrets = new Set<string>();
    for (const [where, document] of documents) {
      let statements: Statement[];
      try {
        statements = parsePolicyDocument(document);
      } catch (error) {
        reportViolation(`${where}: ${(error as Error).message}.`);
        continue;
      }
      statements.forEach((statement, index) =>
        checkStatement(
          statement,
          `${where} ${describeStatement(statement, index)}`,
          component,
          config,
          reportViolation,
          readerSecrets,
        ),
      );
    }
    if (readerSecrets.size > config.maxSecretsPerReader) {
      reportViolation(
        `the ${component} role can read ${readerSecrets.size} secrets; it needs only the ${config.maxSecretsPerReader} key secrets.`,
      );
    }
  },
};
