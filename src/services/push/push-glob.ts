/**
 * Glob matching for push rules. https://spec.matrix.org/v1.19/appendices/#glob-style-matching
 * "The character `*` matches zero or more characters. `?` matches exactly one character." Every
 * other character stands for itself.
 *
 * Matches are case-insensitive (Unicode simple case folding) and count code points, not UTF-16
 * units, so `?` matches one emoji. Two modes
 * (https://spec.matrix.org/v1.19/client-server-api/#conditions-1):
 * - `whole`: "must match the entire value of the event property";
 * - `words` (`content.body` and content rules): "must match any substring of the value … which
 *   starts and ends at a word boundary. A word boundary is defined as the start or end of the
 *   value, or any character not in the sets [A-Z], [a-z], [0-9] or _."
 */

import { LruCache } from "../../storage/lru-cache.js";

/** Characters with a meaning in a `u`-flag regular expression (only these may be escaped). */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const NOT_WORD = "[^A-Za-z0-9_]";

export type GlobMode = "whole" | "words";

/**
 * Compiled patterns, shared by every user's rules (most are the default rules' own). A pattern's
 * expression has no `g` or `y` flag, so `test` keeps no state in it and sharing it is safe.
 */
const compiled = new LruCache<string, RegExp>(10_000);

/** The regular expression of `pattern` (compile once, test many). */
export function compileGlob(pattern: string, mode: GlobMode): RegExp {
  const key = `${mode}\u0000${pattern}`;
  let regex = compiled.get(key);
  if (regex === undefined) compiled.set(key, (regex = globToRegExp(pattern, mode)));
  return regex;
}

function globToRegExp(pattern: string, mode: GlobMode): RegExp {
  let source = "";
  let lastWasStar = false;
  for (const ch of pattern) {
    if (ch === "*") {
      // Consecutive stars match what one does: collapse them (less backtracking).
      if (!lastWasStar) source += "[\\s\\S]*";
      lastWasStar = true;
      continue;
    }
    lastWasStar = false;
    source += ch === "?" ? "[\\s\\S]" : ch.replace(REGEX_SYNTAX, "\\$&");
  }
  return wrap(source, mode);
}

/** A literal text (a display name) matched in `words` mode: no wildcards. */
export function compileLiteralWords(text: string): RegExp {
  return wrap(text.replace(REGEX_SYNTAX, "\\$&"), "words");
}

function wrap(source: string, mode: GlobMode): RegExp {
  return mode === "whole" ? new RegExp(`^(?:${source})$`, "iu") : new RegExp(`(?:^|${NOT_WORD})(?:${source})(?:${NOT_WORD}|$)`, "iu");
}
