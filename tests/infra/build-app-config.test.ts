/**
 * The `appConfig` stack output built from plain values (infra/build-app-config.ts):
 * no Pulumi mocks. program.test.ts checks the same object as the deployed program exports it.
 */
import assert from "node:assert/strict";
import { buildAppConfig, type DeployedFacts } from "../../infra/build-app-config";
import { validateStackConfig } from "../../infra/config";

const FACTS: DeployedFacts = {
  distributionId: "E2QWRUHAPOMQZL",
  distributionDomainName: "d111111abcdef8.cloudfront.net",
  keyGroupIds: { active: "kg-active", inactive: "kg-inactive" },
  secretArns: {
    active: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:active",
    inactive: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:inactive",
  },
  parameterNames: {
    activeKeyId: "/cloudfront-signer/dev/active-key-id",
    activeSecretArn: "/cloudfront-signer/dev/active-secret-arn",
    rotationState: "/cloudfront-signer/dev/rotation-state",
  },
  signerFunctionName: "signer-1234",
  signerFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:signer-1234",
  signerFunctionUrl: "https://abc.lambda-url.eu-west-1.on.aws/",
  rotationFunctionName: "rotation-1234",
  edgeFunctionVersionArn: "arn:aws:lambda:us-east-1:123456789012:function:manifest-edge-1234:3",
};

describe("infra build-app-config: the appConfig output from plain values", () => {
  it("no alias: the distribution's own domain is the base URL and an allowed host", () => {
    const config = validateStackConfig({ region: "eu-west-1", allowedHosts: "cdn2.example.com" }, "dev");
    const app = buildAppConfig(config, "dev", FACTS);
    assert.equal(app.schemaVersion, 1);
    assert.equal(app.stack, "dev");
    assert.equal(app.distribution.baseUrl, "https://d111111abcdef8.cloudfront.net");
    assert.deepEqual(app.signing.allowedHosts, ["d111111abcdef8.cloudfront.net", "cdn2.example.com"]);
    assert.equal(app.signing.manifestSuffix, "._m3u8");
    assert.deepEqual(app.keys.keyGroupIds, FACTS.keyGroupIds);
    assert.equal(app.rotation.schedule, config.rotationSchedule);
    assert.equal(app.edge.functionVersionArn, FACTS.edgeFunctionVersionArn);
  });

  it("with aliases: the first alias is the base URL; aliases come first in the allowed hosts", () => {
    const config = validateStackConfig(
      {
        region: "eu-west-1",
        aliases: "media.example.com,media-eu.example.com",
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0b9d7c8e-5a4f-4e3d-9c2b-1a0f9e8d7c6b",
      },
      "prod",
    );
    const app = buildAppConfig(config, "prod", FACTS);
    assert.equal(app.distribution.baseUrl, "https://media.example.com");
    assert.deepEqual(app.signing.allowedHosts, [
      "media.example.com",
      "media-eu.example.com",
      "d111111abcdef8.cloudfront.net",
    ]);
  });

  it("the application policy grants both Function URL actions on the signer, nothing else", () => {
    const app = buildAppConfig(validateStackConfig({ region: "eu-west-1" }, "dev"), "dev", FACTS);
    const policy = JSON.parse(app.signer.applicationPolicy) as {
      Statement: { Action: string; Resource: string }[];
    };
    assert.deepEqual(
      policy.Statement.map((statement) => [statement.Action, statement.Resource]),
      [
        ["lambda:InvokeFunctionUrl", FACTS.signerFunctionArn],
        ["lambda:InvokeFunction", FACTS.signerFunctionArn],
      ],
    );
  });
});
