/**
 * A tiny in-process stand-in for the AWS APIs the Lambdas call (SSM and
 * Secrets Manager over the JSON protocol, CloudFront over REST-XML), reached
 * through the SDK's own endpoint override (`AWS_ENDPOINT_URL`). The code under
 * test runs unmodified, with the real AWS SDK v3 and real request signing;
 * only the far end is fake. Every call is recorded for assertions.
 */
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedCall {
  readonly service: "ssm" | "secretsmanager" | "cloudfront" | "sts";
  /** Access key id the request was signed with (SigV4 `Credential=`). */
  readonly accessKeyId?: string;
  readonly action: string;
  readonly body: string;
  readonly path: string;
  readonly method: string;
}

export interface StubParameter {
  value: string;
  version: number;
  lastModified: number;
}

export interface StubSecretVersion {
  readonly versionId: string;
  readonly value: string;
}

export interface StubCloudFrontHandler {
  (
    method: string,
    path: string,
    body: string,
    headers: http.IncomingHttpHeaders,
  ): {
    status: number;
    body: string;
    headers?: Record<string, string>;
  };
}

export class AwsStub {
  readonly calls: RecordedCall[] = [];
  readonly parameters = new Map<string, StubParameter>();
  /** Secret ARN -> versions, newest last (the last one is AWSCURRENT). */
  readonly secrets = new Map<string, StubSecretVersion[]>();
  cloudFront: StubCloudFrontHandler = () => ({ status: 404, body: "" });
  /** Account of each access key id (GetCallerIdentity); unknown keys belong to 123456789012. */
  readonly accounts = new Map<string, string>();
  private server: http.Server | undefined;

  constructor(readonly region = "eu-west-1") {}

