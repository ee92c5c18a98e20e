#!/usr/bin/env node
// The `signed-hls-cdn` command. A plain JS shim so `npx signed-hls-cdn` works
// from a clone after `npm ci`: it registers ts-node (transpile-only, with this
// package's tsconfig, wherever the command is run from) and hands over to main.ts.
"use strict";
const { join } = require("node:path");

const root = join(__dirname, "..");
require(require.resolve("ts-node", { paths: [root] })).register({
  transpileOnly: true,
  project: join(root, "tsconfig.json"),
});

require("./main.ts")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
