/**
 * Tests that need a system program (ffmpeg, openssl) call requireSystemTool in a
 * `before` hook: outside CI a missing one skips the test with a loud reason; in CI
 * (`CI=true`) it fails, because .ci/run installs them. Chromium needs no system
 * copy (tests/e2e/chromium.ts falls back to the one an npm package ships), and
 * requireFfmpeg falls back to the static ffmpeg @ffmpeg-installer ships.
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
  return skipWithout(context, `${tool} is not installed (${why})`, tool);
}

export interface Ffmpeg {
  path: string;
  /** The 2018 static build from @ffmpeg-installer, not a system ffmpeg. */
  packaged: boolean;
}

/**
 * The system ffmpeg, else the static build @ffmpeg-installer ships (a 2018 snapshot:
 * it decodes our streams over HTTP, but cannot resolve host names, see
 * tests/e2e/ffmpeg-client.test.ts). None on this platform: skip, or fail in CI.
 */
export function requireFfmpeg(context: Mocha.Context, why: string): Ffmpeg {
  const system = systemToolPath("ffmpeg");
  if (system) return { path: system, packaged: false };
  try {
    return { path: (require("@ffmpeg-installer/ffmpeg") as { path: string }).path, packaged: true };
  } catch (error) {
    return skipWithout(context, `ffmpeg is not installed (${why}; ${String(error)})`, "ffmpeg");
  }
}

/** Skips the test with a loud reason; in CI (.ci/run installs the tools) fails instead. */
export function skipWithout(context: Mocha.Context, reason: string, tool: string): never {
  const message = `${reason}: install it (apt-get install ${tool}) or run .ci/run`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}
