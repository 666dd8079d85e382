// The shared lookup cases (tests/lookup_cases.json), which the Python accessor answers too.
import assert from "node:assert/strict";
import { test } from "node:test";
import { given, load, readJson } from "./support.mjs";

const vodspec = await load(given("VODSPEC_PACKAGE"));
const cases = readJson(given("VODSPEC_LOOKUP_CASES"));

for (const { query, expect } of cases.status) {
  test(`status(${JSON.stringify(query)})`, () => {
    assert.equal(vodspec.getStatus(query)?.code ?? null, expect);
    if (expect === null) assert.throws(() => vodspec.status(query), vodspec.UnknownStatusError);
    else assert.equal(vodspec.status(query).code, expect);
  });
}

for (const { code, status, expect } of cases.error) {
  test(`error(${JSON.stringify(code)}, ${JSON.stringify(status)})`, () => {
    const found = vodspec.getError(code, status).map((r) => [r.error_code, r.http_status]);
    assert.deepEqual(found, expect);
    if (expect.length === 0) {
      assert.throws(() => vodspec.error(code, status), vodspec.UnknownErrorCodeError);
    } else {
      assert.deepEqual(vodspec.error(code, status), vodspec.getError(code, status));
    }
  });
}
