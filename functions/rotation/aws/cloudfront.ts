/**
 * CloudFrontPort over @aws-sdk/client-cloudfront. Key groups and public keys
 * are global; the client is created on first use (closure-serialization safe).
 */
import {
  CloudFrontClient,
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetDistributionCommand,
  GetKeyGroupCommand,
  GetPublicKeyCommand,
  ListPublicKeysCommand,
  UpdateKeyGroupCommand,
  type TrustedKeyGroups,
} from "@aws-sdk/client-cloudfront";
import { isServiceError } from "../errors";
import type {
  CloudFrontPort,
  DistributionView,
  KeyGroupView,
  PublicKeySummary,
  PublicKeyView,
} from "../ports";
import { mapped } from "./errors";

export class AwsCloudFront implements CloudFrontPort {
  private client: CloudFrontClient | undefined;

  /** CloudFront's API lives in us-east-1 whatever the stack's region. */
  constructor(private readonly region = "us-east-1") {}

  private get cloudFront(): CloudFrontClient {
    this.client ??= new CloudFrontClient({ region: this.region });
    return this.client;
  }

  async getKeyGroup(id: string): Promise<KeyGroupView> {
    const result = await mapped("GetKeyGroup", () =>
      this.cloudFront.send(new GetKeyGroupCommand({ Id: id })),
    );
    const config = result.KeyGroup?.KeyGroupConfig;
    if (!config || !result.ETag) throw new Error(`GetKeyGroup ${id} returned no config or ETag`);
    return {
      id,
      name: config.Name ?? "",
      items: config.Items ?? [],
      comment: config.Comment,
      etag: result.ETag,
    };
  }

  async updateKeyGroup(
    id: string,
    config: { name: string; items: readonly string[]; comment?: string },
    ifMatch: string,
  ): Promise<{ etag: string }> {
    const result = await mapped("UpdateKeyGroup", () =>
      this.cloudFront.send(
        new UpdateKeyGroupCommand({
          Id: id,
          IfMatch: ifMatch,
          KeyGroupConfig: {
            Name: config.name,
            Items: [...config.items],
            ...(config.comment !== undefined ? { Comment: config.comment } : {}),
          },
        }),
      ),
    );
    return { etag: result.ETag ?? "" };
  }

  async createPublicKey(input: {
    callerReference: string;
    name: string;
    encodedKey: string;
    comment?: string;
  }): Promise<{ id: string }> {
    const result = await mapped("CreatePublicKey", () =>
      this.cloudFront.send(
        new CreatePublicKeyCommand({
          PublicKeyConfig: {
            CallerReference: input.callerReference,
            Name: input.name,
            EncodedKey: input.encodedKey,
            ...(input.comment !== undefined ? { Comment: input.comment.slice(0, 128) } : {}),
          },
        }),
      ),
    );
    if (!result.PublicKey?.Id) throw new Error("CreatePublicKey returned no id");
    return { id: result.PublicKey.Id };
  }

  async getPublicKey(id: string): Promise<PublicKeyView | undefined> {
    try {
      const result = await mapped("GetPublicKey", () =>
        this.cloudFront.send(new GetPublicKeyCommand({ Id: id })),
      );
      const config = result.PublicKey?.PublicKeyConfig;
      if (!config) return undefined;
      return {
        id,
        name: config.Name ?? "",
        encodedKey: config.EncodedKey ?? "",
        callerReference: config.CallerReference,
        etag: result.ETag,
      };
    } catch (error) {
      if (isServiceError(error, "not-found")) return undefined;
      throw error;
    }
  }

  async findPublicKeyByName(name: string): Promise<PublicKeyView | undefined> {
    let marker: string | undefined;
    do {
      const page = await this.listPage(marker);
      const found = page.PublicKeyList?.Items?.find((item) => item.Name === name);
      if (found?.Id) return { id: found.Id, name, encodedKey: found.EncodedKey ?? "" };
      marker = page.PublicKeyList?.NextMarker;
    } while (marker);
    return undefined;
  }

  async listPublicKeys(): Promise<PublicKeySummary[]> {
    const keys: PublicKeySummary[] = [];
    let marker: string | undefined;
    do {
      const page = await this.listPage(marker);
      for (const item of page.PublicKeyList?.Items ?? []) {
        if (!item.Id) continue;
        keys.push({
          id: item.Id,
          name: item.Name ?? "",
          ...(item.CreatedTime ? { createdAt: Math.floor(item.CreatedTime.getTime() / 1000) } : {}),
        });
      }
      marker = page.PublicKeyList?.NextMarker;
    } while (marker);
    return keys;
  }

  private listPage(marker: string | undefined) {
    return mapped("ListPublicKeys", () =>
      this.cloudFront.send(new ListPublicKeysCommand({ Marker: marker, MaxItems: 100 })),
    );
  }

  async deletePublicKey(id: string, ifMatch: string): Promise<void> {
    await mapped("DeletePublicKey", () =>
      this.cloudFront.send(new DeletePublicKeyCommand({ Id: id, IfMatch: ifMatch })),
    );
  }

  async getDistribution(id: string): Promise<DistributionView> {
    const result = await mapped("GetDistribution", () =>
      this.cloudFront.send(new GetDistributionCommand({ Id: id })),
    );
    const distribution = result.Distribution;
    const config = distribution?.DistributionConfig;
    if (!distribution || !config) throw new Error(`GetDistribution ${id} returned no configuration`);
    const groups = (trusted: TrustedKeyGroups | undefined) => (trusted?.Enabled ? (trusted.Items ?? []) : []);
    return {
      id,
      status: distribution.Status ?? "Unknown",
      behaviors: [
        { pathPattern: "*", trustedKeyGroupIds: groups(config.DefaultCacheBehavior?.TrustedKeyGroups) },
        ...(config.CacheBehaviors?.Items ?? []).map((behavior) => ({
          pathPattern: behavior.PathPattern ?? "",
          trustedKeyGroupIds: groups(behavior.TrustedKeyGroups),
        })),
      ],
    };
  }
}
