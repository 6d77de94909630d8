import { expect } from "chai";
import { compileGlob, compileLiteralWords } from "../../../src/services/push/push-glob.js";

describe("compileGlob", () => {
  describe("whole values", () => {
    // The spec's event_match example: key content.topic, pattern lunc?*.
    const lunch = compileGlob("lunc?*", "whole");

    it("matches the spec's examples, case-insensitively, * matching nothing too", () => {
      expect(lunch.test("Lunch plans")).to.equal(true);
      expect(lunch.test("LUNCH")).to.equal(true);
    });

    it("refuses the spec's counter-examples: a leading space, ? with nothing to match", () => {
      expect(lunch.test(" lunch")).to.equal(false);
      expect(lunch.test("lunc")).to.equal(false);
    });

    it("compiles a pattern once: every rule using it shares the expression", () => {
      expect(compileGlob("m.room.member", "whole")).to.equal(compileGlob("m.room.member", "whole"));
      expect(compileGlob("m.room.member", "words")).to.not.equal(compileGlob("m.room.member", "whole"));
    });

    it("must match the entire value", () => {
      expect(compileGlob("m.notice", "whole").test("m.notice")).to.equal(true);
      expect(compileGlob("m.notice", "whole").test("xm.notice")).to.equal(false);
      expect(compileGlob("m.notice", "whole").test("m.notices")).to.equal(false);
    });

    it("takes every other character literally, regular expression syntax included", () => {
      expect(compileGlob("a.b", "whole").test("axb")).to.equal(false);
      expect(compileGlob("(x)+[y]{2}|$^\\/", "whole").test("(x)+[y]{2}|$^\\/")).to.equal(true);
      expect(compileGlob("", "whole").test("")).to.equal(true);
      expect(compileGlob("", "whole").test("a")).to.equal(false);
    });

    it("? matches one character, an emoji or a newline too", () => {
      expect(compileGlob("a?b", "whole").test("a😀b")).to.equal(true);
      expect(compileGlob("a?b", "whole").test("a\nb")).to.equal(true);
      expect(compileGlob("a*b", "whole").test("a\n\nb")).to.equal(true);
    });

    it("folds case beyond ASCII", () => {
      expect(compileGlob("ÉTÉ", "whole").test("été")).to.equal(true);
    });
  });

  describe("words (content.body)", () => {
    // The spec's example: pattern ex*ple.
    const example = compileGlob("ex*ple", "words");

    it("matches a substring between word boundaries (the spec's examples)", () => {
      expect(example.test("An example event.")).to.equal(true);
      expect(example.test("exple")).to.equal(true);
      expect(example.test("An exciting triple-whammy")).to.equal(true);
    });

    it("does not match inside a word", () => {
      const cake = compileGlob("cake", "words");
      expect(cake.test("I like cake")).to.equal(true);
      expect(cake.test("cake!")).to.equal(true);
      expect(cake.test("Cakes")).to.equal(false);
      expect(cake.test("pancake")).to.equal(false);
      expect(cake.test("cake_walk")).to.equal(false);
      expect(cake.test("cake2")).to.equal(false);
    });
  });
});

describe("compileLiteralWords", () => {
  it("matches a display name as a whole word, case-insensitively, without wildcards", () => {
    expect(compileLiteralWords("Alice").test("hey alice, hi")).to.equal(true);
    expect(compileLiteralWords("Alice").test("malice")).to.equal(false);
    expect(compileLiteralWords("A*").test("Ab")).to.equal(false);
    expect(compileLiteralWords("A*").test("say A* now")).to.equal(true);
  });
});
