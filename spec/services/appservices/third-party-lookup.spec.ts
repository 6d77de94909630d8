import { expect } from "chai";
import { MatrixError } from "../../../src/matrix/errors.js";
import { ThirdPartyLookup } from "../../../src/services/appservices/third-party-lookup.js";
import { FakeAppservice, okAnswer as ok } from "../../helpers/fake-appservice.js";

const V1 = "/_matrix/app/v1/thirdparty";

const IRC_BASE = {
  user_fields: ["network", "nickname"],
  location_fields: ["network", "channel"],
  icon: "mxc://example.org/irc",
  field_types: { network: { regexp: "[a-z.]+", placeholder: "irc.example.org" } },
};

describe("ThirdPartyLookup", () => {
  let irc: FakeAppservice;
  let irc2: FakeAppservice;
  let ircUrl: string;
  let irc2Url: string;

  before(async () => {
    irc = new FakeAppservice();
    irc2 = new FakeAppservice();
    ircUrl = await irc.start();
    irc2Url = await irc2.start();
  });
  after(async () => {
    await irc.stop();
    await irc2.stop();
  });
  beforeEach(() => {
    irc.reset();
    irc2.reset();
  });

  const appservice = (id: string, url: string | null, protocols: string[]) => ({ id, url, hsToken: `${id}-hs-token`, protocols });
  /** Two IRC bridges (the second also bridges gitter) and one with no URL. */
  const lookup = (timeoutMs?: number) =>
    new ThirdPartyLookup({
      appservices: [appservice("irc", ircUrl, ["irc"]), appservice("irc2", irc2Url, ["irc", "gitter"]), appservice("offline", null, ["irc"])],
      timeoutMs,
    });
  async function failure(promise: Promise<unknown>): Promise<MatrixError> {
    const err = await promise.catch((e: unknown) => e);
    if (!(err instanceof MatrixError)) throw new Error(`expected a MatrixError, got ${String(err)}`);
    return err;
  }

  describe("protocols", () => {
    it("takes the metadata from the first appservice and concatenates the instances with instance_id = {appservice}|{network_id}", async () => {
      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [{ desc: "Libera", network_id: "libera", fields: { network: "libera.chat" } }] }));
      irc2.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, icon: "mxc://example.org/other", instances: [{ desc: "OFTC", network_id: "oftc", fields: {} }, { desc: "no id", fields: {} }] }));
      expect(await lookup().getProtocol("irc")).to.deep.equal({
        ...IRC_BASE,
        instances: [
          { desc: "Libera", network_id: "libera", fields: { network: "libera.chat" }, instance_id: "irc|libera" },
          { desc: "OFTC", network_id: "oftc", fields: {}, instance_id: "irc2|oftc" },
          { desc: "no id", fields: {} },
        ],
      });
    });

    it("asks with the hs_token, GET, each appservice that registered the protocol", async () => {
      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [] }));
      await lookup().getProtocol("irc");
      expect(irc.seen).to.deep.equal([{ method: "GET", url: `${V1}/protocol/irc`, authorization: "Bearer irc-hs-token" }]);
      expect(irc2.seen.map((s) => [s.url, s.authorization])).to.deep.equal([[`${V1}/protocol/irc`, "Bearer irc2-hs-token"], ["/_matrix/app/unstable/thirdparty/protocol/irc", "Bearer irc2-hs-token"]]);
    });

    it("lists every protocol some appservice answered for, and {} without appservices", async () => {
      irc2.routes.set(`${V1}/protocol/gitter`, ok({ ...IRC_BASE, instances: [{ desc: "Gitter", network_id: "gitter", fields: {} }] }));
      expect(await lookup().getProtocols()).to.deep.equal({ gitter: { ...IRC_BASE, instances: [{ desc: "Gitter", network_id: "gitter", fields: {}, instance_id: "irc2|gitter" }] } });
      expect(await new ThirdPartyLookup({ appservices: [] }).getProtocols()).to.deep.equal({});
    });

    it("is 404 M_NOT_FOUND for a protocol no appservice registered, without asking any", async () => {
      const err = await failure(lookup().getProtocol("xmpp"));
      expect([err.status, err.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
      expect([...irc.seen, ...irc2.seen]).to.deep.equal([]);
    });

    it("leaves out an appservice that fails, answers malformed metadata or does not answer in time", async () => {
      irc.routes.set(`${V1}/protocol/irc`, "hang");
      irc2.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [{ desc: "OFTC", network_id: "oftc", fields: {} }] }));
      expect((await lookup(200).getProtocol("irc")).instances).to.deep.equal([{ desc: "OFTC", network_id: "oftc", fields: {}, instance_id: "irc2|oftc" }]);

      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: "none" }));
      irc2.routes.set(`${V1}/protocol/irc`, { status: 200, body: "not json" });
      const err = await failure(lookup().getProtocol("irc"));
      expect([err.status, err.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
    });

    it("falls back to the legacy /_matrix/app/unstable route when v1 is not a success", async () => {
      irc.routes.set(`${V1}/protocol/irc`, { status: 500, body: {} });
      irc.routes.set("/_matrix/app/unstable/thirdparty/protocol/irc", ok({ ...IRC_BASE, instances: [] }));
      expect(await lookup().getProtocol("irc")).to.deep.equal({ ...IRC_BASE, instances: [] });
    });
  });

  describe("protocol cache", () => {
    let now: number;
    /** The IRC bridge alone, with a clock the test moves. */
    const cached = (protocolCacheMs?: number) =>
      new ThirdPartyLookup({ appservices: [appservice("irc", ircUrl, ["irc"]), appservice("irc2", irc2Url, ["irc"])], protocolCacheMs, now: () => now });
    const asked = (service: FakeAppservice) => service.seen.filter((s) => s.url === `${V1}/protocol/irc`).length;
    const libera = { desc: "Libera", network_id: "libera", fields: {} };
    const oftc = { desc: "OFTC", network_id: "oftc", fields: {} };
    beforeEach(() => {
      now = 1_000_000;
      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [libera] }));
      irc2.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [oftc] }));
    });

    it("asks each appservice once within protocolCacheMs, for one protocol and for the list, and again once it expired", async () => {
      const tp = cached(60_000);
      const first = await tp.getProtocol("irc");
      now += 59_999;
      // The merged answer handed out is a copy: changing it leaves the cache alone.
      first.instances.length = 0;
      expect((await tp.getProtocols()).irc!.instances.map((i) => i.network_id)).to.deep.equal(["libera", "oftc"]);
      expect([asked(irc), asked(irc2)]).to.deep.equal([1, 1]);

      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [] }));
      now += 1;
      expect((await tp.getProtocol("irc")).instances.map((i) => i.network_id)).to.deep.equal(["oftc"]);
      expect([asked(irc), asked(irc2)]).to.deep.equal([2, 2]);
    });

    it("shares one request between concurrent askers", async () => {
      const tp = cached(60_000);
      await Promise.all([tp.getProtocol("irc"), tp.getProtocol("irc"), tp.getProtocols()]);
      expect([asked(irc), asked(irc2)]).to.deep.equal([1, 1]);
    });

    it("keeps no failure: an appservice that failed is asked again, while the other's answer stays cached", async () => {
      const tp = cached(60_000);
      irc.routes.set(`${V1}/protocol/irc`, { status: 500, body: {} });
      expect((await tp.getProtocol("irc")).instances.map((i) => i.network_id)).to.deep.equal(["oftc"]);
      irc.routes.set(`${V1}/protocol/irc`, ok({ ...IRC_BASE, instances: [libera] }));
      expect((await tp.getProtocol("irc")).instances.map((i) => i.network_id)).to.deep.equal(["libera", "oftc"]);
      expect([asked(irc), asked(irc2)]).to.deep.equal([2, 1]);
    });

    it("asks every time with protocolCacheMs 0", async () => {
      const tp = cached(0);
      await tp.getProtocol("irc");
      await tp.getProtocol("irc");
      expect([asked(irc), asked(irc2)]).to.deep.equal([2, 2]);
    });
  });

  describe("locations and users", () => {
    const libera = { alias: "#libera_#matrix:hs.test", protocol: "irc", fields: { network: "libera", channel: "#matrix" } };
    const oftc = { alias: "#oftc_#matrix:hs.test", protocol: "irc", fields: { network: "oftc", channel: "#matrix" } };

    it("forwards the fields as the query, repeated names kept, and concatenates the appservices' results", async () => {
      const path = `${V1}/location/irc?channel=%23matrix&network=a&network=b`;
      irc.routes.set(path, ok([libera]));
      irc2.routes.set(path, ok([oftc]));
      const fields = [["channel", "#matrix"], ["network", "a"], ["network", "b"]] as const;
      expect(await lookup().queryByProtocol("location", "irc", fields)).to.deep.equal([libera, oftc]);
      expect(irc.seen).to.deep.equal([{ method: "GET", url: path, authorization: "Bearer irc-hs-token" }]);
    });

    it("drops results without their required keys, and answers that are not lists", async () => {
      const bob = { userid: "@_irc_bob:hs.test", protocol: "irc", fields: { nickname: "bob" } };
      irc.routes.set(`${V1}/user/irc?nickname=bob`, ok([bob, { protocol: "irc", fields: {} }, { userid: "@x:hs.test", protocol: "irc", fields: "no" }]));
      irc2.routes.set(`${V1}/user/irc?nickname=bob`, ok({ userid: "@_irc_bob:hs.test" }));
      expect(await lookup().queryByProtocol("user", "irc", [["nickname", "bob"]])).to.deep.equal([bob]);
    });

    it("answers with the others' results when one appservice fails or does not answer in time", async () => {
      irc.routes.set(`${V1}/location/irc`, "hang");
      irc2.routes.set(`${V1}/location/irc`, ok([oftc]));
      expect(await lookup(200).queryByProtocol("location", "irc", [])).to.deep.equal([oftc]);
      irc.routes.set(`${V1}/location/irc`, { status: 500, body: {} });
      expect(await lookup().queryByProtocol("location", "irc", [])).to.deep.equal([oftc]);
    });

    it("is 404 M_NOT_FOUND for a protocol no appservice registered", async () => {
      const err = await failure(lookup().queryByProtocol("user", "xmpp", []));
      expect([err.status, err.errcode]).to.deep.equal([404, "M_NOT_FOUND"]);
    });

    it("asks every appservice with a protocol in the reverse lookups", async () => {
      irc.routes.set(`${V1}/location?alias=%23libera_%23matrix%3Ahs.test`, ok([libera]));
      irc2.routes.set(`${V1}/location?alias=%23libera_%23matrix%3Ahs.test`, ok([]));
      expect(await lookup().reverseLookup("location", [["alias", libera.alias]])).to.deep.equal([libera]);
      expect(irc2.seen.map((s) => s.url)[0]).to.equal(`${V1}/location?alias=%23libera_%23matrix%3Ahs.test`);
      expect(await new ThirdPartyLookup({ appservices: [appservice("bare", ircUrl, [])] }).reverseLookup("user", [["userid", "@a:hs.test"]])).to.deep.equal([]);
    });
  });
});
