/**
 * CloudFront's public key and key group API (REST-XML, 2020-05-31) as an
 * AwsStub handler: ETags change on every write, deletes need the current ETag
 * (412 PreconditionFailed otherwise, as CloudFront answers), and a key a group
 * still holds cannot be deleted (409 PublicKeyInUse).
 */
import type { StubCloudFrontHandler } from "./aws-stub";

const XMLNS = 'xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"';

export class CloudFrontKeysFake {
  readonly keys = new Map<string, { name: string; encodedKey: string; etag: string }>();
  readonly groups = new Map<string, { name: string; items: string[]; etag: string }>();
  private counter = 0;

  private next(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(13, "0")}`;
  }

  /** What a rotation does: a new key in a group, a new ETag. */
  addKeyToGroup(groupId: string, name: string): string {
    const keyId = this.next("K");
    this.keys.set(keyId, { name, encodedKey: "pem", etag: this.next("E") });
    const group = this.groups.get(groupId)!;
    group.items.push(keyId);
    group.etag = this.next("E");
    return keyId;
  }

  /** Bumps a group's ETag, as any write to it does. */
  touch(groupId: string): void {
    this.groups.get(groupId)!.etag = this.next("E");
  }

  /** Runs before each request is answered (to interleave a "rotation" with a delete). */
  beforeAnswer: (method: string, path: string) => void = () => undefined;

  readonly handler: StubCloudFrontHandler = (method, path, body, headers) => {
    this.beforeAnswer(method, path);
    const route = /^\/2020-05-31\/(public-key|key-group)(?:\/([^/?]+))?/.exec(path);
    if (!route) return error(404, "NoSuchResource", path);
    const [, kind, id] = route;
    const ifMatch = String(headers["if-match"] ?? "");
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? "";
    if (kind === "public-key") {
      if (method === "POST") {
        const keyId = this.next("K");
        const key = { name: field("Name"), encodedKey: field("EncodedKey"), etag: this.next("E") };
        this.keys.set(keyId, key);
        return ok(publicKeyXml(keyId, key), key.etag, 201);
      }
      const key = this.keys.get(id ?? "");
      if (!key) return error(404, "NoSuchPublicKey", String(id));
      if (method === "GET") return ok(publicKeyXml(id!, key), key.etag);
      if (method === "DELETE") {
        if (ifMatch !== key.etag) return error(412, "PreconditionFailed", "stale ETag");
        if ([...this.groups.values()].some((group) => group.items.includes(id!)))
          return error(409, "PublicKeyInUse", String(id));
        this.keys.delete(id!);
        return { status: 204, body: "" };
      }
    } else {
      if (method === "POST") {
        const groupId = this.next("G");
        const items = [...body.matchAll(/<PublicKey>([^<]*)<\/PublicKey>/g)].map((match) => match[1]);
        const group = { name: field("Name"), items, etag: this.next("E") };
        this.groups.set(groupId, group);
        return ok(keyGroupXml(groupId, group), group.etag, 201);
      }
      const group = this.groups.get(id ?? "");
      if (!group) return error(404, "NoSuchResource", String(id));
      if (method === "GET") return ok(keyGroupXml(id!, group), group.etag);
      if (method === "DELETE") {
        if (ifMatch !== group.etag) return error(412, "PreconditionFailed", "stale ETag");
        this.groups.delete(id!);
        return { status: 204, body: "" };
      }
    }
    return error(400, "InvalidArgument", `${method} ${path}`);
  };
}

function ok(body: string, etag: string, status = 200) {
  return { status, body, headers: { etag } };
}

function error(status: number, code: string, message: string) {
  return {
    status,
    body: `<?xml version="1.0"?><ErrorResponse ${XMLNS}><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
  };
}

function publicKeyXml(id: string, key: { name: string; encodedKey: string }): string {
  return (
    `<?xml version="1.0"?><PublicKey ${XMLNS}><Id>${id}</Id><CreatedTime>2026-01-01T00:00:00Z</CreatedTime>` +
    `<PublicKeyConfig><CallerReference>${key.name}</CallerReference><Name>${key.name}</Name>` +
    `<EncodedKey>${key.encodedKey}</EncodedKey></PublicKeyConfig></PublicKey>`
  );
}

function keyGroupXml(id: string, group: { name: string; items: string[] }): string {
  const items = group.items.map((item) => `<PublicKey>${item}</PublicKey>`).join("");
  return (
    `<?xml version="1.0"?><KeyGroup ${XMLNS}><Id>${id}</Id><LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime>` +
    `<KeyGroupConfig><Name>${group.name}</Name><Items>${items}</Items></KeyGroupConfig></KeyGroup>`
  );
}
