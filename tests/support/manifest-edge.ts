/** The manifest edge handler over an in-memory HTTPS origin, and a viewer's signed request for it (tests and bench/). */
import type { Signer } from "../../functions/cloudfront";
import { fixedTrustedKeys, type ActiveKeyProvider, type TrustedKeyProvider } from "../../functions/keys";
import type { CloudFrontRequestEvent } from "../../functions/handlers/manifest-edge/cloudfront-events";
import {
  createManifestHandler,
  type ManifestEdgeConfig,
  type ManifestHandler,
} from "../../functions/handlers/manifest-edge/manifest-edge";
import type { EdgeTrigger } from "../../contract/limits";
import { requestEvent } from "../functions/handlers/events";

/** The handler for `trigger`, its origin answering `body` for every path. */
export function handlerServing(
  trigger: EdgeTrigger,
  body: string,
  options: {
    signer: Signer;
    /** The signer's public key: the handler verifies every grant against it. */
    publicKeyPem: string;
    now: number;
    host: string;
    log?: (line: object) => void;
    /** Other config fields (e.g. the stack's assetRootDepth). */
    config?: Partial<ManifestEdgeConfig>;
    /** Key providers in place of the fixed signer and public key (e.g. over a key store). */
    providers?: { keys: ActiveKeyProvider; trustedKeys: TrustedKeyProvider };
  },
): ManifestHandler {
  return createManifestHandler(
    {
      distributionDomain: options.host,
      trigger,
      fetch: { mode: "origin", originBaseUrl: "https://origin.example.com" },
      fetchTimeoutMs: 2000,
      playlistLifetimeSeconds: 3600,
      keySource: { region: "us-east-1", parameterPrefix: "/cloudfront-signer/test" },
      ...options.config,
    },
    {
      keys: options.providers?.keys ?? { getSigner: async () => options.signer },
      trustedKeys: options.providers?.trustedKeys ?? fixedTrustedKeys([options.publicKeyPem]),
      fetchText: async () => ({ status: 200, body: Buffer.from(body) }),
      now: () => options.now,
      log: options.log ?? (() => undefined),
    },
  );
}

/** The event of a viewer holding a URL signed for `playlistUrl`'s folder (its query kept). */
export function signedViewerEvent(
  trigger: EdgeTrigger,
  playlistUrl: string,
  options: { signer: Signer; now: number; gzip: boolean },
): CloudFrontRequestEvent {
  const url = new URL(playlistUrl);
  const signed = options.signer.signUrl(playlistUrl, {
    expires: options.now + 7200,
    resource: { folderOf: `${url.origin}${url.pathname}` },
  });
  return requestEvent(trigger, {
    uri: url.pathname,
    querystring: signed.slice(signed.indexOf("?") + 1),
    headers: { Host: url.host, ...(options.gzip ? { "Accept-Encoding": "gzip" } : {}) },
  });
}
