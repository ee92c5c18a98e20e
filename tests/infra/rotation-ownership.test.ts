/**
 * Issue 10 item 5: after rotations, a later `pulumi up` (unrelated config
 * changed) writes nothing the rotation owns, and `pulumi destroy` succeeds
 * although every ETag in state is stale. The program runs twice under mocks;
 * its rotation-owned resources go through their real dynamic providers (in a
 * child process, as Pulumi's dynamic-provider host runs them) against the AWS
 * stub, with a rotation in between: what `up` would call is diff, then update
 * when diff reports a change; what `destroy` calls is delete, with the state.
 */
import assert from "node:assert/strict";
import { AwsStub } from "./aws-stub";
import { CloudFrontKeysFake } from "./cloudfront-keys-fake";
import { ofType, runProgram, type CapturedResource, type ProgramRun } from "./harness";
import { inProviderHost, KEY_GROUP, PARAMETER, type ProviderCall } from "./provider-host";

/** The inputs the engine hands a dynamic provider: the program's, without the serialized provider. */
function providerInputs(resource: CapturedResource): Record<string, unknown> {
  const inputs: Record<string, unknown> = { ...resource.inputs };
  delete inputs.__provider;
  for (const key of Object.keys(inputs)) if (inputs[key] === undefined) delete inputs[key];
  return inputs;
}

const owned = (run: ProgramRun) =>
  [...ofType(run, KEY_GROUP), ...ofType(run, PARAMETER)].sort((a, b) => a.name.localeCompare(b.name));

