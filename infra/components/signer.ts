/**
 * Signer: the regional signing Lambda (a Pulumi callback) and its Function URL.
 * The URL uses AWS_IAM auth: only principals the app grants
 * `lambda:InvokeFunctionUrl` reach it, never anonymous callers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaRole, LAMBDA_TRUST, type PolicyStatementInput } from "../iam";
import { LAMBDA_RUNTIME, lambdaCodePathOptions, regionalLogGroup } from "../lambda-packaging";
import { COMPONENT_TAG, IP_BINDING_TAG, type IpBinding } from "../policy/conventions";

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
    this.role = createLambdaRole(
      `${name}-role`,
      {
        component: "signer",
        trust: LAMBDA_TRUST,
        statements: args.statements,
        description: "signed-hls-cdn signer: read the active key",
      },
      this,
    );
    const logs = regionalLogGroup(name, args.logRetentionDays, this);
    this.function = new aws.lambda.CallbackFunction(
      name,
      {
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
        description: "Signs CloudFront URLs and cookies for callers the app has authorised",
        callbackFactory: args.callbackFactory,
        role: this.role,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        memorySize: args.memorySize ?? 256,
        timeout: args.timeout ?? 10,
        codePathOptions: lambdaCodePathOptions(),
        tags: { [COMPONENT_TAG]: "signer", [IP_BINDING_TAG]: args.ipBinding },
      },
      { parent: this },
    );
    this.functionUrl = new aws.lambda.FunctionUrl(
      `${name}-url`,
      { functionName: this.function.name, authorizationType: "AWS_IAM" },
      { parent: this },
    );
    this.registerOutputs({ functionName: this.function.name, functionUrl: this.functionUrl.functionUrl });
  }
}
