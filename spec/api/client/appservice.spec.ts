/**
 * Application services over HTTP: as_token authentication with identity assertion, appservice
 * registration and login, and M_EXCLUSIVE from real misuse at /register, /register/available and
 * the alias directory, and the ping. https://spec.matrix.org/v1.19/application-service-api/#client-server-api-extensions
 */
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { accountsConfig, call, registerUser, whoami, type JsonResponse } from "../../helpers/accounts.js";
import { startTestHomeserver, type TestHomeserver } from "../../helpers/test-homeserver.js";
import { testEngines } from "../../helpers/with-all-databases.js";
import { enc, expectError, roomClient, V3, type RoomClient } from "./rooms-fixture.js";

const SERVER = "as.test";
const IRC_TOKEN = "irc-as-token";
const LOG_TOKEN = "log-as-token";

/** The IRC bridge holds `@_irc_…` users and `#_irc_…` aliases exclusively; it is rate-limited. */
const ircRegistration = (url: string) => `
id: irc
url: ${url}
as_token: ${IRC_TOKEN}
hs_token: irc-hs-token
sender_localpart: _irc_bot
namespaces:
  users:
    - exclusive: true
      regex: "@_irc_.*"
  aliases:
    - exclusive: true
      regex: "#_irc_.*"
`;

/** A logger shares `@_log_…` users with everyone and is not rate-limited. */
const LOG_REGISTRATION = `
id: logger
url: null
as_token: ${LOG_TOKEN}
hs_token: log-hs-token
sender_localpart: _log_bot
rate_limited: false
namespaces:
  users:
    - exclusive: false
      regex: "@_log_.*"
`;

interface AsRequest {
  token?: string;
  userId?: string;
  deviceId?: string;
  body?: unknown;
}

