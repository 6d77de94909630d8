/**
 * Pushers driven by a real client library, matrix-js-sdk: setPusher, getPushers, removePusher,
 * and the error the SDK surfaces for a pusher URL with the wrong path.
 */
import { expect } from "chai";
import type { MatrixClient } from "matrix-js-sdk";
import { sdkMatrixError } from "../helpers/js-sdk-error.js";
import { describeWithSdk } from "../helpers/js-sdk-suite.js";

describeWithSdk("pushers", ["alice"], (s) => {
  let alice: MatrixClient;
  before(() => {
    [alice] = s.clients as [MatrixClient];
  });

  it("sets, lists and removes a pusher", async () => {
    const pusher = {
      kind: "http",
      app_id: "org.example.sdk",
      pushkey: "sdk-key",
      app_display_name: "SDK app",
      device_display_name: "SDK device",
      lang: "en-GB",
      data: { url: "https://push.example.org/_matrix/push/v1/notify", format: "event_id_only" },
    };
    expect(await alice.setPusher(pusher)).to.deep.equal({});
    // The SDK marks listed pushers enabled (MSC3881) when the server says nothing.
    const listed = (await alice.getPushers()).pushers.map(({ "org.matrix.msc3881.enabled": _enabled, ...rest }) => rest);
    expect(listed).to.deep.equal([pusher]);
    const error = await sdkMatrixError(alice.setPusher({ ...pusher, data: { url: "https://push.example.org/notify" } }));
    expect(error.errcode).to.equal("M_INVALID_PARAM");
    await alice.removePusher("sdk-key", "org.example.sdk");
    expect((await alice.getPushers()).pushers).to.deep.equal([]);
  });
});
