/**
 * Launches Chromium through playwright-core with a fresh profile, no network
 * chatter of its own, and autoplay allowed (the page autoplays muted video
 * anyway; the flag removes any doubt in headless mode). The system's `chromium`
 * (Debian's) when it is on the PATH, else the one @sparticuz/chromium ships.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { systemToolPath } from "../support/tools";
import { packagedChromium, type PackagedChromium } from "./packaged-chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

function chromiumToLaunch(): PackagedChromium | { executablePath: string; env?: undefined } {
  const system = systemToolPath("chromium");
  return system ? { executablePath: system } : packagedChromium();
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const { executablePath, env } = chromiumToLaunch();
  const profile = mkdtempSync(join(tmpdir(), "signed-hls-cdn-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    env,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
