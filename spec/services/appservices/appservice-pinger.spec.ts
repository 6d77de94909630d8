import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import { AppservicePinger } from "../../../src/services/appservices/appservice-pinger.js";

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

describe("AppservicePinger", () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let answer: (res: ServerResponse) => void;

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
    answer = (res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });

  const appservice = (url: string | null) => ({ id: "irc", url, hsToken: "the-hs-token" });
  async function failure(promise: Promise<unknown>): Promise<MatrixError> {
    const err = await promise.catch((e: unknown) => e);
    if (!(err instanceof MatrixError)) throw new Error(`expected a MatrixError, got ${String(err)}`);
    return err;
  }

  it("POSTs /_matrix/app/v1/ping with the hs_token and the transaction ID, and times the round trip", async () => {
    let clock = 100;
    const pinger = new AppservicePinger({ now: () => (clock += 21.4) });
    expect(await pinger.ping(appservice(`${base}/bridge/`), "txn-1")).to.equal(21);
    expect(seen).to.deep.equal([
      { method: "POST", url: "/bridge/_matrix/app/v1/ping", authorization: "Bearer the-hs-token", body: '{"transaction_id":"txn-1"}' },
    ]);
  });

  it("sends an empty object without a transaction ID", async () => {
    await new AppservicePinger().ping(appservice(base), null);
    expect(seen[0]?.body).to.equal("{}");
  });

  it("is 400 M_URL_NOT_SET for an appservice without a URL", async () => {
    const err = await failure(new AppservicePinger().ping(appservice(null), null));
    expect([err.status, err.errcode]).to.deep.equal([400, "M_URL_NOT_SET"]);
  });

  it("is 502 M_BAD_STATUS with the status and body when the appservice refuses", async () => {
    answer = (res) => res.writeHead(403, { "content-type": "application/json" }).end('{"errcode":"M_FORBIDDEN"}');
    const err = await failure(new AppservicePinger().ping(appservice(base), null));
    expect([err.status, err.errcode, err.extra]).to.deep.equal([502, "M_BAD_STATUS", { status: 403, body: '{"errcode":"M_FORBIDDEN"}' }]);
  });

  it("is 502 M_CONNECTION_FAILED when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await failure(new AppservicePinger().ping(appservice(`http://127.0.0.1:${port}`), null));
    expect([err.status, err.errcode]).to.deep.equal([502, "M_CONNECTION_FAILED"]);
  });

  it("is 504 M_CONNECTION_TIMEOUT when the appservice does not answer in time", async () => {
    answer = () => undefined;
    const err = await failure(new AppservicePinger({ timeoutMs: 50 }).ping(appservice(base), null));
    expect([err.status, err.errcode]).to.deep.equal([504, "M_CONNECTION_TIMEOUT"]);
  });
});
