/**
 * Runs a CloudFront Function (viewer-request, cloudfront-js-2.0) on a request
 * in Lambda@Edge's event shape, as CloudFront does before the cache and the
 * origin-request trigger. The function receives CloudFront Functions' own
 * request shape (header names lower case, cookies apart from headers, query
 * and cookies as `{ value, multiValue }`:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-event-structure.html).
 * Header changes come back into the request; a changed query or cookie set is
 * rebuilt from the function's objects, an unchanged one keeps its exact bytes.
 */
import type {
  CloudFrontHeaders,
  CloudFrontRequest,
} from "../functions/handlers/manifest-edge/cloudfront-events";

interface FunctionValue {
  value: string;
  multiValue?: { value: string }[];
}
type FunctionValues = Record<string, FunctionValue>;

interface FunctionRequest {
  method: string;
  uri: string;
  querystring: FunctionValues;
  headers: FunctionValues;
  cookies: FunctionValues;
}

function collect(pairs: [string, string][]): FunctionValues {
  const values: FunctionValues = {};
  for (const [name, value] of pairs) {
    const existing = values[name];
    if (!existing) values[name] = { value };
    else (existing.multiValue ??= [{ value: existing.value }]).push({ value });
  }
  return values;
}

function split(pair: string): [string, string] {
  const equals = pair.indexOf("=");
  return equals === -1 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)];
}

function flatten(values: FunctionValues, separator: string): string {
  return Object.entries(values)
    .flatMap(([name, entry]) =>
      (entry.multiValue ?? [{ value: entry.value }]).map((item) => `${name}=${item.value}`),
    )
    .join(separator);
}

export function runViewerFunction(code: string, request: CloudFrontRequest): CloudFrontRequest {
  const cookieHeader = (request.headers.cookie ?? []).map((entry) => entry.value).join("; ");
  const input: FunctionRequest = {
    method: request.method,
    uri: request.uri,
    querystring: collect(request.querystring === "" ? [] : request.querystring.split("&").map(split)),
    headers: collect(
      Object.entries(request.headers)
        .filter(([name]) => name !== "cookie")
        .flatMap(([name, entries]) => entries.map((entry): [string, string] => [name, entry.value])),
    ),
    cookies: collect(cookieHeader === "" ? [] : cookieHeader.split(";").map((part) => split(part.trim()))),
  };
  const before = JSON.stringify({ querystring: input.querystring, cookies: input.cookies });
  const handler = new Function(`${code}\nreturn handler;`)() as (event: object) => FunctionRequest;
  const output = handler({
    version: "1.0",
    context: { eventType: "viewer-request" },
    viewer: { ip: request.clientIp },
    request: structuredClone(input),
  });
  const headers: CloudFrontHeaders = {};
  for (const [name, entry] of Object.entries(output.headers ?? {})) {
    const key = request.headers[name]?.[0]?.key ?? name;
    headers[name] = (entry.multiValue ?? [{ value: entry.value }]).map((item) => ({
      key,
      value: item.value,
    }));
  }
  const changed = JSON.stringify({ querystring: output.querystring, cookies: output.cookies }) !== before;
  const cookies = changed ? flatten(output.cookies ?? {}, "; ") : cookieHeader;
  if (cookies !== "")
    headers.cookie = [{ key: request.headers.cookie?.[0]?.key ?? "Cookie", value: cookies }];
  return {
    ...request,
    headers,
    uri: output.uri,
    querystring: changed ? flatten(output.querystring ?? {}, "&") : request.querystring,
  };
}
