/**
 * A whole rotation through the real AWS adapters, with every SDK command
 * mocked by aws-sdk-client-mock and answered by the in-memory model: proves
 * the exact command sequence and the idempotency parameters end to end.
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
import { parameterNames } from "../../../functions/keys";
import { runRotation, type RotationPorts, ServiceError } from "../../../functions/rotation";
import { AwsCloudFront, AwsParameterStore, AwsSecretStore } from "../../../functions/rotation/aws";
import { makeStack, PREFIX } from "./support";

/** Re-throws a model error as the SDK would (an Error whose name is the AWS error code). */
async function asSdk<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ServiceError)
      throw Object.assign(new Error(error.message), {
        name: error.awsName,
        $metadata: { httpStatusCode: 400 },
      });
    throw error;
  }
}

describe("a rotation through the AWS adapters (SDK mocked by the in-memory model)", () => {
  const cloudFront = mockClient(CloudFrontClient);
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  after(() => {
    cloudFront.restore();
    ssm.restore();
    secrets.restore();
  });

  it("sends GetKeyGroup ETag -> UpdateKeyGroup IfMatch, a deterministic CallerReference, a ClientRequestToken and Overwrite writes", async () => {
    const stack = makeStack({ deploymentDelaySeconds: 30 });
    const model = stack.cloud;
    cloudFront.reset();
    ssm.reset();
    secrets.reset();
    cloudFront.on(GetKeyGroupCommand).callsFake(async (input) => {
      const group = await asSdk(() => model.cloudFront.getKeyGroup(input.Id));
      return {
        KeyGroup: {
          Id: group.id,
          LastModifiedTime: new Date(),
          KeyGroupConfig: { Name: group.name, Items: [...group.items], Comment: group.comment },
        },
        ETag: group.etag,
      };
    });
    cloudFront.on(UpdateKeyGroupCommand).callsFake(async (input) => {
      const config = input.KeyGroupConfig;
      const result = await asSdk(() =>
        model.cloudFront.updateKeyGroup(
          input.Id,
          { name: config.Name, items: config.Items, comment: config.Comment },
          input.IfMatch,
        ),
      );
      return { ETag: result.etag };
    });
    cloudFront.on(CreatePublicKeyCommand).callsFake(async (input) => {
      const config = input.PublicKeyConfig;
      const created = await asSdk(() =>
        model.cloudFront.createPublicKey({
          callerReference: config.CallerReference,
          name: config.Name,
          encodedKey: config.EncodedKey,
          comment: config.Comment,
        }),
      );
      return { PublicKey: { Id: created.id, CreatedTime: new Date(), PublicKeyConfig: config } };
    });
    cloudFront.on(GetPublicKeyCommand).callsFake(async (input) => {
      const key = await model.cloudFront.getPublicKey(input.Id);
      if (!key) throw Object.assign(new Error("no key"), { name: "NoSuchPublicKey" });
      return {
        PublicKey: {
          Id: key.id,
          CreatedTime: new Date(),
          PublicKeyConfig: {
            CallerReference: key.callerReference,
            Name: key.name,
            EncodedKey: key.encodedKey,
          },
        },
        ETag: key.etag,
      };
    });
    cloudFront.on(ListPublicKeysCommand).callsFake(async () => {
      const items = [];
      for (const id of model.publicKeyIds()) {
        const key = (await model.cloudFront.getPublicKey(id))!;
        items.push({ Id: key.id, Name: key.name, EncodedKey: key.encodedKey, CreatedTime: new Date() });
      }
      return { PublicKeyList: { MaxItems: 100, Quantity: items.length, Items: items } };
    });
    cloudFront.on(DeletePublicKeyCommand).callsFake(async (input) => {
      await asSdk(() => model.cloudFront.deletePublicKey(input.Id, input.IfMatch));
      return {};
    });
    cloudFront.on(GetDistributionCommand).callsFake(async (input) => {
      const view = await model.cloudFront.getDistribution(input.Id);
      const trusted = (pattern: string) => {
        const ids = view.behaviors.find((behavior) => behavior.pathPattern === pattern)!.trustedKeyGroupIds;
        return { Enabled: true, Quantity: ids.length, Items: [...ids] };
      };
      return {
        Distribution: {
          Id: view.id,
          Status: view.status,
          DistributionConfig: {
            DefaultCacheBehavior: { TrustedKeyGroups: trusted("*") },
            CacheBehaviors: {
              Quantity: 3,
              Items: ["*._m3u8", "*.m3u8", "*.ts"].map((pattern) => ({
                PathPattern: pattern,
                TrustedKeyGroups: trusted(pattern),
              })),
            },
          },
        },
      } as never;
    });
    ssm.on(GetParametersCommand).callsFake(async (input) => {
      const found = await model.parameters.getParameters(input.Names);
      return {
        Parameters: [...found].map(([name, parameter]) => ({
          Name: name,
          Value: parameter.value,
          Version: parameter.version,
          LastModifiedDate: new Date(parameter.lastModified * 1000),
        })),
      };
    });
    ssm.on(PutParameterCommand).callsFake(async (input) => ({
      Version: (
        await asSdk(() =>
          model.parameters.putParameter(input.Name, input.Value, { overwrite: input.Overwrite === true }),
        )
      ).version,
    }));
    secrets.on(PutSecretValueCommand).callsFake(async (input) => ({
      VersionId: (
        await asSdk(() =>
          model.secrets.putSecretValue(input.SecretId, input.SecretString, input.ClientRequestToken),
        )
      ).versionId,
    }));
    secrets.on(GetSecretValueCommand).callsFake(async (input) => {
      const found = await model.secrets.getSecretValue(input.SecretId, input.VersionId);
      if (!found) throw Object.assign(new Error("not found"), { name: "ResourceNotFoundException" });
      return { SecretString: found.value, VersionId: found.versionId };
    });

    const ports: RotationPorts = {
      cloudFront: new AwsCloudFront(),
      parameters: new AwsParameterStore("us-east-1"),
      secrets: new AwsSecretStore("us-east-1"),
      clock: stack.clock,
      audit: { write: () => undefined },
    };
    let result = await runRotation(ports, stack.rotation, { force: true });
    for (let run = 0; run < 20 && result.outcome !== "completed"; run++) {
      stack.clock.advance(60);
      result = await runRotation(ports, stack.rotation);
    }
    assert.equal(result.outcome, "completed", result.message);

    const create = cloudFront.commandCalls(CreatePublicKeyCommand);
    assert.equal(create.length, 1);
    const keyConfig = create[0].args[0].input.PublicKeyConfig!;
    assert.match(keyConfig.CallerReference!, /^signed-hls-cloudfront-signer-test-r1-1800000000-a1$/);
    assert.equal(keyConfig.Name, keyConfig.CallerReference);
    assert.match(keyConfig.EncodedKey!, /^-----BEGIN PUBLIC KEY-----/);

    const puts = secrets.commandCalls(PutSecretValueCommand);
    assert.equal(puts.length, 1);
    assert.match(
      puts[0].args[0].input.ClientRequestToken!,
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    assert.equal(puts[0].args[0].input.SecretId, stack.rotation.slots[1].secretArn);

    // Every UpdateKeyGroup carries the ETag of the GetKeyGroup just before it, for that group.
    const calls = cloudFront.calls();
    const updates = cloudFront.commandCalls(UpdateKeyGroupCommand);
    assert.equal(updates.length, 1);
    for (const update of updates) {
      const index = calls.findIndex((call) => call.args[0] === update.args[0]);
      assert.ok(index > 0);
      const input = update.args[0].input as { Id: string; IfMatch: string };
      const read = calls
        .slice(0, index)
        .reverse()
        .find(
          (call) =>
            call.args[0] instanceof GetKeyGroupCommand &&
            (call.args[0].input as { Id: string }).Id === input.Id,
        )!;
      assert.equal(input.IfMatch, ((await read.returnValue) as { ETag: string }).ETag);
    }
    const deletes = cloudFront.commandCalls(DeletePublicKeyCommand);
    assert.equal(deletes.length, 1);
    assert.ok(deletes[0].args[0].input.IfMatch);

    const names = parameterNames(PREFIX);
    const writes = ssm.commandCalls(PutParameterCommand).map((call) => call.args[0].input);
    const promotion = writes.filter((input) => input.Name !== names.rotationState);
    assert.deepEqual(
      promotion.map((input) => [input.Name, input.Overwrite]),
      [
        [names.activeSecretArn, true],
        [names.activeKeyId, true],
      ],
    );
    assert.equal(writes[0].Name, names.rotationState);
    assert.equal(writes[0].Overwrite, false, "the first run creates the state without Overwrite");
  });
});
