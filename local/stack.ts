/**
 * Wires the local stack: four loopback servers (page + app, edge, signer
 * API, origin), the persisted in-memory stores, the deployed handlers, and
 * the rotation schedule. `npm start`, the end-to-end tests and the load
 * benchmark all start it through here.
 */
import { createMetricTotals } from "./metrics";
import { createServer, type RequestListener, type Server } from "node:http";
import { createApp } from "./app";
import { createEdge, type EdgeRequestEntry, type LocalEdge } from "./edge";
import {
  LOCAL_DISTRIBUTION_DOMAIN,
  createLocalManifestHandler,
  createLocalRotate,
  createLocalSigner,
  localHandlerConfigs,
  localHandlerSettings,
} from "./handlers";
import { closeServer, listenOnLoopback, SERVER_KEEP_ALIVE_MS } from "./http";
import type { LocalStackOptions } from "./options";
import { createOriginHandler } from "./origin";
import { startRotationSchedule, type RotationSchedule } from "./rotation";
import { createSignerApi } from "./signer-api";
import type { LocalCredentials } from "./sigv4-verify";
import { LOCAL_REGION, openLocalCloud, type LocalCloud } from "./stores";

/** Viewers and the page use this host name: CloudFront cookies need Secure, and browsers treat http://localhost as secure. */
export const LOCAL_HOSTNAME = "localhost";

export interface LocalStackUrls {
  /** The player page (and the app API under /api/). */
  readonly page: string;
  /** The distribution stand-in, e.g. `http://localhost:8401`. */
  readonly edge: string;
  /** The signing Lambda's Function URL stand-in. */
  readonly signer: string;
  readonly origin: string;
}

export interface LocalStack {
  readonly urls: LocalStackUrls;
  readonly edge: LocalEdge;
  readonly cloud: LocalCloud;
  readonly rotation: RotationSchedule;
  /** The local test credentials the app signs signer API requests with (tests sign with them too). */
  readonly signerCredentials: LocalCredentials;
  /** Region of the signer's SigV4 scope. */
  readonly region: string;
  close(): Promise<void>;
}

export interface LocalStackHooks {
  readonly log?: (line: string) => void;
  readonly onEdgeRequest?: (entry: EdgeRequestEntry) => void;
  /** How often the rotation is invoked (it acts only when due). Default 1000 ms. */
  readonly rotationTickMs?: number;
  /** Seconds a key group change takes to deploy. Default 1. */
  readonly deploymentDelaySeconds?: number;
}

/** Origins the page may have: both loopback spellings of its port (the stack's corsOrigins). */
export function pageOriginsFor(appPort: number): string[] {
  return [`http://${LOCAL_HOSTNAME}:${appPort}`, `http://127.0.0.1:${appPort}`];
}

/** A server whose listener is set once the other servers' ports are known. */
function lateServer(): { server: Server; use(listener: RequestListener): void } {
  let listener: RequestListener = (_request, response) => {
    response.writeHead(503, { "retry-after": "1" });
    response.end("starting\n");
  };
  const server = createServer((request, response) => listener(request, response));
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  return { server, use: (next) => void (listener = next) };
}

export async function startLocalStack(
  options: LocalStackOptions,
  hooks: LocalStackHooks = {},
): Promise<LocalStack> {
  const log = hooks.log ?? ((line: string) => console.log(line));
  const servers = { app: lateServer(), edge: lateServer(), signer: lateServer(), origin: lateServer() };
  const started: Server[] = [];
  let edge: LocalEdge | undefined;
  let rotation: RotationSchedule | undefined;
  const close = async () => {
    await rotation?.stop();
    await Promise.all(started.map((server) => closeServer(server)));
    edge?.close();
  };
  try {
    const ports: Record<keyof typeof servers, number> = { app: 0, edge: 0, signer: 0, origin: 0 };
    for (const [index, name] of (["app", "edge", "signer", "origin"] as const).entries()) {
      ports[name] = await listenOnLoopback(
        servers[name].server,
        options.port === 0 ? 0 : options.port + index,
      );
      started.push(servers[name].server);
    }
    const urls: LocalStackUrls = {
      page: `http://${LOCAL_HOSTNAME}:${ports.app}/`,
      edge: `http://${LOCAL_HOSTNAME}:${ports.edge}`,
      signer: `http://${LOCAL_HOSTNAME}:${ports.signer}`,
      origin: `http://127.0.0.1:${ports.origin}`,
    };
    // The page's real origin: a browser on http://127.0.0.1:<port> sends that Origin, not localhost's.
    const pageOrigins = pageOriginsFor(ports.app);
    const cloud = openLocalCloud({ ...options, deploymentDelaySeconds: hooks.deploymentDelaySeconds ?? 1 });
    const configs = localHandlerConfigs(localHandlerSettings(options, pageOrigins), cloud);

    servers.origin.use(
      createOriginHandler({
        root: options.mediaDir,
        live: options.live ? { windowSegments: options.liveWindowSegments } : false,
      }),
    );

    const edgeMetrics = createMetricTotals();
    edge = createEdge({
      originUrl: urls.origin,
      trustedKeys: () => cloud.trustedKeys(),
      manifestHandler: createLocalManifestHandler({
        cloud,
        configs,
        edgePort: ports.edge,
        log,
        onLogLine: edgeMetrics.record,
      }),
      trigger: options.trigger,
      distributionDomain: LOCAL_DISTRIBUTION_DOMAIN,
      allowedOrigins: pageOrigins,
      distributionId: cloud.stack.distributionId,
      log,
      onRequest: hooks.onEdgeRequest,
    });
    servers.edge.use(edge.handler);

    const signer = createLocalSigner({ cloud, configs, log });
    const signerApi = createSignerApi({ invoke: signer.invoke, region: LOCAL_REGION, log });
    servers.signer.use(signerApi.handler);

    const localEdge = edge;
    servers.app.use(
      createApp({
        mediaDir: options.mediaDir,
        signer: signer.clientFor(urls.signer, signerApi.credentials, urls.edge),
        log,
        status: async () => ({
          activeKeyId: await cloud.activeKeyId(),
          trustedKeyIds: [...cloud.trustedKeys().keys()],
          rotations: rotation?.history() ?? [],
          edge: {
            requests: localEdge.stats.requests,
            rejected: localEdge.stats.rejected,
            failed: localEdge.stats.failed,
            metrics: edgeMetrics.totals(),
          },
        }),
      }),
    );

    rotation = startRotationSchedule({
      cloud,
      rotate: createLocalRotate({ cloud, configs, log }),
      tickMs: hooks.rotationTickMs ?? 1000,
      log,
    });
    return {
      urls,
      edge,
      cloud,
      rotation,
      signerCredentials: signerApi.credentials,
      region: LOCAL_REGION,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
