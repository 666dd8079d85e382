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
  let range = 0;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    while (range < python.unassigned.length && python.unassigned[range][1] < cp) range++;
    const [start, end] = python.unassigned[range] ?? [Infinity, Infinity];
    if (start <= cp && cp <= end) continue;
    const ch = String.fromCodePoint(cp);
    if (!UNASSIGNED.test(ch)) yield [cp, ch];
  }
}

test("phrase keys, code keys and whitespace agree with Python for every character", () => {
  const differences = [];
  let compared = 0;
  for (const [cp, ch] of assignedInBoth()) {
    compared++;
    const phrase = python.phrase_key[cp] ?? ch;
    const code = python.code_key[cp] ?? ch;
    const space = python.whitespace.includes(cp);
    const got = {
      phrase: fold.phraseKey(ch),
      code: fold.codeKey(ch),
      collapsed: fold.collapseWhitespace(`a${ch}b`),
      stripped: fold.strip(ch),
    };
    const want = {
      phrase,
      code,
      collapsed: space ? "a b" : `a${ch}b`,
      stripped: space ? "" : ch,
    };
    if (JSON.stringify(got) !== JSON.stringify(want)) differences.push([cp.toString(16), got, want]);
  }
  assert.ok(compared > 100000, `only ${compared} code points compared`);
  assert.deepEqual(differences.slice(0, 10), []);
});
