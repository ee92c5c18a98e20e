/**
 * An audio-only player entering below the asset root (issue 14 item 4), with
 * hls.js in Chromium: the app signs the committed sample's
 * `/show/audio/en/index.m3u8`, whose AES-128 key is `../../keys/enc.key`.
 * With the asset root (`/show/`, the local stack's depth 1) it plays with no
 * load or fatal error; with each playlist's own folder (depth 0) hls.js fails
 * to load the key (`keyLoadError`). A non-fatal `bufferStalledError` may come
 * while the first segment buffers, in both cases.
 */
import assert from "node:assert/strict";
import { createSignerClient } from "../../client/signer-client";
import { toEdgeAddress } from "../../local/handlers";
import { checkOptions, defaultOptions } from "../../local/options";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { launchChromium, type LaunchedBrowser } from "./chromium";

const loopback = (url: string) => url.replace("//localhost:", "//127.0.0.1:");

interface AudioState {
  readonly currentTime: number;
  readonly errors: string[];
}

describe("hls.js plays an audio-only media playlist entered below the asset root", function () {
  this.timeout(120_000);
  let browser: LaunchedBrowser | undefined;
  let stack: LocalStack | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });
  after(async () => browser?.close());

  /** Starts the stack, signs the audio playlist as the app would, and lets hls.js play it. */
  async function play(assetRootDepth: number): Promise<AudioState> {
    const options = { ...defaultOptions(), port: 0, stateDir: undefined, live: false, assetRootDepth };
    stack = await startLocalStack(checkOptions(options), { log: () => undefined });
    const client = createSignerClient(
      { region: stack.region, signer: { functionUrl: loopback(stack.urls.signer) } },
      { credentials: stack.signerCredentials },
    );
    const signed = await client.sign({ resource: "/show/audio/en/index.m3u8" });
    const source = toEdgeAddress(signed.url, stack.urls.edge);
    const page = await (browser as LaunchedBrowser).context.newPage();
    try {
      // The page serves hls.js; it is on another origin than the edge, as a player page is.
      await page.goto(loopback(stack.urls.page));
      await page.evaluate((url) => {
        type HlsEvents = { ERROR: string };
        type HlsInstance = {
          on(
            event: string,
            listener: (event: string, data: { details: string; fatal: boolean }) => void,
          ): void;
          loadSource(url: string): void;
          attachMedia(media: HTMLMediaElement): void;
        };
        const Hls = (window as unknown as { Hls: { new (): HlsInstance; Events: HlsEvents } }).Hls;
        const audio = document.createElement("audio");
        audio.muted = true;
        document.body.append(audio);
        const errors: string[] = [];
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_event, data) =>
          errors.push(`${data.details}${data.fatal ? " (fatal)" : ""}`),
        );
        hls.loadSource(url);
        hls.attachMedia(audio);
        void audio.play().catch(() => undefined);
        (window as unknown as { __audio: { audio: HTMLAudioElement; errors: string[] } }).__audio = {
          audio,
          errors,
        };
      }, source);
      // Playing past one segment, or an error: whichever comes first.
      await page.waitForFunction(
        () => {
          const state = (window as unknown as { __audio: { audio: HTMLAudioElement; errors: string[] } })
            .__audio;
          return state.audio.currentTime > 2.5 || state.errors.some((error) => /fatal|LoadError/.test(error));
        },
        undefined,
        { timeout: 30_000 },
      );
      return await page.evaluate(() => {
        const state = (window as unknown as { __audio: { audio: HTMLAudioElement; errors: string[] } })
          .__audio;
        return { currentTime: state.audio.currentTime, errors: [...state.errors] };
      });
    } finally {
      await page.close();
    }
  }

  it("the asset-root grant (depth 1): the key loads and the audio plays, no load or fatal error", async () => {
    const state = await play(1);
    assert.deepEqual(
      state.errors.filter((error) => /fatal|LoadError/.test(error)),
      [],
      JSON.stringify(state),
    );
    assert.ok(state.currentTime > 2.5, JSON.stringify(state));
  });

  it("the playlist's own folder (depth 0): hls.js cannot load the key", async () => {
    const state = await play(0);
    assert.ok(
      state.errors.some((error) => error.startsWith("keyLoadError")),
      JSON.stringify(state),
    );
  });
});
