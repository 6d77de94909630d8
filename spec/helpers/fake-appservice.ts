/**
 * An application service's HTTP server for tests: it records what the homeserver sends and
 * answers from a table of routes (path with query string), 404 M_UNRECOGNIZED otherwise.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  url: string;
  authorization: string | undefined;
}

/** Answer with a status and a JSON value (a string is sent as it is), or never answer. */
export type FakeAnswer = { status: number; body: unknown } | "hang";

export const okAnswer = (body: unknown): FakeAnswer => ({ status: 200, body });

export class FakeAppservice {
  readonly seen: SeenRequest[] = [];
  routes = new Map<string, FakeAnswer>();
  private server: Server | null = null;

  /** Listens on a free loopback port; returns the base URL to register. */
  async start(): Promise<string> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
      const answer = this.routes.get(req.url ?? "") ?? { status: 404, body: { errcode: "M_UNRECOGNIZED" } };
      if (answer === "hang") return;
      res.writeHead(answer.status, { "content-type": "application/json" }).end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Forgets what was seen and every route. */
  reset(): void {
    this.seen.length = 0;
    this.routes = new Map();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
