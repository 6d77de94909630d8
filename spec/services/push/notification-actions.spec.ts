import { expect } from "chai";
import { decodeNotificationActions, encodeNotificationActions, notificationPriority, notificationTweaks } from "../../../src/services/push/notification-actions.js";

describe("services/push/notification-actions", () => {
  it("stores nothing for what the highlight flag restores, and the JSON of anything else", () => {
    expect(encodeNotificationActions(["notify"], false)).to.equal(null);
    expect(encodeNotificationActions(["notify", { set_tweak: "highlight" }], true)).to.equal(null);
    const sound = ["notify", { set_tweak: "sound", value: "default" }];
    expect(encodeNotificationActions(sound, false)).to.equal(JSON.stringify(sound));
    expect(encodeNotificationActions(["notify", { set_tweak: "highlight", value: true }], true)).to.equal('["notify",{"set_tweak":"highlight","value":true}]');
    for (const [actions, highlight] of [[["notify"], false], [sound, false], [["notify", { set_tweak: "highlight" }], true]] as const) {
      expect(decodeNotificationActions(encodeNotificationActions(actions, highlight), highlight)).to.deep.equal(actions);
    }
  });

  it("makes tweaks of the set_tweak actions: a bare highlight is true, other bare tweaks have nothing to send", () => {
    expect(notificationTweaks(["notify"])).to.deep.equal({});
    expect(notificationTweaks(["notify", { set_tweak: "sound", value: "ring" }, { set_tweak: "highlight" }, { set_tweak: "org.example.bare" }])).to.deep.equal({ sound: "ring", highlight: true });
    expect(notificationTweaks(["notify", { set_tweak: "highlight", value: false }, { set_tweak: "org.example.led", value: { colour: "red" } }])).to.deep.equal({ highlight: false, "org.example.led": { colour: "red" } });
  });

  it("gives prio high with a sound or a highlight, low otherwise", () => {
    expect(notificationPriority({})).to.equal("low");
    expect(notificationPriority({ highlight: false, "org.example.led": "red" })).to.equal("low");
    expect(notificationPriority({ sound: "default" })).to.equal("high");
    expect(notificationPriority({ highlight: true })).to.equal("high");
  });
});
