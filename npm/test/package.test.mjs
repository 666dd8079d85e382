// The package built from a data dir answers from exactly that dir's records.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { given, load, readJson } from "./support.mjs";

const PACKAGE = given("VODSPEC_PACKAGE");
const DATA = given("VODSPEC_DATA");
const vodspec = await load(PACKAGE);
const statusDataset = readJson(join(DATA, "status_codes.json"));
const errorDataset = readJson(join(DATA, "error_codes.json"));

test("statuses() and errorCodes() are the published records, in order", () => {
  assert.deepEqual(vodspec.statuses(), statusDataset.records);
  assert.deepEqual(vodspec.errorCodes(), errorDataset.records);
});

test("dataVersion is the data's version and the package's", () => {
  assert.equal(vodspec.dataVersion, statusDataset.version);
  assert.equal(vodspec.dataVersion, readJson(join(DATA, "datapackage.json")).version);
  assert.equal(readJson(join(PACKAGE, "package.json")).version, vodspec.dataVersion);
});

test("every code is found by number, by text and with its own reason phrase", () => {
  for (const record of statusDataset.records) {
    assert.deepEqual(vodspec.status(record.code), record);
    assert.equal(vodspec.status(String(record.code)), vodspec.status(record.code));
    assert.equal(vodspec.getStatus(` ${record.code}\t`), vodspec.status(record.code));
    if (record.reason) {
      assert.equal(vodspec.status(`${record.code} ${record.reason}`), vodspec.status(record.code));
    }
  }
});

test("a reason phrase no other code has finds its code, in constant style too", () => {
  const key = (text) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const asciiReasons = statusDataset.records.filter((r) => r.reason && /^[\x20-\x7e]+$/.test(r.reason));
  for (const record of asciiReasons) {
    const shared = asciiReasons.filter((other) => key(other.reason) === key(record.reason));
    const expected = shared.length === 1 ? record : undefined;
    assert.deepEqual(vodspec.getStatus(record.reason), expected);
    const constant = record.reason.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
    assert.deepEqual(vodspec.getStatus(constant), expected);
  }
});

test("an unknown code is undefined to getStatus() and thrown at by status()", () => {
  const known = new Set(statusDataset.records.map((r) => r.code));
  const unknown = [...Array(500).keys()].map((i) => i + 100).find((code) => !known.has(code));
  assert.equal(vodspec.getStatus(unknown), undefined);
  assert.throws(() => vodspec.status(unknown), vodspec.UnknownStatusError);
  assert.throws(() => vodspec.status(unknown), /no VOD status code matches/);
});

test("error() returns every record of a code, case and whitespace folded", () => {
  const byCode = new Map();
  for (const record of errorDataset.records) {
    byCode.set(record.error_code, [...(byCode.get(record.error_code) ?? []), record]);
  }
  for (const [code, records] of byCode) {
    assert.deepEqual(vodspec.error(code), records);
    if (/^[\x21-\x7e]+$/.test(code)) assert.deepEqual(vodspec.error(` ${code.toLowerCase()} `), records);
    for (const record of records.filter((r) => r.http_status !== null)) {
      const under = records.filter((r) => r.http_status === record.http_status);
      assert.deepEqual(vodspec.error(code, record.http_status), under);
      assert.deepEqual(vodspec.getError(code, String(record.http_status)), under);
    }
  }
  assert.deepEqual(vodspec.getError("no such code"), []);
  assert.throws(() => vodspec.error("no such code"), vodspec.UnknownErrorCodeError);
});

test("records are frozen: no caller can change another's", () => {
  const record = vodspec.statuses()[0];
  assert.throws(() => {
    record.code = 0;
  }, TypeError);
  assert.throws(() => {
    record.paragraphs.push("x");
  }, TypeError);
  assert.throws(() => {
    vodspec.statuses().pop();
  }, TypeError);
  assert.throws(() => {
    vodspec.error(vodspec.errorCodes()[0].error_code).pop();
  }, TypeError);
});

test("the package has no runtime dependency", () => {
  const manifest = readJson(join(PACKAGE, "package.json"));
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.type, "module");
});

test("records are frozen all the way down, and not the JSON files' own objects", () => {
  const frozenThroughout = (value) =>
    typeof value !== "object" || value === null || (Object.isFrozen(value) && Object.values(value).every(frozenThroughout));
  assert.ok(vodspec.statuses().every(frozenThroughout));
  assert.ok(vodspec.errorCodes().every(frozenThroughout));
});

test("an object or an array asked for is named as JSON in the message", () => {
  for (const [query, named] of [[{}, "{}"], [{ code: 404 }, '{"code":404}'], [[404], "[404]"]]) {
    assert.throws(() => vodspec.status(query), { message: `no VOD status code matches ${named}` });
    assert.throws(() => vodspec.error(query), { message: `no VOD error code matches ${named}` });
  }
});

test("a query no message can show is still unknown, not a TypeError", () => {
  const throwing = { toString: () => { throw new Error("no"); } };
  for (const query of [Object.create(null), throwing, Symbol("s"), [Object.create(null)]]) {
    assert.equal(vodspec.getStatus(query), undefined);
    assert.throws(() => vodspec.status(query), vodspec.UnknownStatusError);
    assert.throws(() => vodspec.error(query), vodspec.UnknownErrorCodeError);
    assert.throws(() => vodspec.error(vodspec.errorCodes()[0].error_code, query), vodspec.UnknownErrorCodeError);
  }
});
