import { X509Certificate, createPrivateKey } from "node:crypto";
import { expect } from "chai";
import { generateSelfSignedCertificate } from "../../src/config/self-signed-certificate.js";
import { packagesLoadedBy } from "../helpers/loaded-packages.js";

describe("generateSelfSignedCertificate", () => {
  const notBefore = new Date("2030-01-01T00:00:00Z");
  const { certPem, keyPem } = generateSelfSignedCertificate("matrix.example.org", { notBefore });
  const cert = new X509Certificate(certPem);

  it("names the host and the local names as subject alternative names", () => {
    expect(cert.subjectAltName?.split(", ")).to.deep.equal([
      "DNS:matrix.example.org", "DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1",
    ]);
    expect(cert.subject).to.equal("CN=matrix.example.org");
  });

  it("is self-signed with a 2048-bit RSA key that matches the private key", () => {
    expect(cert.verify(cert.publicKey)).to.equal(true);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).to.equal(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).to.equal(2048);
    expect(cert.ca).to.equal(false);
  });

  it("is valid for ten years from notBefore", () => {
    expect(new Date(cert.validFrom).toISOString()).to.equal("2030-01-01T00:00:00.000Z");
    expect(new Date(cert.validTo).toISOString()).to.equal("2040-01-01T00:00:00.000Z");
  });

  it("puts an IP host in an IP SAN and does not repeat a local name", () => {
    const local = new X509Certificate(generateSelfSignedCertificate("127.0.0.1", { rsaBits: 1024 }).certPem);
    expect(local.subjectAltName?.split(", ")).to.deep.equal(["IP Address:127.0.0.1", "DNS:localhost", "IP Address:0:0:0:0:0:0:0:1"]);
  });

  it("loads node-forge only when a certificate is generated, not with the CLI that `hearth start` runs", async function () {
    this.timeout(60_000);
    const cli = await packagesLoadedBy(`await import(ROOT + "/src/cli/index.ts");`);
    expect(cli.has("commander"), "the probe saw the CLI's own packages").to.equal(true);
    expect(cli.has("node-forge")).to.equal(false);
    const generating = await packagesLoadedBy(
      `(await import(ROOT + "/src/config/self-signed-certificate.ts")).generateSelfSignedCertificate("a.example", { rsaBits: 1024 });`,
    );
    expect(generating.has("node-forge")).to.equal(true);
  });
});
