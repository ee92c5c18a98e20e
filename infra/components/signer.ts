/**
 * Signer: the regional signing Lambda (a Pulumi callback) and its Function URL.
 * The URL uses AWS_IAM auth: only principals the app grants
 * `lambda:InvokeFunctionUrl` reach it, never anonymous callers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_TRUST, type PolicyStatementInput } from "../iam";
import { COMPONENT_TAG, IP_BINDING_TAG, type IpBinding } from "../policy/conventions";
import { createLambdaWithRole } from "./lambda-with-role";

export interface SignerArgs {
  /** Whether the function accepts IP-bound grants (tagged for the policy pack's ipv6-without-ip-binding). */
  readonly ipBinding: IpBinding;
  /** Builds the request handler once per cold start (see infra/entrypoints.ts). */
  readonly callbackFactory: aws.lambda.CallbackFactory<unknown, unknown>;
  /** What the function may read: its two parameters and the two secrets. */
  readonly statements: PolicyStatementInput[];
  readonly memorySize?: number;
  readonly timeout?: number;
  readonly logRetentionDays: number;
}

export class SignerFunction extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  readonly functionUrl: aws.lambda.FunctionUrl;

  constructor(name: string, args: SignerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("signed-hls-cdn:signer:SignerFunction", name, {}, opts);
    const lambda = createLambdaWithRole(
      name,
      {
        component: "signer",
        trust: LAMBDA_TRUST,
        statements: args.statements,
        roleDescription: "signed-hls-cdn signer: read the active key",
        description: "Signs CloudFront URLs and cookies for callers the app has authorised",
        callbackFactory: args.callbackFactory,
        architecture: "arm64",
        memorySize: args.memorySize ?? 256,
        timeout: args.timeout ?? 10,
        tags: { [COMPONENT_TAG]: "signer", [IP_BINDING_TAG]: args.ipBinding },
        logRetentionDays: args.logRetentionDays,
      },
      this,
    );
    this.role = lambda.role;
    this.function = lambda.function;
    this.functionUrl = new aws.lambda.FunctionUrl(
      `${name}-url`,
      { functionName: this.function.name, authorizationType: "AWS_IAM" },
      { parent: this },
    );
    this.registerOutputs({ functionName: this.function.name, functionUrl: this.functionUrl.functionUrl });
  }
}
