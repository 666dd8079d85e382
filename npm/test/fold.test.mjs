// The package folds every character as Python does: tests/test_npm_package.py writes what
// vodspec.registry's functions give for each code point Python's Unicode database assigns.
import assert from "node:assert/strict";
import { test } from "node:test";
import { given, load, readJson } from "./support.mjs";

const fold = await load(given("VODSPEC_PACKAGE"), "fold.js");
const python = readJson(given("VODSPEC_FOLD_TABLE"));
const UNASSIGNED = /^[\p{Cn}\p{Cs}]$/u;

/** Code points both Unicode databases assign (each side's newer characters left out). */
function* assignedInBoth() {
  let cp = 0;
  for (const [start, end] of [...python.unassigned, [0x110000, 0x110000]]) {
    for (; cp < start; cp++) {
      const ch = String.fromCodePoint(cp);
      if (!UNASSIGNED.test(ch)) yield [cp, ch];
    }
    cp = end + 1;
  }
}

test("phrase keys, code keys and whitespace agree with Python for every character", () => {
  const space = new Set(python.whitespace);
  const differences = [];
  let compared = 0;
  for (const [cp, ch] of assignedInBoth()) {
    compared++;
    const expected = [
      python.phrase_key[cp] ?? ch,
      python.code_key[cp] ?? ch,
      space.has(cp) ? "a b" : `a${ch}b`,
      space.has(cp) ? "" : ch,
    ];
    const found = [
      fold.phraseKey(ch),
      fold.codeKey(ch),
      fold.collapseWhitespace(`a${ch}b`),
      fold.strip(ch),
    ];
    if (found.some((value, i) => value !== expected[i])) {
      differences.push({ codePoint: cp.toString(16), found, expected });
    }
  }
  assert.ok(compared > 100000, `only ${compared} code points compared`);
  assert.deepEqual(differences.slice(0, 10), []);
});
