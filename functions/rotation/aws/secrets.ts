/** SecretStorePort over @aws-sdk/client-secrets-manager in the stack's region (client created on first use). */
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { isServiceError } from "../errors";
import type { SecretStorePort } from "../ports";
import { mapped } from "./errors";

export class AwsSecretStore implements SecretStorePort {
  private client: SecretsManagerClient | undefined;

  constructor(private readonly region: string) {}

  private get secrets(): SecretsManagerClient {
    this.client ??= new SecretsManagerClient({ region: this.region });
    return this.client;
  }

  async putSecretValue(
    secretId: string,
    value: string,
    clientRequestToken: string,
  ): Promise<{ versionId: string }> {
    const result = await mapped("PutSecretValue", () =>
      this.secrets.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          SecretString: value,
          ClientRequestToken: clientRequestToken,
        }),
      ),
    );
    return { versionId: result.VersionId ?? clientRequestToken };
  }

  async getSecretValue(
    secretId: string,
    versionId?: string,
  ): Promise<{ value: string; versionId: string } | undefined> {
    try {
      const result = await mapped("GetSecretValue", () =>
        this.secrets.send(
          new GetSecretValueCommand({ SecretId: secretId, ...(versionId ? { VersionId: versionId } : {}) }),
        ),
      );
      if (typeof result.SecretString !== "string") return undefined;
      return { value: result.SecretString, versionId: result.VersionId ?? versionId ?? "" };
    } catch (error) {
      if (isServiceError(error, "not-found")) return undefined;
      throw error;
    }
  }
}
