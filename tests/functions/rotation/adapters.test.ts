/**
 * The AWS adapters, against aws-sdk-client-mock: the exact commands and
 * parameters sent (ETag -> IfMatch, CallerReference, ClientRequestToken,
 * Overwrite) and the mapping of every error the rotation handles.
 */
import assert from "node:assert/strict";
import {
  CloudFrontClient,
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetDistributionCommand,
  GetKeyGroupCommand,
  GetPublicKeyCommand,
  ListPublicKeysCommand,
  UpdateKeyGroupCommand,
} from "@aws-sdk/client-cloudfront";
import { GetParametersCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { AwsCloudFront, AwsParameterStore, AwsSecretStore } from "../../../functions/rotation/aws";
import { ServiceError, isServiceError } from "../../../functions/rotation";

function awsError(name: string, status = 400): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

describe("AWS adapters (aws-sdk-client-mock)", () => {
  const cloudFront = mockClient(CloudFrontClient);
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    cloudFront.reset();
    ssm.reset();
    secrets.reset();
  });
  after(() => {
    cloudFront.restore();
    ssm.restore();
    secrets.restore();
  });

  describe("CloudFront", () => {
    it("reads a key group with its ETag and updates it with IfMatch and the whole config", async () => {
      cloudFront.on(GetKeyGroupCommand).resolves({
        KeyGroup: {
          Id: "KG1",
          LastModifiedTime: new Date(),
          KeyGroupConfig: { Name: "inactive", Items: ["KOLD0000000001"], Comment: "slot b" },
        },
        ETag: "E2QWRUHEXAMPLE",
      });
      cloudFront.on(UpdateKeyGroupCommand).resolves({ ETag: "E3NEXT" });
      const adapter = new AwsCloudFront();
      const group = await adapter.getKeyGroup("KG1");
      assert.deepEqual(group, {
        id: "KG1",
        name: "inactive",
        items: ["KOLD0000000001"],
        comment: "slot b",
        etag: "E2QWRUHEXAMPLE",
      });
      const result = await adapter.updateKeyGroup(
        "KG1",
        { name: group.name, items: ["KNEW0000000001"], comment: group.comment },
        group.etag,
      );
      assert.equal(result.etag, "E3NEXT");
      assert.deepEqual(cloudFront.commandCalls(UpdateKeyGroupCommand)[0].args[0].input, {
        Id: "KG1",
        IfMatch: "E2QWRUHEXAMPLE",
        KeyGroupConfig: { Name: "inactive", Items: ["KNEW0000000001"], Comment: "slot b" },
      });
    });

    it("maps PreconditionFailed (stale ETag) and InvalidIfMatchVersion to precondition-failed", async () => {
      cloudFront
        .on(UpdateKeyGroupCommand)
        .rejectsOnce(awsError("PreconditionFailed", 412))
        .rejectsOnce(awsError("InvalidIfMatchVersion"));
      const adapter = new AwsCloudFront();
      for (let i = 0; i < 2; i++) {
        await assert.rejects(
          adapter.updateKeyGroup("KG1", { name: "n", items: ["K1"] }, "stale"),
          (error: unknown) => {
            assert.ok(isServiceError(error, "precondition-failed"));
            assert.equal(error.retryable, true);
            return true;
          },
        );
      }
    });

    it("creates a public key with the caller's deterministic CallerReference and Name", async () => {
      cloudFront.on(CreatePublicKeyCommand).resolves({
        PublicKey: {
          Id: "K2JCJMDEHXQW5F",
          CreatedTime: new Date(),
          PublicKeyConfig: { CallerReference: "r", Name: "n", EncodedKey: "pem" },
        },
        ETag: "E1",
      });
      const adapter = new AwsCloudFront();
      const created = await adapter.createPublicKey({
        callerReference: "signed-hls-dev-r3-1800000000-a1",
        name: "signed-hls-dev-r3-1800000000-a1",
        encodedKey: "-----BEGIN PUBLIC KEY-----",
        comment: "c",
      });
      assert.equal(created.id, "K2JCJMDEHXQW5F");
      assert.deepEqual(cloudFront.commandCalls(CreatePublicKeyCommand)[0].args[0].input, {
        PublicKeyConfig: {
          CallerReference: "signed-hls-dev-r3-1800000000-a1",
          Name: "signed-hls-dev-r3-1800000000-a1",
          EncodedKey: "-----BEGIN PUBLIC KEY-----",
          Comment: "c",
        },
      });
      cloudFront.on(CreatePublicKeyCommand).rejects(awsError("PublicKeyAlreadyExists", 409));
      await assert.rejects(
        adapter.createPublicKey({ callerReference: "x", name: "x", encodedKey: "p" }),
        (error: unknown) => isServiceError(error, "public-key-exists"),
      );
    });

    it("deletes a public key with IfMatch and maps PublicKeyInUse / NoSuchPublicKey", async () => {
      cloudFront.on(GetPublicKeyCommand).resolves({
        PublicKey: {
          Id: "K1",
          CreatedTime: new Date(),
          PublicKeyConfig: { CallerReference: "c", Name: "n", EncodedKey: "e" },
        },
        ETag: "EKEY1",
      });
      cloudFront
        .on(DeletePublicKeyCommand)
        .resolvesOnce({})
        .rejectsOnce(awsError("PublicKeyInUse", 409))
        .rejectsOnce(awsError("NoSuchPublicKey", 404));
      const adapter = new AwsCloudFront();
      const key = await adapter.getPublicKey("K1");
      assert.equal(key?.etag, "EKEY1");
      await adapter.deletePublicKey("K1", key!.etag!);
      assert.deepEqual(cloudFront.commandCalls(DeletePublicKeyCommand)[0].args[0].input, {
        Id: "K1",
        IfMatch: "EKEY1",
      });
      await assert.rejects(
        adapter.deletePublicKey("K1", "EKEY1"),
        (error: unknown) => isServiceError(error, "public-key-in-use") && !(error as ServiceError).retryable,
      );
      await assert.rejects(adapter.deletePublicKey("K1", "EKEY1"), (error: unknown) =>
        isServiceError(error, "not-found"),
      );
      cloudFront.on(GetPublicKeyCommand).rejects(awsError("NoSuchPublicKey", 404));
      assert.equal(await adapter.getPublicKey("K1"), undefined);
    });

    it("maps throttling (by name or by the SDK's throttling flag) to a retryable error", async () => {
      cloudFront
        .on(GetKeyGroupCommand)
        .rejectsOnce(awsError("Throttling", 400))
        .rejectsOnce(
          Object.assign(new Error("slow down"), { name: "SomethingElse", $retryable: { throttling: true } }),
        );
      const adapter = new AwsCloudFront();
      for (let i = 0; i < 2; i++) {
        await assert.rejects(
          adapter.getKeyGroup("KG1"),
          (error: unknown) => isServiceError(error, "throttled") && (error as ServiceError).retryable,
        );
      }
    });

    it("finds a public key by name across ListPublicKeys pages", async () => {
      cloudFront
        .on(ListPublicKeysCommand, { Marker: undefined, MaxItems: 100 })
        .resolves({
          PublicKeyList: {
            MaxItems: 100,
            Quantity: 1,
            NextMarker: "page2",
            Items: [{ Id: "K1", Name: "other", CreatedTime: new Date(), EncodedKey: "e1" }],
          },
        })
        .on(ListPublicKeysCommand, { Marker: "page2", MaxItems: 100 })
        .resolves({
          PublicKeyList: {
            MaxItems: 100,
            Quantity: 1,
            Items: [{ Id: "K2", Name: "wanted", CreatedTime: new Date(), EncodedKey: "e2" }],
          },
        });
      const found = await new AwsCloudFront().findPublicKeyByName("wanted");
      assert.deepEqual(found, { id: "K2", name: "wanted", encodedKey: "e2" });
      assert.equal(cloudFront.commandCalls(ListPublicKeysCommand).length, 2);
    });

    it("reads the distribution status and every behavior's trusted key groups", async () => {
      cloudFront.on(GetDistributionCommand).resolves({
        Distribution: {
          Id: "EDFDVBD6EXAMPLE",
          ARN: "arn",
          Status: "InProgress",
          LastModifiedTime: new Date(),
          InProgressInvalidationBatches: 0,
          DomainName: "d111.cloudfront.net",
          ActiveTrustedSigners: { Enabled: false, Quantity: 0 },
          DistributionConfig: {
            CallerReference: "c",
            Comment: "",
            Enabled: true,
            Origins: { Quantity: 0, Items: [] },
            DefaultCacheBehavior: {
              TargetOriginId: "o",
              ViewerProtocolPolicy: "https-only",
              TrustedKeyGroups: { Enabled: true, Quantity: 2, Items: ["KGA", "KGB"] },
            },
            CacheBehaviors: {
              Quantity: 2,
              Items: [
                {
                  PathPattern: "*._m3u8",
                  TargetOriginId: "o",
                  ViewerProtocolPolicy: "https-only",
                  TrustedKeyGroups: { Enabled: true, Quantity: 2, Items: ["KGA", "KGB"] },
                },
                {
                  PathPattern: "*.ts",
                  TargetOriginId: "o",
                  ViewerProtocolPolicy: "https-only",
                  TrustedKeyGroups: { Enabled: false, Quantity: 0 },
                },
              ],
            },
          },
        },
        ETag: "E1",
      });
      const view = await new AwsCloudFront().getDistribution("EDFDVBD6EXAMPLE");
      assert.equal(view.status, "InProgress");
      assert.deepEqual(view.behaviors, [
        { pathPattern: "*", trustedKeyGroupIds: ["KGA", "KGB"] },
        { pathPattern: "*._m3u8", trustedKeyGroupIds: ["KGA", "KGB"] },
        { pathPattern: "*.ts", trustedKeyGroupIds: [] },
      ]);
    });
  });

  describe("SSM", () => {
    it("writes with PutParameter Overwrite and returns the version written", async () => {
      ssm.on(PutParameterCommand).resolves({ Version: 7, Tier: "Standard" });
      const store = new AwsParameterStore("eu-west-1");
      assert.deepEqual(await store.putParameter("/p/active-key-id", "K1", { overwrite: true }), {
        version: 7,
      });
      assert.deepEqual(ssm.commandCalls(PutParameterCommand)[0].args[0].input, {
        Name: "/p/active-key-id",
        Value: "K1",
        Type: "String",
        Overwrite: true,
      });
    });

    it("maps ParameterAlreadyExists on a create-only write", async () => {
      ssm.on(PutParameterCommand).rejects(awsError("ParameterAlreadyExists"));
      const store = new AwsParameterStore("eu-west-1");
      await assert.rejects(
        store.putParameter("/p/rotation-state", "{}", { overwrite: false }),
        (error: unknown) => isServiceError(error, "parameter-exists"),
      );
      assert.equal(ssm.commandCalls(PutParameterCommand)[0].args[0].input.Overwrite, false);
    });

    it("reads values with their version and last-modified time", async () => {
      ssm.on(GetParametersCommand).resolves({
        Parameters: [{ Name: "/p/a", Value: "v", Version: 3, LastModifiedDate: new Date(1_800_000_000_500) }],
      });
      const found = await new AwsParameterStore("eu-west-1").getParameters(["/p/a", "/p/missing"]);
      assert.deepEqual(found.get("/p/a"), { value: "v", version: 3, lastModified: 1_800_000_000 });
      assert.equal(found.has("/p/missing"), false);
      assert.deepEqual(ssm.commandCalls(GetParametersCommand)[0].args[0].input, {
        Names: ["/p/a", "/p/missing"],
        WithDecryption: true,
      });
    });

    it("maps ThrottlingException and 5xx to retryable errors", async () => {
      ssm
        .on(GetParametersCommand)
        .rejectsOnce(awsError("ThrottlingException"))
        .rejectsOnce(awsError("InternalServerError", 500));
      const store = new AwsParameterStore("eu-west-1");
      await assert.rejects(store.getParameters(["/a"]), (error: unknown) =>
        isServiceError(error, "throttled"),
      );
      await assert.rejects(
        store.getParameters(["/a"]),
        (error: unknown) => isServiceError(error, "unavailable") && (error as ServiceError).retryable,
      );
    });
  });

  describe("Secrets Manager", () => {
    it("writes with a ClientRequestToken and reads a version by id", async () => {
      secrets.on(PutSecretValueCommand).resolves({ VersionId: "3f1c0e6a-0000-4000-8000-000000000001" });
      secrets
        .on(GetSecretValueCommand, { SecretId: "arn:s", VersionId: "3f1c0e6a-0000-4000-8000-000000000001" })
        .resolves({ SecretString: "{}", VersionId: "3f1c0e6a-0000-4000-8000-000000000001" });
      const store = new AwsSecretStore("eu-west-1");
      const written = await store.putSecretValue("arn:s", "{}", "3f1c0e6a-0000-4000-8000-000000000001");
      assert.equal(written.versionId, "3f1c0e6a-0000-4000-8000-000000000001");
      assert.deepEqual(secrets.commandCalls(PutSecretValueCommand)[0].args[0].input, {
        SecretId: "arn:s",
        SecretString: "{}",
        ClientRequestToken: "3f1c0e6a-0000-4000-8000-000000000001",
      });
      assert.deepEqual(await store.getSecretValue("arn:s", "3f1c0e6a-0000-4000-8000-000000000001"), {
        value: "{}",
        versionId: "3f1c0e6a-0000-4000-8000-000000000001",
      });
    });

    it("returns undefined for a version that does not exist and maps a reused token", async () => {
      secrets.on(GetSecretValueCommand).rejects(awsError("ResourceNotFoundException"));
      secrets.on(PutSecretValueCommand).rejects(awsError("ResourceExistsException"));
      const store = new AwsSecretStore("eu-west-1");
      assert.equal(await store.getSecretValue("arn:s", "nope"), undefined);
      await assert.rejects(store.putSecretValue("arn:s", "other", "token"), (error: unknown) =>
        isServiceError(error, "invalid"),
      );
    });
  });
});
