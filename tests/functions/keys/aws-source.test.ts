import assert from "node:assert/strict";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import { AwsKeySource, parameterNames } from "../../../functions/keys";
import { KEY_READ_TIMEOUT_MS } from "../../../functions/keys/config";

describe("AwsKeySource", () => {
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  beforeEach(() => {
    ssm.reset();
    secrets.reset();
  });
  after(() => {
    ssm.restore();
    secrets.restore();
  });

  it("holds no client until first used, so it survives closure serialization", () => {
    const source = new AwsKeySource("ap-southeast-2");
    assert.deepEqual(JSON.parse(JSON.stringify(source)), {
      region: "ap-southeast-2",
      timeoutMs: KEY_READ_TIMEOUT_MS,
    });
  });

  it("reads both parameters in one GetParameters call and the secret with GetSecretValue", async () => {
    const names = parameterNames("/cloudfront-signer/dev");
    ssm.on(GetParametersCommand).resolves({
      Parameters: [
        { Name: names.activeKeyId, Value: "K2JCJMDEHXQW5F" },
        { Name: names.activeSecretArn, Value: "arn:aws:secretsmanager:eu-west-1:1:secret:a" },
      ],
      InvalidParameters: [],
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "-----BEGIN PRIVATE KEY-----" });
    const source = new AwsKeySource("eu-west-1");
    const values = await source.readParameters([names.activeKeyId, names.activeSecretArn]);
    assert.equal(values.get(names.activeKeyId), "K2JCJMDEHXQW5F");
    assert.equal(
      await source.readSecret("arn:aws:secretsmanager:eu-west-1:1:secret:a"),
      "-----BEGIN PRIVATE KEY-----",
    );
    assert.equal(ssm.commandCalls(GetParametersCommand).length, 1);
    assert.deepEqual(ssm.commandCalls(GetParametersCommand)[0].args[0].input, {
      Names: [names.activeKeyId, names.activeSecretArn],
      WithDecryption: true,
    });
    assert.deepEqual(secrets.commandCalls(GetSecretValueCommand)[0].args[0].input, {
      SecretId: "arn:aws:secretsmanager:eu-west-1:1:secret:a",
    });
    assert.equal(await ssm.send.thisValues[0].config.region(), "eu-west-1");
  });

  it("treats a missing parameter as absent and a binary secret as an error", async () => {
    ssm.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: ["/x/active-key-id"] });
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    const source = new AwsKeySource("eu-west-1");
    assert.equal((await source.readParameters(["/x/active-key-id"])).size, 0);
    await assert.rejects(source.readSecret("s"), /has no string value/);
  });

  it("ends every read by its deadline and aborts the SDK call: the SDK itself sets no overall limit", async () => {
    // Calls that never answer, as a black-holed connection across regions would.
    ssm.on(GetParametersCommand).callsFake(() => new Promise(() => undefined));
    secrets.on(GetSecretValueCommand).callsFake(() => new Promise(() => undefined));
    const source = new AwsKeySource("eu-west-1", 50);
    const started = Date.now();
    await assert.rejects(
      source.readParameters(["/x/active-key-id"]),
      /SSM GetParameters took longer than 50 ms/,
    );
    await assert.rejects(source.readSecret("s"), /Secrets Manager GetSecretValue took longer than 50 ms/);
    assert.ok(
      Date.now() - started < 1000,
      `both reads ended by their deadlines (${Date.now() - started} ms)`,
    );
    for (const send of [ssm.send, secrets.send]) {
      const options = (send.args[0] as unknown[])[1] as { abortSignal?: AbortSignal } | undefined;
      assert.equal(options?.abortSignal?.aborted, true, "the SDK call was aborted, not left running");
    }
  });
});
