import { expect } from "chai";
import { UserDirectoryService } from "../../../src/services/rooms/user-directory.js";
import type { UserDirectoryEntry, UserDirectoryQuery } from "../../../src/storage/stores/user-directory-store.js";

/** A store answering from a fixed list, recording the queries it gets. */
function storeOf(entries: UserDirectoryEntry[]) {
  const queries: UserDirectoryQuery[] = [];
  return {
    queries,
    searchUsers: async (query: UserDirectoryQuery) => {
      queries.push(query);
      return entries.filter((entry) => entry.userId.includes(query.term)).slice(0, query.limit);
    },
  };
}

const users: UserDirectoryEntry[] = [
  { userId: "@ann:hs.test", displayname: "Ann", avatarUrl: "mxc://hs.test/ann" },
  { userId: "@anna:hs.test", displayname: null, avatarUrl: null },
  { userId: "@annabel:hs.test", displayname: "Bel", avatarUrl: null },
];

describe("UserDirectoryService", () => {
  it("shapes results in the spec's format, leaving out missing profile fields", async () => {
    const service = new UserDirectoryService({ store: storeOf(users) });
    expect(await service.search("@me:hs.test", "ann")).to.deep.equal({
      results: [
        { user_id: "@ann:hs.test", display_name: "Ann", avatar_url: "mxc://hs.test/ann" },
        { user_id: "@anna:hs.test" },
        { user_id: "@annabel:hs.test", display_name: "Bel" },
      ],
      limited: false,
    });
  });

  it("says `limited` when more users match than the limit, asking the store for one more", async () => {
    const store = storeOf(users);
    const service = new UserDirectoryService({ store });
    const result = await service.search("@me:hs.test", "ann", 2);
    expect(result.results.map((r) => r.user_id)).to.deep.equal(["@ann:hs.test", "@anna:hs.test"]);
    expect(result.limited).to.equal(true);
    expect(store.queries.at(-1)).to.deep.equal({ searcher: "@me:hs.test", term: "ann", limit: 3 });
    expect((await service.search("@me:hs.test", "ann", 3)).limited).to.equal(false);
  });

  it("defaults to 10 results, caps the limit at 100, and answers a blank term with nothing", async () => {
    const store = storeOf(users);
    const service = new UserDirectoryService({ store });
    await service.search("@me:hs.test", " ann ");
    expect(store.queries.at(-1)).to.deep.equal({ searcher: "@me:hs.test", term: "ann", limit: 11 });
    await service.search("@me:hs.test", "ann", 5000);
    expect(store.queries.at(-1)?.limit).to.equal(101);
    expect(await service.search("@me:hs.test", "   ")).to.deep.equal({ results: [], limited: false });
    expect(store.queries.length).to.equal(2);
  });
});
