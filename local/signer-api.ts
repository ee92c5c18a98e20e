/**
 * The signer handler behind a small HTTP API: the local stand-in for the
 * signing Lambda's Function URL with AWS_IAM auth. IAM (SigV4) becomes a
 * bearer token generated per run and handed only to the app; a request
 * without it is refused before the handler runs, as AWS refuses an unsigned
 * invoke. The request is passed in the Function URL event shape (payload 2.0).
 */
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HttpError, sendError, sendJson } from "./http";

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
  /** The credential the app presents (`authorization: Bearer <token>`). */
  readonly token: string;
}

export function createSignerApi(options: SignerApiOptions): SignerApi {
  const token = randomBytes(32).toString("base64url");
  const expected = Buffer.from(`Bearer ${token}`);
  const log = options.log ?? (() => undefined);
  const callerArn = options.callerArn ?? "arn:aws:iam::000000000000:role/local-app";
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;

  const handler: RequestListener = (request, response) => {
    serve(request, response).catch((error: unknown) =>
      sendError(response, error, (line) => log(`signer-api: ${line}`)),
    );
  };
  return { handler, token };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const presented = Buffer.from(request.headers.authorization ?? "");
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      // What a Function URL with AWS_IAM auth answers to an unsigned or wrongly signed request.
      return sendJson(response, 403, { Message: "Forbidden" });
    }
    const body = await readBody(request, maxBodyBytes);
    const domain = options.functionUrlDomain ?? "localsigner.lambda-url.us-east-1.on.aws";
    const result = await options.invoke(toEvent(request, body, callerArn, domain));
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
          accessKey: "ASIALOCAL",
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
