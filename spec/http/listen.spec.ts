import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import forge from "node-forge";
import { WebSocket, WebSocketServer } from "ws";
import { createHttpApp } from "../../src/http/http-server.js";
import { listen, type HttpListeners, type UpgradeHandler } from "../../src/http/listen.js";
import { route } from "../../src/http/route.js";
import { createLogger } from "../../src/util/logger.js";
import { testEndpoint } from "../helpers/test-http.js";

const getFast = testEndpoint<{ fast: true }>("GET", "/_matrix/federation/v1/fast");
const getSlow = testEndpoint<{ slow: true }>("GET", "/_matrix/client/v3/slow");
const getHang = testEndpoint<never>("GET", "/_matrix/client/v3/hang");

/** A self-signed certificate for "localhost" / 127.0.0.1, made with node-forge. */
function selfSignedCertificate(): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const subject = [{ name: "commonName", value: "localhost" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

function httpsGet(port: number, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: "127.0.0.1", port, path, ca, servername: "localhost", agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function httpGet(port: number, path: string, agent: http.Agent | false = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("http/listen", function () {
  this.timeout(30_000);
  let dir: string;
  let certPem: string;
  let listeners: HttpListeners | null;
  let slowStarted: () => void;
  let slowRelease: () => void;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "hearth-listen-"));
    const made = selfSignedCertificate();
    certPem = made.certPem;
    writeFileSync(join(dir, "tls.crt"), made.certPem);
    writeFileSync(join(dir, "tls.key"), made.keyPem);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await listeners?.close(100);
    listeners = null;
  });

  const start = async (): Promise<{ slowEntered: Promise<void> }> => {
    const slowEntered = new Promise<void>((resolve) => (slowStarted = resolve));
    const app = createHttpApp({
      maxRequestSize: 1024,
      logger: createLogger({ level: "silent", format: "json" }),
      routes: [
        route(getFast, () => ({ fast: true })),
        route(getSlow, async () => {
          slowStarted();
          await new Promise<void>((resolve) => (slowRelease = resolve));
          return { slow: true };
        }),
        route(getHang, () => new Promise<never>(() => {})),
      ],
    });
    listeners = await listen(app, {
      client: { bind: "127.0.0.1", port: 0 },
      federation: { bind: "127.0.0.1", port: 0, tlsCert: join(dir, "tls.crt"), tlsKey: join(dir, "tls.key") },
    });
    return { slowEntered };
  };

  it("serves the federation listener over HTTPS with the configured certificate", async () => {
    await start();
    const res = await httpsGet((listeners as HttpListeners).federation?.port ?? 0, "/_matrix/federation/v1/fast", certPem);
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body)).to.deep.equal({ fast: true });
  });

  it("serves the same app on the plain HTTP client listener", async () => {
    await start();
    const res = await httpGet((listeners as HttpListeners).client.port, "/_matrix/federation/v1/fast");
    expect(res.status).to.equal(200);
  });

  it("refuses plain HTTP on the federation listener", async () => {
    await start();
    const federationPort = (listeners as HttpListeners).federation?.port ?? 0;
    const plain = await httpGet(federationPort, "/_matrix/federation/v1/fast").then(
      (res) => res.status,
      () => "refused",
    );
    expect(plain).to.not.equal(200);
  });

  it("fails to start when the certificate file is missing", async () => {
    const app = createHttpApp({ maxRequestSize: 1024, logger: createLogger({ level: "silent", format: "json" }), routes: [] });
    let error: unknown = null;
    try {
      await listen(app, {
        client: { bind: "127.0.0.1", port: 0 },
        federation: { bind: "127.0.0.1", port: 0, tlsCert: join(dir, "missing.crt"), tlsKey: join(dir, "tls.key") },
      });
    } catch (err) {
      error = err;
    }
    expect((error as NodeJS.ErrnoException | null)?.code).to.equal("ENOENT");
  });

  it("close() lets an in-flight request finish, then closes its keep-alive connection promptly", async () => {
    const { slowEntered } = await start();
    const running = listeners as HttpListeners;
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = httpGet(running.client.port, "/_matrix/client/v3/slow", agent);
    await slowEntered;
    let closed = false;
    const closing = running.close(20_000).then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed, "close waits for the in-flight request").to.equal(false);
    // New connections are refused while closing.
    const refused = await httpGet(running.client.port, "/_matrix/client/v3/slow").then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
    slowRelease();
    const released = Date.now();
    const res = await inFlight;
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body)).to.deep.equal({ slow: true });
    await closing;
    // The socket went idle after the response; it is closed well before keepAliveTimeout (5 s).
    expect(Date.now() - released).to.be.below(1_000);
    agent.destroy();
    listeners = null;
  });

  it("close() does not wait for idle keep-alive connections", async () => {
    await start();
    const running = listeners as HttpListeners;
    const agent = new http.Agent({ keepAlive: true });
    try {
      await httpGet(running.client.port, "/_matrix/federation/v1/fast", agent);
      const started = Date.now();
      await running.close(10_000);
      expect(Date.now() - started).to.be.below(2_000);
    } finally {
      agent.destroy();
      listeners = null;
    }
  });

  it("close() drops requests still running after the grace period", async () => {
    await start();
    const running = listeners as HttpListeners;
    const hanging = httpGet(running.client.port, "/_matrix/client/v3/hang").then(
      () => "answered",
      () => "dropped",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await running.close(200);
    expect(Date.now() - started).to.be.below(2_000);
    expect(await hanging).to.equal("dropped");
    listeners = null;
  });

  describe("upgrades", function () {
    /** An upgrade handler serving an echo WebSocket on /echo. */
    function echoHandler(): UpgradeHandler & { sockets: Set<WebSocket>; closedAll: number } {
      const wss = new WebSocketServer({ noServer: true });
      const sockets = new Set<WebSocket>();
      const handler = {
        sockets,
        closedAll: 0,
        handleUpgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
          if (req.url !== "/echo") return false;
          wss.handleUpgrade(req, socket, head, (ws) => {
            sockets.add(ws);
            ws.on("message", (data) => ws.send(data.toString()));
          });
          return true;
        },
        closeAll: () => {
          handler.closedAll++;
        },
      };
      return handler;
    }

    async function startWith(upgrade: UpgradeHandler): Promise<HttpListeners> {
      const app = createHttpApp({ maxRequestSize: 1024, logger: createLogger({ level: "silent", format: "json" }), routes: [route(getFast, () => ({ fast: true }))] });
      listeners = await listen(app, { client: { bind: "127.0.0.1", port: 0 }, upgrade });
      return listeners;
    }

    function connect(port: number, path: string): Promise<WebSocket> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
        ws.once("open", () => resolve(ws));
        ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once("error", reject);
      });
    }

    it("hands upgrades of the client listener to the handler", async () => {
      const running = await startWith(echoHandler());
      const ws = await connect(running.client.port, "/echo");
      const echoed = new Promise<string>((resolve) => ws.once("message", (data) => resolve(data.toString())));
      ws.send("hello");
      expect(await echoed).to.equal("hello");
      ws.terminate();
    });

    it("answers upgrades the handler does not take with 404", async () => {
      const running = await startWith(echoHandler());
      const error = await connect(running.client.port, "/elsewhere").then(() => null, (err: Error) => err.message);
      expect(error).to.equal("HTTP 404");
    });

    it("close() asks the handler to close its connections, and destroys what is left after the grace period", async () => {
      const handler = echoHandler();
      const running = await startWith(handler);
      const ws = await connect(running.client.port, "/echo");
      const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      const started = Date.now();
      await running.close(200);
      expect(handler.closedAll).to.equal(1);
      await closed;
      expect(Date.now() - started).to.be.below(2_000);
      listeners = null;
    });
  });
});
