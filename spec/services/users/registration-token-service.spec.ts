import { expect } from "chai";
import { RegistrationTokenService } from "../../../src/services/users/registration-token-service.js";
import { MatrixError } from "../../../src/matrix/errors.js";
import { RegistrationTokensStore } from "../../../src/storage/stores/registration-tokens-store.js";
import { runInTransaction } from "../../../src/storage/transaction.js";
import { withAllDatabases } from "../../helpers/with-all-databases.js";

withAllDatabases("RegistrationTokenService", (getDb) => {
  let now: number;
  let store: RegistrationTokensStore;
  let service: RegistrationTokenService;
  beforeEach(() => {
    now = 1000;
    store = new RegistrationTokensStore(getDb());
    service = new RegistrationTokenService({ db: getDb(), tokens: store, now: () => now });
  });

  const errorOf = async (promise: Promise<unknown>) => promise.then(() => null, (err: unknown) => (err instanceof MatrixError ? `${err.errcode}: ${err.message}` : String(err)));

  it("creates a token as given, or generates one of the requested length", async () => {
    expect(await service.createToken({ token: "abc.DEF_~-9", usesAllowed: 3, expiryTime: 5000 })).to.deep.equal({
      token: "abc.DEF_~-9", usesAllowed: 3, pending: 0, completed: 0, expiryTime: 5000,
    });
    expect((await service.createToken()).token).to.match(/^[A-Za-z0-9]{16}$/);
    expect((await service.createToken({ length: 64 })).token).to.have.length(64);
    expect((await service.listTokens()).length).to.equal(3);
  });

  it("refuses bad tokens, lengths, use counts, past expiry times and duplicates with M_INVALID_PARAM", async () => {
    await service.createToken({ token: "dup" });
    for (const options of [{ token: "has space" }, { token: "x".repeat(65) }, { length: 0 }, { length: 65 }, { usesAllowed: -1 }, { usesAllowed: 1.5 }, { expiryTime: 1000 }, { token: "dup" }]) {
      expect(await errorOf(service.createToken(options)), JSON.stringify(options)).to.match(/^M_INVALID_PARAM: /);
    }
  });

  it("tells valid tokens from unknown, expired and used-up ones", async () => {
    await service.createToken({ token: "open" });
    await service.createToken({ token: "soon", expiryTime: 2000 });
    await service.createToken({ token: "once", usesAllowed: 1 });
    expect(await service.isTokenValid("open")).to.equal(true);
    expect(await service.isTokenValid("nope")).to.equal(false);
    expect(await service.isTokenValid("once")).to.equal(true);
    await runInTransaction(getDb(), (tx) => store.updateRegistrationTokenAddPending(tx, "once", now));
    expect(await service.isTokenValid("once")).to.equal(false);
    expect(await service.isTokenValid("soon")).to.equal(true);
    now = 2000;
    expect(await service.isTokenValid("soon")).to.equal(false);
    expect((await service.listTokens(true)).map((t) => t.token)).to.deep.equal(["open"]);
    expect((await service.listTokens(false)).map((t) => t.token)).to.deep.equal(["once", "soon"]);
  });

  it("revokes a token once", async () => {
    await service.createToken({ token: "gone" });
    expect(await service.revokeToken("gone")).to.equal(true);
    expect(await service.revokeToken("gone")).to.equal(false);
    expect(await service.isTokenValid("gone")).to.equal(false);
  });
});
