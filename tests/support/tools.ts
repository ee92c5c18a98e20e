/**
 * Tests that need a system program (ffmpeg, openssl) call requireSystemTool in a
 * `before` hook: outside CI a missing one skips the test with a loud reason; in CI
 * (`CI=true`) it fails, because .ci/run installs them. Chromium needs no system
 * copy (tests/e2e/chromium.ts falls back to the one an npm package ships).
 */
import { spawnSync } from "node:child_process";

export function systemToolPath(tool: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

export function requireSystemTool(context: Mocha.Context, tool: string, why: string): string {
  const path = systemToolPath(tool);
  if (path) return path;
  const message = `${tool} is not installed (${why}): install it (apt-get install ${tool}) or run .ci/run`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}
