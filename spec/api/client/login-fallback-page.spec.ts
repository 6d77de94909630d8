import { expect } from "chai";
import { loginFallbackPage } from "../../../src/api/client/login-fallback-page.js";

describe("api/client/login-fallback-page", () => {
  it("escapes the server name and asks for the user and password in the fields the script reads", () => {
    const html = loginFallbackPage(`"><script>alert(1)</script>`).body as string;
    expect(html).to.include("<strong>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</strong>");
    expect(html.match(/<script>/g)).to.have.length(1);
    for (const id of ["login-form", "f-user", "f-password", "login-button", "login-status"]) expect(html).to.include(` id="${id}"`);
    expect(html).to.include('<input id="f-password" name="password" type="password" autocomplete="current-password" required>');
  });
});
