// How vodspec folds a query before matching it, exactly as the Python accessor does
// (vodspec/registry.py): Python's str.split() whitespace, str.casefold() and str.isalnum(),
// one code point at a time. A test sweeps every code point that both Unicode databases
// assign and compares these functions with Python's.

// Python's str.isspace(): the Unicode White_Space characters plus the ASCII separators
// \x1c-\x1f; not U+FEFF, which JavaScript's \s includes.
const WHITESPACE = "[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const WHITESPACE_RUNS = new RegExp(`${WHITESPACE}+`, "gu");
const WHITESPACE_AT_ENDS = new RegExp(`^${WHITESPACE}+|${WHITESPACE}+$`, "gu");
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** Python's `text.strip()`. */
export function strip(text) {
  return text.replace(WHITESPACE_AT_ENDS, "");
}

/** Python's `" ".join(text.split())`: runs of whitespace become one space, none at the ends. */
export function collapseWhitespace(text) {
  return strip(text).replace(WHITESPACE_RUNS, " ");
}

/** Python's str.casefold() of one code point (Unicode full case folding). */
function foldCodePoint(ch) {
  const cp = ch.codePointAt(0);
  // Upper- then lower-casing folds every character but these.
  if (cp === 0x131) return ch; // dotless ı folds to itself; upper-casing makes it I
  if (cp === 0x1e9e) return "ss"; // capital sharp s: lower-casing gives ß, folding "ss"
  // Cherokee folds to its capital letters (lower-casing goes the other way).
  if (cp >= 0x13a0 && cp <= 0x13f5) return ch;
  if (cp >= 0x13f8 && cp <= 0x13fd) return String.fromCodePoint(cp - 8);
  if (cp >= 0xab70 && cp <= 0xabbf) return String.fromCodePoint(cp - 0xab70 + 0x13a0);
  // One code point at a time: lower-casing a whole string would turn a word's last Σ into
  // ς (JavaScript's final-sigma rule); casefold() has no context.
  return ch.toUpperCase().toLowerCase();
}

/** Python's str.casefold(). */
export function casefold(text) {
  let folded = "";
  for (const ch of text) folded += foldCodePoint(ch);
  return folded;
}

/** Python's str.isalnum() of one code point. */
function isAlnum(ch) {
  return LETTER_OR_NUMBER.test(ch);
}

/** registry._phrase_key: "Not Found", "not found", "NOT_FOUND" and "not-found" are one key. */
export function phraseKey(text) {
  let key = "";
  for (const ch of casefold(text)) if (isAlnum(ch)) key += ch;
  return key;
}

/** registry._code_key: " VOD.10053 " and "vod.10053" are one key; null for a non-string. */
export function codeKey(code) {
  return typeof code === "string" ? casefold(code.replace(WHITESPACE_RUNS, "")) : null;
}
