/**
 * ManifestEdgeFunction: the Lambda@Edge function that rewrites playlists.
 * Created through a us-east-1 provider (Lambda@Edge's home region), published
 * (CloudFront associates a numbered version), trusted by edgelambda, with no
 * environment variables (Lambda@Edge has none: the configuration is captured
 * in the closure at deploy time) and the trigger's timeout/memory limits.
 *
 * retainOnDelete: CloudFront keeps replicas of an edge function for hours
 * after the association is removed, and deleting it fails until they are
 * gone. `pulumi destroy` therefore leaves the function behind; delete it
 * later by hand (see the README's deploy section).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EDGE_MEMORY_LIMIT_MB, EDGE_TIMEOUT_LIMIT_SECONDS, type EdgeTrigger } from "../../contract/limits";
import { EDGE_LAMBDA_TRUST, type PolicyStatementInput } from "../iam";
import { COMPONENT_TAG, IP_BINDING_TAG, type IpBinding } from "../policy/conventions";
import { createLambdaWithRole } from "./lambda-with-role";

/** Lambda@Edge functions live in us-east-1, whatever the stack's region. */
export const EDGE_FUNCTION_REGION = "us-east-1";

export interface ManifestEdgeFunctionArgs {
  /** Whether the function accepts IP-bound grants (tagged for the policy pack's ipv6-without-ip-binding). */
  readonly ipBinding: IpBinding;
  readonly callbackFactory: aws.lambda.CallbackFactory<unknown, unknown>;
  readonly statements: PolicyStatementInput[];
  readonly trigger: EdgeTrigger;
  /**
   * The us-east-1 provider's arguments: the stack's own `aws:` settings (profile, assumed roles,
   * allowed account ids) with the region replaced (infra/aws-account.ts).
   */
  readonly providerArgs: aws.ProviderArgs;
  readonly memorySize: number;
  readonly timeout: number;
}

export class ManifestEdgeFunction extends pulumi.ComponentResource {
  readonly provider: aws.Provider;
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  /** `arn:...:function:name:N`, what the CloudFront association needs. */
  readonly versionArn: pulumi.Output<string>;

  constructor(name: string, args: ManifestEdgeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:edge:ManifestEdgeFunction", name, {}, opts);
    if (
      args.timeout > EDGE_TIMEOUT_LIMIT_SECONDS[args.trigger] ||
      args.memorySize > EDGE_MEMORY_LIMIT_MB[args.trigger]
    ) {
      throw new Error(
        `manifest edge function: ${args.trigger} allows at most ${EDGE_TIMEOUT_LIMIT_SECONDS[args.trigger]} s and ` +
          `${EDGE_MEMORY_LIMIT_MB[args.trigger]} MB (asked ${args.timeout} s, ${args.memorySize} MB)`,
      );
    }
    this.provider = new aws.Provider(
      `${name}-${EDGE_FUNCTION_REGION}`,
      { ...args.providerArgs, region: EDGE_FUNCTION_REGION },
      { parent: this },
    );
    // No log group: Lambda@Edge creates its log streams in each region where it runs
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/edge-functions-logs.html).
    const lambda = createLambdaWithRole(
      name,
      {
        component: "edge",
        trust: EDGE_LAMBDA_TRUST,
        statements: args.statements,
        roleDescription: "signed-hls-cdn manifest edge function",
        description: `Signs every URI of HLS playlists (${args.trigger})`,
        callbackFactory: args.callbackFactory,
        // Lambda@Edge runs x86_64 only.
        architecture: "x86_64",
        memorySize: args.memorySize,
        timeout: args.timeout,
        publish: true,
        tags: { [COMPONENT_TAG]: "edge", [IP_BINDING_TAG]: args.ipBinding },
      },
      this,
      { provider: this.provider, retainOnDelete: true },
    );
    this.role = lambda.role;
    this.function = lambda.function;
    this.versionArn = this.function.qualifiedArn;
    this.registerOutputs({ functionName: this.function.name, versionArn: this.versionArn });
  }
}
