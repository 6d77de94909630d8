import { expect } from "chai";
import { ForeignKeyViolationError, UniqueViolationError, translateDriverError } from "../../src/storage/storage-errors.js";
import { DevicesStore } from "../../src/storage/stores/devices-store.js";
import { runInTransaction } from "../../src/storage/transaction.js";
import { withAllDatabases } from "../helpers/with-all-databases.js";
import { rejection } from "./rejection.js";

describe("translateDriverError", () => {
  it("maps pg 23505 and 23503 with the constraint name", () => {
    const unique = translateDriverError({ driverError: { code: "23505", constraint: "users_localpart_key", message: "duplicate key" } });
    expect(unique).to.be.instanceOf(UniqueViolationError);
    expect((unique as UniqueViolationError).constraint).to.equal("users_localpart_key");
    const fk = translateDriverError({ driverError: { code: "23503", constraint: "devices_user_id_fkey", message: "fk" } });
    expect(fk).to.be.instanceOf(ForeignKeyViolationError);
    expect((fk as ForeignKeyViolationError).constraint).to.equal("devices_user_id_fkey");
  });

  it("maps SQLite unique, primary key and foreign key codes", () => {
    const unique = translateDriverError({ driverError: { code: "SQLITE_CONSTRAINT_UNIQUE", message: "UNIQUE constraint failed: users.localpart" } });
    expect(unique).to.be.instanceOf(UniqueViolationError);
    expect((unique as UniqueViolationError).constraint).to.equal("users.localpart");
    expect(translateDriverError({ code: "SQLITE_CONSTRAINT_PRIMARYKEY", message: "x" })).to.be.instanceOf(UniqueViolationError);
    expect(translateDriverError({ code: "SQLITE_CONSTRAINT_FOREIGNKEY", message: "x" })).to.be.instanceOf(ForeignKeyViolationError);
  });

  it("returns other errors unchanged, keeping the original as cause when translating", () => {
    const other = new Error("syntax error");
    expect(translateDriverError(other)).to.equal(other);
    expect(translateDriverError("text")).to.equal("text");
    const original = { driverError: { code: "23505", message: "dup" } };
    expect((translateDriverError(original) as Error).cause).to.equal(original);
  });
});

withAllDatabases("constraint errors", (getDb) => {
  it("a device for an unknown user is a ForeignKeyViolationError", async () => {
    const devices = new DevicesStore(getDb());
    expect(await rejection(runInTransaction(getDb(), (tx) => devices.insertDevice(tx, { userId: "@ghost:hs.test", deviceId: "D" })))).to.be.instanceOf(ForeignKeyViolationError);
  });
});
