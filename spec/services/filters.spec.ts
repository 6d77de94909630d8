import { expect } from "chai";
import { FilterService } from "../../src/services/filters.js";
import { FiltersStore } from "../../src/storage/stores/filters-store.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";

withAllDatabases("FilterService", (getDb) => {
  const filter = { room: { timeline: { limit: 5, types: ["m.room.message"] } }, presence: { not_types: ["*"] } };

  it("stores a filter and gives it back, the same ID for the same filter", async () => {
    const service = new FilterService({ db: getDb(), store: new FiltersStore(getDb()) });
    const id = await service.createFilter("@a:x", filter);
    expect(id).to.match(/^[1-9][0-9]*$/);
    expect(await service.getFilter("@a:x", id)).to.deep.equal(filter);
    // Key order does not matter: the canonical form is what is compared.
    expect(await service.createFilter("@a:x", { presence: { not_types: ["*"] }, room: { timeline: { types: ["m.room.message"], limit: 5 } } })).to.equal(id);
    expect(await service.createFilter("@a:x", {})).to.not.equal(id);
  });

  it("answers null for unknown, foreign and malformed filter IDs", async () => {
    const service = new FilterService({ db: getDb(), store: new FiltersStore(getDb()) });
    const id = await service.createFilter("@a:x", filter);
    expect(await service.getFilter("@b:x", id)).to.equal(null);
    expect(await service.getFilter("@a:x", "999999")).to.equal(null);
    expect(await service.getFilter("@a:x", "{}")).to.equal(null);
    expect(await service.getFilter("@a:x", "01")).to.equal(null);
  });

  it("refuses an invalid filter with M_BAD_JSON naming the field", async () => {
    const service = new FilterService({ db: getDb(), store: new FiltersStore(getDb()) });
    let error: { errcode?: string; message?: string } | null = null;
    await service.createFilter("@a:x", { room: { timeline: { limit: "ten" } } }).catch((err: { errcode?: string }) => (error = err));
    expect(error).to.include({ errcode: "M_BAD_JSON" });
    expect(error!.message).to.match(/room\.timeline\.limit/);
  });

  it("hands out compiled filters for /sync from a cache", async () => {
    const service = new FilterService({ db: getDb(), store: new FiltersStore(getDb()) });
    const id = await service.createFilter("@a:x", filter);
    const compiled = await service.getSyncFilter("@a:x", id);
    expect(compiled?.timelineLimit).to.equal(5);
    expect(await service.getSyncFilter("@a:x", id)).to.equal(compiled);
    expect(await service.getSyncFilter("@b:x", id)).to.equal(null);
  });
});
