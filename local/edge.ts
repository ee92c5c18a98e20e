/**
 * The local edge: behaves like the distribution. Every request is matched to
 * a cache behavior from contract/behaviors.ts and must carry a signed URL or
 * signed cookies that our verifier accepts against the keys the key groups
 * trust right now; `*._m3u8` runs the very manifest handler that is deployed
 * to Lambda@Edge, with CloudFront's event shape; everything else goes to the
 * origin. A 403 says why in `x-local-edge-reason` (CloudFront itself only
 * says "Access denied"), and every accepted response names the key that
 * signed it in `x-local-edge-key-id`.
 */
import {
  request as httpRequest,
  Agent,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from "node:http";
import { behaviorForPath, forwardsGrant } from "../contract/behaviors";
import { cacheSettingsFor } from "../infra/cache-settings";
import { GRANT_FORWARDING_FUNCTION_CODE } from "../functions/handlers/manifest-edge/forwarded-grant";
import { verifyRequest } from "../functions/cloudfront/verifier";
import type { TrustedKeys } from "../functions/cloudfront/types";
import type { EdgeTrigger } from "../contract/limits";
import {
  isGeneratedResponse,
  requestEvent,
  toHttpReply,
  type CloudFrontRequestEvent,
  type HttpReply,
} from "./cloudfront-event";
import { CLIENT_IDLE_SOCKET_MS } from "./http";

export const EDGE_HEADERS = {
  keyId: "x-local-edge-key-id",
  signedBy: "x-local-edge-signed-by",
  reason: "x-local-edge-reason",
  behavior: "x-local-edge-behavior",
} as const;

export interface EdgeOptions {
  /** Base URL of the origin, e.g. `http://127.0.0.1:8403`. */
  readonly originUrl: string;
  /** Public keys the distribution's key groups trust at this moment (every behavior trusts every group). */
  readonly trustedKeys: () => TrustedKeys | Promise<TrustedKeys>;
  /** The manifest Lambda@Edge handler, associated with the `*._m3u8` behavior. */
  readonly manifestHandler: (event: CloudFrontRequestEvent) => Promise<unknown>;
  /** Which request trigger the manifest handler is associated with. */
  readonly trigger: EdgeTrigger;
  /**
   * The distribution's domain as viewer URLs name it, e.g. `localhost`. Requests are verified as
   * CloudFront sees them, `https://<Host without port><path>`: the loopback port and plain HTTP are
   * the local transport (as if TLS ended in front of the edge), never part of what is signed.
   */
  readonly distributionDomain: string;
  /** Page origins allowed to read responses (CORS), e.g. `http://localhost:8400`. */
  readonly allowedOrigins: readonly string[];
  readonly distributionId?: string;
  /** Clock, epoch seconds. */
  readonly nowSeconds?: () => number;
  readonly log?: (line: string) => void;
  /** Called once per request after the verdict (tests and benchmarks watch the traffic with it). */
  readonly onRequest?: (entry: EdgeRequestEntry) => void;
}

export interface EdgeRequestEntry {
  readonly path: string;
  readonly method: string;
  readonly behavior: string;
  /** The signing key of an accepted request. */
  readonly keyPairId?: string;
  /** Where an accepted request carried its signature. */
  readonly signedBy?: "url" | "cookie";
  /** The reject code of a refused one. */
  readonly rejected?: string;
}

export interface EdgeRejection {
  readonly at: string;
  readonly path: string;
  readonly code: string;
  readonly reason: string;
}

export interface EdgeStats {
  requests: number;
  rejected: number;
  /** Responses that were a server error (5xx, the edge's own or the origin's) or cut off by an edge failure. */
  failed: number;
  /** Accepted requests per signing key id. */
  readonly byKey: Map<string, number>;
  /** The latest rejections, newest last (bounded). */
  readonly rejections: EdgeRejection[];
}

const MAX_REMEMBERED_REJECTIONS = 50;

export interface LocalEdge {
  readonly handler: RequestListener;
  readonly stats: EdgeStats;
  /** Closes the keep-alive connections to the origin. */
  close(): void;
}

export function createEdge(options: EdgeOptions): LocalEdge {
  const origin = new URL(options.originUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256, timeout: CLIENT_IDLE_SOCKET_MS });
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const log = options.log ?? (() => undefined);
  const stats: EdgeStats = { requests: 0, rejected: 0, failed: 0, byKey: new Map(), rejections: [] };

  const handler: RequestListener = (request, response) => {
    serve(request, response).then(
      () => {
        if (response.statusCode >= 500) stats.failed++;
      },
      (error: unknown) => {
        stats.failed++;
        log(`edge: internal error on ${pathOf(request)}: ${(error as Error).message}`);
        if (!response.headersSent)
          reply(request, response, {
            status: 502,
            headers: { [EDGE_HEADERS.reason]: ["edge internal error"] },
            body: Buffer.from("502 edge internal error\n"),
          });
        else response.destroy();
      },
    );
  };
  return { handler, stats, close: () => agent.destroy() };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    stats.requests++;
    const path = pathOf(request);
    const behavior = behaviorForPath(path);
    const baseHeaders = { [EDGE_HEADERS.behavior]: [behavior.pathPattern] };
    // Every behavior allows GET, HEAD and OPTIONS (infra/components/distribution.ts). An OPTIONS
    // preflight is checked for a signature like any request, and carries no cookies (Fetch standard,
    // CORS-preflight fetch: credentials mode "omit"), so in cookie mode it is refused here.
    if (request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS") {
      return deny(
        request,
        response,
        path,
        "method",
        `this distribution allows GET, HEAD and OPTIONS, not ${request.method}`,
        baseHeaders,
      );
    }
    const host = hostWithoutPort(request.headers.host);
    if (!host)
      return deny(request, response, path, "malformed", "the request has no valid Host header", baseHeaders);

    const url = `https://${host}${request.url ?? "/"}`;
    const viewerIp = viewerIpOf(request);
    const verdict = verifyRequest(
      { url, cookieHeader: request.headers.cookie, viewerIp, now: nowSeconds() },
      await options.trustedKeys(),
    );
    if (!verdict.accepted) return deny(request, response, path, verdict.code, verdict.reason, baseHeaders);

    options.onRequest?.({
      path,
      method: request.method ?? "",
      behavior: behavior.pathPattern,
      keyPairId: verdict.keyPairId,
      signedBy: verdict.source,
    });
    stats.byKey.set(verdict.keyPairId, (stats.byKey.get(verdict.keyPairId) ?? 0) + 1);
    const signedHeaders = {
      ...baseHeaders,
      [EDGE_HEADERS.keyId]: [verdict.keyPairId],
      [EDGE_HEADERS.signedBy]: [verdict.source],
    };

    if (behavior.manifestEdgeFunction) {
      const event = requestEvent(request, viewerIp, {
        trigger: options.trigger,
        distributionDomainName: options.distributionDomain,
        viewerHost: host,
        distributionId: options.distributionId ?? "ELOCALEDGE",
        origin,
        forwarded: cacheSettingsFor(behavior.kind, options.trigger),
        ...(forwardsGrant(behavior, options.trigger)
          ? { viewerFunction: GRANT_FORWARDING_FUNCTION_CODE }
          : {}),
      });
      const result = await options.manifestHandler(event);
      if (isGeneratedResponse(result)) {
        // The response headers policy is not counted on for a generated response (the stricter
        // reading, functions/handlers/manifest-edge/edge-cors.ts): its CORS headers are the function's own.
        const generated = toHttpReply(result, options.trigger);
        return reply(
          request,
          response,
          { ...generated, headers: { ...generated.headers, ...signedHeaders } },
          "generated",
        );
      }
      // The function let the request through (possibly rewritten): CloudFront sends it to the origin.
      const forwarded = event.Records[0].cf.request;
      return proxy(
        request,
        response,
        forwarded.uri + (forwarded.querystring ? `?${forwarded.querystring}` : ""),
        signedHeaders,
      );
    }
    return proxy(request, response, path, signedHeaders);
  }

  function deny(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    code: string,
    reason: string,
    headers: Record<string, string[]>,
  ): void {
    stats.rejected++;
    options.onRequest?.({
      path,
      method: request.method ?? "",
      behavior: headers[EDGE_HEADERS.behavior]?.[0] ?? "",
      rejected: code,
    });
    stats.rejections.push({ at: new Date().toISOString(), path, code, reason });
    if (stats.rejections.length > MAX_REMEMBERED_REJECTIONS) stats.rejections.shift();
    log(`edge: 403 ${path} ${code}: ${reason}`);
    const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${xmlEscape(`${code}: ${reason}`)}</Message></Error>\n`;
    reply(request, response, {
      status: 403,
      headers: {
        ...headers,
        "content-type": ["text/xml"],
        [EDGE_HEADERS.reason]: [headerSafe(`${code}: ${reason}`)],
      },
      body: Buffer.from(body),
    });
  }

  function proxy(
    request: IncomingMessage,
    response: ServerResponse,
    target: string,
    headers: Record<string, string[]>,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const send = (retried: boolean) => {
        const upstream = httpRequest(
          new URL(target, origin),
          // CloudFront forwards a viewer's Range to the origin and serves the 206 it gets back
          // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RangeGETs.html).
          { method: request.method, agent, headers: rangeHeaders(request) },
          (originResponse) => {
            const passed: Record<string, string[]> = { ...headers };
            for (const name of ORIGIN_RESPONSE_HEADERS) {
              const value = originResponse.headers[name];
              if (typeof value === "string") passed[name] = [value];
            }
            response.writeHead(originResponse.statusCode ?? 502, { ...passed, ...corsHeaders(request) });
            originResponse.pipe(response);
            originResponse.on("end", resolve);
            originResponse.on("error", reject);
          },
        );
        upstream.on("error", (error: NodeJS.ErrnoException) => {
          // A pooled connection the origin closed as this request went out: no
          // response was started, so the GET/HEAD is safe to send once more on a
          // new connection (Node's documented remedy for the keep-alive race).
          if (!retried && !response.headersSent && upstream.reusedSocket && error.code === "ECONNRESET")
            send(true);
          else reject(error);
        });
        upstream.end();
      };
      send(false);
    });
  }

  function reply(
    request: IncomingMessage,
    response: ServerResponse,
    reply: HttpReply | { status: number; headers: Record<string, string[]>; body: Buffer },
    source: "edge" | "generated" = "edge",
  ): void {
    const cors =
      source === "edge"
        ? corsHeaders(request)
        : reply.headers["access-control-allow-origin"]
          ? { "access-control-expose-headers": Object.values(EDGE_HEADERS).join(", ") }
          : {};
    response.writeHead(reply.status, {
      ...reply.headers,
      "content-length": String(reply.body.length),
      ...cors,
    });
    response.end(request.method === "HEAD" ? undefined : reply.body);
  }

  /** The page runs on another port (another origin): let it read bodies and our debugging headers. */
  function corsHeaders(request: IncomingMessage): Record<string, string> {
    const requestOrigin = request.headers.origin;
    if (!requestOrigin || !options.allowedOrigins.includes(requestOrigin)) return { vary: "Origin" };
    return {
      vary: "Origin",
      "access-control-allow-origin": requestOrigin,
      "access-control-allow-credentials": "true",
      "access-control-expose-headers": Object.values(EDGE_HEADERS).join(", "),
    };
  }
}

/** Origin response headers the viewer gets, range replies' included. */
const ORIGIN_RESPONSE_HEADERS = [
  "content-type",
  "content-length",
  "cache-control",
  "last-modified",
  "etag",
  "accept-ranges",
  "content-range",
];

function rangeHeaders(request: IncomingMessage): Record<string, string> {
  const range = request.headers.range;
  return range === undefined ? {} : { range };
}

/** `localhost:8401` -> `localhost`; undefined for a missing or malformed Host. */
function hostWithoutPort(header: string | undefined): string | undefined {
  const match =
    header === undefined ? null : /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.exec(header);
  return match ? match[1].toLowerCase() : undefined;
}

function pathOf(request: IncomingMessage): string {
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  return queryStart === -1 ? target : target.slice(0, queryStart);
}

/** The viewer's address as CloudFront reports it (IPv4-mapped IPv6 unwrapped). */
function viewerIpOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Header values must be visible ASCII; a reason quoting viewer input might not be. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").slice(0, 1000);
}
