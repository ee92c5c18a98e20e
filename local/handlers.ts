/**
 * The deployed Lambda handlers, wired to the local stores instead of AWS.
 * Nothing here re-implements handler logic: it builds each handler's config
 * from the local options (the same fields a stack's config fills) and adapts
 * transport only.
 */
import { keyCacheLine } from "../functions/observability/metrics";
import {
  createManifestHandler,
  maxFetchTimeoutMs,
  type ManifestHandler,
} from "../functions/handlers/manifest-edge/manifest-edge";
import { EDGE_TIMEOUT_LIMIT_SECONDS } from "../contract/limits";
import { createSignHandler, type SignResponse } from "../functions/handlers/sign/sign";
import { createActiveKeyProvider, createTrustedKeyProvider, type KeyCacheEvent } from "../functions/keys";
import type { RotationRunResult } from "../functions/rotation";
import { createRotationHandler } from "../functions/handlers/rotate/rotate";
import { createSignerClient, SignerClientError } from "../client/signer-client";
import { fetchThroughEdge } from "./edge-fetch";
import type { SessionMode, SignedSession, SignerClient } from "./app";
import { HttpError } from "./http";
import type { LocalStackOptions } from "./options";
import { describeAuditEvent } from "./rotation";
import type { FunctionUrlEvent, FunctionUrlResult } from "./signer-api";
import type { LocalCredentials } from "./sigv4-verify";
import { LOCAL_REGION, type LocalCloud } from "./stores";

/** The distribution's domain in the local stack (see EdgeOptions.distributionDomain). */
export const LOCAL_DISTRIBUTION_DOMAIN = "localhost";

export interface LocalHandlerContext {
  readonly cloud: LocalCloud;
  readonly options: LocalStackOptions;
  readonly log: (line: string) => void;
}

/** `https://localhost/ts/master._m3u8?...` -> `http://localhost:8401/ts/master._m3u8?...`: where the player reaches the edge. */
export function toEdgeAddress(url: string, edgeUrl: string): string {
  const canonical = `https://${LOCAL_DISTRIBUTION_DOMAIN}/`;
  if (!url.startsWith(canonical))
    throw new Error(`the signer returned a URL outside the distribution: ${url.split("?")[0]}`);
  return `${edgeUrl}/${url.slice(canonical.length)}`;
}

export interface LocalSigner {
  /** The signing Lambda handler, for the signer API. */
  readonly invoke: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
  /** The app's client: the signer client (client/signer-client.ts) with the signer API's local credentials. */
  clientFor(signerUrl: string, credentials: LocalCredentials, edgeUrl: string): SignerClient;
}

export function createLocalSigner(context: LocalHandlerContext): LocalSigner {
  const { cloud, options, log } = context;
  const handler = createSignHandler(
    {
      distributionDomain: LOCAL_DISTRIBUTION_DOMAIN,
      defaultLifetimeSeconds: options.urlLifetimeSeconds,
      maxLifetimeSeconds: options.urlLifetimeSeconds,
      keySource: cloud.keySourceConfig,
      refuseIpBinding: options.ipv6Enabled,
    },
    {
      keyProvider: createActiveKeyProvider(cloud.keySourceConfig, {
        source: cloud.cloud.keySource,
        signerDefaults: {
          allowedHosts: [LOCAL_DISTRIBUTION_DOMAIN],
          maxLifetimeSeconds: options.urlLifetimeSeconds,
        },
        report: keyCacheReport("signer", log),
      }),
      log: (line) => log(`signer: ${line}`),
    },
  );
  return {
    invoke: async (event) => (await handler(event)) as FunctionUrlResult,
    clientFor: (signerUrl, credentials, edgeUrl) => {
      // The app's own client, exactly as deployed: SigV4 over the Function URL (loopback, not localhost,
      // which may resolve to ::1 while the servers listen on 127.0.0.1).
      const client = createSignerClient(
        {
          region: LOCAL_REGION,
          signer: { functionUrl: signerUrl.replace(`//${LOCAL_DISTRIBUTION_DOMAIN}:`, "//127.0.0.1:") },
        },
        { credentials },
      );
      return {
        sign: async ({ mode, path }: { mode: SessionMode; path: string }): Promise<SignedSession> => {
          let body: SignResponse;
          try {
            body = await client.sign({ resource: path, mode });
          } catch (error) {
            if (error instanceof SignerClientError)
              throw new HttpError(502, `the signer refused: ${error.message}`);
            throw error;
          }
          return {
            url: toEdgeAddress(body.url, edgeUrl),
            expires: body.expires,
            keyPairId: body.keyPairId,
            setCookieHeaders: body.mode === "cookies" ? body.setCookieHeaders : [],
          };
        },
      };
    },
  };
}

