/**
 * The request object the endpoint router hands to handlers (EndpointRequest): one instance of a
 * class per request, filled in step by step by the router. What most requests never read is
 * computed on first use: the client address and the abort signal.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Requester } from "../matrix/endpoints/types.js";
import type { RawQuery } from "./endpoint-types.js";

/** The koa context parts a request is built from. */
export interface RequestSource {
  readonly method: string;
  readonly originalUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
  readonly params: Record<string, string>;
  readonly res: ServerResponse;
}

export class HttpEndpointRequest {
  readonly method: string;
  readonly uri: string;
  readonly headers: IncomingHttpHeaders;
  readonly params: Record<string, string>;
  body: unknown = undefined;
  accessToken: string | null = null;
  query: RawQuery | Record<string, unknown>;
  requester: Requester | null = null;
  origin: string | null = null;
  private controller: AbortController | null = null;

  constructor(
    private readonly source: RequestSource,
    readonly rawBody: Buffer | null,
    rawQuery: RawQuery,
  ) {
    this.method = source.method;
    this.uri = source.originalUrl;
    this.headers = source.headers;
    this.params = source.params;
    this.query = rawQuery;
  }

  get ip(): string {
    return this.source.ip;
  }

  /**
   * Aborted when the client goes away (its connection closes) before the response is sent, as
   * long-polls need to stop waiting at once. Created on first use.
   */
  get signal(): AbortSignal {
    if (this.controller === null) {
      const controller = new AbortController();
      this.controller = controller;
      const res = this.source.res;
      if (isGone(res)) controller.abort();
      else res.once("close", () => {
        if (!res.writableFinished) controller.abort();
      });
    }
    return this.controller.signal;
  }
}

/** Whether the connection of `res` closed before the response was sent. */
function isGone(res: ServerResponse): boolean {
  return !res.writableFinished && (res.destroyed || res.socket === null || res.socket.destroyed);
}
