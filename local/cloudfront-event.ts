/**
 * The Lambda@Edge event shape CloudFront hands a request trigger, built from
 * a local HTTP request, and the trigger's result turned back into HTTP. Kept
 * to what CloudFront documents, so the manifest handler sees locally exactly
 * what it sees at the edge.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
  CloudFrontRequestEvent,
  CloudFrontResultResponse,
} from "../functions/handlers/cloudfront-events";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, type EdgeTrigger } from "../functions/limits";

export type { CloudFrontHeaders, CloudFrontRequestEvent } from "../functions/handlers/cloudfront-events";
export interface EventContext {
  readonly trigger: EdgeTrigger;
  /** The distribution's domain, e.g. `localhost` (CloudFront: `d111111abcdef8.cloudfront.net`). */
  readonly distributionDomainName: string;
  /** The Host the viewer asked for, without the loopback port (an alternate domain name in CloudFront terms). */
  readonly viewerHost: string;
  readonly distributionId: string;
  /** Origin the request would go to (origin-request triggers see it). */
  readonly origin: URL;
}

/** Headers CloudFront never passes to a request trigger; the rest keep their original case in `key`. */
const HIDDEN_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

export function toCloudFrontHeaders(raw: readonly string[]): CloudFrontHeaders {
  const headers: CloudFrontHeaders = {};
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index];
    const lower = name.toLowerCase();
    if (HIDDEN_HEADERS.has(lower)) continue;
    (headers[lower] ??= []).push({ key: name, value: raw[index + 1] });
  }
  return headers;
}

/** The event CloudFront builds for a request trigger: `uri` is the raw path, `querystring` the raw query without `?`. */
export function requestEvent(
  request: IncomingMessage,
  clientIp: string,
  context: EventContext,
): CloudFrontRequestEvent {
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  const cfRequest: CloudFrontRequest = {
    clientIp,
    headers: {
      ...toCloudFrontHeaders(request.rawHeaders),
      host: [{ key: "Host", value: context.viewerHost }],
    },
    method: request.method ?? "GET",
    querystring: queryStart === -1 ? "" : target.slice(queryStart + 1),
    uri: queryStart === -1 ? target : target.slice(0, queryStart),
  };
  if (context.trigger === "origin-request") {
    cfRequest.origin = {
      custom: {
        domainName: context.origin.hostname,
        port: Number(context.origin.port || (context.origin.protocol === "https:" ? 443 : 80)),
        protocol: context.origin.protocol === "https:" ? "https" : "http",
        path: context.origin.pathname.replace(/\/$/, ""),
        sslProtocols: ["TLSv1.2"],
        readTimeout: 30,
        keepaliveTimeout: 5,
        customHeaders: {},
      },
    };
  }
  return {
    Records: [
      {
        cf: {
          config: {
            distributionDomainName: context.distributionDomainName,
            distributionId: context.distributionId,
            eventType: context.trigger,
            requestId: randomBytes(16).toString("base64url"),
          },
          request: cfRequest,
        },
      },
    ],
  };
}

/** A trigger either answers (a response) or lets the request continue (a request object). */
export function isGeneratedResponse(result: unknown): result is CloudFrontResultResponse {
  return typeof result === "object" && result !== null && "status" in result && !("uri" in result);
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

/**
 * Turns a generated response into HTTP, enforcing what CloudFront enforces:
 * a valid status and the generated-response size limit of the trigger
 * (CloudFront answers 502 when a function breaks them).
 */
export function toHttpReply(response: CloudFrontResultResponse, trigger: EdgeTrigger): HttpReply {
  const status = Number(response.status);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return functionError(`the function returned an invalid status ${JSON.stringify(response.status)}`);
  }
  const bodyText = response.body ?? "";
  const body =
    response.bodyEncoding === "base64" ? Buffer.from(bodyText, "base64") : Buffer.from(bodyText, "utf8");
  const headers: Record<string, string[]> = {};
  let headerBytes = 0;
  for (const [name, values] of Object.entries(response.headers ?? {})) {
    for (const { key, value } of values) {
      (headers[(key ?? name).toLowerCase()] ??= []).push(value);
      headerBytes += (key ?? name).length + value.length + 4;
    }
  }
  const limit = EDGE_GENERATED_RESPONSE_LIMIT_BYTES[trigger];
  if (Buffer.byteLength(bodyText) + headerBytes > limit) {
    return functionError(
      `the generated response (${Buffer.byteLength(bodyText) + headerBytes} bytes) exceeds the ${trigger} limit of ${limit} bytes`,
    );
  }
  return { status, headers, body };
}

function functionError(reason: string): HttpReply {
  return {
    status: 502,
    headers: {
      "content-type": ["text/plain; charset=utf-8"],
      "x-local-edge-reason": [`LambdaValidationError: ${reason}`],
    },
    body: Buffer.from(`502 LambdaValidationError: ${reason}\n`),
  };
}
