/**
 * The dynamic provider that makes each slot's first key pair: the private key
 * goes straight into Secrets Manager (here: the AWS API stub, through the real
 * SDK) and nothing but public material comes back to Pulumi.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { initialKeyPairProvider, type InitialKeyPairInputs } from "../../infra/initial-key-pair";
import { AwsStub } from "./aws-stub";
import { resourceNamed, runProgram } from "./harness";

const SECRET_ARN =
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:signed-hls-cdn/dev/active-private-key-ed500716-AbCdEf";

const ROOT = path.join(__dirname, "..", "..");

/**
 * Runs `initialKeyPairProvider.create` in a fresh process (as Pulumi's
 * dynamic-provider host does), so no SDK client mock another test installed
 * in this process can answer in the stub's place.
 */
async function createInChild(
  inputs: InitialKeyPairInputs,
  environment: Record<string, string>,
): Promise<{ ok: true; result: Record<string, unknown>; output: string } | { ok: false; output: string }> {
  const script = [
    'const { initialKeyPairProvider } = require("./infra/initial-key-pair.ts");',
    `initialKeyPairProvider.create(${JSON.stringify(inputs)}).then(`,
    "  (result) => process.stdout.write(JSON.stringify(result)),",
    "  (error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });",
  ].join("\n");
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "-e", script],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...environment }, encoding: "utf8", timeout: 60000 },
    );
    return { ok: true, result: JSON.parse(stdout) as Record<string, unknown>, output: `${stdout}${stderr}` };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

describe("infra InitialKeyPair dynamic provider", function () {
  this.timeout(60000);
  const stub = new AwsStub("eu-west-1");

  before(() => stub.start());
  after(() => stub.stop());
  beforeEach(() => {
    stub.calls.length = 0;
    stub.secrets.clear();
  });

  for (const algorithm of ["rsa-2048", "ecdsa-p256"] as const) {
    it(`${algorithm}: writes the private key to the secret and returns only the public key`, async () => {
      const run = await createInChild(
        { secretId: SECRET_ARN, algorithm, region: "eu-west-1" },
        stub.environment(),
      );
      assert.ok(run.ok, run.output);
      const result = run.result as { id: string; outs: Record<string, string> };
      assert.doesNotMatch(run.output, /PRIVATE KEY/, "nothing returned or printed holds the private key");
      assert.deepEqual(Object.keys(result.outs).sort(), [
        "algorithm",
        "publicKeyPem",
        "region",
        "secretId",
        "secretVersionId",
      ]);

      assert.deepEqual(
        stub.calls.map((call) => `${call.service}:${call.action}`),
        ["secretsmanager:PutSecretValue"],
      );
      const stored = stub.currentSecret(SECRET_ARN);
      assert.match(stored ?? "", /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(result.outs.secretVersionId, stub.secrets.get(SECRET_ARN)?.at(-1)?.versionId);
      assert.equal(result.id, `${SECRET_ARN}#${result.outs.secretVersionId}`);

      // The pair matches: what the secret signs, the returned public key verifies.
      const publicKey = createPublicKey(result.outs.publicKeyPem);
      assert.equal(publicKey.asymmetricKeyType, algorithm === "rsa-2048" ? "rsa" : "ec");
      const message = Buffer.from("policy");
      assert.ok(verify("sha256", message, publicKey, sign("sha256", message, createPrivateKey(stored!))));
    });
  }

  it("fails the deploy, returning nothing, when the secret cannot be written", async () => {
    const closed = new AwsStub("eu-west-1");
    const closedEndpoint = await closed.start();
    await closed.stop();
    const run = await createInChild(
      { secretId: SECRET_ARN, algorithm: "ecdsa-p256", region: "eu-west-1" },
      { ...stub.environment(), AWS_ENDPOINT_URL: closedEndpoint },
    );
    assert.equal(run.ok, false);
    assert.match(run.output, /ECONNREFUSED|connect/);
    assert.doesNotMatch(run.output, /PRIVATE KEY/);
    assert.equal(stub.secrets.size, 0);
  });

  it("replaces (new pair) only for another secret or region; an algorithm change is left to the rotation", async () => {
    const olds = {
      secretId: SECRET_ARN,
      algorithm: "rsa-2048" as const,
      region: "eu-west-1",
      publicKeyPem: "x",
      secretVersionId: "v",
    };
    const same = await initialKeyPairProvider.diff!("id", olds, {
      secretId: SECRET_ARN,
      algorithm: "rsa-2048",
      region: "eu-west-1",
    });
    assert.equal(same.changes, false);
    const moved = await initialKeyPairProvider.diff!("id", olds, {
      secretId: `${SECRET_ARN}2`,
      algorithm: "rsa-2048",
      region: "eu-west-1",
    });
    assert.deepEqual(moved.replaces, ["secretId"]);
  });
});

describe("infra InitialKeyPair: the provider as serialized into Pulumi state", function () {
  this.timeout(120000);

  it("runs from its serialized text in a fresh process (as Pulumi's dynamic-provider host does)", async () => {
    const run = await runProgram("dev");
    const resource = resourceNamed(
      run,
      "pulumi-nodejs:dynamic/signed-hls-cdn:InitialKeyPair",
      "signing-keys-active-initial-key-pair",
    );
    const serialized = String(resource.inputs.__provider);
    assert.match(serialized, /^exports\.handler = /);
    assert.doesNotMatch(serialized, /-----BEGIN [A-Z ]*PRIVATE KEY-----\s*[A-Za-z0-9+/=]{16}/);

    const stub = new AwsStub("eu-west-1");
    await stub.start();
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "signed-hls-cdn-provider-"));
    try {
      fs.writeFileSync(path.join(directory, "provider.js"), serialized);
      const script = [
        'const provider = require("./provider.js").handler();',
        `provider.create(${JSON.stringify({ secretId: SECRET_ARN, algorithm: "ecdsa-p256", region: "eu-west-1" })})`,
        "  .then((result) => process.stdout.write(JSON.stringify(result)), (error) => { console.error(error.message); process.exit(1); });",
      ].join("\n");
      // Asynchronous: the stub answers from this process's event loop.
      const { stdout: output } = await promisify(execFile)(process.execPath, ["-e", script], {
        cwd: directory,
        env: {
          PATH: process.env.PATH ?? "",
          NODE_PATH: path.join(__dirname, "..", "..", "node_modules"),
          ...stub.environment(),
        },
        encoding: "utf8",
        timeout: 30000,
      });
      const result = JSON.parse(output) as { outs: { publicKeyPem: string } };
      assert.match(result.outs.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
      assert.doesNotMatch(output, /PRIVATE KEY/);
      assert.match(stub.currentSecret(SECRET_ARN) ?? "", /^-----BEGIN PRIVATE KEY-----/);
    } finally {
      await stub.stop();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});
