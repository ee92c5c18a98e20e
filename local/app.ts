/**
 * The toy application: serves the player page (and hls.js from node_modules),
 * authorises a demo viewer for an asset of its catalog, and asks the signer
 * API for a signed master URL or signed cookies, exactly as a real app calls
 * the signing Lambda. It also reports the keys and rotations for the page.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { join } from "node:path";
import { PLAYLIST_SUFFIX } from "../contract/behaviors";
import { HttpError, readJsonBody, sendError, sendJson, sendText } from "./http";

export type SessionMode = "url" | "cookies";

/** What the app needs from the signer (the signing Lambda's Function URL locally). */
export interface SignerClient {
  /** Signs the raw playlist path on the distribution, e.g. `/ts/master.m3u8` (the signer returns its `._m3u8` form). */
  sign(request: { mode: SessionMode; path: string }): Promise<SignedSession>;
}

export interface SignedSession {
  /** The signed URL (url mode) or the plain URL the cookies open (cookie mode), as the player reaches the edge. */
  readonly url: string;
  readonly expires: number;
  readonly keyPairId: string;
  /** Complete Set-Cookie values (cookie mode). */
  readonly setCookieHeaders: readonly string[];
}

export interface StackStatus {
  readonly activeKeyId: string | undefined;
  readonly trustedKeyIds: readonly string[];
  readonly rotations: readonly {
    readonly at: string;
    readonly activeKeyId: string;
    readonly previousKeyId?: string;
  }[];
  readonly edge: {
    readonly requests: number;
    readonly rejected: number;
    /** Sums of the manifest edge function's EMF metrics (PlaylistsSigned, UrisSigned, EdgeRefusals...). */
    readonly metrics?: Readonly<Record<string, number>>;
  };
}

export interface AppOptions {
  /** Folder whose subfolders holding a master.m3u8 form the catalog. */
  readonly mediaDir: string;
  readonly signer: SignerClient;
  readonly status: () => Promise<StackStatus>;
  /** Clock, epoch seconds. */
  readonly nowSeconds?: () => number;
  readonly log?: (line: string) => void;
}

const PUBLIC_DIR = join(__dirname, "public");
const PLAYERS_DIR = join(__dirname, "..", "players");
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: join(PUBLIC_DIR, "index.html"), type: "text/html; charset=utf-8" },
  "/player.js": { file: join(PUBLIC_DIR, "player.js"), type: "text/javascript; charset=utf-8" },
  "/style.css": { file: join(PUBLIC_DIR, "style.css"), type: "text/css; charset=utf-8" },
  "/vendor/hls.min.js": {
    file: require.resolve("hls.js/dist/hls.min.js"),
    type: "text/javascript; charset=utf-8",
  },
  // /players.html: each player with the shipped plugins (players/), README "Players".
  "/players.html": { file: join(PUBLIC_DIR, "players.html"), type: "text/html; charset=utf-8" },
  "/players-demo.js": { file: join(PUBLIC_DIR, "players-demo.js"), type: "text/javascript; charset=utf-8" },
  ...Object.fromEntries(
    ["signatures", "hlsjs", "shaka", "videojs"].map((name) => [
      `/players/${name}.js`,
      { file: join(PLAYERS_DIR, `${name}.js`), type: "text/javascript; charset=utf-8" },
    ]),
  ),
  "/vendor/shaka-player.compiled.js": {
    file: require.resolve("shaka-player/dist/shaka-player.compiled.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/vendor/video.min.js": {
    file: require.resolve("video.js/dist/video.min.js"),
    type: "text/javascript; charset=utf-8",
  },
};

const MASTER_PLAYLIST = `master${PLAYLIST_SUFFIX}`;
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Asset folders of the catalog: direct subfolders of mediaDir with a master playlist. */
export async function listAssets(mediaDir: string): Promise<string[]> {
  const entries = await readdir(mediaDir, { withFileTypes: true });
  const assets: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !ASSET_NAME.test(entry.name)) continue;
    const master = await stat(join(mediaDir, entry.name, MASTER_PLAYLIST)).catch(() => undefined);
    if (master?.isFile()) assets.push(entry.name);
  }
  return assets.sort();
}

export function createApp(options: AppOptions): RequestListener {
  const log = options.log ?? (() => undefined);
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  return (request, response) => {
    route(request, response).catch((error: unknown) =>
      sendError(response, error, (line) => log(`app: ${line}`)),
    );
  };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://app.invalid").pathname;
    if (request.method === "GET" && STATIC_FILES[path]) {
      const { file, type } = STATIC_FILES[path];
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": type,
        "content-length": body.length,
        "cache-control": "no-cache",
      });
      return void response.end(body);
    }
    if (request.method === "GET" && path === "/api/assets")
      return sendJson(response, 200, { assets: await listAssets(options.mediaDir) });
    if (request.method === "GET" && path === "/api/status")
      return sendJson(response, 200, await options.status());
    if (request.method === "POST" && path === "/api/session") return session(request, response);
    return sendText(response, 404, "app: not found\n");
  }

  /** Authorises the demo viewer for one asset, then asks the signer for a URL or cookies. */
  async function session(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // JSON only: a cross-site form cannot send it, so only the page itself can open sessions.
    const body = await readJsonBody(request);
    const { mode, asset } = (body ?? {}) as { mode?: unknown; asset?: unknown };
    if (mode !== "url" && mode !== "cookies") throw new HttpError(400, 'mode must be "url" or "cookies"');
    if (typeof asset !== "string" || !ASSET_NAME.test(asset))
      throw new HttpError(400, "asset must be a catalog name");
    if (!(await listAssets(options.mediaDir)).includes(asset))
      throw new HttpError(404, `no asset "${asset}" in the catalog`);

    const signed = await options.signer.sign({ mode, path: `/${asset}/${MASTER_PLAYLIST}` });
    const remaining = Math.max(0, signed.expires - nowSeconds());
    log(
      `app: demo viewer opened ${asset} with signed ${mode} (key ${signed.keyPairId}, ${Math.round(remaining)} s)`,
    );
    sendJson(
      response,
      200,
      {
        mode,
        asset,
        masterUrl: signed.url,
        expires: signed.expires,
        keyPairId: signed.keyPairId,
        // Renew at a third of the lifetime, so a renewal can fail once and still be in time.
        renewInSeconds: Math.max(1, Math.floor(remaining / 3)),
      },
      signed.setCookieHeaders.length > 0 ? { "set-cookie": [...signed.setCookieHeaders] } : {},
    );
  }
}
