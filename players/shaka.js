// @ts-check
/**
 * Shaka Player request filter for signed-hls-cdn streams.
 *
 *   import { useSignedRequests } from "signed-hls-cdn/players/shaka.js";
 *   useSignedRequests(player, { mode: "url", signatures });
 *
 * URL mode: playlist reloads get the freshest signature. Cookie mode: every
 * request is sent with the cookies (`request.allowCrossSiteCredentials`).
 */

import { signaturesFor } from "./signatures.js";

/** @typedef {import("./signatures.js").FreshSignatures} FreshSignatures */

/**
 * The filter itself (shaka.extern.RequestFilter): changes `request` in place.
 * @param {{ mode: "url" | "cookies", signatures?: FreshSignatures }} options
 * @returns {(type: number, request: { uris: string[], allowCrossSiteCredentials: boolean }) => void}
 */
export function signedRequestFilter(options) {
  if (options.mode === "cookies") {
    return (_type, request) => {
      request.allowCrossSiteCredentials = true;
    };
  }
  const signatures = signaturesFor(options);
  // Every request type: only `._m3u8` URLs that carry a signature change.
  return (_type, request) => {
    request.uris = request.uris.map((uri) => signatures.apply(uri));
  };
}

/**
 * Registers the filter on the player's networking engine; returns a function that removes it.
 * @param {{ getNetworkingEngine(): any }} player a shaka.Player
 * @param {{ mode: "url" | "cookies", signatures?: FreshSignatures }} options
 * @returns {() => void}
 */
export function useSignedRequests(player, options) {
  const engine = player.getNetworkingEngine();
  const filter = signedRequestFilter(options);
  engine.registerRequestFilter(filter);
  return () => engine.unregisterRequestFilter(filter);
}
