// @ts-check
/**
 * video.js 8 / VHS 3 request hook for signed-hls-cdn streams.
 *
 *   import { useSignedRequests } from "signed-hls-cdn/players/videojs.js";
 *   const player = videojs("video");
 *   useSignedRequests(player, { mode: "url", signatures }); // before player.src(...)
 *
 * URL mode: playlist reloads get the freshest signature. Cookie mode: every
 * request is sent with the cookies (`withCredentials`).
 */

import { signaturesFor } from "./signatures.js";

/** @typedef {import("./signatures.js").FreshSignatures} FreshSignatures */

/**
 * The VHS onRequest hook (`beforeRequest` in VHS 2 / video.js 7 takes the same function).
 * @param {{ mode: "url" | "cookies", signatures?: FreshSignatures }} options
 * @returns {(request: { uri: string, withCredentials?: boolean }) => { uri: string, withCredentials?: boolean }}
 */
export function signedRequestHook(options) {
  if (options.mode === "cookies") {
    return (request) => {
      request.withCredentials = true;
      return request;
    };
  }
  const signatures = signaturesFor(options);
  return (request) => {
    request.uri = signatures.apply(request.uri);
    return request;
  };
}

/**
 * Adds the hook to this player's VHS as soon as VHS is ready (`xhr-hooks-ready`).
 * Call it before `player.src(...)`.
 * @param {{ on(event: string, listener: () => void): void, tech(options: object): any }} player
 * @param {{ mode: "url" | "cookies", signatures?: FreshSignatures }} options
 */
export function useSignedRequests(player, options) {
  const hook = signedRequestHook(options);
  player.on("xhr-hooks-ready", () => {
    player.tech({ IWillNotUseThisInPlugins: true }).vhs.xhr.onRequest(hook);
  });
}
