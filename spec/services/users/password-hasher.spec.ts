import { expect } from "chai";
import { PasswordHasher } from "../../../src/services/users/password-hasher.js";

describe("PasswordHasher", () => {
  const hasher = new PasswordHasher({ logN: 10, r: 8, p: 1 });

  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hasher.hash("correct horse");
    expect(stored).to.match(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await hasher.verify("correct horse", stored)).to.equal(true);
    expect(await hasher.verify("correct horsf", stored)).to.equal(false);
  });

  it("salts every hash", async () => {
    expect(await hasher.hash("pw")).to.not.equal(await hasher.hash("pw"));
  });

  it("treats NFKC-equivalent passwords as equal", async () => {
    const stored = await hasher.hash("\uFB01le"); // "ﬁle" ligature
    expect(await hasher.verify("file", stored)).to.equal(true);
  });

  it("verifies hashes made with another cost and flags them for rehash", async () => {
    const old = await new PasswordHasher({ logN: 9, r: 8, p: 1 }).hash("pw");
    expect(await hasher.verify("pw", old)).to.equal(true);
    expect(hasher.needsRehash(old)).to.equal(true);
    expect(hasher.needsRehash(await hasher.hash("pw"))).to.equal(false);
  });

  it("rejects malformed stored hashes without throwing", async () => {
    for (const bad of ["", "plain", "$scrypt$ln=99,r=8,p=1$AA==$AA==", "$scrypt$garbage", "$2b$12$bcryptlooking"]) {
      expect(await hasher.verify("pw", bad)).to.equal(false);
    }
  });
});