for (const engine of testEngines()) {
  describe(`api/client appservices [${engine}]`, function () {
    this.timeout(30_000);
    let hs: TestHomeserver;
    let dir: string;
    let alice: RoomClient;
    /** The IRC bridge's own HTTP server: it records what it is sent and answers 200 {}. */
    let bridge: Server;
    let bridgeSeen: Array<{ url: string; authorization: string | undefined; body: string }>;

    /** A request with an appservice's token (the IRC bridge's unless told), asserting `userId`/`deviceId`. */
    const asCall = (method: string, path: string, req: AsRequest = {}): Promise<JsonResponse> => {
      const query = new URLSearchParams();
      if (req.userId !== undefined) query.set("user_id", req.userId);
      if (req.deviceId !== undefined) query.set("device_id", req.deviceId);
      const separator = path.includes("?") ? "&" : "?";
      const target = query.size === 0 ? path : `${path}${separator}${query.toString()}`;
      return call(hs, method, target.startsWith("/_matrix") ? target : V3 + target, { token: req.token ?? IRC_TOKEN, body: req.body });
    };
    const asRegister = (username: string, extra: Record<string, unknown> = {}, token = IRC_TOKEN): Promise<JsonResponse> =>
      asCall("POST", "/register", { token, body: { type: "m.login.application_service", username, ...extra } });
    const asLogin = (user: string, token: string | null = IRC_TOKEN): Promise<JsonResponse> =>
      call(hs, "POST", `${V3}/login`, { token: token ?? undefined, body: { type: "m.login.application_service", identifier: { type: "m.id.user", user } } });

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "hearth-as-http-"));
      bridgeSeen = [];
      bridge = createServer((req, res) => {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          bridgeSeen.push({ url: req.url ?? "", authorization: req.headers.authorization, body });
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
      });
      await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
      const files = [join(dir, "irc.yaml"), join(dir, "log.yaml")];
      writeFileSync(files[0]!, ircRegistration(`http://127.0.0.1:${(bridge.address() as AddressInfo).port}`));
      writeFileSync(files[1]!, LOG_REGISTRATION);
      hs = await startTestHomeserver({
        engine,
        serverName: SERVER,
        configure: (config) => {
          accountsConfig(config);
          config.rate_limits.message = { per_second: 0.001, burst_count: 2 };
          config.appservice.config_files = files;
          config.registration.shared_secret = "shared-secret";
        },
      });
      alice = roomClient(hs, await registerUser(hs, "alice"));
    });
    after(async () => {
      await hs.stop();
      bridge.closeAllConnections();
      await new Promise((resolve) => bridge.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    });

    describe("authentication with the as_token", () => {
      it("acts as the sender, registered at startup, without a device", async () => {
        const res = await asCall("GET", "/account/whoami");
        expect([res.status, res.body]).to.deep.equal([200, { user_id: "@_irc_bot:as.test", is_guest: false }]);
        const viaQuery = await call(hs, "GET", `${V3}/account/whoami?access_token=${LOG_TOKEN}`);
        expect(viaQuery.body.user_id).to.equal("@_log_bot:as.test");
      });

      it("acts as a registered user of its namespace named by user_id (whoami, and the room it creates)", async () => {
        expect((await asRegister("_irc_creator", { inhibit_login: true })).status).to.equal(200);
        const me = await asCall("GET", "/account/whoami", { userId: "@_irc_creator:as.test" });
        expect([me.status, me.body]).to.deep.equal([200, { user_id: "@_irc_creator:as.test", is_guest: false }]);
        const created = await asCall("POST", "/createRoom", { userId: "@_irc_creator:as.test", body: {} });
        expect(created.status).to.equal(200);
        const roomId = created.body.room_id as string;
        const members = await asCall("GET", `/rooms/${enc(roomId)}/joined_members`, { userId: "@_irc_creator:as.test" });
        expect(Object.keys(members.body.joined as object)).to.deep.equal(["@_irc_creator:as.test"]);
      });

      it("refuses user_id outside its namespace with 403 M_FORBIDDEN, even for a registered user", async () => {
        expectError(await asCall("GET", "/account/whoami", { userId: alice.userId }), 403, "M_FORBIDDEN");
        expectError(await asCall("GET", "/account/whoami", { userId: "@_irc_x:other.test" }), 403, "M_FORBIDDEN");
        expectError(await asCall("GET", "/account/whoami", { token: LOG_TOKEN, userId: "@_irc_bot:as.test" }), 403, "M_FORBIDDEN");
      });

      it("refuses a user of its namespace that has not been registered with 403 M_FORBIDDEN", async () => {
        expectError(await asCall("GET", "/account/whoami", { userId: "@_irc_never:as.test" }), 403, "M_FORBIDDEN");
      });

      it("masquerades as a device of the user (device_id), and refuses one the user does not have (400 M_UNKNOWN_DEVICE)", async () => {
        await asRegister("_irc_devices", { device_id: "BRIDGEDEV" });
        const res = await asCall("GET", "/account/whoami", { userId: "@_irc_devices:as.test", deviceId: "BRIDGEDEV" });
        expect(res.body).to.deep.equal({ user_id: "@_irc_devices:as.test", device_id: "BRIDGEDEV", is_guest: false });
        expectError(await asCall("GET", "/account/whoami", { userId: "@_irc_devices:as.test", deviceId: "NOPE" }), 400, "M_UNKNOWN_DEVICE");
        expectError(await asCall("GET", "/account/whoami", { deviceId: "BRIDGEDEV" }), 400, "M_UNKNOWN_DEVICE");
      });

      it("leaves user_id alone on a user's own token", async () => {
        const res = await call(hs, "GET", `${V3}/account/whoami?user_id=${enc("@_irc_bot:as.test")}`, { token: alice.accessToken });
        expect(res.body.user_id).to.equal(alice.userId);
      });
    });

    describe("POST /register with m.login.application_service", () => {
      it("registers a user of its namespace without UIA or password, logged in unless inhibit_login", async () => {
        const registered = await asRegister("_irc_alpha");
        expect(registered.status).to.equal(200);
        expect(registered.body.user_id).to.equal("@_irc_alpha:as.test");
        expect((await whoami(hs, registered.body.access_token)).body).to.deep.equal({
          user_id: "@_irc_alpha:as.test",
          device_id: registered.body.device_id,
          is_guest: false,
        });
        const inhibited = await asRegister("_irc_beta", { inhibit_login: true });
        expect([inhibited.status, inhibited.body]).to.deep.equal([200, { user_id: "@_irc_beta:as.test", home_server: SERVER }]);
      });

      it("refuses a user outside its namespace, or in another's exclusive one, with 400 M_EXCLUSIVE", async () => {
        expectError(await asRegister("plainname"), 400, "M_EXCLUSIVE");
        expectError(await asRegister("_irc_stolen", {}, LOG_TOKEN), 400, "M_EXCLUSIVE");
        expect((await asRegister("_log_gamma", { inhibit_login: true }, LOG_TOKEN)).status).to.equal(200);
      });

      it("refuses a taken user with 400 M_USER_IN_USE", async () => {
        await asRegister("_irc_twice", { inhibit_login: true });
        expectError(await asRegister("_irc_twice", { inhibit_login: true }), 400, "M_USER_IN_USE");
      });

      it("needs a valid as_token: 401 M_MISSING_TOKEN without one, 401 M_UNKNOWN_TOKEN for another token", async () => {
        const body = { type: "m.login.application_service", username: "_irc_delta" };
        expectError(await call(hs, "POST", `${V3}/register`, { body }), 401, "M_MISSING_TOKEN");
        expectError(await call(hs, "POST", `${V3}/register`, { body, token: alice.accessToken }), 401, "M_UNKNOWN_TOKEN");
      });
    });

    describe("M_EXCLUSIVE for people", () => {
      it("POST /register refuses a username in an exclusive namespace before UIA, the sender's too", async () => {
        for (const username of ["_irc_mallory", "_IRC_Mallory", "_irc_bot"]) {
          expectError(await call(hs, "POST", `${V3}/register`, { body: { username, password: "pw" } }), 400, "M_EXCLUSIVE");
        }
      });

      it("POST /register lets people into a shared (non-exclusive) namespace", async () => {
        const first = await call(hs, "POST", `${V3}/register`, { body: { username: "_log_human", password: "pw" } });
        expect([first.status, typeof first.body.session]).to.deep.equal([401, "string"]);
      });

      it("the shared-secret admin registration refuses a username in an exclusive namespace (400 M_EXCLUSIVE)", async () => {
        const path = "/_synapse/admin/v1/register";
        const attempt = async (username: string) => {
          const nonce = (await call(hs, "GET", path)).body.nonce as string;
          const mac = createHmac("sha1", "shared-secret").update(`${nonce}\0${username}\0pw\0notadmin`).digest("hex");
          return call(hs, "POST", path, { body: { nonce, username, password: "pw", admin: false, mac } });
        };
        expectError(await attempt("_irc_admin_made"), 400, "M_EXCLUSIVE");
        expect((await attempt("admin_made")).status).to.equal(200);
      });

      it("GET /register/available answers 400 M_EXCLUSIVE inside an exclusive namespace", async () => {
        expectError(await call(hs, "GET", `${V3}/register/available?username=_irc_eve`), 400, "M_EXCLUSIVE");
        expect((await call(hs, "GET", `${V3}/register/available?username=_log_eve`)).body).to.deep.equal({ available: true });
      });
    });

    describe("POST /login with m.login.application_service", () => {
      it("is offered by GET /login", async () => {
        const flows = (await call(hs, "GET", `${V3}/login`)).body.flows as Array<{ type: string }>;
        expect(flows.map((f) => f.type)).to.include.members(["m.login.password", "m.login.application_service"]);
      });

      it("logs in a registered user of its namespace with a new device", async () => {
        await asRegister("_irc_login", { inhibit_login: true });
        const res = await asLogin("_irc_login");
        expect(res.status).to.equal(200);
        expect(res.body.user_id).to.equal("@_irc_login:as.test");
        expect((await whoami(hs, res.body.access_token)).body.device_id).to.equal(res.body.device_id);
      });

      it("refuses a user outside its namespace (403 M_EXCLUSIVE) and an unregistered one (403 M_FORBIDDEN)", async () => {
        expectError(await asLogin("alice"), 403, "M_EXCLUSIVE");
        expectError(await asLogin("@_irc_nobody:as.test"), 403, "M_FORBIDDEN");
      });

      it("needs a valid as_token (401 M_MISSING_TOKEN, M_UNKNOWN_TOKEN)", async () => {
        expectError(await asLogin("_irc_login", null), 401, "M_MISSING_TOKEN");
        expectError(await asLogin("_irc_login", alice.accessToken), 401, "M_UNKNOWN_TOKEN");
      });
    });

    describe("room aliases", () => {
      const aliasPath = (alias: string) => `/directory/room/${enc(alias)}`;

      it("PUT refuses a person an alias in an exclusive namespace with 400 M_EXCLUSIVE, even in their own room", async () => {
        const roomId = await alice.createRoom();
        expectError(await alice.request("PUT", aliasPath("#_irc_general:as.test"), { room_id: roomId }), 400, "M_EXCLUSIVE");
        expect((await alice.request("PUT", aliasPath("#general:as.test"), { room_id: roomId })).status).to.equal(200);
      });

      it("lets the appservice create and delete aliases in its namespace, for rooms it is not in", async () => {
        const roomId = await alice.createRoom();
        expect((await asCall("PUT", aliasPath("#_irc_chan:as.test"), { body: { room_id: roomId } })).status).to.equal(200);
        expect((await call(hs, "GET", V3 + aliasPath("#_irc_chan:as.test"))).body.room_id).to.equal(roomId);
        expectError(await alice.request("DELETE", aliasPath("#_irc_chan:as.test")), 400, "M_EXCLUSIVE");
        expect((await asCall("DELETE", aliasPath("#_irc_chan:as.test"))).status).to.equal(200);
      });

      it("POST /createRoom refuses a person room_alias_name in an exclusive namespace (400 M_EXCLUSIVE), not the appservice", async () => {
        const joinedBefore = (await alice.request("GET", "/joined_rooms")).body.joined_rooms as string[];
        expectError(await alice.request("POST", "/createRoom", { room_alias_name: "_irc_made" }), 400, "M_EXCLUSIVE");
        expect((await alice.request("GET", "/joined_rooms")).body.joined_rooms).to.deep.equal(joinedBefore);
        const made = await asCall("POST", "/createRoom", { body: { room_alias_name: "_irc_made" } });
        expect([made.status, made.body.room_alias]).to.deep.equal([200, "#_irc_made:as.test"]);
        expectError(await asCall("POST", "/createRoom", { body: { room_alias_name: "outside" } }), 400, "M_EXCLUSIVE");
      });

      it("refuses the appservice an alias outside its namespace with 400 M_EXCLUSIVE", async () => {
        const roomId = await alice.createRoom();
        expectError(await asCall("PUT", aliasPath("#elsewhere:as.test"), { body: { room_id: roomId } }), 400, "M_EXCLUSIVE");
        expectError(await asCall("PUT", aliasPath("#_irc_x:as.test"), { token: LOG_TOKEN, body: { room_id: roomId } }), 400, "M_EXCLUSIVE");
      });
    });

    describe("POST /appservice/{appserviceId}/ping", () => {
      const ping = (id: string, token: string, body: unknown = {}) => call(hs, "POST", `/_matrix/client/v1/appservice/${enc(id)}/ping`, { token, body });

      it("pings the appservice with its hs_token and the transaction ID, and says how long it took", async () => {
        const res = await ping("irc", IRC_TOKEN, { transaction_id: "mautrix-1" });
        expect(res.status).to.equal(200);
        expect(res.body.duration_ms).to.be.a("number").and.to.be.at.least(0);
        expect(bridgeSeen.at(-1)).to.deep.equal({ url: "/_matrix/app/v1/ping", authorization: "Bearer irc-hs-token", body: '{"transaction_id":"mautrix-1"}' });
      });

      it("is 403 M_FORBIDDEN for another appservice's ID or a user's token, 400 M_URL_NOT_SET without a URL", async () => {
        expectError(await ping("irc", LOG_TOKEN), 403, "M_FORBIDDEN");
        expectError(await ping("irc", alice.accessToken), 403, "M_FORBIDDEN");
        expectError(await ping("logger", LOG_TOKEN), 400, "M_URL_NOT_SET");
      });
    });

    describe("rate limits", () => {
      const send = (roomId: string, n: number, req: AsRequest) =>
        asCall("PUT", `/rooms/${enc(roomId)}/send/m.room.message/rl-${req.userId ?? "sender"}-${n}`, { ...req, body: { msgtype: "m.text", body: `${n}` } });

      it("limit users masqueraded by a rate_limited appservice, never its sender nor a rate_limited: false appservice's users", async () => {
        const roomId = await alice.createRoom({ preset: "public_chat" });
        await asRegister("_irc_chatty", { inhibit_login: true });
        await asRegister("_log_chatty", { inhibit_login: true }, LOG_TOKEN);
        const ghost = { userId: "@_irc_chatty:as.test" };
        const logGhost = { token: LOG_TOKEN, userId: "@_log_chatty:as.test" };
        for (const req of [{}, ghost, logGhost]) expect((await asCall("POST", `/join/${enc(roomId)}`, { ...req, body: {} })).status).to.equal(200);

        const statuses = async (req: AsRequest) => {
          const out: number[] = [];
          for (let n = 0; n < 4; n++) out.push((await send(roomId, n, req)).status);
          return out;
        };
        expect(await statuses(ghost)).to.deep.equal([200, 200, 429, 429]);
        expect(await statuses({})).to.deep.equal([200, 200, 200, 200]);
        expect(await statuses(logGhost)).to.deep.equal([200, 200, 200, 200]);
      });
    });
  });
}