/** Key cache events worth a line (a new key picked up, or a failed refresh), in the deployed log schema. */
function keyCacheReport(component: string, log: (line: string) => void) {
  return (event: KeyCacheEvent) => {
    if (event.event === "key-loaded" && !event.changed) return;
    log(`${component}: ${JSON.stringify(keyCacheLine(event))}`);
  };
}

/**
 * The manifest Lambda@Edge handler with the local stack's config: the
 * distribution is `https://localhost`, raw playlists are read through the
 * edge, and its key cache reads the local stores (its own cache, as every
 * edge location has its own).
 */
export function createLocalManifestHandler(
  context: LocalHandlerContext & {
    readonly edgePort: number;
    readonly corsOrigins: readonly string[];
    /** Receives every log line (its EMF metrics feed the page's edge outcomes). */
    readonly onLogLine?: (line: object) => void;
  },
): ManifestHandler {
  const { cloud, options, log } = context;
  const keys = createActiveKeyProvider(cloud.keySourceConfig, {
    source: cloud.cloud.keySource,
    signerDefaults: { allowedHosts: [LOCAL_DISTRIBUTION_DOMAIN] },
    report: keyCacheReport("manifest-edge", log),
  });
  return createManifestHandler(
    {
      distributionDomain: LOCAL_DISTRIBUTION_DOMAIN,
      trigger: options.trigger,
      fetch: { mode: "distribution" },
      fetchTimeoutMs: maxFetchTimeoutMs(EDGE_TIMEOUT_LIMIT_SECONDS[options.trigger]),
      playlistLifetimeSeconds: options.urlLifetimeSeconds,
      keySource: cloud.keySourceConfig,
      // The local stack serves URL and cookie sessions side by side: credentials allowed.
      cors: { origins: context.corsOrigins, allowCredentials: true },
      refuseIpBinding: options.ipv6Enabled,
    },
    {
      keys,
      // As on AWS: the grant is re-verified against the key slots' public keys.
      trustedKeys: createTrustedKeyProvider(
        cloud.keySourceConfig,
        cloud.rotationConfig.slots.map((slot) => slot.secretArn),
        { source: cloud.cloud.keySource },
      ),
      fetchText: fetchThroughEdge(LOCAL_DISTRIBUTION_DOMAIN, context.edgePort),
      log: (line) => {
        context.onLogLine?.(line);
        log(`manifest-edge: ${JSON.stringify(line)}`);
      },
    },
  );
}

/**
 * One scheduled rotation run against the local stores, through the rotation
 * Lambda's own handler. Its per-run summary line is dropped (it would print
 * every tick); audit events that change something are logged instead. A
 * refusal or failure rejects, as the Lambda invocation fails.
 */
export function createLocalRotate(
  context: Pick<LocalHandlerContext, "cloud" | "log">,
): () => Promise<RotationRunResult> {
  const ports = context.cloud.cloud.ports({
    write: (event) => {
      const line = describeAuditEvent(event);
      if (line) context.log(line);
    },
  });
  const handler = createRotationHandler(
    { region: LOCAL_REGION, rotation: context.cloud.rotationConfig },
    { ports, log: () => undefined },
  );
  return () => handler({});
}
