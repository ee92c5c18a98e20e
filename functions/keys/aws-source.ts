/**
 * KeySourcePort over SSM Parameter Store and Secrets Manager in the stack's
 * region. Clients are created on first use: the object is captured in a
 * Pulumi-serialized closure and must hold nothing but plain data until then.
 */
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { KeySourcePort } from "./ports";

export class AwsKeySource implements KeySourcePort {
  private ssm: SSMClient | undefined;
  private secrets: SecretsManagerClient | undefined;

  constructor(private readonly region: string) {}

  async readParameters(names: readonly string[]): Promise<Map<string, string>> {
    this.ssm ??= new SSMClient({ region: this.region });
    const result = await this.ssm.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
    const values = new Map<string, string>();
    for (const parameter of result.Parameters ?? []) {
      if (parameter.Name && typeof parameter.Value === "string") values.set(parameter.Name, parameter.Value);
    }
    return values;
  }

  async readSecret(secretId: string): Promise<string> {
    this.secrets ??= new SecretsManagerClient({ region: this.region });
    const result = await this.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (typeof result.SecretString !== "string") throw new Error(`secret ${secretId} has no string value`);
    return result.SecretString;
  }
}
