/**
 * README tables that must say what the code does: the config keys (generated
 * from infra/config/keys.ts) and the policy pack's policies.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { CONFIG_DEFAULTS, CONFIG_KEYS } from "../../infra/config";
import { README_PATH, TABLE_END, TABLE_START, configKeysMarkdown } from "../../infra/config/readme-table";
import { policies } from "../../infra/policy/policies";

const readme = fs.readFileSync(README_PATH, "utf8");

/** The rows of the markdown table that starts at the first line beginning with `header`, as cells. */
function tableRows(text: string, header: string): string[][] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith(header));
  assert.ok(start >= 0, `no table starting with ${header}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe("README tables", () => {
  it("the config key table is the one generated from the key table (npm run docs:config-keys)", () => {
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    assert.ok(start >= 0 && end > start, "README.md has the config-keys markers");
    assert.equal(
      readme.slice(start + TABLE_START.length, end).trim(),
      configKeysMarkdown(),
      "README.md's config key table is out of date: run npm run docs:config-keys",
    );
  });

  it("lists every config key once, with its default, and nothing else", () => {
    const section = readme.slice(readme.indexOf(TABLE_START));
    const rows = tableRows(section, "| Key | Default | Meaning |");
    const keys = rows.map(([key]) => key.replace(/`/g, ""));
    assert.deepEqual(keys, ["aws:region", ...CONFIG_KEYS]);
    for (const [key, shown] of rows.slice(1)) {
      const value = CONFIG_DEFAULTS[key.replace(/`/g, "") as keyof typeof CONFIG_DEFAULTS];
      if (value === "") assert.ok(shown === "(none)" || !shown.includes("(none)"), key);
      else if (key !== "`alarmRotationOverdueMargin`") assert.equal(shown, `\`${value}\``, key);
      else assert.ok(shown.startsWith(`\`${value}\``), key);
    }
  });

  it("the policy table names exactly the pack's policies, and no count is written by hand", () => {
    const section = readme.slice(readme.indexOf("## Policy pack"));
    const names = tableRows(section, "| Policy | Why it exists |").map(([name]) =>
      name.replace(/`/g, "").replace(/\s*\(stack\)$/, ""),
    );
    assert.deepEqual([...names].sort(), policies.map((policy) => policy.name).sort());
    const intro = section.slice(0, section.indexOf("| Policy |"));
    assert.doesNotMatch(
      intro,
      /\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|\d+)\s+policies\b/i,
    );
  });
});
