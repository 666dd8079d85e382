// vodspec: Huawei Cloud VOD's documented HTTP status codes and error codes, as data.
// The lookups mirror the Python accessor's (vodspec/registry.py), query folding included.

import statusDataset from "./data/status_codes.json" with { type: "json" };
import errorDataset from "./data/error_codes.json" with { type: "json" };
import { codeKey, collapseWhitespace, phraseKey, strip } from "./fold.js";

/** The version of the data this package ships (semver); also the package's version. */
export const dataVersion = statusDataset.version;

/** No status code matches the query (thrown by status()). */
export class UnknownStatusError extends Error {
  name = "UnknownStatusError";
}

/** No record of the error code (under the HTTP status asked for) exists (thrown by error()). */
export class UnknownErrorCodeError extends Error {
  name = "UnknownErrorCodeError";
}

// Records are shared by every caller: copies of the JSON (not the JSON modules' own objects),
// frozen all the way down, so that no caller can change another's.
function frozen(value) {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

const STATUSES = frozen(structuredClone(statusDataset.records));
const ERRORS = frozen(structuredClone(errorDataset.records));
const BY_CODE = new Map(STATUSES.map((record) => [record.code, record]));
const PHRASES = STATUSES.filter((record) => record.reason).map((record) => [
  phraseKey(record.reason),
  record,
]);
// A phrase that two codes share finds neither of them.
const BY_PHRASE = new Map(
  PHRASES.filter(([key]) => PHRASES.filter(([other]) => other === key).length === 1),
);
const BY_ERROR = new Map();
for (const record of ERRORS) {
  const key = codeKey(record.error_code);
  if (!BY_ERROR.has(key)) BY_ERROR.set(key, []);
  BY_ERROR.get(key).push(record);
}
const ASCII_DIGITS = /^[0-9]+$/;
/** Python's registry._int: digit text of fewer than ten digits is an integer, longer is none. */
const SHORT_DIGITS = /^[0-9]{1,9}$/;

/** An integer query as a number (Python ints: bigint too; never a boolean), else undefined. */
function integer(query) {
  if (typeof query === "number") return Number.isInteger(query) ? query : undefined;
  if (typeof query === "bigint") return Number(query);
  return undefined;
}

/** Like status(), but undefined for anything unknown. */
export function getStatus(query) {
  const number = integer(query);
  if (number !== undefined) return BY_CODE.get(number);
  if (typeof query !== "string") return undefined;
  const text = collapseWhitespace(query); // "404\tNot Found" is "404 Not Found"
  const space = text.indexOf(" ");
  const head = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space + 1);
  if (head.length === 3 && ASCII_DIGITS.test(head)) {
    const record = BY_CODE.get(Number(head));
    if (record === undefined || !rest) return record;
    // "404 Not Found" must name the phrase the dataset has for that code.
    if (record.reason && phraseKey(rest) === phraseKey(record.reason)) return record;
    return undefined;
  }
  return text ? BY_PHRASE.get(phraseKey(text)) : undefined;
}

/**
 * The record of a status code, given as 404, "404", "404 Not Found", "not found" or
 * "NOT_FOUND". Throws UnknownStatusError when nothing matches.
 */
export function status(query) {
  const record = getStatus(query);
  if (record === undefined) {
    throw new UnknownStatusError(`no VOD status code matches ${shown(query)}`);
  }
  return record;
}

/** Every status record, sorted by code. */
export function statuses() {
  return STATUSES;
}

/** Every error-code record, in page order. */
export function errorCodes() {
  return ERRORS;
}

/** A status given as error() takes it, as a number; undefined when it names none. */
function statusNumber(status) {
  const wanted = getStatus(status); // 500, "500", "Internal Server Error"
  if (wanted !== undefined) return wanted.code;
  const number = integer(status);
  if (number !== undefined) return number;
  const text = typeof status === "string" ? strip(status) : "";
  return SHORT_DIGITS.test(text) ? Number(text) : undefined;
}

/** Like error(), but an empty array for anything unknown. */
export function getError(code, status) {
  const found = BY_ERROR.get(codeKey(code) ?? "") ?? [];
  if (status === undefined || status === null) return Object.freeze([...found]);
  const number = statusNumber(status);
  return Object.freeze(
    found.filter((record) => number !== undefined && record.http_status === number),
  );
}

/**
 * Every record of an error code ("VOD.10053", case and whitespace folded), one per HTTP
 * status it is listed under; only those under `status` when given. Throws
 * UnknownErrorCodeError when there are none.
 */
export function error(code, status) {
  const found = getError(code, status);
  if (found.length === 0) {
    const under = status === undefined || status === null ? "" : ` under HTTP status ${shown(status)}`;
    throw new UnknownErrorCodeError(`no VOD error code matches ${shown(code)}${under}`);
  }
  return found;
}

/** A query for a message: any value, even one String() cannot show (no prototype, a
 * toString that throws), gives text rather than an error of its own. A string, an object
 * or an array is shown as JSON, so that {} is not "[object Object]". */
function shown(value) {
  let text;
  try {
    if (typeof value === "bigint") text = `${value}n`;
    else if (typeof value === "string" || (typeof value === "object" && value !== null)) {
      text = JSON.stringify(value) ?? String(value); // undefined: a toJSON that gives nothing
    } else text = String(value);
  } catch {
    text = `an object (${typeof value})`;
  }
  return text.length <= 60 ? text : `${text.slice(0, 59)}…`;
}
