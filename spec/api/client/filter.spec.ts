import { expect } from "chai";
import { V3, describeUserData, enc, type TestUser } from "./user-data-fixture.js";

describeUserData(
  "client API: filters",
  (s) => {
    const filters = (user: TestUser) => `${V3}/user/${enc(user.userId)}/filter`;
    const filter = { room: { state: { lazy_load_members: true }, timeline: { limit: 20 } }, event_fields: ["type", "content"] };

    it("uploads a filter and downloads it by ID", async () => {
      const created = await s.alice.request("POST", filters(s.alice), filter);
      expect(created.status).to.equal(200);
      const id = created.body.filter_id as string;
      expect(id).to.be.a("string");
      expect(await s.alice.request("GET", `${filters(s.alice)}/${id}`)).to.deep.equal({ status: 200, body: filter });
      expect((await s.alice.request("GET", `/_matrix/client/r0/user/${enc(s.alice.userId)}/filter/${id}`)).body).to.deep.equal(filter);
    });

    it("answers 404 M_NOT_FOUND for an unknown filter, and for another user's", async () => {
      const id = (await s.alice.request("POST", filters(s.alice), {})).body.filter_id as string;
      const unknown = await s.alice.request("GET", `${filters(s.alice)}/98765`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body.errcode).to.equal("M_NOT_FOUND");
      expect((await s.bob.request("GET", `${filters(s.bob)}/${id}`)).body.errcode).to.equal("M_NOT_FOUND");
    });

    it("refuses filters of other users with 403 M_FORBIDDEN", async () => {
      expect((await s.bob.request("POST", filters(s.alice), {})).body.errcode).to.equal("M_FORBIDDEN");
      expect((await s.bob.request("GET", `${filters(s.alice)}/1`)).body.errcode).to.equal("M_FORBIDDEN");
    });

    it("refuses an invalid filter with 400 M_BAD_JSON", async () => {
      const res = await s.alice.request("POST", filters(s.alice), { room: { timeline: { limit: -1, types: "m.room.message" } } });
      expect(res.status).to.equal(400);
      expect(res.body.errcode).to.equal("M_BAD_JSON");
    });
  }
);
