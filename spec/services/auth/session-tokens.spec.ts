import { expect } from "chai";
import { newAccessToken, newDeviceId, newLoginToken, newRefreshToken, newUiaSessionId } from "../../../src/services/auth/session-tokens.js";

describe("session tokens", () => {
  it("access and refresh tokens are prefixed, 40 random alphanumerics, never repeated", () => {
    const access = new Set(Array.from({ length: 200 }, newAccessToken));
    const refresh = new Set(Array.from({ length: 200 }, newRefreshToken));
    expect(access.size).to.equal(200);
    expect(refresh.size).to.equal(200);
    for (const token of access) expect(token).to.match(/^hat_[A-Za-z0-9]{40}$/);
    for (const token of refresh) expect(token).to.match(/^hrt_[A-Za-z0-9]{40}$/);
  });

  it("login tokens are prefixed, 40 random alphanumerics, never repeated", () => {
    const tokens = new Set(Array.from({ length: 200 }, newLoginToken));
    expect(tokens.size).to.equal(200);
    for (const token of tokens) expect(token).to.match(/^hlt_[A-Za-z0-9]{40}$/);
  });

  it("device IDs are ten upper-case letters, every letter in use", () => {
    const letters = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = newDeviceId();
      expect(id).to.match(/^[A-Z]{10}$/);
      for (const ch of id) letters.add(ch);
    }
    expect(letters.size).to.equal(26);
  });

  it("UIA session IDs are 32 alphanumerics", () => {
    expect(newUiaSessionId()).to.match(/^[A-Za-z0-9]{32}$/);
    expect(newUiaSessionId()).to.not.equal(newUiaSessionId());
  });
});
