/**
 * KeySourcePort over SSM Parameter Store and Secrets Manager in the stack's
 * region. Clients are created on first use: the object is captured in a
 * Pulumi-serialized closure and must hold nothing but plain data until then.
 * Each read ends by its deadline (KEY_READ_TIMEOUT_MS): the SDK sets no
 * overall time limit of its own, and its retries would run past an edge
 * function's timeout.
 */
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { KEY_READ_TIMEOUT_MS } from "./config";
import { withinDeadline } from "./deadline";
import type { KeySourcePort } from "./ports";

export class AwsKeySource implements KeySourcePort {
  private ssm: SSMClient | undefined;
  private secrets: SecretsManagerClient | undefined;

  constructor(
    private readonly region: string,
    private readonly timeoutMs = KEY_READ_TIMEOUT_MS,
  ) {}

  async readParameters(names: readonly string[]): Promise<Map<string, string>> {
    const ssm = (this.ssm ??= new SSMClient({ region: this.region }));
    const command = new GetParametersCommand({ Names: [...names], WithDecryption: true });
    const result = await this.bounded("SSM GetParameters", (abortSignal) =>
      ssm.send(command, { abortSignal }),
    );
    const values = new Map<string, string>();
    for (const parameter of result.Parameters ?? []) {
      if (parameter.Name && typeof parameter.Value === "string") values.set(parameter.Name, parameter.Value);
    }
    return values;
  }

  async readSecret(secretId: string): Promise<string> {
    const secrets = (this.secrets ??= new SecretsManagerClient({ region: this.region }));
    const command = new GetSecretValueCommand({ SecretId: secretId });
    const result = await this.bounded("Secrets Manager GetSecretValue", (abortSignal) =>
      secrets.send(command, { abortSignal }),
    );
    if (typeof result.SecretString !== "string") throw new Error(`secret ${secretId} has no string value`);
    return result.SecretString;
  }

  private async bounded<T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    const result = await withinDeadline(call, this.timeoutMs);
    if (result === "timeout")
      throw new Error(`${what} took longer than ${this.timeoutMs} ms (${this.region})`);
    return result;
  }
}
