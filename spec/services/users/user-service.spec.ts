import { expect } from "chai";
import { SessionService } from "../../../src/services/auth/session-service.js";
import { PasswordHasher } from "../../../src/services/users/password-hasher.js";
import { UserService, type UserServiceDeps } from "../../../src/services/users/user-service.js";
import { AccessTokensStore } from "../../../src/storage/stores/access-tokens-store.js";
import { DevicesStore } from "../../../src/storage/stores/devices-store.js";
import { UsersStore } from "../../../src/storage/stores/users-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { MatrixError } from "../../../src/matrix/errors.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

async function errcodeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    return err instanceof MatrixError ? err.errcode : String(err);
  }
}

const ALICE = "@alice:example.org";
const cheap = new PasswordHasher({ logN: 4, r: 8, p: 1 });

withAllDatabases("UserService", (getDb) => {
  let tokens: AccessTokensStore;
  let devices: DevicesStore;
  let sessions: SessionService;
  let left: string[];
  let service: UserService;

  function build(extra: Partial<UserServiceDeps> = {}): UserService {
    const db = getDb();
    return new UserService({ db, serverName: "example.org", users: new UsersStore(db), sessions, hasher: cheap, leaveAllRooms: async (u) => void left.push(u), ...extra });
  }

  beforeEach(() => {
    const db = getDb();
    tokens = new AccessTokensStore(db);
    devices = new DevicesStore(db);
    sessions = new SessionService({ db, devices, accessTokens: tokens, accessTokenLifetimeMs: 60_000 });
    left = [];
    service = build();
  });

  it("creates an account whose password checks", async () => {
    expect(await service.createUser({ localpart: "alice", password: "pw", displayname: "Alice" })).to.equal(ALICE);
    expect((await service.checkPassword(ALICE, "pw"))?.userId).to.equal(ALICE);
    expect(await service.checkPassword(ALICE, "wrong")).to.equal(null);
    expect(await service.checkPassword("@nobody:example.org", "pw")).to.equal(null);
    expect((await service.getUser("alice"))?.displayname).to.equal("Alice");
  });

  it("refuses taken and invalid user names with the spec's errcodes", async () => {
    await service.createUser({ localpart: "alice", password: null });
    expect(await errcodeOf(service.createUser({ localpart: "alice", password: "x" }))).to.equal("M_USER_IN_USE");
    expect(await errcodeOf(service.createUser({ localpart: "Alice!", password: "x" }))).to.equal("M_INVALID_USERNAME");
  });

  it("a password-less account cannot log in with a password", async () => {
    await service.createUser({ localpart: "bot", password: null });
    expect(await service.checkPassword("@bot:example.org", "")).to.equal(null);
  });

  it("runs a step in the account's transaction, and creates nothing when the step fails", async () => {
    const { userId, result } = await service.createUserWith({ localpart: "alice", password: "pw" }, async (tx, id) => {
      await devices.insertDevice(tx, { userId: id, deviceId: "D1" });
      return 42;
    });
    expect([userId, result]).to.deep.equal([ALICE, 42]);
    expect(await devices.selectDevice(ALICE, "D1")).to.not.equal(null);
    const failing = service.createUserWith({ localpart: "bob", password: "pw" }, async () => {
      throw new Error("step failed");
    });
    expect(await errcodeOf(failing)).to.equal("Error: step failed");
    expect(await service.getUser("bob")).to.equal(null);
  });

  it("upgrades a guest to a full account with a password, and only a guest", async () => {
    await service.createUser({ localpart: "guest1", password: null, guest: true });
    const result = await service.upgradeGuest("@guest1:example.org", "pw", async () => "done");
    expect(result).to.equal("done");
    const user = await service.getUser("guest1");
    expect(user?.isGuest).to.equal(false);
    expect(await service.checkPassword("@guest1:example.org", "pw")).to.not.equal(null);
    expect(await errcodeOf(service.upgradeGuest("@guest1:example.org", "pw", async () => undefined))).to.equal("M_FORBIDDEN");
  });

  async function aliceWithSessions(): Promise<{ kept: string; other: string; deviceless: string }> {
    await service.createUser({ localpart: "alice", password: "pw" });
    const kept = await sessions.createSession({ userId: ALICE, deviceId: "KEEP", initialDeviceDisplayName: null, refreshable: false });
    const other = await sessions.createSession({ userId: ALICE, deviceId: "OTHER", initialDeviceDisplayName: null, refreshable: true });
    await runInTransaction(getDb(), (tx) => tokens.insertAccessToken(tx, { token: "as", userId: ALICE, deviceId: null, validUntilMs: null }));
    return { kept: kept.accessToken, other: other.accessToken, deviceless: "as" };
  }

  it("a password change ends every other session, devices included, keeping the request's own", async () => {
    const t = await aliceWithSessions();
    await service.setPassword(ALICE, "new", { keep: { deviceId: "KEEP", accessToken: t.kept } });
    expect(await tokens.selectAccessToken(t.kept)).to.not.equal(null);
    expect(await tokens.selectAccessToken(t.other)).to.equal(null);
    expect(await tokens.selectAccessToken(t.deviceless)).to.equal(null);
    expect((await devices.selectDevicesByUser(ALICE)).map((d) => d.deviceId)).to.deep.equal(["KEEP"]);
    expect(await service.checkPassword(ALICE, "new")).to.not.equal(null);
    expect(await service.checkPassword(ALICE, "pw")).to.equal(null);
  });

  it("a password change with logoutDevices false ends no session; without `keep`, all end", async () => {
    const t = await aliceWithSessions();
    await service.setPassword(ALICE, "new", { logoutDevices: false });
    expect(await tokens.selectAccessToken(t.other)).to.not.equal(null);
    await service.setPassword(ALICE, "newer");
    expect(await tokens.selectAccessToken(t.kept)).to.equal(null);
    expect(await devices.selectDevicesByUser(ALICE)).to.deep.equal([]);
  });

  it("deactivation ends every session, leaves the rooms, keeps the password verifiable, and erases the profile on request", async () => {
    const t = await aliceWithSessions();
    await runInTransaction(getDb(), (tx) => new UsersStore(getDb()).updateAvatarUrl(tx, ALICE, "mxc://x/y"));
    await service.deactivateUser(ALICE, { erase: true });
    for (const token of Object.values(t)) expect(await tokens.selectAccessToken(token)).to.equal(null);
    expect(await devices.selectDevicesByUser(ALICE)).to.deep.equal([]);
    expect(left).to.deep.equal([ALICE]);
    const user = await service.getUser("alice");
    expect(user).to.include({ deactivated: true, displayname: null, avatarUrl: null });
    expect((await service.checkPassword(ALICE, "pw"))?.deactivated).to.equal(true);
    expect(await errcodeOf(service.deactivateUser("@ghost:example.org"))).to.equal("M_NOT_FOUND");
  });

  it("deactivation without erase keeps the profile; a failure to leave rooms is logged, not thrown", async () => {
    const warnings: unknown[] = [];
    service = build({
      leaveAllRooms: async () => {
        throw new Error("room engine down");
      },
      logger: { warn: (obj: unknown) => void warnings.push(obj) } as never,
    });
    await service.createUser({ localpart: "alice", password: "pw", displayname: "Alice" });
    await service.deactivateUser(ALICE);
    expect((await service.getUser(ALICE))?.displayname).to.equal("Alice");
    expect(warnings).to.have.length(1);
  });

  it("re-hashes a password made with another cost at the next successful check", async () => {
    const old = build({ hasher: new PasswordHasher({ logN: 5, r: 8, p: 1 }) });
    await old.createUser({ localpart: "alice", password: "pw" });
    await service.checkPassword(ALICE, "wrong");
    expect((await service.getUser(ALICE))?.passwordHash).to.match(/^\$scrypt\$ln=5,/);
    await service.checkPassword(ALICE, "pw");
    expect((await service.getUser(ALICE))?.passwordHash).to.match(/^\$scrypt\$ln=4,/);
    expect(await service.checkPassword(ALICE, "pw")).to.not.equal(null);
  });

  it("lists every user across pages", async () => {
    for (let i = 0; i < 3; i++) await service.createUser({ localpart: `u${i}`, password: null });
    expect((await service.listUsers()).map((u) => u.userId)).to.deep.equal(["@u0:example.org", "@u1:example.org", "@u2:example.org"]);
  });
});
