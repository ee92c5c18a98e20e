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
} from "../functions/handlers/manifest-edge/cloudfront-events";
import { EDGE_GENERATED_RESPONSE_LIMIT_BYTES, type EdgeTrigger } from "../contract/limits";
import { isSigningParameter, parameterName } from "../functions/cloudfront/query";
import { acceptsGzip } from "../functions/handlers/manifest-edge/manifest-response";
import { type CacheSettings } from "../infra/cache-settings";
import { SIGNED_COOKIE_NAMES } from "../contract/signing-names";
import { runViewerFunction } from "./viewer-function";

export type {
  CloudFrontHeaders,
  CloudFrontRequestEvent,
} from "../functions/handlers/manifest-edge/cloudfront-events";
export interface EventContext {
  readonly trigger: EdgeTrigger;
  /** The distribution's domain, e.g. `localhost` (CloudFront: `d111111abcdef8.cloudfront.net`). */
  readonly distributionDomainName: string;
  /** The Host the viewer asked for, without the loopback port (an alternate domain name in CloudFront terms). */
  readonly viewerHost: string;
  readonly distributionId: string;
  /** Origin the request would go to (origin-request triggers see it). */
  readonly origin: URL;
  /** What the behavior's cache policy forwards to the origin (origin-request events carry only that). */
  readonly forwarded: CacheSettings;
  /** Code of the CloudFront Function associated with the behavior's viewer-request event, if any. */
  readonly viewerFunction?: string;
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

/**
 * The event CloudFront builds for a request trigger: `uri` is the raw path, `querystring` the raw
 * query without `?`. A viewer-request event carries the viewer's request (after the behavior's
 * viewer-request CloudFront Function, if any); an origin-request event carries it as forwarded to
 * the origin (forwardToOrigin).
 */
export function requestEvent(
  request: IncomingMessage,
  clientIp: string,
  context: EventContext,
): CloudFrontRequestEvent {
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  let cfRequest: CloudFrontRequest = {
    clientIp,
    headers: {
      ...toCloudFrontHeaders(request.rawHeaders),
      host: [{ key: "Host", value: context.viewerHost }],
    },
    method: request.method ?? "GET",
    querystring: queryStart === -1 ? "" : target.slice(queryStart + 1),
    uri: queryStart === -1 ? target : target.slice(0, queryStart),
  };
  if (context.viewerFunction) cfRequest = runViewerFunction(context.viewerFunction, cfRequest);
  if (context.trigger === "origin-request")
    cfRequest = forwardToOrigin(cfRequest, context.forwarded, context.origin);
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

/**
 * The viewer's request as CloudFront forwards it to the origin, which is what an origin-request
 * event carries (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/lambda-event-structure.html):
 * - the query without Expires, Policy, Signature, Key-Pair-Id, and Hash-Algorithm too
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/QueryStringParameters.html;
 *   Hash-Algorithm is removed here as the stricter reading), then only the names the policy forwards;
 * - only the headers and cookies the policy forwards
 *   (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/controlling-origin-requests.html),
 *   minus the CloudFront-* signed cookies: no page says they reach the origin, so the local edge takes
 *   the stricter reading and drops them; `Host` is the origin's unless the policy forwards the viewer's;
 * - Accept-Encoding normalized to what the policy's compression settings keep, and the headers
 *   CloudFront adds itself (X-Forwarded-For, Via, User-Agent), as in the documented example event.
 */
export function forwardToOrigin(
  viewer: CloudFrontRequest,
  forwarded: CacheSettings,
  origin: URL,
): CloudFrontRequest {
  const queryNames = forwarded.queryStrings;
  const querystring = viewer.querystring
    .split("&")
    .filter((pair) => pair !== "" && !isSigningParameter(parameterName(pair)))
    .filter(
      (pair) => queryNames === "all" || (queryNames !== "none" && queryNames.includes(parameterName(pair))),
    )
    .join("&");
  const headers: CloudFrontHeaders = {};
  for (const name of forwarded.headers === "none" ? [] : forwarded.headers) {
    const values = viewer.headers[name.toLowerCase()];
    if (values) headers[name.toLowerCase()] = values.map((entry) => ({ ...entry }));
  }
  headers.host ??= [{ key: "Host", value: origin.host }];
  const cookieNames = (forwarded.cookies === "none" ? [] : forwarded.cookies).filter(
    (name) => !(SIGNED_COOKIE_NAMES as readonly string[]).includes(name),
  );
  const cookies = (viewer.headers.cookie ?? [])
    .flatMap((entry) => entry.value.split(";"))
    .map((part) => part.trim())
    .filter((part) =>
      cookieNames.includes(part.slice(0, part.indexOf("=") === -1 ? part.length : part.indexOf("="))),
    );
  if (cookies.length > 0) headers.cookie = [{ key: "Cookie", value: cookies.join("; ") }];
  const acceptEncoding = viewer.headers["accept-encoding"]?.map((entry) => entry.value).join(", ");
  if (forwarded.gzipAndBrotli && acceptEncoding) {
    const codings = [
      ...(accepts(acceptEncoding, "br") ? ["br"] : []),
      ...(acceptsGzip(acceptEncoding) ? ["gzip"] : []),
    ];
    if (codings.length > 0)
      headers["accept-encoding"] = [{ key: "Accept-Encoding", value: codings.join(",") }];
  }
  headers["x-forwarded-for"] = [{ key: "X-Forwarded-For", value: viewer.clientIp }];
  headers["user-agent"] = [{ key: "User-Agent", value: "Amazon CloudFront" }];
  headers.via = [{ key: "Via", value: "2.0 local-edge.cloudfront.net (CloudFront)" }];
  return {
    clientIp: viewer.clientIp,
    headers,
    method: viewer.method,
    querystring,
    uri: viewer.uri,
    origin: {
      custom: {
        domainName: origin.hostname,
        port: Number(origin.port || (origin.protocol === "https:" ? 443 : 80)),
        protocol: origin.protocol === "https:" ? "https" : "http",
        path: origin.pathname.replace(/\/$/, ""),
        sslProtocols: ["TLSv1.2"],
        readTimeout: 30,
        keepaliveTimeout: 5,
        customHeaders: {},
      },
    },
  };
}

/** True when an Accept-Encoding header lists `coding` with q > 0. */
function accepts(acceptEncoding: string, coding: string): boolean {
  return acceptEncoding.split(",").some((part) => {
    const [name, ...params] = part.split(";");
    const q = params.map((param) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
    return name.trim().toLowerCase() === coding && (q === undefined || Number(q) > 0);
  });
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
