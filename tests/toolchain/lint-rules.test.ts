/**
 * The type-aware lint rules (eslint.config.mjs) catch what they are there for: a
 * snippet with the mistake is linted through ESLint's API under the project's
 * config, as tests/toolchain/lint-probe/probe.ts (a small tsconfig of its own, so
 * the type information takes seconds, not the whole program).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";

const ROOT = join(__dirname, "..", "..");
const PROBE = join(__dirname, "lint-probe", "probe.ts");

async function rulesFiring(code: string): Promise<string[]> {
  const [result] = await new ESLint({ cwd: ROOT }).lintText(code, { filePath: PROBE });
  return result.messages.map((message) => `${message.ruleId ?? "parser"}: ${message.message}`);
}

describe("type-aware lint rules", function () {
  this.timeout(120_000);

  it("no-floating-promises: a promise nobody awaits or handles", async () => {
    const snippet = [
      "export async function save(): Promise<void> {}",
      "export function handler(): void {",
      "  save();",
      "}",
      "",
    ].join("\n");
    const fixed = snippet.replace(
      "  save();",
      "  void save(); // fire and forget: save reports its own failures",
    );
    assert.deepEqual(
      (await rulesFiring(snippet)).map((line) => line.split(":")[0]),
      ["@typescript-eslint/no-floating-promises"],
    );
    assert.deepEqual(await rulesFiring(fixed), []);
  });

  it("switch-exhaustiveness-check: a switch over a union that misses a member", async () => {
    const snippet = [
      'type Trigger = "viewer-request" | "origin-request";',
      "export function budgetMs(trigger: Trigger): number {",
      "  switch (trigger) {",
      '    case "viewer-request":',
      "      return 5_000;",
      "  }",
      "  return 0;",
      "}",
      "",
    ].join("\n");
    const fixed = snippet.replace(
      "  }\n  return 0;",
      '    case "origin-request":\n      return 30_000;\n  }',
    );
    assert.deepEqual(await rulesFiring(snippet), [
      '@typescript-eslint/switch-exhaustiveness-check: Switch is not exhaustive. Cases not matched: "origin-request"',
    ]);
    assert.deepEqual(await rulesFiring(fixed), []);
  });
});
