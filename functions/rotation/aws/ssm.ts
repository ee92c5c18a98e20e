/** ParameterStorePort over @aws-sdk/client-ssm in the stack's region (client created on first use). */
import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { ParameterStorePort, StoredParameter } from "../ports";
import { mapped } from "./errors";

export class AwsParameterStore implements ParameterStorePort {
  private client: SSMClient | undefined;

  constructor(private readonly region: string) {}

  private get ssm(): SSMClient {
    this.client ??= new SSMClient({ region: this.region });
    return this.client;
  }

  async getParameters(names: readonly string[]): Promise<Map<string, StoredParameter>> {
    const result = await mapped("GetParameters", () =>
      this.ssm.send(new GetParametersCommand({ Names: [...names], WithDecryption: true })),
    );
    const found = new Map<string, StoredParameter>();
    for (const parameter of result.Parameters ?? []) {
      if (!parameter.Name || typeof parameter.Value !== "string") continue;
      found.set(parameter.Name, {
        value: parameter.Value,
        version: parameter.Version ?? 0,
        lastModified: Math.floor((parameter.LastModifiedDate?.getTime() ?? 0) / 1000),
      });
    }
    return found;
  }

  async putParameter(
    name: string,
    value: string,
    options: { overwrite: boolean },
  ): Promise<{ version: number }> {
    const result = await mapped("PutParameter", () =>
      this.ssm.send(
        new PutParameterCommand({ Name: name, Value: value, Type: "String", Overwrite: options.overwrite }),
      ),
    );
    if (typeof result.Version !== "number") throw new Error(`PutParameter ${name} returned no version`);
    return { version: result.Version };
  }
}
