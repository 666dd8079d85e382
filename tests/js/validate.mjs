// Validate every data/<kind>.json against data/<kind>.schema.json with ajv (JSON Schema 2020-12).
// Usage: node tests/js/validate.mjs DATA_DIR   (exit 0 valid, 1 invalid)
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";

const dir = process.argv[2] ?? "data";
const schemas = readdirSync(dir).filter((name) => name.endsWith(".schema.json"));
if (schemas.length === 0) {
  console.error(`no *.schema.json in ${dir}`);
  process.exit(1);
}
let failed = false;
for (const schemaName of schemas) {
  const dataName = schemaName.replace(".schema.json", ".json");
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(join(dir, schemaName), "utf8")));
  const data = JSON.parse(readFileSync(join(dir, dataName), "utf8"));
  if (validate(data)) {
    console.log(`${dataName}: valid (${data.records.length} records)`);
  } else {
    failed = true;
    for (const error of validate.errors) console.log(`${dataName}: ${error.instancePath} ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
