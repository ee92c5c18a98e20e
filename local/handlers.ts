/**
 * The deployed Lambda handlers, wired to the local stores instead of AWS.
 * Nothing here re-implements handler logic: the local options are read as
 * the stack settings they stand for (`localHandlerSettings`), each handler's
 * config comes from the same builders as the deployed one's
 * (infra/handler-config.ts), and only transport is adapted.
 */
import {
  DEFAULT_EDGE_TIMEOUT_SECONDS,
  DEFAULT_HASH_ALGORITHM,
  DEFAULT_MIN_IP_PREFIX_LENGTH,
} from "../contract/defaults";
import { keyCacheLine } from "../functions/observability/metrics";
import {
  createManifestHandler,
  type ManifestEdgeConfig,
  type ManifestHandler,
} from "../functions/handlers/manifest-edge/manifest-edge";
import {
  createSignHandler,
  type SignHandlerConfig,
  type SignResponse,
} from "../functions/handlers/sign/sign";
import { createActiveKeyProvider, createTrustedKeyProvider, type KeyCacheEvent } from "../functions/keys";
import type { RotationRunResult } from "../functions/rotation";
import { createRotationHandler, type RotationHandlerConfig } from "../functions/handlers/rotate/rotate";
import { createSignerClient, SignerClientError } from "../client/signer-client";
import {
  manifestEdgeDeployConfig,
  rotationHandlerConfig,
  signHandlerConfig,
  withDistributionDomain,
  type HandlerSettings,
} from "../infra/handler-config";
import { fetchThroughEdge } from "./edge-fetch";
import type { SessionMode, SignedSession, SignerClient } from "./app";
import { HttpError } from "./http";
import type { LocalStackOptions } from "./options";
import { describeAuditEvent } from "./rotation";
import type { FunctionUrlEvent, FunctionUrlResult } from "./signer-api";
import type { LocalCredentials } from "./sigv4-verify";
import { LOCAL_PARAMETER_PREFIX, LOCAL_REGION, type LocalCloud } from "./stores";

/** The distribution's domain in the local stack (see EdgeOptions.distributionDomain). */
export const LOCAL_DISTRIBUTION_DOMAIN = "localhost";

/** The stack's defaults (contract/defaults.ts) for the settings the local stack has no option for. */
const STACK_DEFAULTS = {
  hashAlgorithm: DEFAULT_HASH_ALGORITHM,
  minIpPrefixLength: DEFAULT_MIN_IP_PREFIX_LENGTH,
  edgeTimeoutSeconds: DEFAULT_EDGE_TIMEOUT_SECONDS,
} as const;

/** The local options as the stack settings they stand for: a stack on `localhost`, no aliases. */
export function localHandlerSettings(
  options: LocalStackOptions,
  corsOrigins: readonly string[],
): HandlerSettings {
  return {
    ...STACK_DEFAULTS,
    region: LOCAL_REGION,
    parameterPrefix: LOCAL_PARAMETER_PREFIX,
    keyAlgorithm: options.keyAlgorithm,
    defaultUrlLifetimeSeconds: options.urlLifetimeSeconds,
    maxUrlLifetimeSeconds: options.urlLifetimeSeconds,
    signerCacheTtlSeconds: options.keyCacheTtlSeconds,
    signerMaxStaleSeconds: options.keyMaxStaleSeconds,
    clockSkewSeconds: options.clockSkewSeconds,
    ipv6Enabled: options.ipv6Enabled,
    assetRootDepth: options.assetRootDepth,
    rotationIntervalSeconds: options.rotateEverySeconds,
    edgeTrigger: options.trigger,
    aliases: [],
    extraAllowedHosts: [],
    corsOrigins,
    // URL and cookie sessions side by side: a cookie-mode stack (CORS with credentials, SameSite=None cookies).
    cookieMode: true,
  };
}

/**
 * The only fields in which the local handlers' configs differ from what the
 * deployed stack builds from the same settings (tests/local/handler-config.test.ts).
 */
export const LOCAL_ROTATION_OVERRIDES = {
  // Key group changes "deploy" in about a second here (deploymentDelaySeconds), not minutes.
  minPropagationSeconds: 0,
  // Local runs take milliseconds; a short lease lets a restarted stack resume a killed run soon.
  leaseSeconds: 30,
} as const;

export interface LocalHandlerConfigs {
  readonly sign: SignHandlerConfig;
  readonly manifestEdge: ManifestEdgeConfig;
  readonly rotation: RotationHandlerConfig;
}

export function localHandlerConfigs(settings: HandlerSettings, cloud: LocalCloud): LocalHandlerConfigs {
  const rotation = rotationHandlerConfig(settings, cloud.stack);
  return {
    sign: signHandlerConfig(settings, LOCAL_DISTRIBUTION_DOMAIN),
    // As the deployed function completes its config at cold start, with the distribution's domain.
    manifestEdge: withDistributionDomain(manifestEdgeDeployConfig(settings), LOCAL_DISTRIBUTION_DOMAIN),
    rotation: { ...rotation, rotation: { ...rotation.rotation, ...LOCAL_ROTATION_OVERRIDES } },
  };
}

export interface LocalHandlerContext {
  readonly cloud: LocalCloud;
  readonly configs: LocalHandlerConfigs;
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
  const { cloud, configs, log } = context;
  const handler = createSignHandler(configs.sign, {
    keySource: cloud.cloud.keySource,
    keyCacheReport: keyCacheReport("signer", log),
    log: (line) => log(`signer: ${line}`),
  });
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
    /** Receives every log line (its EMF metrics feed the page's edge outcomes). */
    readonly onLogLine?: (line: object) => void;
  },
): ManifestHandler {
  const { cloud, log } = context;
  const config = context.configs.manifestEdge;
  const keys = createActiveKeyProvider(config.keySource, {
    source: cloud.cloud.keySource,
    signerDefaults: { allowedHosts: config.allowedHosts ?? [config.distributionDomain] },
    report: keyCacheReport("manifest-edge", log),
  });
  return createManifestHandler(config, {
    keys,
    // As on AWS: the grant is re-verified against the key slots' public keys.
    trustedKeys: createTrustedKeyProvider(
      config.keySource,
      context.configs.rotation.rotation.slots.map((slot) => slot.secretArn),
      { source: cloud.cloud.keySource },
    ),
    fetchText: fetchThroughEdge(LOCAL_DISTRIBUTION_DOMAIN, context.edgePort),
    log: (line) => {
      context.onLogLine?.(line);
      log(`manifest-edge: ${JSON.stringify(line)}`);
    },
  });
}

/**
 * One scheduled rotation run against the local stores, through the rotation
 * Lambda's own handler. Its per-run summary line is dropped (it would print
 * every tick); audit events that change something are logged instead. A
 * refusal or failure rejects, as the Lambda invocation fails.
 */
export function createLocalRotate(context: LocalHandlerContext): () => Promise<RotationRunResult> {
  const ports = context.cloud.cloud.ports({
    write: (event) => {
      const line = describeAuditEvent(event);
      if (line) context.log(line);
    },
  });
  const handler = createRotationHandler(context.configs.rotation, { ports, log: () => undefined });
  return () => handler({});
}
