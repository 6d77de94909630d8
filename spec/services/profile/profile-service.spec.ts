import { expect } from "chai";
import { ProfileService, type ProfileChange } from "../../../src/services/profile/profile-service.js";
import { ProfileFieldsStore } from "../../../src/storage/stores/profile-fields-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";
import { rejectionOf } from "../rejection-of.js";

withAllDatabases("ProfileService", (getDb) => {
  let changes: Array<[string, ProfileChange]>;
  let profiles: ProfileService;

  beforeEach(async () => {
    const users = new UsersStore(getDb());
    await runInTransaction(getDb(), async (tx) => {
      await users.insertUser(tx, { userId: "@a:x", localpart: "a", createdTs: 1, displayname: "A" });
      await users.insertUser(tx, { userId: "@gone:x", localpart: "gone", createdTs: 1 });
      await users.updateDeactivated(tx, "@gone:x", true);
    });
    changes = [];
    profiles = new ProfileService({
      db: getDb(),
      serverName: "x",
      users,
      fields: new ProfileFieldsStore(getDb()),
      onProfileChanged: (userId, profile) => void changes.push([userId, profile]),
    });
  });

  it("keeps display profiles in memory, read again after a change of name or avatar", async () => {
    let reads = 0;
    const users = new UsersStore(getDb());
    const counting = Object.create(users) as UsersStore;
    counting.selectUserById = async (userId, em) => (reads++, users.selectUserById(userId, em));
    const cached = new ProfileService({ db: getDb(), serverName: "x", users: counting, fields: new ProfileFieldsStore(getDb()) });
    const display = async () => (await cached.getDisplayProfiles(["@a:x"])).get("@a:x");
    expect(await display()).to.deep.equal({ displayname: "A", avatarUrl: null });
    expect(await display()).to.deep.equal({ displayname: "A", avatarUrl: null });
    expect(reads).to.equal(1);
    await cached.setProfileField("@a:x", "displayname", "Alpha");
    expect(await display()).to.deep.equal({ displayname: "Alpha", avatarUrl: null });
    await cached.deleteProfileField("@a:x", "displayname");
    expect(await display()).to.deep.equal({ displayname: null, avatarUrl: null });
    await runInTransaction(getDb(), (tx) => users.updateAvatarUrl(tx, "@a:x", "mxc://x/elsewhere"));
    cached.cache.forgetUserFromElsewhere("@a:x");
    expect(await display()).to.deep.equal({ displayname: null, avatarUrl: "mxc://x/elsewhere" });
  });

  it("reads, sets and deletes display name, avatar and extended fields", async () => {
    expect(await profiles.getProfile("@a:x")).to.deep.equal({ displayname: "A" });
    await profiles.setProfileField("@a:x", "avatar_url", "mxc://x/pic");
    await profiles.setProfileField("@a:x", "m.tz", "Europe/London");
    await profiles.setProfileField("@a:x", "org.example.likes", ["tea"]);
    expect(await profiles.getProfile("@a:x")).to.deep.equal({
      displayname: "A", avatar_url: "mxc://x/pic", "m.tz": "Europe/London", "org.example.likes": ["tea"],
    });
    expect(await profiles.getProfileField("@a:x", "m.tz")).to.deep.equal({ "m.tz": "Europe/London" });
    await profiles.deleteProfileField("@a:x", "m.tz");
    await profiles.deleteProfileField("@a:x", "displayname");
    await profiles.setProfileField("@a:x", "avatar_url", null);
    expect(await profiles.getProfile("@a:x")).to.deep.equal({ "org.example.likes": ["tea"] });
    expect(await rejectionOf(profiles.getProfileField("@a:x", "displayname"))).to.include({ status: 404, errcode: "M_NOT_FOUND" });
  });

  it("reports display name and avatar changes, not other fields or no-op writes", async () => {
    await profiles.setProfileField("@a:x", "displayname", "A");
    await profiles.setProfileField("@a:x", "org.example.x", 1);
    expect(changes).to.deep.equal([]);
    await profiles.setProfileField("@a:x", "displayname", "Alice");
    await profiles.setProfileField("@a:x", "avatar_url", "mxc://x/p");
    await profiles.deleteProfileField("@a:x", "displayname");
    await profiles.deleteProfileField("@a:x", "displayname");
    expect(changes).to.deep.equal([
      ["@a:x", { displayname: "Alice", avatar_url: null }],
      ["@a:x", { displayname: "Alice", avatar_url: "mxc://x/p" }],
      ["@a:x", { displayname: null, avatar_url: "mxc://x/p" }],
    ]);
  });

  it("has no profile for unknown, deactivated or remote users", async () => {
    for (const userId of ["@nobody:x", "@gone:x", "@a:elsewhere"]) {
      expect(await rejectionOf(profiles.getProfile(userId))).to.include({ status: 404, errcode: "M_NOT_FOUND" });
    }
  });

  it("refuses a change that would make the profile 64 KiB or more", async () => {
    await profiles.setProfileField("@a:x", "org.example.a", "x".repeat(40_000));
    expect(await rejectionOf(profiles.setProfileField("@a:x", "org.example.b", "x".repeat(30_000)))).to.include({ status: 400, errcode: "M_PROFILE_TOO_LARGE" });
    // Replacing the big field with a smaller one is fine.
    await profiles.setProfileField("@a:x", "org.example.a", "small");
    await profiles.setProfileField("@a:x", "org.example.b", "x".repeat(30_000));
  });

  it("gives display profiles of local users for presence", async () => {
    await profiles.setProfileField("@a:x", "avatar_url", "mxc://x/p");
    const map = await profiles.getDisplayProfiles(["@a:x", "@nobody:x", "@b:remote"]);
    expect([...map]).to.deep.equal([["@a:x", { displayname: "A", avatarUrl: "mxc://x/p" }]]);
  });
});
