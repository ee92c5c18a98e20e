/**
 * The application's client for the signing Lambda: reads the stack's
 * `appConfig` output (scripts/write-app-config.js writes it to a file),
 * calls the Function URL with a SigV4-signed POST (the URL's auth type is
 * AWS_IAM: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html, and
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html for the
 * signing: service `lambda`, the function's region), and retries throttled
 * calls with capped exponential backoff and full jitter. Lambda refuses an
 * invocation over its concurrency or rate limits with TooManyRequestsException,
 * HTTP 429, before the function runs (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html),
 * so a retry never signs twice; the docs do not show a throttled Function URL
 * response's body, so either sign counts: status 429 or that error type. The signing and
 * credentials are the AWS SDK's own: @smithy/signature-v4, the SDK's SHA-256,
 * and the default Node.js credential chain (environment, profile, SSO, web
 * identity, container and instance roles) unless credentials are given.
 *
 * The local stack's signer API verifies SigV4 as the Function URL does, so
 * the same client and app code run against `npm start` and a deployed stack.
 */
import { readFileSync } from "node:fs";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { APP_CONFIG_SCHEMA_VERSION, type AppConfig } from "../infra/app-config";
import type { SignRequest, SignResponse } from "../functions/handlers/sign/sign";

export type { SignRequest, SignResponse };

/** The part of the stack's `appConfig` output the client needs. */
export interface SignerEndpointConfig {
  readonly region: string;
  readonly signer: Pick<AppConfig["signer"], "functionUrl">;
}

export interface SignerClientOptions {
  /** Default: the AWS SDK's default Node.js credential provider chain. */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Attempts per call, the first included (default 4): only throttled calls are tried again. */
  readonly maxAttempts?: number;
  /** First backoff ceiling in ms (default 100), doubled per retry, capped at maxDelayMs (default 2000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 5000). */
  readonly timeoutMs?: number;
  /** Injection points for tests. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => Date;
}

export interface SigningLambdaClient {
  /** Signs one grant: a signed URL (`mode: "url"`, the default) or signed cookies for the resource's folder. */
  sign(request: SignRequest & { readonly mode?: "url" }): Promise<Extract<SignResponse, { mode: "url" }>>;
  sign(
    request: SignRequest & { readonly mode: "cookies" },
  ): Promise<Extract<SignResponse, { mode: "cookies" }>>;
  sign(request: SignRequest): Promise<SignResponse>;
}

/** Why a call failed: `status` is the Function URL's HTTP status (0: no response), `code` the most specific reason. */
export class SignerClientError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly attempts: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "SignerClientError";
  }
}

/** Reads and checks an app config file written by scripts/write-app-config.js. */
export function readAppConfig(path: string): AppConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`signer client: cannot read the app config ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const config = parsed as Partial<AppConfig> | null;
  if (config?.schemaVersion !== APP_CONFIG_SCHEMA_VERSION)
    throw new Error(
      `signer client: ${path} has appConfig schemaVersion ${JSON.stringify(config?.schemaVersion)}, expected ${APP_CONFIG_SCHEMA_VERSION}`,
    );
  checkEndpoint(config as AppConfig, path);
  return config as AppConfig;
}

/** A client for the signer of the stack described by `config` (an app config object, or the path of its file). */
export function createSignerClient(
  config: SignerEndpointConfig | string,
  options: SignerClientOptions = {},
): SigningLambdaClient {
  const endpoint = typeof config === "string" ? readAppConfig(config) : checkEndpoint(config, "the config");
  const url = new URL(endpoint.signer.functionUrl);
  const signer = new SignatureV4({
    service: "lambda",
    region: endpoint.region,
    credentials: options.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const now = options.now ?? (() => new Date());

  async function attempt(body: string): Promise<Response> {
    // Signed afresh each attempt: a SigV4 signature is good for five minutes from its x-amz-date.
    const signed = await signer.sign(
      {
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { host: url.host, "content-type": "application/json" },
        body,
      },
      { signingDate: now() },
    );
    const headers = { ...signed.headers };
    delete headers.host; // fetch sends the URL's own Host, the value that was signed
    return send(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
  }

  async function sign(request: SignRequest): Promise<SignResponse> {
    const body = JSON.stringify(request);
    for (let attempts = 1; ; attempts++) {
      let response: Response;
      try {
        response = await attempt(body);
      } catch (error) {
        throw new SignerClientError(
          `signer client: no response from ${url.origin}: ${(error as Error).message}`,
          0,
          "network",
          attempts,
          { cause: error },
        );
      }
      const text = await response.text();
      if (response.ok) return parseResponse(text, attempts);
      const failure = describeFailure(response, text, attempts);
      if (failure.code !== "throttled" || attempts >= maxAttempts) throw failure;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
      await sleep(Math.floor(random() * ceiling));
    }
  }
  return { sign: sign as SigningLambdaClient["sign"] };
}

function checkEndpoint<T extends SignerEndpointConfig>(config: T, source: string): T {
  if (typeof config?.region !== "string" || config.region === "")
    throw new Error(`signer client: ${source} has no region`);
  const functionUrl = config.signer?.functionUrl;
  let parsed: URL | undefined;
  try {
    parsed = typeof functionUrl === "string" ? new URL(functionUrl) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw new Error(
      `signer client: ${source} has no signer.functionUrl (is this a deployed signed-hls-cdn stack?)`,
    );
  return config;
}

function parseResponse(text: string, attempts: number): SignResponse {
  try {
    const body = JSON.parse(text) as SignResponse;
    if (typeof body?.url === "string" && typeof body.expires === "number") return body;
  } catch {
    // fall through
  }
  throw new SignerClientError(
    "signer client: the signer answered 2xx without a signed grant",
    200,
    "bad-response",
    attempts,
  );
}

/**
 * The signer's own refusals carry `{error: {code, message}}` (400 for a bad request, 500 for no usable key);
 * the Function URL's carry an `x-amzn-ErrorType` and answer 403 to a missing, wrong or expired signature
 * and 429 to a throttled call.
 */
function describeFailure(response: Response, text: string, attempts: number): SignerClientError {
  let detail: string;
  let code = response.headers.get("x-amzn-errortype")?.split(":")[0] ?? "";
  try {
    const body = JSON.parse(text) as {
      error?: { code?: string; message?: string };
      message?: string;
      Message?: string;
    };
    if (body.error?.code) code = body.error.code;
    detail = body.error?.message ?? body.message ?? body.Message ?? "";
  } catch {
    detail = text.slice(0, 200);
  }
  const status = response.status;
  if (status === 429 || code === "TooManyRequestsException") code = "throttled";
  else if (status === 403) code ||= "forbidden";
  else code ||= `http-${status}`;
  const hint =
    status === 403
      ? " (the Function URL refused the caller: check the credentials, the region, the clock, and that the caller may lambda:InvokeFunctionUrl)"
      : code === "throttled"
        ? ` (still throttled after ${attempts} attempts)`
        : "";
  return new SignerClientError(
    `signer client: ${status} ${code}${detail ? `: ${detail}` : ""}${hint}`,
    status,
    code,
    attempts,
  );
}
