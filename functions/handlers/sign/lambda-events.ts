/**
 * Which invocations a signing Lambda accepts: a direct invoke (the payload is
 * the request itself; IAM `lambda:InvokeFunction` already authorised the
 * caller), or a Lambda Function URL request with AWS_IAM auth. Everything else
 * (API Gateway, an unauthenticated Function URL, anything unknown) is refused,
 * so the signer can never be reached anonymously by a configuration mistake.
 */

export type ClassifiedEvent =
  | { readonly kind: "invoke"; readonly payload: unknown }
  | {
      readonly kind: "function-url";
      readonly payload: unknown;
      /**
       * The IAM principal the event's requestContext names: a CLAIM, never proof. Since
       * October 2025 every Function URL caller also needs lambda:InvokeFunction
       * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), and a direct invoke's
       * payload is whatever the invoker sends, so anyone who can reach the Function URL can
       * invoke directly with a payload shaped like a Function URL event
       * (https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads) and
       * any requestContext in it. The function cannot tell the two apart; CloudTrail's
       * Invoke record names the real caller.
       */
      readonly claimedCaller?: string;
      readonly bodyError?: string;
    }
  | {
      readonly kind: "refused";
      readonly http: boolean;
      readonly statusCode: number;
      readonly reason: string;
    };

const FUNCTION_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/;
/** Larger bodies are not sign requests; refusing them early bounds parsing work. */
export const MAX_BODY_BYTES = 16 * 1024;

interface HttpEventShape {
  version?: string;
  requestContext?: {
    domainName?: string;
    http?: { method?: string };
    authorizer?: { iam?: { userArn?: string; callerId?: string } };
  };
  body?: string;
  isBase64Encoded?: boolean;
  httpMethod?: string;
  routeKey?: string;
  resource?: unknown;
  headers?: unknown;
}

export function classifyEvent(event: unknown): ClassifiedEvent {
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    return {
      kind: "refused",
      http: false,
      statusCode: 400,
      reason: "the invocation payload must be a JSON object",
    };
  }
  const shape = event as HttpEventShape;
  const context = shape.requestContext;
  if (context && typeof context === "object") {
    const isFunctionUrl =
      shape.version === "2.0" &&
      typeof context.domainName === "string" &&
      FUNCTION_URL_DOMAIN.test(context.domainName);
    if (!isFunctionUrl) {
      return {
        kind: "refused",
        http: true,
        statusCode: 403,
        reason:
          "only direct invokes and IAM-authenticated Function URL requests are accepted, not API Gateway or other proxies",
      };
    }
    if (!context.authorizer?.iam) {
      return {
        kind: "refused",
        http: true,
        statusCode: 403,
        reason: "this Function URL is not using AWS_IAM auth; the signer refuses unauthenticated requests",
      };
    }
    if ((context.http?.method ?? "").toUpperCase() !== "POST") {
      return { kind: "refused", http: true, statusCode: 405, reason: "use POST with a JSON body" };
    }
    const claimedCaller = context.authorizer.iam.userArn ?? context.authorizer.iam.callerId;
    const raw = shape.body ?? "";
    const text = shape.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
    if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
      return {
        kind: "function-url",
        payload: undefined,
        claimedCaller,
        bodyError: `the request body is larger than ${MAX_BODY_BYTES} bytes`,
      };
    }
    try {
      return { kind: "function-url", payload: JSON.parse(text), claimedCaller };
    } catch {
      return {
        kind: "function-url",
        payload: undefined,
        claimedCaller,
        bodyError: "the request body is not valid JSON",
      };
    }
  }
  if (
    shape.httpMethod !== undefined ||
    shape.routeKey !== undefined ||
    (shape.headers !== undefined && typeof shape.headers === "object")
  ) {
    return {
      kind: "refused",
      http: true,
      statusCode: 403,
      reason: "HTTP proxy events are not accepted; invoke directly or through an AWS_IAM Function URL",
    };
  }
  return { kind: "invoke", payload: event };
}
