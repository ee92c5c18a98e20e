/**
 * Rotation: the regional rotation Lambda (a Pulumi callback) and the
 * EventBridge rule that runs it on the stack's schedule. It can always be
 * invoked by hand (`aws lambda invoke`), schedule enabled or not.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_TRUST, type PolicyStatementInput } from "../iam";
import { COMPONENT_TAG, rotationTimingTags, type RotationTimingField } from "../policy/conventions";
import { createLambdaWithRole } from "./lambda-with-role";

export interface RotationArgs {
  readonly callbackFactory: aws.lambda.CallbackFactory<unknown, unknown>;
  readonly statements: PolicyStatementInput[];
  /** EventBridge schedule expression, e.g. `rate(90 days)`. */
  readonly schedule: string;
  readonly scheduleEnabled: boolean;
  /** Seconds; the rotation waits for the distribution to deploy, so generous. */
  readonly timeout?: number;
  /** The numbers of the rotation invariant, tagged on the function and rule for the policy pack. */
  readonly timing: Record<RotationTimingField, number>;
  readonly logRetentionDays: number;
}

/**
 * Asynchronous invocations (EventBridge's) that fail are retried this often,
 * then land in the failure queue: explicit, not Lambda's default of two
 * retries and a silent drop (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 * Each run is fenced by the rotation's lease, so a retry never doubles a write.
 */
export const ROTATION_ASYNC_RETRIES = 2;
export const ROTATION_ASYNC_MAX_EVENT_AGE_SECONDS = 3600;

export class RotationFunction extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly rule: aws.cloudwatch.EventRule;
  /** Where failed asynchronous invocations go, after the retries. */
  readonly failureQueue: aws.sqs.Queue;

  constructor(name: string, args: RotationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:rotation:RotationFunction", name, {}, opts);
    const child = { parent: this };
    const tags = { [COMPONENT_TAG]: "rotation", ...rotationTimingTags(args.timing) };
    this.failureQueue = new aws.sqs.Queue(
      `${name}-failures`,
      {
        messageRetentionSeconds: 14 * 86400,
        sqsManagedSseEnabled: true,
        tags: { [COMPONENT_TAG]: "rotation" },
      },
      child,
    );
    const lambda = createLambdaWithRole(
      name,
      {
        component: "rotation",
        trust: LAMBDA_TRUST,
        // Lambda sends to an on-failure destination with the function's role.
        statements: [
          ...args.statements,
          {
            Sid: "ReportFailedInvocations",
            Effect: "Allow",
            Action: ["sqs:SendMessage"],
            Resource: [this.failureQueue.arn],
          },
        ],
        roleDescription: "signed-hls-cdn rotation: replace signing keys",
        description: "Rotates the CloudFront signing key without breaking valid URLs",
        callbackFactory: args.callbackFactory,
        architecture: "arm64",
        memorySize: 256,
        timeout: args.timeout ?? 900,
        tags,
        logRetentionDays: args.logRetentionDays,
      },
      this,
    );
    this.role = lambda.role;
    this.function = lambda.function;
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-async`,
      {
        functionName: this.function.name,
        maximumRetryAttempts: ROTATION_ASYNC_RETRIES,
        maximumEventAgeInSeconds: ROTATION_ASYNC_MAX_EVENT_AGE_SECONDS,
        destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
      },
      child,
    );
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      {
        description: "signed-hls-cdn key rotation schedule",
        scheduleExpression: args.schedule,
        state: args.scheduleEnabled ? "ENABLED" : "DISABLED",
        tags,
      },
      child,
    );
    const permission = new aws.lambda.Permission(
      `${name}-schedule-permission`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-schedule-target`,
      // No input: the handler sees EventBridge's own scheduled event and never forces or dry-runs on it.
      { rule: this.rule.name, arn: this.function.arn },
      { ...child, dependsOn: [permission] },
    );
    this.registerOutputs({ functionName: this.function.name, schedule: this.rule.scheduleExpression });
  }
}
