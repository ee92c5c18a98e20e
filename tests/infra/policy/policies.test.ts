import assert from "node:assert/strict";
import { policies } from "../../../infra/policy/policies";
import { BAD_FIXTURES, SAFE_CHANGES, applied, type BadFixture } from "./bad-fixtures";
import { goodStack } from "./fixtures";
import { policyNamed, runPack, runPolicy, type Violation } from "./runner";

function assertExactly(violations: Violation[], expected: RegExp[]) {
  const messages = violations.map((violation) => violation.message);
  assert.equal(
    messages.length,
    expected.length,
    `expected ${expected.length} violation(s), got:\n${messages.join("\n")}`,
  );
  const unmatched = [...messages];
  for (const pattern of expected) {
    const index = unmatched.findIndex((message) => pattern.test(message));
    assert.ok(index >= 0, `no violation matches ${pattern}; got:\n${messages.join("\n")}`);
    unmatched.splice(index, 1);
  }
}

describe("policy pack over hand-written stacks", () => {
  for (const variant of ["dev", "prod"] as const) {
    it(`finds no violation in a good ${variant} stack`, async () => {
      assert.deepEqual(await runPack(goodStack(variant).resources), []);
    });
  }

  it("every policy is mandatory, explains the fix, and is tripped by at least one bad fixture", () => {
    for (const policy of policies) {
      assert.equal(policy.enforcementLevel, "mandatory", policy.name);
      assert.match(policy.description, /Fix:/, `${policy.name} description must say how to fix`);
      assert.ok(
        BAD_FIXTURES.some((fixture) => fixture.policy === policy.name),
        `no bad fixture trips ${policy.name}`,
      );
    }
  });

  const describeCase = (fixture: BadFixture) => `${fixture.policy}: ${fixture.title}`;
  for (const fixture of BAD_FIXTURES) {
    it(`reports exactly the expected violation(s) for ${describeCase(fixture)}`, async () => {
      assertExactly(
        await runPolicy(policyNamed(fixture.policy), applied(fixture).resources, fixture.config),
        fixture.expected,
      );
    });
  }

  for (const fixture of SAFE_CHANGES) {
    it(`accepts ${describeCase(fixture)}`, async () => {
      assertExactly(
        await runPolicy(policyNamed(fixture.policy), applied(fixture).resources, fixture.config),
        [],
      );
    });
  }

  it("honours a disabled enforcement level from pack config", async () => {
    const stack = applied(BAD_FIXTURES[0]);
    assert.deepEqual(
      await runPolicy(policyNamed(BAD_FIXTURES[0].policy), stack.resources, {
        [BAD_FIXTURES[0].policy]: { enforcementLevel: "disabled" },
      }),
      [],
    );
  });
});
