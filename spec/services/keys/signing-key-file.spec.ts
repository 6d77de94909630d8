import { expect } from "chai";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateSigningKeys } from "../../../src/services/keys/signing-key-file.js";

describe("loadOrCreateSigningKeys", () => {
  const dir = mkdtempSync(join(tmpdir(), "hearth-keys-"));

  it("creates a private key file in Synapse's format when missing, then loads the same key", () => {
    const path = join(dir, "sub", "server.signing.key");
    const first = loadOrCreateSigningKeys(path);
    expect(first.created).to.equal(true);
    expect(readFileSync(path, "utf8")).to.match(/^ed25519 a_[A-Za-z0-9]{4} [A-Za-z0-9+/]{43}\n?$/);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    const second = loadOrCreateSigningKeys(path);
    expect(second.created).to.equal(false);
    expect(second.keys[0]!.publicKeyBase64).to.equal(first.keys[0]!.publicKeyBase64);
  });

  it("loads the spec's example seed", () => {
    const path = join(dir, "spec.key");
    writeFileSync(path, "ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1\n");
    const { keys } = loadOrCreateSigningKeys(path);
    expect(keys[0]!.keyId).to.equal("ed25519:1");
    expect(keys[0]!.publicKeyBase64).to.equal("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
  });

  it("names the config key when the file is unusable", () => {
    const bad = join(dir, "bad.key");
    writeFileSync(bad, "rsa 1 nope\n");
    expect(() => loadOrCreateSigningKeys(bad)).to.throw(/^signing_key_path: .*bad\.key/);
    const empty = join(dir, "empty.key");
    writeFileSync(empty, "\n");
    expect(() => loadOrCreateSigningKeys(empty)).to.throw(/holds no signing key/);
  });
});
