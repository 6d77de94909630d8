import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { decodeBase64, encodeBase64, encodeBase64Url } from "../../src/crypto/base64.js";

/** UNPADDED_BASE64 examples from the spec appendix "Unpadded Base64". */
const SPEC_EXAMPLES: Array<[string, string]> = [
  ["", ""],
  ["f", "Zg"],
  ["fo", "Zm8"],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg"],
  ["fooba", "Zm9vYmE"],
  ["foobar", "Zm9vYmFy"],
];

const STANDARD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The first 48 bytes whose base64 is the whole alphabet in order, so both 62 and 63 appear. */
function alphabetBytes(): Uint8Array {
  const bytes = new Uint8Array(48);
  for (let i = 0; i < 16; i++) {
    const [a, b, c, d] = [4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3];
    bytes[3 * i] = (a << 2) | (b >> 4);
    bytes[3 * i + 1] = ((b & 15) << 4) | (c >> 2);
    bytes[3 * i + 2] = ((c & 3) << 6) | d;
  }
  return bytes;
}

describe("encodeBase64", () => {
  for (const [input, expected] of SPEC_EXAMPLES) {
    it(`encodes "${input}" as "${expected}"`, () => {
      expect(encodeBase64(Buffer.from(input, "utf8"))).to.equal(expected);
    });
  }

  it("uses the RFC 4648 standard alphabet", () => {
    expect(encodeBase64(alphabetBytes())).to.equal(STANDARD_ALPHABET);
  });

  it("encodes a Uint8Array view with an offset, not its whole buffer", () => {
    const backing = new Uint8Array([0xff, 0x66, 0x6f, 0x6f, 0xff]);
    expect(encodeBase64(backing.subarray(1, 4))).to.equal("Zm9v");
  });
});

describe("encodeBase64Url", () => {
  it("uses - and _ for values 62 and 63, without padding", () => {
    expect(encodeBase64Url(alphabetBytes())).to.equal(STANDARD_ALPHABET.replace("+", "-").replace("/", "_"));
    expect(encodeBase64Url(Buffer.from([0xfb, 0xff]))).to.equal("-_8");
  });

  for (const [input, expected] of SPEC_EXAMPLES) {
    it(`matches the standard form for "${input}" when no 62/63 appear`, () => {
      expect(encodeBase64Url(Buffer.from(input, "utf8"))).to.equal(expected);
    });
  }
});

describe("decodeBase64", () => {
  for (const [expected, input] of SPEC_EXAMPLES) {
    it(`decodes "${input}" unpadded and padded`, () => {
      expect(decodeBase64(input).toString("utf8")).to.equal(expected);
      const padded = input + "=".repeat((4 - (input.length % 4)) % 4);
      expect(decodeBase64(padded).toString("utf8")).to.equal(expected);
    });
  }

  it("decodes both alphabets", () => {
    expect([...decodeBase64(STANDARD_ALPHABET)]).to.deep.equal([...alphabetBytes()]);
    expect([...decodeBase64("-_8")]).to.deep.equal([0xfb, 0xff]);
    expect([...decodeBase64("+/8")]).to.deep.equal([0xfb, 0xff]);
  });

  it("accepts non-zero trailing bits, as in the spec's test seed", () => {
    const seed = decodeBase64("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1");
    expect(seed.length).to.equal(32);
    expect(encodeBase64(seed)).to.equal("YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0");
    expect([...decodeBase64("Zh")]).to.deep.equal([...decodeBase64("Zg")]);
  });

  it("round-trips random bytes of every length mod 3", () => {
    for (let length = 0; length < 70; length++) {
      const bytes = randomBytes(length);
      expect(decodeBase64(encodeBase64(bytes)).equals(bytes)).to.equal(true);
      expect(decodeBase64(encodeBase64Url(bytes)).equals(bytes)).to.equal(true);
    }
  });

  for (const [label, input] of [
    ["a character outside both alphabets", "Zm9v!"],
    ["whitespace", "Zm9v Yg"],
    ["a newline", "Zm9v\nYg"],
    ["a length of 1 mod 4", "Zm9vY"],
    ["a single character", "Z"],
    ["mixed alphabets", "+-8"],
    ["padding in the middle", "Zg==Zm8"],
    ["three padding characters", "Zg==="],
    ["too much padding", "Zm8=="],
    ["padding on a full group", "Zm9v="],
    ["too little padding", "Zg="],
    ["only padding", "=="],
  ] as Array<[string, string]>) {
    it(`rejects ${label}`, () => {
      expect(() => decodeBase64(input)).to.throw(Error, /invalid base64/);
    });
  }
});
