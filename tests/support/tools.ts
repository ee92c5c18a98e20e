/**
 * Tests that need a Debian tool (chromium, ffmpeg, openssl) call this in a
 * `before` hook: outside CI a missing tool skips the suite with a loud reason;
 * in CI (`CI=true`) it fails, because .ci/run installs every tool.
 */
import { spawnSync } from "node:child_process";

export function toolPath(tool: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export function requireTool(context: Mocha.Context, tool: string): string {
  const path = toolPath(tool);
  if (path) return path;
  const message = `${tool} is not installed: install it (apt-get install ${tool}) or run .ci/run`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}
