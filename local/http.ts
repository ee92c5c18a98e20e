/**
 * Small HTTP plumbing shared by the local servers: loopback-only listening,
 * clean shutdown, bounded JSON bodies and plain replies.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** Every local server binds here and nowhere else. */
export const LOOPBACK_HOST = "127.0.0.1";

/** How long every local server keeps an idle keep-alive connection open. */
export const SERVER_KEEP_ALIVE_MS = 5_000;

/**
 * How long a local client keeps an idle pooled connection: a second less than
 * the servers do, so a client does not pick a connection the server is just
 * closing (the margin Node itself takes from a `Keep-Alive: timeout` hint).
 */
export const CLIENT_IDLE_SOCKET_MS = SERVER_KEEP_ALIVE_MS - 1_000;

/** Listens on 127.0.0.1 (port 0: an ephemeral port) and resolves with the bound port. */
export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off("error", onError);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("server has no TCP address"));
      else resolve(address.port);
    });
  });
}

/** Stops accepting, ends keep-alive and in-flight connections, resolves when closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a JSON request body of at most `limitBytes`; refuses anything else with a 4xx HttpError. */
export async function readJsonBody(request: IncomingMessage, limitBytes = 16 * 1024): Promise<unknown> {
  const type = request.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new HttpError(415, "expected Content-Type: application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new HttpError(413, `request body larger than ${limitBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** Replies to an error thrown by a route: HttpError keeps its status, anything else is a logged 500 without details. */
export function sendError(response: ServerResponse, error: unknown, log: (message: string) => void): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof HttpError) return sendJson(response, error.status, { error: error.message });
  log(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  sendJson(response, 500, { error: "internal error" });
}
