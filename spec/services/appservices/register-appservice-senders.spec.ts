import { expect } from "chai";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { registerAppserviceSenders } from "../../../src/services/appservices/register-appservice-senders.js";
import type { NewAccount } from "../../../src/services/users/user-service.js";
import { testAppservice } from "./appservice-fixture.js";

describe("registerAppserviceSenders", () => {
  it("creates a passwordless account for each sender that has none, and leaves existing ones", async () => {
    const existing = new Set(["@_slack_bot:hs.test"]);
    const created: NewAccount[] = [];
    await registerAppserviceSenders([testAppservice({ id: "irc" }), testAppservice({ id: "slack" })], {
      getUser: async (userId) => (existing.has(userId) ? ({ userId } as never) : null),
      createUser: async (account) => {
        created.push(account);
        return `@${account.localpart}:hs.test`;
      },
    });
    expect(created).to.deep.equal([{ localpart: "_irc_bot", password: null, displayname: "_irc_bot" }]);
  });

  it("takes a sender created meanwhile (M_USER_IN_USE) as done, and passes other errors on", async () => {
    const failWith = (errcode: string) => ({
      getUser: async () => null,
      createUser: async (): Promise<string> => {
        throw new MatrixError(400, errcode, "no");
      },
    });
    await registerAppserviceSenders([testAppservice()], failWith(ErrCode.UserInUse));
    const err = await registerAppserviceSenders([testAppservice()], failWith(ErrCode.InvalidUsername)).catch((e: unknown) => e);
    expect((err as MatrixError).errcode).to.equal("M_INVALID_USERNAME");
  });
});
