import { expect } from "chai";
import { ErrCode, MatrixError } from "../../src/matrix/errors.js";
import { SyncFilter } from "../../src/sync/filters.js";
import { StreamToken } from "../../src/sync/stream-token.js";
import { parseSyncRequest } from "../../src/sync/sync-request.js";

async function errorOf(promise: Promise<unknown>): Promise<MatrixError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MatrixError) return err;
    throw err;
  }
  throw new Error("expected a MatrixError");
}

const stored = SyncFilter.fromJson({ room: { timeline: { limit: 3 } } });
const parser = { filters: { getSyncFilter: async (userId: string, id: string) => (userId === "@a:x" && id === "7" ? stored : null) } };

describe("sync-request", function () {
  it("defaults: no since, the default filter, online, no full state", async function () {
    const request = await parseSyncRequest("@a:x", "D", {}, parser);
    expect(request).to.include({ userId: "@a:x", deviceId: "D", since: null, fullState: false, useStateAfter: false, setPresence: "online" });
    expect(request.filter).to.equal(SyncFilter.DEFAULT);
  });

  it("parses since tokens and refuses others with 400 M_INVALID_PARAM", async function () {
    const token = StreamToken.from({ pdu: 5, typing: 2 });
    expect((await parseSyncRequest("@a:x", null, { since: token.toString() }, parser)).since?.equals(token)).to.equal(true);
    const error = await errorOf(parseSyncRequest("@a:x", null, { since: "s1_x" }, parser));
    expect([error.status, error.errcode]).to.deep.equal([400, ErrCode.InvalidParam]);
  });

  it("resolves filter IDs of the user, and refuses unknown ones with 400 M_INVALID_PARAM", async function () {
    expect((await parseSyncRequest("@a:x", null, { filter: "7" }, parser)).filter).to.equal(stored);
    expect((await errorOf(parseSyncRequest("@b:x", null, { filter: "7" }, parser))).errcode).to.equal(ErrCode.InvalidParam);
    expect((await errorOf(parseSyncRequest("@a:x", null, { filter: "7" }, { filters: null }))).errcode).to.equal(ErrCode.InvalidParam);
  });

  it("compiles inline JSON filters once; bad JSON is M_NOT_JSON, an invalid filter M_BAD_JSON", async function () {
    const text = JSON.stringify({ room: { timeline: { limit: 4 } } });
    const first = await parseSyncRequest("@a:x", null, { filter: text }, parser);
    expect(first.filter.timelineLimit).to.equal(4);
    expect((await parseSyncRequest("@a:x", null, { filter: text }, parser)).filter).to.equal(first.filter);
    expect((await errorOf(parseSyncRequest("@a:x", null, { filter: "{oops" }, parser))).errcode).to.equal(ErrCode.NotJson);
    expect((await errorOf(parseSyncRequest("@a:x", null, { filter: '{"room":{"timeline":{"limit":0}}}' }, parser))).errcode).to.equal(ErrCode.BadJson);
  });

  it("applies the server's filter options (default and maximum timeline limits)", async function () {
    const limited = await parseSyncRequest("@a:x", null, { filter: '{"room":{"timeline":{"limit":500}}}' }, { filters: null, filterOptions: { maxTimelineLimit: 50 } });
    expect(limited.filter.timelineLimit).to.equal(50);
    const defaulted = await parseSyncRequest("@a:x", null, {}, { filters: null, filterOptions: { defaultTimelineLimit: 7 } });
    expect(defaulted.filter.timelineLimit).to.equal(7);
  });

  it("passes full_state, use_state_after and set_presence through", async function () {
    const request = await parseSyncRequest("@a:x", null, { full_state: true, use_state_after: true, set_presence: "offline" }, parser);
    expect(request).to.include({ fullState: true, useStateAfter: true, setPresence: "offline" });
  });
});
