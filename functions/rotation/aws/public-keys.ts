/** PublicKeyLister over CloudFront ListPublicKeys (paged), for `doctor`'s orphan and quota checks. Reads only. */
import { CloudFrontClient, ListPublicKeysCommand } from "@aws-sdk/client-cloudfront";
import type { PublicKeyLister } from "../stack-status";
import { mapped } from "./errors";

export class AwsPublicKeyLister implements PublicKeyLister {
  private client: CloudFrontClient | undefined;

  /** CloudFront's API lives in us-east-1 whatever the stack's region. */
  constructor(private readonly region = "us-east-1") {}

  async listPublicKeys(): Promise<{ id: string; name: string }[]> {
    this.client ??= new CloudFrontClient({ region: this.region });
    const client = this.client;
    const keys: { id: string; name: string }[] = [];
    let marker: string | undefined;
    do {
      const page = await mapped("ListPublicKeys", () =>
        client.send(new ListPublicKeysCommand({ Marker: marker, MaxItems: 100 })),
      );
      for (const item of page.PublicKeyList?.Items ?? []) {
        if (item.Id) keys.push({ id: item.Id, name: item.Name ?? "" });
      }
      marker = page.PublicKeyList?.NextMarker;
    } while (marker);
    return keys;
  }
}