  async start(): Promise<string> {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => this.dispatch(request, Buffer.concat(chunks).toString("utf8"), response));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Environment that points the AWS SDK v3 at this stub with throwaway credentials. */
  environment(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL: this.endpoint,
      AWS_REGION: this.region,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  putParameter(name: string, value: string): void {
    const previous = this.parameters.get(name);
    this.parameters.set(name, {
      value,
      version: (previous?.version ?? 0) + 1,
      lastModified: Date.now() / 1000,
    });
  }

  putSecret(arn: string, value: string): string {
    const versionId = randomUUID();
    this.secrets.set(arn, [...(this.secrets.get(arn) ?? []), { versionId, value }]);
    return versionId;
  }

  currentSecret(arn: string): string | undefined {
    return this.secrets.get(arn)?.at(-1)?.value;
  }

  /** Calls that would have changed something. */
  writes(): RecordedCall[] {
    return this.calls.filter(
      (call) =>
        /^(Put|Create|Update|Delete)/.test(call.action) ||
        (call.service === "cloudfront" && call.method !== "GET"),
    );
  }

  private dispatch(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const target = String(request.headers["x-amz-target"] ?? "");
    const path = request.url ?? "/";
    const method = request.method ?? "GET";
    const credential = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ""));
    const signer = credential ? { accessKeyId: credential[1] } : {};
    try {
      const form = new URLSearchParams(body);
      if (target === "" && form.get("Version") === "2011-06-15") {
        const action = form.get("Action") ?? "";
        this.calls.push({ service: "sts", action, body, path, method, ...signer });
        response.writeHead(200, { "content-type": "text/xml" });
        response.end(this.sts(action, form, signer.accessKeyId ?? ""));
        return;
      }
      if (target.startsWith("AmazonSSM.")) {
        const action = target.slice("AmazonSSM.".length);
        this.calls.push({ service: "ssm", action, body, path, method, ...signer });
        return this.json(response, 200, this.ssm(action, JSON.parse(body || "{}")));
      }
      if (target.startsWith("secretsmanager.")) {
        const action = target.slice("secretsmanager.".length);
        this.calls.push({ service: "secretsmanager", action, body, path, method, ...signer });
        return this.json(response, 200, this.secretsManager(action, JSON.parse(body || "{}")));
      }
      if (path.startsWith("/2020-05-31/")) {
        this.calls.push({
          service: "cloudfront",
          action: `${method} ${path.split("?")[0]}`,
          body,
          path,
          method,
          ...signer,
        });
        const answer = this.cloudFront(method, path, body, request.headers);
        response.writeHead(answer.status, { "content-type": "text/xml", ...(answer.headers ?? {}) });
        response.end(answer.body);
        return;
      }
      this.json(response, 400, {
        __type: "UnknownOperationException",
        message: `stub: no handler for ${method} ${path} ${target}`,
      });
    } catch (error) {
      const failure = error as StubError;
      this.json(response, failure.status ?? 400, {
        __type: failure.type ?? "ValidationException",
        message: failure.message,
      });
    }
  }

  /** STS over the query protocol: who is calling, and assuming a role (temporary keys in the role's account). */
  private sts(action: string, form: URLSearchParams, accessKeyId: string): string {
    const xmlns = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"';
    const metadata = "<ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata>";
    if (action === "GetCallerIdentity") {
      const account = this.accounts.get(accessKeyId) ?? "123456789012";
      return (
        `<GetCallerIdentityResponse ${xmlns}><GetCallerIdentityResult><Arn>arn:aws:sts::${account}:assumed-role/stub</Arn>` +
        `<UserId>STUB</UserId><Account>${account}</Account></GetCallerIdentityResult>${metadata}</GetCallerIdentityResponse>`
      );
    }
    if (action === "AssumeRole") {
      const roleArn = form.get("RoleArn") ?? "";
      const account = roleArn.split(":")[4] ?? "";
      const temporaryKey = `ASIA${account}${roleArn.length}`;
      this.accounts.set(temporaryKey, account);
      return (
        `<AssumeRoleResponse ${xmlns}><AssumeRoleResult><Credentials><AccessKeyId>${temporaryKey}</AccessKeyId>` +
        "<SecretAccessKey>stubsecret</SecretAccessKey><SessionToken>stubtoken</SessionToken>" +
        "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>" +
        `<Arn>${roleArn}/session</Arn><AssumedRoleId>AROASTUB:session</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>${metadata}</AssumeRoleResponse>`
      );
    }
    throw new StubError("InvalidAction", `stub: STS ${action} not implemented`);
  }

  private json(response: http.ServerResponse, status: number, payload: unknown): void {
    const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1" };
    if (status >= 400) headers["x-amzn-errortype"] = String((payload as { __type: string }).__type);
    response.writeHead(status, headers);
    response.end(JSON.stringify(payload));
  }

  private ssmParameter(name: string) {
    const stored = this.parameters.get(name);
    if (!stored) return undefined;
    return {
      Name: name,
      Type: "String",
      Value: stored.value,
      Version: stored.version,
      LastModifiedDate: stored.lastModified,
      ARN: `arn:aws:ssm:${this.region}:123456789012:parameter${name}`,
      DataType: "text",
    };
  }

  private ssm(action: string, input: Record<string, unknown>): unknown {
    switch (action) {
      case "GetParameters": {
        const names = input.Names as string[];
        const found = names
          .map((name) => this.ssmParameter(name))
          .filter((parameter) => parameter !== undefined);
        return { Parameters: found, InvalidParameters: names.filter((name) => !this.parameters.has(name)) };
      }
      case "GetParameter": {
        const parameter = this.ssmParameter(String(input.Name));
        if (!parameter) throw new StubError("ParameterNotFound", `parameter ${String(input.Name)} not found`);
        return { Parameter: parameter };
      }
      case "PutParameter": {
        const name = String(input.Name);
        if (this.parameters.has(name) && input.Overwrite !== true) {
          throw new StubError("ParameterAlreadyExists", `parameter ${name} exists`);
        }
        this.putParameter(name, String(input.Value));
        return { Version: this.parameters.get(name)!.version, Tier: "Standard" };
      }
      case "DeleteParameter": {
        const name = String(input.Name);
        if (!this.parameters.delete(name))
          throw new StubError("ParameterNotFound", `parameter ${name} not found`);
        return {};
      }
      default:
        throw new StubError("UnknownOperationException", `stub: SSM ${action} not implemented`);
    }
  }

  private secretsManager(action: string, input: Record<string, unknown>): unknown {
    const arn = String(input.SecretId);
    switch (action) {
      case "GetSecretValue": {
        const versions = this.secrets.get(arn);
        const version = input.VersionId
          ? versions?.find((item) => item.versionId === input.VersionId)
          : versions?.at(-1);
        if (!version) throw new StubError("ResourceNotFoundException", `secret ${arn} has no such version`);
        return {
          ARN: arn,
          Name: arn.split(":secret:")[1] ?? arn,
          SecretString: version.value,
          VersionId: version.versionId,
          VersionStages: version === versions?.at(-1) ? ["AWSCURRENT"] : [],
          CreatedDate: Date.now() / 1000,
        };
      }
      case "PutSecretValue": {
        if (typeof input.SecretString !== "string")
          throw new StubError("InvalidParameterException", "SecretString required");
        const token = typeof input.ClientRequestToken === "string" ? input.ClientRequestToken : undefined;
        const existing = token ? this.secrets.get(arn)?.find((item) => item.versionId === token) : undefined;
        if (existing) {
          if (existing.value !== input.SecretString)
            throw new StubError("ResourceExistsException", "token reused with another value");
          return { ARN: arn, Name: arn, VersionId: existing.versionId, VersionStages: ["AWSCURRENT"] };
        }
        const versionId = token ?? randomUUID();
        this.secrets.set(arn, [...(this.secrets.get(arn) ?? []), { versionId, value: input.SecretString }]);
        return { ARN: arn, Name: arn, VersionId: versionId, VersionStages: ["AWSCURRENT"] };
      }
      case "DescribeSecret":
        if (!this.secrets.has(arn))
          throw new StubError("ResourceNotFoundException", `secret ${arn} not found`);
        return { ARN: arn, Name: arn };
      default:
        throw new StubError("UnknownOperationException", `stub: Secrets Manager ${action} not implemented`);
    }
  }
}

class StubError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
