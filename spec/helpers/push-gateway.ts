/**
 * A push gateway on 127.0.0.1 for the pusher specs: a real HTTP server that records each
 * POST /_matrix/push/v1/notify and answers with `respond`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GatewayRequest {
  path: string;
  body: { notification: Record<string, unknown> & { devices: Array<Record<string, unknown>> } };
}

/** A push gateway on 127.0.0.1: records each request and answers with `respond`. */
export class Gateway {
  readonly requests: GatewayRequest[] = [];
  respond: (request: GatewayRequest, res: ServerResponse) => void = (_req, res) => res.end(JSON.stringify({ rejected: [] }));
  private readonly server: Server;
  private waiters: Array<() => void> = [];

  constructor() {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let text = "";
      req.on("data", (chunk: Buffer) => (text += chunk.toString()));
      req.on("end", () => {
        const request = { path: req.url ?? "", body: JSON.parse(text) as GatewayRequest["body"] };
        this.requests.push(request);
        for (const wake of this.waiters.splice(0)) wake();
        this.respond(request, res);
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/_matrix/push/v1/notify`;
  }

  /** Waits until `n` requests have arrived (fails after 10 s). */
  async waitFor(n: number): Promise<GatewayRequest[]> {
    const deadline = Date.now() + 10_000;
    while (this.requests.length < n) {
      if (Date.now() > deadline) throw new Error(`gateway: ${this.requests.length} of ${n} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.requests;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
