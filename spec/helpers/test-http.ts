/**
 * Starts the real koa app (createHttpApp) with only the routes a test needs, on an ephemeral
 * loopback port, and makes requests to it with fetch. Log records are captured for assertions.
 */
import http from "node:http";
import type { AuthKind, EmptyRequest, EndpointDefinition, HttpMethod } from "../../src/matrix/endpoints/types.js";
import { createHttpApp, type HttpAppOptions } from "../../src/http/http-server.js";
import { listen, type HttpListeners } from "../../src/http/listen.js";
import { createLogger } from "../../src/util/logger.js";

export interface TestResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or null when the body is empty or not JSON. */
  body: Record<string, unknown> | null;
  text: string;
}

export interface TestHttp {
  readonly baseUrl: string;
  readonly port: number;
  /** Every log record written so far, parsed. */
  readonly logs: Array<Record<string, unknown>>;
  /** `body` objects are sent as JSON; strings and Buffers as they are. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; accessToken?: string },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

/** A test endpoint with no typed request parts, named after its path; unauthenticated by default. */
export function testEndpoint<Res, A extends AuthKind = "none">(
  method: HttpMethod,
  path: string,
  options: Partial<Omit<EndpointDefinition<EmptyRequest, Res, A>, "method" | "paths">> = {},
): EndpointDefinition<EmptyRequest, Res, A> {
  return { name: `${method} ${path}`, method, paths: [path], auth: "none" as A, ...options };
}

export type TestHttpOptions = Partial<Omit<HttpAppOptions, "logger">> & Pick<HttpAppOptions, "routes">;

export async function startTestHttp(options: TestHttpOptions): Promise<TestHttp> {
  const logs: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const app = createHttpApp({ maxRequestSize: 64 * 1024, ...options, logger });
  const listeners: HttpListeners = await listen(app, { client: { bind: "127.0.0.1", port: 0 } });
  const port = listeners.client.port;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    port,
    logs,
    async request(method, path, requestOptions = {}) {
      const headers: Record<string, string> = { ...requestOptions.headers };
      if (requestOptions.accessToken !== undefined) headers.authorization = `Bearer ${requestOptions.accessToken}`;
      let body: string | Buffer | undefined;
      const given = requestOptions.body;
      if (typeof given === "string" || Buffer.isBuffer(given)) body = given;
      else if (given !== undefined) {
        body = JSON.stringify(given);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(baseUrl + path, { method, headers, body });
      const text = await response.text();
      let json: Record<string, unknown> | null = null;
      try {
        json = text === "" ? null : (JSON.parse(text) as Record<string, unknown>);
      } catch {
        json = null;
      }
      return { status: response.status, headers: response.headers, body: json, text };
    },
    close: () => listeners.close(1000),
  };
}

/** A request written by hand (chunked bodies, lying Content-Length): resolves on the response. */
export function rawRequest(
  port: number,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: Buffer[]; end?: boolean },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method: options.method, path: options.path, headers: options.headers, agent: false });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    // The server may close the connection while we are still sending: the response decides.
    req.on("error", (err) => setTimeout(() => reject(err), 200));
    for (const chunk of options.chunks ?? []) req.write(chunk);
    if (options.end !== false) req.end();
    else req.flushHeaders();
  });
}
