/**
 * CloudFront request events for the handler tests, starting from the example
 * events in the AWS documentation ("Lambda@Edge event structure": viewer
 * request example, origin request example). The input is what the VIEWER
 * sent; an origin-request event carries it as CloudFront forwards it to the
 * origin (the manifest behavior's viewer-request CloudFront Function, then
 * signing parameters removed and only the forwarded headers and cookies:
 * local/cloudfront-event.ts, the same code the local edge runs).
 */
import type {
  CloudFrontRequest,
  CloudFrontRequestEvent,
} from "../../../functions/handlers/manifest-edge/cloudfront-events";
import { GRANT_FORWARDING_FUNCTION_CODE } from "../../../functions/handlers/manifest-edge/forwarded-grant";
import type { EdgeTrigger } from "../../../contract/limits";
import { cacheSettingsFor } from "../../../infra/cache-settings";
import { forwardToOrigin } from "../../../local/cloudfront-event";
import { runViewerFunction } from "../../../local/viewer-function";

const VIEWER_REQUEST_EXAMPLE = {
  Records: [
    {
      cf: {
        config: {
          distributionDomainName: "d111111abcdef8.cloudfront.net",
          distributionId: "EDFDVBD6EXAMPLE",
          eventType: "viewer-request",
          requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        request: {
          clientIp: "203.0.113.178",
          headers: {
            host: [{ key: "Host", value: "d111111abcdef8.cloudfront.net" }],
            "user-agent": [{ key: "User-Agent", value: "curl/7.66.0" }],
            accept: [{ key: "accept", value: "*/*" }],
          },
          method: "GET",
          querystring: "",
          uri: "/",
        },
      },
    },
  ],
};

const ORIGIN_REQUEST_EXAMPLE = {
  Records: [
    {
      cf: {
        config: {
          distributionDomainName: "d111111abcdef8.cloudfront.net",
          distributionId: "EDFDVBD6EXAMPLE",
          eventType: "origin-request",
          requestId: "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        request: {
          clientIp: "203.0.113.178",
          headers: {
            "x-forwarded-for": [{ key: "X-Forwarded-For", value: "203.0.113.178" }],
            "user-agent": [{ key: "User-Agent", value: "Amazon CloudFront" }],
            via: [{ key: "Via", value: "2.0 2afae0d44e2540f472c0635ab62c232b.cloudfront.net (CloudFront)" }],
            host: [{ key: "Host", value: "example.org" }],
            "cache-control": [{ key: "Cache-Control", value: "no-cache" }],
          },
          method: "GET",
          origin: {
            custom: {
              customHeaders: {},
              domainName: "example.org",
              keepaliveTimeout: 5,
              path: "",
              port: 443,
              protocol: "https",
              readTimeout: 30,
              sslProtocols: ["TLSv1", "TLSv1.1", "TLSv1.2"],
            },
          },
          querystring: "",
          uri: "/",
        },
      },
    },
  ],
};

export interface EventInput {
  readonly uri: string;
  readonly querystring?: string;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly clientIp?: string;
}

export function requestEvent(trigger: EdgeTrigger, input: EventInput): CloudFrontRequestEvent {
  const viewer = structuredClone(VIEWER_REQUEST_EXAMPLE);
  const request = viewer.Records[0].cf.request as CloudFrontRequest;
  request.uri = input.uri;
  request.querystring = input.querystring ?? "";
  request.method = input.method ?? "GET";
  if (input.clientIp) request.clientIp = input.clientIp;
  for (const [key, value] of Object.entries(input.headers ?? {})) {
    request.headers[key.toLowerCase()] = [{ key, value }];
  }
  if (trigger === "viewer-request") return viewer as CloudFrontRequestEvent;
  const example = structuredClone(ORIGIN_REQUEST_EXAMPLE);
  const origin = example.Records[0].cf.request.origin.custom;
  const forwarded = forwardToOrigin(
    runViewerFunction(GRANT_FORWARDING_FUNCTION_CODE, request),
    cacheSettingsFor("manifest", "origin-request"),
    new URL(`${origin.protocol}://${origin.domainName}`),
  );
  return {
    Records: [
      { cf: { config: example.Records[0].cf.config, request: { ...forwarded, origin: { custom: origin } } } },
    ],
  } as CloudFrontRequestEvent;
}
