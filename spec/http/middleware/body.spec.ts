import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { parseJsonObject, readRawBody, RequestAbortedError } from "../../../src/http/middleware/body.js";
import { MatrixError } from "../../../src/matrix/errors.js";

/** A stand-in for an IncomingMessage: a stream with headers. */
function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("http/middleware/body", () => {
  describe("readRawBody", () => {
    it("returns the bytes of a body sent in several chunks", async () => {
      const req = fakeRequest();
      const reading = readRawBody(req as unknown as IncomingMessage, 100);
      req.write("hello ");
      req.end("world");
      expect((await reading).toString()).to.equal("hello world");
    });

    it("refuses by Content-Length without reading anything", async () => {
      const req = fakeRequest({ "content-length": "101" });
      const err = await rejection(readRawBody(req as unknown as IncomingMessage, 100));
      expect(err).to.be.instanceOf(MatrixError);
      expect((err as MatrixError).status).to.equal(413);
      expect((err as MatrixError).errcode).to.equal("M_TOO_LARGE");
      expect(req.listenerCount("data")).to.equal(0);
    });

    it("refuses once the streamed bytes pass the limit, without waiting for the end", async () => {
      const req = fakeRequest();
      const reading = readRawBody(req as unknown as IncomingMessage, 10);
      req.write("0123456789");
      req.write("x");
      const err = await rejection(reading);
      expect((err as MatrixError).errcode).to.equal("M_TOO_LARGE");
    });

    it("accepts a body of exactly the limit", async () => {
      const req = fakeRequest({ "content-length": "10" });
      const reading = readRawBody(req as unknown as IncomingMessage, 10);
      req.end("0123456789");
      expect((await reading).length).to.equal(10);
    });

    it("rejects with RequestAbortedError when the client goes away", async () => {
      const req = fakeRequest();
      const reading = readRawBody(req as unknown as IncomingMessage, 100);
      req.write("partial");
      req.destroy();
      expect(await rejection(reading)).to.be.instanceOf(RequestAbortedError);
    });
  });

  describe("parseJsonObject", () => {
    it("parses a JSON object", () => {
      expect(parseJsonObject(Buffer.from('{"a":[1,{"b":null}]}'))).to.deep.equal({ a: [1, { b: null }] });
    });

    it("reads an empty body as {}", () => {
      expect(parseJsonObject(Buffer.alloc(0))).to.deep.equal({});
    });

    it("answers unparsable bytes with 400 M_NOT_JSON", () => {
      expect(() => parseJsonObject(Buffer.from("{"))).to.throw(MatrixError).with.property("errcode", "M_NOT_JSON");
    });

    it("answers JSON that is not an object with 400 M_BAD_JSON", () => {
      for (const text of ["[]", "1", '"s"', "null"]) {
        expect(() => parseJsonObject(Buffer.from(text)), text).to.throw(MatrixError).with.property("errcode", "M_BAD_JSON");
      }
    });
  });
});