describe("infra rotation-owned values: up and destroy after rotations", function () {
  this.timeout(240000);
  const stub = new AwsStub("eu-west-1");
  const cloudFront = new CloudFrontKeysFake();

  before(async () => {
    await stub.start();
    stub.cloudFront = cloudFront.handler;
  });
  after(() => stub.stop());

  it("writes no rotation-owned value on a later up, and destroys with the current ETags", async () => {
    const first = await runProgram("dev");
    for (const type of ["aws:cloudfront/keyGroup:KeyGroup", "aws:ssm/parameter:Parameter"]) {
      assert.deepEqual(ofType(first, type), [], `${type}: its provider update sends the stored value`);
    }
    const resources = owned(first);
    assert.equal(resources.length, 4, "two key groups, two parameters");

    // First deploy: the providers create them. The parameters take the key groups' outputs as the engine would.
    const groupOutputs = (await inProviderHost(
      stub,
      ofType(first, KEY_GROUP).map((group) => ({
        type: KEY_GROUP,
        method: "create",
        args: [providerInputs(group)],
      })),
    )) as { id: string; outs: Record<string, string> }[];
    const activeGroup = groupOutputs[ofType(first, KEY_GROUP).findIndex((g) => g.name.includes("-active-"))];
    const parameterInputs = ofType(first, PARAMETER).map((parameter) => {
      const inputs = providerInputs(parameter);
      if (parameter.name.endsWith("active-key-id")) inputs.initialValue = activeGroup.outs.initialPublicKeyId;
      return inputs;
    });
    const parameterOutputs = (await inProviderHost(
      stub,
      parameterInputs.map((inputs) => ({ type: PARAMETER, method: "create", args: [inputs] })),
    )) as { id: string; outs: Record<string, string> }[];
    const state = new Map<string, { id: string; outs: Record<string, unknown> }>();
    ofType(first, KEY_GROUP).forEach((group, index) => state.set(group.name, groupOutputs[index]));
    ofType(first, PARAMETER).forEach((parameter, index) =>
      state.set(parameter.name, parameterOutputs[index]),
    );
    const activeKeyIdName = String(
      parameterInputs.find((inputs) => String(inputs.name).endsWith("active-key-id"))!.name,
    );
    assert.equal(stub.parameters.get(activeKeyIdName)?.value, activeGroup.outs.initialPublicKeyId);
    assert.equal(cloudFront.groups.size, 2);
    assert.equal(cloudFront.keys.size, 2);

    // Two rotations, as AWS sees them: new keys in the groups, new ETags, the parameter moved on.
    const inactiveGroupId = [...cloudFront.groups.keys()].find((id) => id !== activeGroup.id)!;
    const rotated = cloudFront.addKeyToGroup(inactiveGroupId, "signed-hls-cloudfront-signer-dev-r1-a1");
    stub.putParameter(activeKeyIdName, rotated);
    const rotatedAgain = cloudFront.addKeyToGroup(activeGroup.id, "signed-hls-cloudfront-signer-dev-r2-a1");
    stub.putParameter(activeKeyIdName, rotatedAgain);
    const awsAfterRotations = JSON.stringify({
      groups: [...cloudFront.groups],
      parameters: [...stub.parameters].map(([name, parameter]) => [name, parameter.value]),
    });

    // A later up with unrelated config changed (and another profile): diff, then update where it reports a change.
    const second = await runProgram("dev", { defaultUrlLifetimeSeconds: "900", "aws:profile": "deployer" });
    stub.calls.length = 0;
    const upCalls: ProviderCall[] = [];
    for (const resource of owned(second)) {
      const previous = state.get(resource.name)!;
      const news = providerInputs(resource);
      if (resource.type === PARAMETER && String(news.name).endsWith("active-key-id")) {
        news.initialValue = activeGroup.outs.initialPublicKeyId;
      }
      upCalls.push({ type: resource.type, method: "diff", args: [previous.id, previous.outs, news] });
      upCalls.push({ type: resource.type, method: "update", args: [previous.id, previous.outs, news] });
    }
    const upResults = await inProviderHost(stub, upCalls);
    const diffs = upResults.filter((_, index) => index % 2 === 0) as { changes: boolean }[];
    assert.ok(
      diffs.every((diff) => diff.changes === true),
      "the profile change is recorded in state (an update that calls no AWS API)",
    );
    assert.deepEqual(stub.calls, [], "up called no AWS API at all");
    assert.equal(
      JSON.stringify({
        groups: [...cloudFront.groups],
        parameters: [...stub.parameters].map(([name, parameter]) => [name, parameter.value]),
      }),
      awsAfterRotations,
      "AWS still holds what the rotations wrote",
    );
    const updated = upResults.filter((_, index) => index % 2 === 1) as { outs: Record<string, unknown> }[];
    for (const result of updated) assert.deepEqual(result.outs.account, { profile: "deployer" });

    // Destroy with the state of the first deploy: every ETag in it is stale. A rotation also
    // writes a group between the provider's read and its delete once.
    let interleaved = false;
    cloudFront.beforeAnswer = (method, requestPath) => {
      if (!interleaved && method === "DELETE" && requestPath.includes(`/key-group/${inactiveGroupId}`)) {
        interleaved = true;
        cloudFront.touch(inactiveGroupId);
      }
    };
    await inProviderHost(
      stub,
      owned(first).map((resource) => {
        const { id, outs } = state.get(resource.name)!;
        return { type: resource.type, method: "delete", args: [id, outs] };
      }),
    );
    assert.ok(interleaved, "the delete met a concurrent write");
    assert.equal(cloudFront.groups.size, 0, "both key groups deleted");
    assert.deepEqual([...cloudFront.keys.keys()], [], "their keys too, the rotations' included (key quota)");
    assert.equal(stub.parameters.size, 0);

    // Destroying again (a retried destroy) finds nothing and succeeds.
    await inProviderHost(
      stub,
      owned(first).map((resource) => {
        const { id, outs } = state.get(resource.name)!;
        return { type: resource.type, method: "delete", args: [id, outs] };
      }),
    );
  });

  it("refuses to move a rotation-owned parameter to another name (it would restart from the first key)", async () => {
    const run = await runProgram("dev");
    const parameter = ofType(run, PARAMETER)[0];
    const olds = { ...providerInputs(parameter), arn: "arn" };
    await assert.rejects(
      inProviderHost(stub, [
        {
          type: PARAMETER,
          method: "diff",
          args: [parameter.id, olds, { ...providerInputs(parameter), name: "/elsewhere/active-key-id" }],
        },
      ]),
      /fixed at creation because the rotation owns the value/,
    );
  });
});
