/**
 * Issue 10 item 8: the providers the program makes itself (the us-east-1
 * provider of the edge function, the dynamic providers of the first key
 * pairs, key groups and parameters) use the stack's own `aws:` settings:
 * profile, assumed roles and allowed account ids, so nothing lands in
 * another account.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsStub } from "./aws-stub";
import { resourceNamed, runProgram } from "./harness";
import { inProviderHost, PARAMETER } from "./provider-host";

const ROLE = "arn:aws:iam::210987654321:role/deployer";
const SETTINGS = {
  "aws:profile": "media-prod",
  "aws:assumeRoles": JSON.stringify([{ roleArn: ROLE, sessionName: "deploy" }]),
  "aws:allowedAccountIds": JSON.stringify(["210987654321"]),
};

describe("infra: the stack's aws: settings reach every provider the program makes", function () {
  this.timeout(180000);

  it("gives the us-east-1 provider and every dynamic resource the stack's profile, roles and accounts", async () => {
    const run = await runProgram("dev", SETTINGS);
    const edgeProvider = resourceNamed(run, "pulumi:providers:aws", "manifest-edge-us-east-1");
    assert.equal(edgeProvider.inputs.region, "us-east-1");
    assert.equal(edgeProvider.inputs.profile, "media-prod");
    // Provider inputs travel as strings, objects as JSON.
    const parsed = (value: unknown) => (typeof value === "string" ? (JSON.parse(value) as unknown) : value);
    assert.deepEqual(parsed(edgeProvider.inputs.assumeRoles), [{ roleArn: ROLE, sessionName: "deploy" }]);
    assert.deepEqual(parsed(edgeProvider.inputs.allowedAccountIds), ["210987654321"]);
    const dynamic = run.resources.filter((resource) => resource.type.startsWith("pulumi-nodejs:dynamic/"));
    assert.equal(dynamic.length, 6, "two key pairs, two key groups, two parameters");
    for (const resource of dynamic) {
      assert.deepEqual(
        resource.inputs.account,
        {
          profile: "media-prod",
          assumeRoles: [{ roleArn: ROLE, sessionName: "deploy" }],
          allowedAccountIds: ["210987654321"],
        },
        resource.name,
      );
    }
  });

  it("refuses static keys in the stack config for the dynamic resources (they would sit in state)", async () => {
    await assert.rejects(
      runProgram("dev", { "aws:accessKey": "AKIAEXAMPLE", "aws:secretKey": "secret" }),
      /aws:accessKey, aws:secretKey: the program's dynamic resources .* would keep static keys in state/,
    );
  });

  describe("dynamic providers against the AWS stub", () => {
    const stub = new AwsStub("eu-west-1");
    before(() => stub.start());
    after(() => stub.stop());
    beforeEach(() => {
      stub.calls.length = 0;
      stub.parameters.clear();
    });
    const create = (account: Record<string, unknown>, environment: Record<string, string> = {}) =>
      inProviderHost(
        stub,
        [
          {
            type: PARAMETER,
            method: "create",
            args: [
              {
                name: "/cloudfront-signer/dev/active-key-id",
                initialValue: "K1",
                description: "d",
                region: "eu-west-1",
                account,
              },
            ],
          },
        ],
        environment,
      );

    it("assumes the stack's role and writes with its credentials when its account is allowed", async () => {
      await create({ assumeRoles: [{ roleArn: ROLE }], allowedAccountIds: ["210987654321"] });
      const write = stub.calls.find((call) => call.action === "PutParameter");
      assert.ok(write, "written");
      assert.match(String(write.accessKeyId), /^ASIA210987654321/, "signed with the assumed role's keys");
      assert.equal(
        stub.calls.find((call) => call.action === "AssumeRole")?.accessKeyId,
        "AKIAIOSFODNN7EXAMPLE",
      );
    });

    it("writes nothing when the credentials belong to an account aws:allowedAccountIds leaves out", async () => {
      await assert.rejects(
        create({ assumeRoles: [{ roleArn: ROLE }], allowedAccountIds: ["123456789012"] }),
        /AWS account 210987654321 is not in aws:allowedAccountIds \(123456789012\): nothing written/,
      );
      assert.deepEqual(stub.writes(), []);
      assert.equal(stub.parameters.size, 0);
    });

    it("signs with the stack's profile, not the environment's keys", async () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "signed-hls-cdn-profile-"));
      const credentials = path.join(directory, "credentials");
      fs.writeFileSync(
        credentials,
        "[media-prod]\naws_access_key_id = AKIAMEDIAPROD0000001\naws_secret_access_key = profilesecret\n",
      );
      try {
        await create({ profile: "media-prod", sharedCredentialsFiles: [credentials] });
        const write = stub.calls.find((call) => call.action === "PutParameter");
        assert.equal(write?.accessKeyId, "AKIAMEDIAPROD0000001");
      } finally {
        fs.rmSync(directory, { recursive: true, force: true });
      }
    });
  });
});
