/**
 * Each player plugin driven by the real library's own request path, in Node:
 * hls.js's XhrLoader (the loader class the plugin extends, with a recording
 * XMLHttpRequest), Shaka's NetworkingEngine (request filters run, then a
 * recording scheme plugin), and VHS's xhr with its onRequest hooks (with a
 * recording XMLHttpRequest). A playlist reload gets the fresh signature in URL
 * mode; every request carries credentials in cookie mode. The browser e2e
 * (tests/e2e/players.test.ts) plays real streams with them.
 */
import assert from "node:assert/strict";
import { FreshSignatures } from "../../players/signatures.js";
import { signedHlsConfig } from "../../players/hlsjs.js";
import { signedRequestFilter, useSignedRequests as useShaka } from "../../players/shaka.js";
import { signedRequestHook, useSignedRequests as useVideojs } from "../../players/videojs.js";
import { folderSigned, NOW } from "./grants";

/** What a recording XMLHttpRequest saw. */
interface Sent {
  url: string;
  withCredentials: boolean;
}

/** A stand-in XMLHttpRequest that records what the library opened and sent, and never answers. */
function recordingXhr(sent: Sent[]) {
  return class RecordingXhr {
    readyState = 0;
    status = 0;
    withCredentials = false;
    url = "";
    open(_method: string, url: string) {
      this.url = url;
      this.readyState = 1;
    }
    setRequestHeader() {}
    send() {
      sent.push({ url: this.url, withCredentials: this.withCredentials });
    }
    abort() {}
    getAllResponseHeaders() {
      return "";
    }
  };
}

const GLOBALS = ["self", "window", "XMLHttpRequest", "navigator", "document"] as const;
type Saved = Partial<Record<(typeof GLOBALS)[number], PropertyDescriptor | undefined>>;

/** Installs browser globals for the duration of a describe block. */
function withBrowserGlobals(values: () => Record<string, unknown>): void {
  const saved: Saved = {};
  before(() => {
    const installed = values();
    for (const name of GLOBALS) {
      saved[name] = Object.getOwnPropertyDescriptor(globalThis, name);
      if (name in installed)
        Object.defineProperty(globalThis, name, {
          value: installed[name],
          configurable: true,
          writable: true,
        });
    }
  });
  after(() => {
    for (const name of GLOBALS) {
      const descriptor = saved[name];
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete (globalThis as Record<string, unknown>)[name];
    }
  });
}

function renewed(): { signatures: FreshSignatures; stale: string; fresh: string } {
  const stale = folderSigned("720p/index._m3u8", NOW);
  const signatures = new FreshSignatures();
  signatures.update(folderSigned("master._m3u8", NOW + 20));
  return { signatures, stale, fresh: signatures.apply(stale) };
}

