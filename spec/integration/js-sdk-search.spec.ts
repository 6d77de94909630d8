/**
 * Server-side search driven by matrix-js-sdk: searchRoomEvents (which asks for one event of
 * context each side and the senders' profiles) finds a message just sent, with its context.
 */
import { expect } from "chai";
import { createClient, Preset, type MatrixClient } from "matrix-js-sdk";
import { logger as sdkLogger } from "matrix-js-sdk/lib/logger.js";
import { registerUser, startAccountsHomeserver } from "../helpers/accounts.js";
import type { TestHomeserver } from "../helpers/test-homeserver.js";
import { testEngines } from "../helpers/with-all-databases.js";

for (const engine of testEngines()) {
  describe(`integration: matrix-js-sdk search [${engine}]`, function () {
    this.timeout(60_000);
    let hs: TestHomeserver;
    let alice: MatrixClient;

    before(async () => {
      sdkLogger.setLevel("silent");
      hs = await startAccountsHomeserver({ engine, serverName: "sdk.test" });
      const user = await registerUser(hs, "alice");
      alice = createClient({ baseUrl: hs.baseUrl, userId: user.userId, accessToken: user.accessToken, deviceId: user.deviceId });
    });
    after(async () => {
      alice?.stopClient();
      await hs.stop();
    });

    it("searchRoomEvents finds a message just sent, with its context", async () => {
      const { room_id: roomId } = await alice.createRoom({ preset: Preset.PrivateChat });
      await alice.sendTextMessage(roomId, "before the koala");
      const { event_id: eventId } = await alice.sendTextMessage(roomId, "a sleepy Koala");
      await alice.sendTextMessage(roomId, "after it");
      const results = await alice.searchRoomEvents({ term: "koala" });
      expect(results.count).to.equal(2);
      expect(results.highlights).to.include("koala");
      const ids = results.results.map((r) => r.context.getEvent().getId());
      expect(ids).to.include(eventId);
      const hit = results.results.find((r) => r.context.getEvent().getId() === eventId)!;
      expect(hit.context.getTimeline().map((e) => e.getContent().body)).to.deep.equal(["before the koala", "a sleepy Koala", "after it"]);
    });
  });
}
