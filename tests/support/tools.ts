/**
 * The programs some tests run, each the system's when it is on the PATH, else one an npm
 * dev dependency ships, so a machine with nothing but Node and npm runs every test:
 * - Chromium: tests/e2e/chromium.ts (@sparticuz/chromium);
 * - ffmpeg as an HTTP client: requireFfmpeg (the static 2018 build of @ffmpeg-installer);
 * - ffmpeg and ffprobe on local files: mediaTools (FFmpeg 5.1 in WebAssembly,
 *   @ffmpeg/core, run by scripts/ffmpeg-wasm).
 * Only where a package has no binary for the platform (requireFfmpeg) is a test skipped
 * with a loud reason outside CI, and failed in CI (`CI=true`).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export function systemToolPath(tool: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
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

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
}

const WASM_TOOLS = join(__dirname, "../../scripts/ffmpeg-wasm");

/**
 * ffmpeg and ffprobe for local files (the sample script, decoding what it wrote): the
 * system's pair, else scripts/ffmpeg-wasm/{ffmpeg,ffprobe}, which run @ffmpeg/core over
 * the host's files. Never the 2018 static build: it cannot write the sample's playlists.
 */
export function mediaTools(): MediaTools {
  const ffmpeg = systemToolPath("ffmpeg");
  const ffprobe = systemToolPath("ffprobe");
  if (ffmpeg && ffprobe) return { ffmpeg, ffprobe };
  return { ffmpeg: join(WASM_TOOLS, "ffmpeg"), ffprobe: join(WASM_TOOLS, "ffprobe") };
}

/** Skips the test with a loud reason; in CI (.ci/run installs the tools) fails instead. */
export function skipWithout(context: Mocha.Context, reason: string, tool: string): never {
  const message = `${reason}: install it (apt-get install ${tool}) or run .ci/run`;
  if (process.env.CI === "true") throw new Error(`CI: ${message}`);
  console.warn(`\n  !!! SKIPPING: ${message}\n`);
  context.skip();
}
