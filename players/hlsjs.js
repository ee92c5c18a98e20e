// @ts-check
/* global Request */
/**
 * hls.js configuration for signed-hls-cdn streams.
 *
 *   import { signedHlsConfig } from "signed-hls-cdn/players/hlsjs.js";
 *   const hls = new Hls({ ...signedHlsConfig(Hls, { mode: "url", signatures }) });
 *
 * URL mode: a playlist loader (`pLoader`) that puts the freshest signature on
 * every playlist reload. Cookie mode: requests carry the cookies
 * (`withCredentials` for XHR, `credentials: "include"` for fetch).
 */

import { signaturesFor } from "./signatures.js";

/** @typedef {import("./signatures.js").FreshSignatures} FreshSignatures */

/**
 * @typedef {object} SignedHlsOptions
 * @property {"url" | "cookies"} mode
 * @property {FreshSignatures} [signatures] required in URL mode
 * @property {any} [loader] loader class the playlist loader extends; default `Hls.DefaultConfig.loader`
 */

/**
 * @param {{ DefaultConfig: { loader: any } }} Hls the hls.js class (its default loader is extended)
 * @param {SignedHlsOptions} options
 * @returns {Record<string, unknown>} hls.js config entries to spread into `new Hls({...})`
 */
export function signedHlsConfig(Hls, options) {
  if (options.mode === "cookies") {
    return {
      /** @param {XMLHttpRequest} xhr */
      xhrSetup(xhr) {
        xhr.withCredentials = true;
      },
      /**
       * @param {{ url: string }} context
       * @param {RequestInit} init
       */
      fetchSetup(context, init) {
        return new Request(context.url, { ...init, credentials: "include" });
      },
    };
  }
  const signatures = signaturesFor(options);
  const Base = options.loader ?? Hls.DefaultConfig.loader;
  class RenewingPlaylistLoader extends Base {
    /**
     * @param {{ url: string }} context
     * @param {unknown} config
     * @param {unknown} callbacks
     */
    load(context, config, callbacks) {
      context.url = signatures.apply(context.url);
      super.load(context, config, callbacks);
    }
  }
  return { pLoader: RenewingPlaylistLoader };
}
