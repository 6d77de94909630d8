import { expect } from "chai";
import { createHash } from "node:crypto";
import vm from "node:vm";
import { handleGetLoginFallback } from "../../../src/api/client/login-fallback.js";
import { getLoginFallback } from "../../../src/matrix/endpoints/client/login-fallback.js";
import { route } from "../../../src/http/route.js";
import type { TestHomeserver } from "../../helpers/test-homeserver.js";
import { startTestHttp } from "../../helpers/test-http.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { call, registerUser, startAccountsHomeserver, whoami, type RegisteredUser } from "../../helpers/accounts.js";

const PAGE = "/_matrix/static/client/login/";

interface Page {
  status: number;
  headers: Headers;
  text: string;
}

async function getPage(baseUrl: string, path: string): Promise<Page> {
  const response = await fetch(baseUrl + path);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

function inlineScript(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
  expect(scripts).to.have.length(1);
  return scripts[0]!;
}

/** The parts of an element the page's script uses. */
interface FakeElement {
  value: string;
  textContent: string;
  className: string;
  hidden: boolean;
  disabled: boolean;
  addEventListener(type: string, listener: (event: unknown) => unknown): void;
}

interface SentRequest {
  url: string;
  method: string | undefined;
  body: Record<string, unknown>;
}

/**
 * The page as a browser would run it, without a browser: its inline script runs in a vm context
 * whose `window` is the context itself, with a DOM of the elements the HTML has (by id) and a
 * `fetch` that resolves URLs against the page's and calls the real server.
 */
class FakeBrowserPage {
  readonly window: Record<string, unknown>;
  readonly requests: SentRequest[] = [];
  private readonly elements = new Map<string, FakeElement>();
  private readonly listeners = new Map<string, Array<(event: unknown) => unknown>>();

  constructor(html: string, pageUrl: URL, before: Record<string, unknown> = {}) {
    for (const [, id] of html.matchAll(/\sid="([^"]+)"/g)) this.elements.set(id!, this.element(id!));
    const realFetch = globalThis.fetch;
    const fakeFetch = async (input: string, init: RequestInit = {}): Promise<Response> => {
      const url = new URL(input, pageUrl);
      this.requests.push({ url: url.pathname, method: init.method, body: JSON.parse(String(init.body)) as Record<string, unknown> });
      return realFetch(url, init);
    };
    const document = { getElementById: (id: string) => this.elements.get(id) ?? null };
    const location = { href: pageUrl.href, origin: pageUrl.origin, pathname: pageUrl.pathname, search: pageUrl.search };
    this.window = vm.createContext({ ...before, document, location, fetch: fakeFetch, URLSearchParams }) as Record<string, unknown>;
    this.window.window = this.window;
    vm.runInContext(inlineScript(html), this.window, { filename: "login-fallback-page.js" });
  }

  byId(id: string): FakeElement {
    const element = this.elements.get(id);
    if (element === undefined) throw new Error(`no element #${id}`);
    return element;
  }

  /** Fills the form, submits it as a browser would and waits for the attempt to finish. */
  async logIn(user: string, password: string): Promise<void> {
    this.byId("f-user").value = user;
    this.byId("f-password").value = password;
    let prevented = false;
    const event = { type: "submit", preventDefault: () => void (prevented = true) };
    const results = (this.listeners.get("login-form submit") ?? []).map((listener) => listener(event));
    expect(results, "one submit listener").to.have.length(1);
    await results[0];
    expect(prevented, "the browser's own submission is prevented").to.equal(true);
  }

  private element(id: string): FakeElement {
    return {
      value: "",
      textContent: "",
      className: "",
      hidden: false,
      disabled: false,
      addEventListener: (type, listener) => {
        const key = `${id} ${type}`;
        this.listeners.set(key, [...(this.listeners.get(key) ?? []), listener]);
      },
    };
  }
}

/** A page whose `window.matrixLogin.onLogin` was replaced, as an embedding client does. */
function embedded(page: FakeBrowserPage): Array<Record<string, unknown>> {
  const received: Array<Record<string, unknown>> = [];
  (page.window.matrixLogin as { onLogin: unknown }).onLogin = (response: Record<string, unknown>) => received.push(response);
  return received;
}

for (const engine of testEngines()) {
  describe(`api/client/login-fallback [${engine}]`, function () {
    this.timeout(20_000);
    let hs: TestHomeserver;
    let alice: RegisteredUser;
    let html: string;
    const open = (query = "", before: Record<string, unknown> = {}) => new FakeBrowserPage(html, new URL(PAGE + query, hs.baseUrl), before);

    before(async () => {
      hs = await startAccountsHomeserver({ engine, serverName: "hs.test" });
      alice = await registerUser(hs, "alice");
      html = (await getPage(hs.baseUrl, PAGE)).text;
    });
    after(() => hs.stop());

    it("GET /_matrix/static/client/login/ answers the self-contained page, its script allowed by its hash", async () => {
      for (const path of [PAGE, "/_matrix/static/client/login", `${PAGE}?device_id=GHTYAJCE`]) {
        const page = await getPage(hs.baseUrl, path);
        expect(page.status, path).to.equal(200);
        expect(page.text).to.equal(html);
        expect(page.headers.get("content-type")).to.equal("text/html; charset=utf-8");
        const csp = page.headers.get("content-security-policy")!;
        expect(csp).to.match(/^default-src 'none'; /);
        const script = inlineScript(page.text);
        expect(csp).to.include(`script-src ${sha256(script)};`);
        expect(csp).to.include(`style-src ${sha256(/<style>(.*?)<\/style>/.exec(page.text)![1]!)};`);
        // The script calls /login on this server and nothing else; the form is never submitted by the browser.
        expect(csp).to.include("connect-src 'self'");
        expect(csp).to.include("form-action 'none'");
        expect(csp).to.include("frame-ancestors 'self'");
        expect(script).to.include("window.matrixLogin.onLogin(result)");
        expect(script).to.include('"/_matrix/client/v3/login"');
        // Nothing loaded from elsewhere.
        expect(page.text).to.not.match(/\s(src|href)=/);
        expect(page.text).to.include("<strong>hs.test</strong>");
      }
    });

    it("logs in with m.login.password through the real /login and hands the response to window.matrixLogin.onLogin", async () => {
      const page = open();
      const received = embedded(page);
      await page.logIn(" alice ", alice.password);
      expect(page.requests).to.deep.equal([
        { url: "/_matrix/client/v3/login", method: "POST", body: { type: "m.login.password", identifier: { type: "m.id.user", user: "alice" }, password: alice.password } },
      ]);
      expect(received).to.have.length(1);
      const response = received[0]!;
      expect(response).to.include({ user_id: alice.userId, home_server: "hs.test" });
      expect(response.device_id).to.be.a("string");
      const me = await whoami(hs, response.access_token);
      expect(me.body).to.include({ user_id: alice.userId, device_id: response.device_id });
      expect(page.byId("login-form").hidden).to.equal(true);
      expect(page.byId("f-password").value).to.equal("");
      expect(page.byId("login-status").textContent).to.equal(`Logged in as ${alice.userId}.`);
    });

    it("forwards the non-credential /login parameters of the query string, and nothing else", async () => {
      const query = "?device_id=GHTYAJCE&initial_device_display_name=Fallback%20phone&refresh_token=true&type=m.login.token&token=t&password=evil&user=mallory&identifier=x";
      const page = open(query);
      const received = embedded(page);
      await page.logIn(alice.userId, alice.password);
      expect(page.requests.map((r) => r.body)).to.deep.equal([
        {
          device_id: "GHTYAJCE",
          initial_device_display_name: "Fallback phone",
          refresh_token: true,
          type: "m.login.password",
          identifier: { type: "m.id.user", user: alice.userId },
          password: alice.password,
        },
      ]);
      expect(received).to.have.length(1);
      expect(received[0]).to.include({ device_id: "GHTYAJCE", user_id: alice.userId });
      expect(received[0]!.refresh_token).to.be.a("string");
      const device = await call(hs, "GET", "/_matrix/client/v3/devices/GHTYAJCE", { token: received[0]!.access_token as string });
      expect(device.body).to.include({ device_id: "GHTYAJCE", display_name: "Fallback phone" });
    });

    it("a wrong password shows /login's error and does not call onLogin; the form works again", async () => {
      const page = open("?device_id=RETRYDEV");
      const received = embedded(page);
      await page.logIn("alice", "wrong");
      expect(received).to.deep.equal([]);
      const status = page.byId("login-status");
      expect(status.textContent).to.equal("Invalid username or password (M_FORBIDDEN)");
      expect(status.className).to.equal("error");
      expect(page.byId("login-form").hidden).to.equal(false);
      expect(page.byId("login-button").disabled).to.equal(false);

      await page.logIn("alice", alice.password);
      expect(received.map((r) => r.device_id)).to.deep.equal(["RETRYDEV"]);
      expect(status.className).to.equal("");
    });

    it("defines window.matrixLogin with a no-op onLogin when the client has not, and keeps the client's own", async () => {
      const plain = open();
      const matrixLogin = plain.window.matrixLogin as { onLogin: (response: unknown) => unknown };
      expect(matrixLogin.onLogin).to.be.a("function");
      await plain.logIn("alice", alice.password);
      expect(plain.byId("login-status").textContent).to.equal(`Logged in as ${alice.userId}.`);

      const received: unknown[] = [];
      const early = open("", { matrixLogin: { onLogin: (response: unknown) => received.push(response) } });
      await early.logIn("alice", alice.password);
      expect(received).to.have.length(1);
    });
  });
}

describe("api/client/login-fallback: refusals", function () {
  this.timeout(20_000);

  it("a rate-limited attempt shows M_LIMIT_EXCEEDED and when to try again", async () => {
    const hs = await startAccountsHomeserver({ configure: (c) => (c.rate_limits.login = { per_second: 0.001, burst_count: 1 }) });
    try {
      const html = (await getPage(hs.baseUrl, PAGE)).text;
      const page = new FakeBrowserPage(html, new URL(PAGE, hs.baseUrl));
      const received = embedded(page);
      await page.logIn("nobody", "x");
      expect(page.byId("login-status").textContent).to.equal("Invalid username or password (M_FORBIDDEN)");
      await page.logIn("nobody", "x");
      expect(page.byId("login-status").textContent).to.match(/^Too many attempts: try again in \d+ seconds \(M_LIMIT_EXCEEDED\)$/);
      expect(received).to.deep.equal([]);
    } finally {
      await hs.stop();
    }
  });

  it("without password login the page is not offered: 404 M_UNRECOGNIZED", async () => {
    let offered = ["m.login.token"];
    const server = await startTestHttp({ routes: [route(getLoginFallback, handleGetLoginFallback({ serverName: "hs.test", login: { loginTypes: () => offered } }))] });
    try {
      const refused = await server.request("GET", PAGE);
      expect([refused.status, refused.body?.errcode]).to.deep.equal([404, "M_UNRECOGNIZED"]);
      offered = ["m.login.password"];
      expect((await server.request("GET", PAGE)).status).to.equal(200);
    } finally {
      await server.close();
    }
  });
});
