#!/usr/bin/env node
/**
 * Writes the stack's `appConfig` output (schema: infra/app-config.ts and the
 * README's "Deploying a stack" section) to a JSON file for an application.
 *
 *   pulumi stack output --json | node scripts/write-app-config.js [--out app-config.json]
 *   node scripts/write-app-config.js [--stack dev] [--out app-config.json]
 *
 * With piped input (and no --stack) it reads `pulumi stack output --json` from
 * stdin; otherwise it runs that command itself (the `pulumi` CLI must be on
 * PATH and logged in to the stack's backend).
 */
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const SCHEMA_VERSION = 1;

function usage(message) {
  process.stderr.write(
    `write-app-config: ${message}\n` +
      "usage: pulumi stack output --json | node scripts/write-app-config.js [--out FILE]\n" +
      "       node scripts/write-app-config.js [--stack NAME] [--out FILE]\n",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const options = { out: "app-config.json", stack: undefined, stdin: undefined };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === "--out" || flag === "--stack") {
      const value = argv[++index];
      if (!value || value.startsWith("--")) usage(`${flag} needs a value`);
      options[flag.slice(2)] = value;
    } else if (flag === "--stdin") {
      options.stdin = true;
    } else if (flag === "--help" || flag === "-h") {
      usage("help");
    } else {
      usage(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return options;
}

/** stdin is a pipe, socket or file: the caller piped `pulumi stack output --json` in. */
function stdinIsPiped() {
  try {
    const stat = fs.fstatSync(0);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false;
  }
}

function readStackOutputs(options) {
  // --stack always asks pulumi, so a stray open stdin (some CI runners) cannot hang the script.
  if (options.stdin || (!options.stack && stdinIsPiped())) {
    return { text: fs.readFileSync(0, "utf8"), source: "stdin" };
  }
  const args = ["stack", "output", "--json", ...(options.stack ? ["--stack", options.stack] : [])];
  try {
    return {
      text: execFileSync("pulumi", args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }),
      source: `pulumi ${args.join(" ")}`,
    };
  } catch (error) {
    const reason = error.code === "ENOENT" ? "the pulumi CLI is not on PATH" : `exit status ${error.status}`;
    process.stderr.write(`write-app-config: pulumi ${args.join(" ")} failed: ${reason}\n`);
    process.exit(1);
  }
}

function fail(message) {
  process.stderr.write(`write-app-config: ${message}\n`);
  process.exit(1);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const { text, source } = readStackOutputs(options);
  let outputs;
  try {
    outputs = JSON.parse(text);
  } catch {
    fail(`${source} did not give JSON (expected the output of: pulumi stack output --json)`);
  }
  const appConfig = outputs && outputs.appConfig;
  if (!appConfig || typeof appConfig !== "object") {
    fail(`${source} has no appConfig output: is this a signed-hls-cdn stack, deployed with pulumi up?`);
  }
  if (appConfig.schemaVersion !== SCHEMA_VERSION) {
    fail(
      `appConfig schemaVersion ${JSON.stringify(appConfig.schemaVersion)} is not ${SCHEMA_VERSION}: update this script`,
    );
  }
  for (const field of ["distribution", "signing", "keys", "signer", "rotation", "edge"]) {
    if (!appConfig[field] || typeof appConfig[field] !== "object") fail(`appConfig.${field} is missing`);
  }
  const target = path.resolve(options.out);
  fs.writeFileSync(target, `${JSON.stringify(appConfig, null, 2)}\n`);
  process.stdout.write(
    `wrote ${target} (stack ${appConfig.stack}, distribution ${appConfig.distribution.domainName})\n`,
  );
}

main();
