/**
 * The README's config key table, generated from the key table (keys.ts) so
 * the documented keys, defaults and meanings are the ones the program reads.
 * tests/infra/config-readme.test.ts fails when README.md differs;
 * `npm run docs:config-keys` rewrites it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEY_TABLE, CONFIG_KEYS } from "./keys";

export const TABLE_START =
  "<!-- config-keys: generated from infra/config/keys.ts by `npm run docs:config-keys` -->";
export const TABLE_END = "<!-- /config-keys -->";

const cell = (text: string): string => text.replace(/\|/g, "\\|");

/** The table's markdown: `aws:region`, then every `signed-hls-cdn:` key in table order. */
export function configKeysMarkdown(): string {
  const rows = CONFIG_KEYS.map((key) => {
    const spec = CONFIG_KEY_TABLE[key];
    const shown = spec.shownDefault ?? (spec.default === "" ? "(none)" : `\`${spec.default}\``);
    return `| \`${key}\` | ${cell(shown)} | ${cell(spec.doc)} |`;
  });
  return [
    "| Key | Default | Meaning |",
    "|---|---|---|",
    "| `aws:region` | (required) | Region of the signer, rotation, parameters, secrets and S3 origin. |",
    ...rows,
  ].join("\n");
}

/** README text with the generated table between the markers (which must be there). */
export function withConfigKeysTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configKeysMarkdown()}\n${readme.slice(end)}`;
}

export const README_PATH = path.join(__dirname, "..", "..", "README.md");

if (require.main === module) {
  fs.writeFileSync(README_PATH, withConfigKeysTable(fs.readFileSync(README_PATH, "utf8")));
}
