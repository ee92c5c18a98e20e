#!/usr/bin/env node
// Runs every benchmark under bench/ (files named *.bench.ts), one after the
// other, each in its own process so one benchmark's warm-up cannot skew another.
const { readdirSync } = require("node:fs");
const { join } = require("node:path");
const { spawnSync } = require("node:child_process");

const only = process.argv[2];
const files = readdirSync(__dirname)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => !only || name.includes(only))
  .sort();
if (files.length === 0) {
  console.error("bench: no benchmark found under bench/");
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(__dirname, file)],
    { stdio: "inherit" },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
