import { expect } from "chai";
import { CanonicalJsonError, canonicalJson, canonicalJsonBytes, canonicalJsonWithout } from "../../src/crypto/canonical-json.js";

/** The "Canonical JSON" examples of the spec appendix: input JSON text → expected output. */
const SPEC_EXAMPLES: Array<[string, string]> = [
  ["{}", "{}"],
  [`{
    "one": 1,
    "two": "Two"
}`, `{"one":1,"two":"Two"}`],
  [`{
    "b": "2",
    "a": "1"
}`, `{"a":"1","b":"2"}`],
  [`{"b":"2","a":"1"}`, `{"a":"1","b":"2"}`],
  [`{
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                {
                    "medium": "email",
                    "address": "john.doe@example.org"
                },
                {
                    "medium": "msisdn",
                    "address": "123456789"
                }
            ]
        }
    }
}`, `{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}`],
  [`{
    "a": "日本語"
}`, `{"a":"日本語"}`],
  [`{
    "本": 2,
    "日": 1
}`, `{"日":1,"本":2}`],
  [`{
    "a": "\\u65E5"
}`, `{"a":"日"}`],
  [`{
    "a": null
}`, `{"a":null}`],
  [`{
    "a": -0,
    "b": 1e10
}`, `{"a":0,"b":10000000000}`],
];

/** The escape the grammar requires for one character, derived from its `escaped` rule. */
function grammarEncoding(code: number): string {
  const named: Record<number, string> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r", 0x22: '\\"', 0x5c: "\\\\" };
  if (named[code] !== undefined) return named[code];
  if (code < 0x20) return "\\u00" + code.toString(16).padStart(2, "0");
  return String.fromCodePoint(code);
}

/** Independent code point comparison: compares arrays of code points. */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** A seeded generator so failures are reproducible. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const KEY_ALPHABET = ["a", "b", "Z", "0", "9", "_", "\u00e9", "\u65e5", "\uFB01", "\uFFFF", "\u{1F600}", "\u{10FFFF}", "\n", '"'];

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
  switch (pick) {
    case 0:
      return Math.floor((random() - 0.5) * 2 ** 40);
    case 1:
      return randomKey(random);
    case 2:
      return random() < 0.5 ? null : random() < 0.5;
    case 3:
      return Number.MAX_SAFE_INTEGER * (random() < 0.5 ? 1 : -1);
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 6); i > 0; i--) object[randomKey(random)] = randomValue(random, depth + 1);
      return object;
    }
  }
}

function randomKey(random: () => number): string {
  let key = "";
  for (let i = Math.floor(random() * 4); i > 0; i--) key += KEY_ALPHABET[Math.floor(random() * KEY_ALPHABET.length)];
  return key;
}

/** Checks every object in `text` lists its keys in code point order, by re-parsing with a reviver. */
function keysInCodePointOrder(text: string): boolean {
  let ordered = true;
  JSON.parse(text, function (this: unknown, _key, value: unknown) {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.some((k) => /^(0|[1-9]\d*)$/.test(k))) return value; // integer keys are reordered by JS objects
      for (let i = 1; i < keys.length; i++) if (byCodePoint(keys[i - 1] as string, keys[i] as string) >= 0) ordered = false;
    }
    return value;
  });
  return ordered;
}

