/**
 * What goes into (and stays out of) the Lambda archives built from callbacks.
 * The Node.js Lambda runtimes ship AWS SDK v3, and @pulumi/* is deploy-time
 * only, so both are kept out of every archive: the edge package then holds the
 * serialized closure alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Runtime of every function (Lambda@Edge supports it too). */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** AWS managed policy granting CloudWatch Logs writes, nothing else. */
export const BASIC_EXECUTION_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/**
 * Packages provided by the Lambda runtime or needed only while deploying. @smithy/* (the
 * SDK's own signing and hashing, which the application's signer client uses) ships with
 * the runtime's SDK v3 too, and no Lambda imports it: kept out, the archives stay as they were.
 */
export function excludedPackages(packageJsonPath = path.join(__dirname, "..", "package.json")): string[] {
  const manifest = JSON.parse(fs.readFileSync(packageJsonPath, "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(manifest.dependencies ?? {})
    .filter((name) => ["@pulumi/", "@aws-sdk/", "@smithy/"].some((scope) => name.startsWith(scope)))
    .sort();
}

export function lambdaCodePathOptions(): pulumi.runtime.CodePathOptions {
  return { extraExcludePackages: excludedPackages() };
}

/**
 * A regional function's own log group with the stack's retention, named to the
 * function through its logging config (Lambda otherwise creates
 * `/aws/lambda/<name>` on first write, kept forever):
 * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html
 */
export function regionalLogGroup(name: string, retentionInDays: number, parent: pulumi.Resource) {
  return new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { namePrefix: `/aws/lambda/signed-hls-cdn-${name}-`, retentionInDays },
    { parent },
  );
}