describe("player plugins with the real libraries", () => {
  describe("hls.js", () => {
    const sent: Sent[] = [];
    withBrowserGlobals(() => ({ self: globalThis, XMLHttpRequest: recordingXhr(sent) }));

    /** Loads `url` through a loader built from the plugin's config as hls.js builds it. */
    async function load(
      Loader: new (config: object) => { load: (...args: unknown[]) => void; destroy(): void },
      config: object,
      url: string,
    ) {
      sent.length = 0;
      const loader = new Loader(config);
      const loadPolicy = {
        maxTimeToFirstByteMs: 10_000,
        maxLoadTimeMs: 10_000,
        timeoutRetry: null,
        errorRetry: null,
      };
      loader.load(
        { url, responseType: "text" },
        { loadPolicy, timeout: 10_000 },
        { onSuccess() {}, onError() {}, onTimeout() {} },
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
      loader.destroy();
      return sent.slice();
    }

    it("URL mode: the playlist loader reloads with the fresh signature", async () => {
      const Hls = require("hls.js").default ?? require("hls.js");
      const { signatures, stale, fresh } = renewed();
      const config = signedHlsConfig(Hls, { mode: "url", signatures });
      assert.deepEqual(Object.keys(config), ["pLoader"]);
      const seen = await load(config.pLoader as never, Hls.DefaultConfig, stale);
      assert.deepEqual(seen, [{ url: fresh, withCredentials: false }]);
      assert.notEqual(fresh, stale);
    });

    it("cookie mode: xhrSetup sends credentials; fetchSetup asks for them", async () => {
      const Hls = require("hls.js").default ?? require("hls.js");
      const config = signedHlsConfig(Hls, { mode: "cookies" }) as Record<string, never>;
      const url = "https://d111111abcdef8.cloudfront.net/live/a1/720p/index._m3u8";
      const seen = await load(
        Hls.DefaultConfig.loader,
        { ...Hls.DefaultConfig, xhrSetup: config.xhrSetup },
        url,
      );
      assert.deepEqual(seen, [{ url, withCredentials: true }]);
      const request = (config.fetchSetup as (c: object, i: object) => Request)({ url }, { method: "GET" });
      assert.equal(request.credentials, "include");
      assert.equal(request.url, url);
    });
  });

  describe("Shaka Player", () => {
    withBrowserGlobals(() => ({
      self: globalThis,
      window: globalThis,
      navigator: { userAgent: "node", vendor: "" },
      document: { createElement: () => ({}) },
    }));

    /** Sends one request of `type` through a real NetworkingEngine with the filter, returns what reached the scheme. */
    async function throughEngine(options: Parameters<typeof signedRequestFilter>[0], uri: string) {
      const shaka = require("shaka-player");
      const Engine = shaka.net.NetworkingEngine;
      const reached: { uri: string; allowCrossSiteCredentials: boolean }[] = [];
      Engine.registerScheme(
        "https",
        (schemeUri: string, request: { allowCrossSiteCredentials: boolean }) => {
          reached.push({ uri: schemeUri, allowCrossSiteCredentials: request.allowCrossSiteCredentials });
          return shaka.util.AbortableOperation.completed({
            uri: schemeUri,
            data: new ArrayBuffer(0),
            headers: {},
          });
        },
        Engine.PluginPriority.APPLICATION,
      );
      const engine = new Engine();
      engine.configure(shaka.util.PlayerConfiguration.createDefault().networking);
      const remove = useShaka({ getNetworkingEngine: () => engine }, options);
      const request = Engine.makeRequest([uri], Engine.defaultRetryParameters());
      await engine.request(Engine.RequestType.MANIFEST, request).promise;
      remove();
      await engine.request(
        Engine.RequestType.MANIFEST,
        Engine.makeRequest([uri], Engine.defaultRetryParameters()),
      ).promise;
      Engine.unregisterScheme("https");
      return reached;
    }

    it("URL mode: the request filter reloads playlists with the fresh signature, and unregisters", async () => {
      const { signatures, stale, fresh } = renewed();
      const reached = await throughEngine({ mode: "url", signatures }, stale);
      assert.deepEqual(
        reached.map((entry) => entry.uri),
        [fresh, stale],
      );
    });

    it("cookie mode: every request allows cross-site credentials", async () => {
      const url = "https://d111111abcdef8.cloudfront.net/live/a1/720p/seg1.ts";
      const reached = await throughEngine({ mode: "cookies" }, url);
      assert.deepEqual(
        reached.map((entry) => entry.allowCrossSiteCredentials),
        [true, false],
      );
    });
  });

  describe("video.js / VHS", () => {
    const sent: Sent[] = [];
    // @videojs/xhr reads window.XMLHttpRequest when video.js is first loaded.
    withBrowserGlobals(() => ({ XMLHttpRequest: recordingXhr(sent) }));

    it("the hook runs in VHS's own request path: fresh signature in URL mode, credentials in cookie mode", () => {
      delete require.cache[require.resolve("video.js")];
      const videojs = require("video.js").default ?? require("video.js");
      const { signatures, stale, fresh } = renewed();
      for (const [hook, url, expected] of [
        [signedRequestHook({ mode: "url", signatures }), stale, { url: fresh, withCredentials: false }],
        [signedRequestHook({ mode: "cookies" }), stale, { url: stale, withCredentials: true }],
      ] as const) {
        sent.length = 0;
        videojs.Vhs.xhr.onRequest(hook);
        try {
          videojs.Vhs.xhr({ uri: url, responseType: "text" }, () => undefined);
        } finally {
          videojs.Vhs.xhr.offRequest(hook);
        }
        assert.deepEqual(sent, [expected]);
      }
    });

    it("useSignedRequests adds the hook to the player's VHS when its hooks are ready", () => {
      const listeners: Record<string, () => void> = {};
      const added: unknown[] = [];
      const player = {
        on: (event: string, listener: () => void) => (listeners[event] = listener),
        tech: () => ({ vhs: { xhr: { onRequest: (hook: unknown) => added.push(hook) } } }),
      };
      useVideojs(player, { mode: "cookies" });
      assert.deepEqual(added, []);
      listeners["xhr-hooks-ready"]();
      assert.equal(added.length, 1);
    });
  });
});
