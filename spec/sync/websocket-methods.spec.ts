import { expect } from "chai";
import type { Requester } from "../../src/matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { parseStreamRequest, runStreamMethod, type StreamMethodServices } from "../../src/sync/websocket-methods.js";

const requester: Requester = { userId: "@a:x", deviceId: "DEV", isGuest: false, appserviceId: null };

function errorOf(fn: () => unknown): MatrixError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError");
}

async function rejection(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError");
}

describe("websocket-methods", function () {
  it("parses {id, method, params}; refuses non-JSON, non-objects and missing fields", function () {
    expect(parseStreamRequest('{"id":"1","method":"ping"}')).to.deep.equal({ id: "1", method: "ping", params: {} });
    expect(errorOf(() => parseStreamRequest("nope")).errcode).to.equal(ErrCode.NotJson);
    expect(errorOf(() => parseStreamRequest("[1]")).errcode).to.equal(ErrCode.NotJson);
    expect(errorOf(() => parseStreamRequest('{"method":"ping"}')).errcode).to.equal(ErrCode.BadJson);
    expect(errorOf(() => parseStreamRequest('{"id":"1"}')).errcode).to.equal(ErrCode.BadJson);
    expect(errorOf(() => parseStreamRequest('{"id":"1","method":"x","params":[]}')).errcode).to.equal(ErrCode.BadJson);
  });

  it("runs send with the request id as the device's transaction ID", async function () {
    const calls: unknown[] = [];
    const services: StreamMethodServices = {
      sendMessage: async (...args) => {
        calls.push(args);
        return "$e";
      },
    };
    const result = await runStreamMethod(services, requester, { id: "txn9", method: "send", params: { room_id: "!r:x", event_type: "m.room.message", content: { body: "b" } } });
    expect(result).to.deep.equal({ event_id: "$e" });
    expect(calls).to.deep.equal([["@a:x", "!r:x", "m.room.message", { body: "b" }, { deviceId: "DEV", txnId: "txn9" }]]);
  });

  it("runs state (state_key defaults to empty), typing (timeout defaults to 30 s) and read_markers", async function () {
    const calls: unknown[] = [];
    const services: StreamMethodServices = {
      sendStateEvent: async (...args) => (calls.push(["state", ...args]), "$s"),
      setTyping: async (...args) => void calls.push(["typing", ...args]),
      setReadMarkers: async (...args) => void calls.push(["markers", ...args]),
    };
    await runStreamMethod(services, requester, { id: "1", method: "state", params: { room_id: "!r:x", event_type: "m.room.topic", content: { topic: "t" } } });
    await runStreamMethod(services, requester, { id: "2", method: "typing", params: { room_id: "!r:x", typing: true } });
    await runStreamMethod(services, requester, { id: "3", method: "read_markers", params: { room_id: "!r:x", "m.read": "$e" } });
    expect(calls).to.deep.equal([
      ["state", "@a:x", "!r:x", "m.room.topic", "", { topic: "t" }],
      ["typing", "@a:x", "!r:x", true, 30_000],
      ["markers", "@a:x", "!r:x", { fullyRead: undefined, read: "$e", readPrivate: undefined }],
    ]);
  });

  it("refuses bad params, unknown methods and methods without a service", async function () {
    const services: StreamMethodServices = { setTyping: async () => undefined };
    expect((await rejection(runStreamMethod(services, requester, { id: "1", method: "typing", params: { room_id: "!r:x" } }))).errcode).to.equal(ErrCode.BadJson);
    expect((await rejection(runStreamMethod(services, requester, { id: "1", method: "typing", params: { room_id: "r", typing: true } }))).errcode).to.equal(ErrCode.InvalidParam);
    expect((await rejection(runStreamMethod(services, requester, { id: "1", method: "fly", params: {} }))).errcode).to.equal(ErrCode.Unrecognized);
    expect((await rejection(runStreamMethod(services, requester, { id: "1", method: "send", params: {} }))).errcode).to.equal(ErrCode.Unrecognized);
  });
});
