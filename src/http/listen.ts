/**
 * The listeners: the client API over plain HTTP (behind a TLS-terminating proxy, or local), and
 * the federation API over HTTPS with the configured certificate. Both serve the same koa app.
 *
 * close() stops accepting, lets in-flight requests finish, closes keep-alive sockets as soon as
 * they go idle, and after the grace period drops whatever is still open (long polls).
 */
import { readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type Koa from "koa";

/** Takes over HTTP Upgrade requests (WebSocket) of the client listener. */
export interface UpgradeHandler {
  /** Handles the upgrade and returns true, or returns false when it is not for this handler (answered 404). */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every upgraded connection; called first by close(). */
  closeAll(): void;
}

export interface ListenOptions {
  client: { bind: string; port: number };
  /** Paths of the PEM certificate (chain) and key. */
  federation?: { bind: string; port: number; tlsCert: string; tlsKey: string };
  /** WebSocket upgrades on the client listener; without it they are refused. */
  upgrade?: UpgradeHandler;
}

export interface HttpListeners {
  readonly client: AddressInfo;
  readonly federation: AddressInfo | null;
  /** Resolves once every connection is closed. */
  close(graceMs?: number): Promise<void>;
}

const DEFAULT_GRACE_MS = 10_000;
const IDLE_SWEEP_MS = 50;

export async function listen(app: Koa, options: ListenOptions): Promise<HttpListeners> {
  const callback = app.callback();
  const servers: http.Server[] = [];
  const upgraded = new Set<Duplex>();
  try {
    const clientServer = http.createServer(callback);
    servers.push(clientServer);
    const upgrade = options.upgrade;
    if (upgrade !== undefined) {
      clientServer.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
        upgraded.add(socket);
        socket.once("close", () => upgraded.delete(socket));
        if (!upgrade.handleUpgrade(req, socket, head)) {
          const body = '{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}';
          socket.end(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        }
      });
    }
    const client = await startListening(clientServer, options.client.bind, options.client.port);
    let federation: AddressInfo | null = null;
    if (options.federation) {
      const [cert, key] = await Promise.all([readFile(options.federation.tlsCert), readFile(options.federation.tlsKey)]);
      const federationServer = https.createServer({ cert, key }, callback);
      servers.push(federationServer);
      federation = await startListening(federationServer, options.federation.bind, options.federation.port);
    }
    const close = (graceMs = DEFAULT_GRACE_MS): Promise<void> => {
      options.upgrade?.closeAll();
      return closeGracefully(servers, graceMs, upgraded);
    };
    return { client, federation, close };
  } catch (err) {
    await closeGracefully(servers, 0, upgraded);
    throw err;
  }
}

function startListening(server: http.Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

async function closeGracefully(servers: readonly http.Server[], graceMs: number, upgraded: ReadonlySet<Duplex>): Promise<void> {
  const closed = Promise.all(
    servers.filter((server) => server.listening).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
  const sweepIdle = (): void => {
    for (const server of servers) server.closeIdleConnections();
  };
  sweepIdle();
  // In-flight requests leave keep-alive sockets behind when they finish: close those promptly.
  const sweeper = setInterval(sweepIdle, IDLE_SWEEP_MS);
  const deadline = setTimeout(() => {
    for (const server of servers) server.closeAllConnections();
    // Upgraded connections are no longer the HTTP server's to close.
    for (const socket of upgraded) socket.destroy();
  }, graceMs);
  try {
    await closed;
  } finally {
    clearInterval(sweeper);
    clearTimeout(deadline);
  }
}
