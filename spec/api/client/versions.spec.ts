import { expect } from "chai";
import { handleGetVersions } from "../../../src/api/client/versions.js";
import { getVersions } from "../../../src/matrix/endpoints/client/versions.js";
import type { Requester } from "../../../src/matrix/endpoints/types.js";
import { ErrCode, MatrixError } from "../../../src/matrix/errors.js";
import { route } from "../../../src/http/route.js";
import { startTestHttp, type TestHttp } from "../../helpers/test-http.js";

const bob: Requester = { userId: "@bob:example.org", deviceId: "D", isGuest: false, appserviceId: null };

const authHooks = {
  async authenticateAccessToken(token: string): Promise<Requester> {
    if (token === "bob") return bob;
    throw new MatrixError(401, ErrCode.UnknownToken, "Unknown token");
  },
  authenticateServer: () => Promise.reject(new Error("unused")),
};

describe("api/client/versions", () => {
  let server: TestHttp | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("GET /_matrix/client/versions lists the versions and features it is given", async () => {
    server = await startTestHttp({
      routes: [route(getVersions, handleGetVersions({ versions: ["v1.1", "v1.2"], unstableFeatures: { "org.example.feature": true } }))],
    });
    const res = await server.request("GET", "/_matrix/client/versions");
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ versions: ["v1.1", "v1.2"], unstable_features: { "org.example.feature": true } });
  });

  it("needs no access token", async () => {
    server = await startTestHttp({ routes: [route(getVersions, handleGetVersions({ versions: ["v1.11"], unstableFeatures: {} }))], authHooks });
    const res = await server.request("GET", "/_matrix/client/versions");
    expect(res.status).to.equal(200);
    expect(res.body?.versions).to.deep.equal(["v1.11"]);
  });

  it("chooses unstable features per user when given a function of the requester", async () => {
    const features = (requester: Requester | null) => ({ "org.example.beta": requester?.userId === bob.userId });
    server = await startTestHttp({ routes: [route(getVersions, handleGetVersions({ versions: ["v1.11"], unstableFeatures: features }))], authHooks });
    const anonymous = await server.request("GET", "/_matrix/client/versions");
    expect(anonymous.body?.unstable_features).to.deep.equal({ "org.example.beta": false });
    const asBob = await server.request("GET", "/_matrix/client/versions", { accessToken: "bob" });
    expect(asBob.body?.unstable_features).to.deep.equal({ "org.example.beta": true });
  });

  it("refuses an invalid access token rather than ignoring it", async () => {
    server = await startTestHttp({ routes: [route(getVersions, handleGetVersions({ versions: ["v1.11"], unstableFeatures: {} }))], authHooks });
    const res = await server.request("GET", "/_matrix/client/versions", { accessToken: "nobody" });
    expect(res.status).to.equal(401);
    expect(res.body?.errcode).to.equal("M_UNKNOWN_TOKEN");
  });

  it("is not affected by later changes to the arrays it was given", async () => {
    const versions = ["v1.1"];
    server = await startTestHttp({ routes: [route(getVersions, handleGetVersions({ versions, unstableFeatures: {} }))] });
    versions.push("v9.9");
    const res = await server.request("GET", "/_matrix/client/versions");
    expect(res.body?.versions).to.deep.equal(["v1.1"]);
  });
});