describe("canonicalJson", () => {
  describe("the spec's examples", () => {
    for (const [input, expected] of SPEC_EXAMPLES) {
      it(`encodes ${JSON.stringify(JSON.parse(input))} as ${expected}`, () => {
        expect(canonicalJson(JSON.parse(input))).to.equal(expected);
      });
    }
  });

  it("returns bytes that are the UTF-8 of the text", () => {
    const bytes = canonicalJsonBytes({ a: "日本語", b: "\u{1F600}" });
    expect(bytes.toString("hex")).to.equal(Buffer.from('{"a":"日本語","b":"\u{1F600}"}', "utf8").toString("hex"));
    expect(bytes.length).to.equal(28);
  });

  describe("key order", () => {
    it("sorts by code point, putting U+FB01 before U+1F600 although its UTF-16 unit is higher", () => {
      const text = canonicalJson({ "\u{1F600}": 1, "\uFB01": 2 });
      expect(text).to.equal('{"\uFB01":2,"\u{1F600}":1}');
      expect(["\u{1F600}", "\uFB01"].sort()[0]).to.equal("\u{1F600}"); // what plain UTF-16 order would give
    });

    it("orders astral keys after U+E000..U+FFFF and among themselves by code point", () => {
      const keys = ["\u{10FFFF}", "\uFFFF", "\u{1F600}", "\uE000", "\uD7FF", "\u{10000}", "a\u{1F600}", "a\uFFFD", "a"];
      const object = Object.fromEntries(keys.map((k, i) => [k, i]));
      const expectedOrder = [...keys].sort(byCodePoint);
      expect(Object.keys(JSON.parse(canonicalJson(object)))).to.deep.equal(expectedOrder);
      expect(expectedOrder).to.deep.equal(["a", "a\uFFFD", "a\u{1F600}", "\uD7FF", "\uE000", "\uFFFF", "\u{10000}", "\u{1F600}", "\u{10FFFF}"]);
    });

    it("sorts integer-like keys as strings, not numerically as JS objects hold them", () => {
      expect(canonicalJson({ 9: "a", 10: "b", 1: "c", "": "d" })).to.equal('{"":"d","1":"c","10":"b","9":"a"}');
    });

    it("puts a prefix before its extensions", () => {
      expect(canonicalJson({ ab: 1, a: 2, abc: 3 })).to.equal('{"a":2,"ab":1,"abc":3}');
    });

    it("escapes keys like values", () => {
      expect(canonicalJson({ 'q"\n': 1 })).to.equal('{"q\\"\\n":1}');
    });
  });

  describe("strings", () => {
    it("escapes exactly what the grammar escapes for every ASCII character", () => {
      for (let code = 0; code < 0x80; code++) {
        expect(canonicalJson(String.fromCharCode(code)), `U+${code.toString(16)}`).to.equal(`"${grammarEncoding(code)}"`);
      }
    });

    it("writes non-ASCII characters as themselves, including U+2028, U+2029 and astral ones", () => {
      for (const char of ["\u0080", "\u00e9", "\u2028", "\u2029", "\uFEFF", "\uFFFF", "\u{1F600}", "\u{10FFFF}"]) {
        expect(canonicalJson(char)).to.equal(`"${char}"`);
      }
    });

    it("uses lower-case hex in \\u escapes", () => {
      expect(canonicalJson("\u000b\u001f\u000e")).to.equal('"\\u000b\\u001f\\u000e"');
    });

    it("escapes a lone surrogate (it has no UTF-8 form)", () => {
      expect(canonicalJson("\uD800x")).to.equal('"\\ud800x"');
    });
  });

  describe("numbers", () => {
    it("writes -0 as 0", () => {
      expect(canonicalJson(-0)).to.equal("0");
      expect(canonicalJson([-0])).to.equal("[0]");
    });

    it("accepts the ends of the range [-(2**53)+1, (2**53)-1]", () => {
      expect(canonicalJson([2 ** 53 - 1, -(2 ** 53) + 1])).to.equal("[9007199254740991,-9007199254740991]");
    });

    for (const [label, value] of [
      ["2**53", 2 ** 53],
      ["-(2**53)", -(2 ** 53)],
      ["1.5", 1.5],
      ["-0.1", -0.1],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["-Infinity", -Infinity],
      ["1e300", 1e300],
    ] as Array<[string, number]>) {
      it(`rejects ${label}`, () => {
        expect(() => canonicalJson({ a: value })).to.throw(CanonicalJsonError);
      });
    }
  });

  describe("structure", () => {
    it("writes nested arrays and objects without whitespace", () => {
      expect(canonicalJson([[[]], [1, [2, [3]]], [{}], { z: [{ b: 1, a: [true, false, null] }] }])).to.equal(
        '[[[]],[1,[2,[3]]],[{}],{"z":[{"a":[true,false,null],"b":1}]}]',
      );
    });

    it("writes top-level scalars", () => {
      expect([null, true, false, 0, "x"].map(canonicalJson)).to.deep.equal(["null", "true", "false", "0", '"x"']);
    });

    it("leaves out keys whose value is undefined, as JSON.stringify does", () => {
      expect(canonicalJson({ a: undefined, b: 1, c: undefined })).to.equal('{"b":1}');
      expect(canonicalJson({ a: undefined })).to.equal("{}");
    });

    it("accepts objects without a prototype", () => {
      const object = Object.create(null) as Record<string, unknown>;
      object.b = 1;
      object.a = 2;
      expect(canonicalJson(object)).to.equal('{"a":2,"b":1}');
    });

    it("keeps a __proto__ key that JSON.parse made an own property", () => {
      expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":1}'))).to.equal('{"__proto__":{"x":1},"a":1}');
    });

    it("accepts deep but finite nesting", () => {
      let value: unknown = 1;
      for (let i = 0; i < 500; i++) value = [value];
      expect(canonicalJson(value)).to.equal("[".repeat(500) + "1" + "]".repeat(500));
    });
  });

  describe("rejections", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: Array<[string, unknown]> = [
      ["undefined at the top", undefined],
      ["undefined in an array", [1, undefined]],
      ["a hole in an array", [1, , 2]], // the hole is the point
      ["a bigint", { a: 1n }],
      ["a function", { a: () => 1 }],
      ["a symbol", { a: Symbol("s") }],
      ["a Date", { a: new Date(0) }],
      ["a Map", { a: new Map() }],
      ["a Buffer", { a: Buffer.from("x") }],
      ["a boxed string", { a: new String("x") }],
      ["a class instance", { a: new (class Thing {})() }],
      ["a reference cycle", cyclic],
    ];
    for (const [label, value] of cases) {
      it(`rejects ${label}`, () => {
        expect(() => canonicalJson(value)).to.throw(CanonicalJsonError);
      });
    }

    it("names where the bad value is", () => {
      const err = (() => {
        try {
          canonicalJson({ content: { list: [1, 2, 1.5] } });
        } catch (e) {
          return e as CanonicalJsonError;
        }
        throw new Error("did not throw");
      })();
      expect(err.path).to.deep.equal(["content", "list", 2]);
      expect(err.message).to.contain('$["content"]["list"][2]');
    });
  });

  describe("generated values", () => {
    it("round-trips through JSON.parse, is idempotent and orders keys by code point", () => {
      const random = prng(42);
      for (let i = 0; i < 500; i++) {
        const value = randomValue(random, 0);
        const text = canonicalJson(value);
        const reparsed: unknown = JSON.parse(text);
        expect(reparsed).to.deep.equal(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reparsed)).to.equal(text);
        expect(keysInCodePointOrder(text), text).to.equal(true);
        expect(text.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.to.match(/\s/); // no whitespace outside strings
      }
    });
  });
});

describe("canonicalJsonWithout", () => {
  it("leaves out the named top-level keys only", () => {
    const object = { signatures: { x: 1 }, unsigned: { y: 2 }, content: { signatures: 3, unsigned: 4 }, z: 0 };
    expect(canonicalJsonWithout(object, ["signatures", "unsigned"])).to.equal('{"content":{"signatures":3,"unsigned":4},"z":0}');
  });

  it("does not modify the object", () => {
    const object = { b: 1, a: 2, signatures: {} };
    canonicalJsonWithout(object, ["signatures"]);
    expect(Object.keys(object)).to.deep.equal(["b", "a", "signatures"]);
  });

  it("requires a plain object", () => {
    expect(() => canonicalJsonWithout([1], [])).to.throw(CanonicalJsonError);
  });
});
