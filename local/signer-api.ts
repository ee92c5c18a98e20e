/**
 * The signer handler behind a small HTTP API: the local stand-in for the
 * signing Lambda's Function URL with AWS_IAM auth. Every request must be
 * SigV4-signed (service `lambda`, the stack's region) with the local test
 * credentials, generated per run and handed only to the app; an unsigned,
 * wrongly signed or expired request gets 403 before the handler runs, as a
 * Function URL with AWS_IAM auth answers
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). So the app
 * uses the same client (client/signer-client.ts) locally and deployed. The
 * request is passed in the Function URL event shape (payload 2.0).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HttpError, sendError, sendJson } from "./http";
import { verifySigV4, type LocalCredentials } from "./sigv4-verify";

/** Function URL request event (payload format 2.0), the fields a handler reads. */
export interface FunctionUrlEvent {
  version: "2.0";
  routeKey: "$default";
  rawPath: string;
  rawQueryString: string;
  headers: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    requestId: string;
    routeKey: "$default";
    stage: "$default";
    time: string;
    timeEpoch: number;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    authorizer: {
      iam: { accessKey: string; accountId: string; callerId: string; userArn: string; userId: string };
    };
  };
  body?: string;
  isBase64Encoded: boolean;
}

export interface FunctionUrlResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export interface SignerApiOptions {
  /** The signer Lambda handler. */
  readonly invoke: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
  /** The region in the SigV4 credential scope (the service is `lambda`). */
  readonly region: string;
  /** Clock, epoch milliseconds (tests). */
  readonly nowMs?: () => number;
  /** The caller identity the local "IAM" attaches (the app's role). */
  readonly callerArn?: string;
  readonly log?: (line: string) => void;
  /** The domain the Function URL event names (a Function URL's own domain: `<id>.lambda-url.<region>.on.aws`). */
  readonly functionUrlDomain?: string;
  /** Largest request body accepted (Function URLs cap payloads at 6 MB; the signer needs far less). */
  readonly maxBodyBytes?: number;
}

export interface SignerApi {
  readonly handler: RequestListener;
  /** The local test credentials the app signs its requests with (this run only). */
  readonly credentials: LocalCredentials;
}

export function createSignerApi(options: SignerApiOptions): SignerApi {
  const credentials: LocalCredentials = {
    accessKeyId: `AKIALOCAL${randomBytes(6).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString("base64"),
  };
  const nowMs = options.nowMs ?? Date.now;
  const log = options.log ?? (() => undefined);
  const callerArn = options.callerArn ?? "arn:aws:iam::000000000000:role/local-app";
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;

  const handler: RequestListener = (request, response) => {
    serve(request, response).catch((error: unknown) =>
      sendError(response, error, (line) => log(`signer-api: ${line}`)),
    );
  };
  return { handler, credentials };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The body is part of the signature: read (bounded) before verifying.
    const body = await readBody(request, maxBodyBytes);
    const verdict = verifySigV4(
      { method: request.method ?? "GET", target: request.url ?? "/", headers: joinedHeaders(request), body },
      [credentials],
      { region: options.region, service: "lambda" },
      nowMs(),
    );
    if (!verdict.ok) {
      log(`signer-api: 403 ${verdict.errorType}: ${verdict.message}`);
      // An unsigned request gets a bare Forbidden; a refused signature names AWS's error type.
      return verdict.errorType === "MissingAuthenticationToken"
        ? sendJson(response, 403, { Message: "Forbidden" })
        : sendJson(response, 403, { message: verdict.message }, { "x-amzn-errortype": verdict.errorType });
    }
    const domain = options.functionUrlDomain ?? "localsigner.lambda-url.us-east-1.on.aws";
    const result = await options.invoke(toEvent(request, body, callerArn, domain, verdict.accessKeyId));
    const headers: Record<string, string | string[]> = { ...(result.headers ?? {}) };
    if (result.cookies?.length) headers["set-cookie"] = result.cookies;
    const payload =
      result.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8");
    response.writeHead(result.statusCode, { ...headers, "content-length": payload.length });
    response.end(payload);
  }
}

function joinedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  return headers;
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toEvent(
  request: IncomingMessage,
  body: Buffer,
  callerArn: string,
  domainName: string,
  accessKey: string,
): FunctionUrlEvent {
  const target = request.url ?? "/";
  const queryStart = target.indexOf("?");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // The IAM signature never reaches the function; Function URLs join repeated headers with commas.
    if (name === "authorization" || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const now = new Date();
  const text = body.toString("utf8");
  const isText = Buffer.from(text, "utf8").equals(body);
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: queryStart === -1 ? target : target.slice(0, queryStart),
    rawQueryString: queryStart === -1 ? "" : target.slice(queryStart + 1),
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local-signer",
      domainName,
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      http: {
        method: request.method ?? "GET",
        path: queryStart === -1 ? target : target.slice(0, queryStart),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "",
        userAgent: request.headers["user-agent"] ?? "",
      },
      authorizer: {
        iam: {
          accessKey,
          accountId: "000000000000",
          callerId: "AROALOCAL:local-app",
          userArn: callerArn,
          userId: "AROALOCAL:local-app",
        },
      },
    },
    ...(body.length > 0
      ? { body: isText ? text : body.toString("base64"), isBase64Encoded: !isText }
      : { isBase64Encoded: false }),
  };
}
