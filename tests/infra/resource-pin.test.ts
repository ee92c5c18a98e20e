/**
 * Every resource of both stacks, by URN, with a digest of its inputs and
 * options: a refactor of infra/ that changes a name, a parent (the URN), a
 * property or an option shows here, before `pulumi preview` would show an
 * update or a replacement on a deployed stack. The expectation is
 * resource-pin.json; after an intended change, regenerate it with
 * `UPDATE_RESOURCE_PIN=1` and review its diff.
 *
 * Left out of the digest: Lambda archives (`code`) and dynamic providers'
 * serialized code (`__provider`), which change with any edit of the code they
 * carry (lambda-archives.test.ts runs those), and the public keys the mocks
 * generate afresh on every run.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { runProgram, type CapturedResource, type StackName } from "./harness";

const PIN_FILE = path.join(__dirname, "resource-pin.json");
const STACKS: readonly StackName[] = ["dev", "prod"];
const CODE_INPUTS = new Set(["code", "__provider"]);

/** JSON with sorted keys, public keys blanked. */
function canonical(value: unknown): unknown {
  if (typeof value === "string") return value.includes("PUBLIC KEY-----") ? "<public key>" : value;
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !CODE_INPUTS.has(key))
      .sort(([a], [b]) => a.localeCompare(b));
    return Object.fromEntries(entries.map(([key, item]) => [key, canonical(item)]));
  }
  return value;
}

function digest(resource: CapturedResource): string {
  const { inputs, options } = resource;
  return createHash("sha256")
    .update(JSON.stringify(canonical({ inputs, options })))
    .digest("hex")
    .slice(0, 16);
}

async function currentPin(stack: StackName): Promise<Record<string, string>> {
  const run = await runProgram(stack);
  const pin: Record<string, string> = {};
  for (const resource of [...run.resources].sort((a, b) => a.urn.localeCompare(b.urn))) {
    assert.equal(pin[resource.urn], undefined, `URN registered twice: ${resource.urn}`);
    pin[resource.urn] = digest(resource);
  }
  return pin;
}

describe("infra program under mocks: resources pinned by URN and properties", function () {
  this.timeout(180000);
  const expected = JSON.parse(fs.readFileSync(PIN_FILE, "utf8")) as Record<StackName, Record<string, string>>;

  if (process.env.UPDATE_RESOURCE_PIN === "1") {
    it("rewrites resource-pin.json", async () => {
      const pins: Record<string, Record<string, string>> = {};
      for (const stack of STACKS) pins[stack] = await currentPin(stack);
      fs.writeFileSync(PIN_FILE, `${JSON.stringify(pins, null, 2)}\n`);
    });
    return;
  }

  for (const stack of STACKS) {
    it(`${stack}: the same URNs (no resource renamed, re-parented, added or lost)`, async () => {
      const actual = Object.keys(await currentPin(stack));
      const wanted = Object.keys(expected[stack]);
      assert.deepEqual(
        {
          added: actual.filter((urn) => !wanted.includes(urn)),
          lost: wanted.filter((urn) => !actual.includes(urn)),
        },
        { added: [], lost: [] },
      );
    });

    it(`${stack}: the same inputs and options for every resource`, async () => {
      const actual = await currentPin(stack);
      const changed = Object.keys(expected[stack]).filter(
        (urn) => urn in actual && actual[urn] !== expected[stack][urn],
      );
      assert.deepEqual(changed, []);
    });
  }
});
