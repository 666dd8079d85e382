// What the tests are given by tests/test_npm_package.py, which builds the packages they test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The value of a variable the driver sets; the tests cannot run without it. */
export function given(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through tests/test_npm_package.py`);
  return value;
}

/** The package (its index.js, or another of its modules) built in `directory`. */
export function load(directory, module = "index.js") {
  return import(pathToFileURL(join(directory, module)).href);
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}
