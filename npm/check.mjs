// What build.mjs checks of a data dir before it packs it: every dataset against its own JSON
// Schema (the keywords vodspec's generated schemas use, as JSON Schema 2020-12 defines them;
// tests/test_npm_package.py checks every keyword of the generated schemas is known here, and
// any other keyword is refused, never ignored), and what a schema cannot say:
// each record once, status codes unique and sorted, the dataset's kind its file's.

export const ANNOTATIONS = new Set(["$schema", "$id", "title", "description", "default", "examples", "$defs"]);
export const CHECKED = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "minimum",
  "maximum",
  "minLength",
  "minItems",
  "pattern",
  "anyOf",
  "$ref",
]);

export class SchemaError extends Error {}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

function isType(value, name) {
  switch (name) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      throw new SchemaError(`unknown type ${JSON.stringify(name)}`);
  }
}

/** JSON equality (Python's == on parsed JSON, booleans apart from numbers). */
export function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
  }
  return a === b;
}

function check(value, schema, root, path, found) {
  if (!isObject(schema)) throw new SchemaError(`${path}: a schema that is not an object`);
  const unknown = Object.keys(schema).filter((k) => !ANNOTATIONS.has(k) && !CHECKED.has(k));
  if (unknown.length) throw new SchemaError(`schema keyword(s) not implemented: ${unknown.sort().join(", ")}`);
  if ("$ref" in schema) {
    const ref = schema.$ref;
    const name = typeof ref === "string" && ref.startsWith("#/$defs/") ? ref.slice(8) : undefined;
    if (name === undefined || !isObject(root.$defs) || !Object.hasOwn(root.$defs, name)) {
      throw new SchemaError(`only local #/$defs/ references are implemented, not ${JSON.stringify(ref)}`);
    }
    check(value, root.$defs[name], root, path, found);
  }
  if ("anyOf" in schema && schema.anyOf.every((option) => sub(value, option, root, path).length > 0)) {
    found.push(`${path}: matches none of the allowed forms`);
  }
  if ("type" in schema) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((name) => isType(value, name))) {
      found.push(`${path}: expected ${types.join(" or ")}, got ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`);
      return;
    }
  }
  if ("enum" in schema && !schema.enum.some((option) => same(option, value))) {
    found.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if ("const" in schema && !same(schema.const, value)) found.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (typeof value === "number") {
    if ("minimum" in schema && value < schema.minimum) found.push(`${path}: ${value} is below ${schema.minimum}`);
    if ("maximum" in schema && value > schema.maximum) found.push(`${path}: ${value} is above ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if ("minLength" in schema && [...value].length < schema.minLength) found.push(`${path}: shorter than ${schema.minLength}`);
    if ("pattern" in schema && !new RegExp(schema.pattern, "u").test(value)) {
      found.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(value)) {
    if ("minItems" in schema && value.length < schema.minItems) found.push(`${path}: fewer than ${schema.minItems} items`);
    if ("items" in schema) value.forEach((item, i) => check(item, schema.items, root, `${path}[${i}]`, found));
  }
  if (isObject(value)) {
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!Object.hasOwn(value, name)) found.push(`${path}: missing ${JSON.stringify(name)}`);
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) check(item, properties[name], root, `${path}.${name}`, found);
      else if (schema.additionalProperties === false) found.push(`${path}: unexpected property ${JSON.stringify(name)}`);
      else if (isObject(schema.additionalProperties)) check(item, schema.additionalProperties, root, `${path}.${name}`, found);
    }
  }
}

function sub(value, schema, root, path) {
  const found = [];
  check(value, schema, root, path, found);
  return found;
}

/** Every way `value` breaks `schema`, as "path: problem" lines; [] when it is valid. */
export function schemaErrors(value, schema) {
  try {
    return sub(value, schema, schema, "$");
  } catch (error) {
    if (error instanceof SchemaError) throw error;
    // A malformed schema (anyOf not a list, a bad pattern…) or data nested too deeply.
    throw new SchemaError(`malformed schema (${error.name}: ${error.message})`);
  }
}

/** What a schema cannot say of a dataset `name` (status_codes, error_codes): its problems. */
export function recordErrors(name, document) {
  if (!isObject(document)) return ["expected a JSON object"];
  const found = [];
  if (document.kind !== name) found.push(`kind is ${JSON.stringify(document.kind)}, expected ${JSON.stringify(name)}`);
  const records = document.records;
  if (!Array.isArray(records)) return [...found, "expected records to be a list"];
  records.forEach((record, i) => {
    const first = records.findIndex((other) => same(other, record));
    if (first < i) found.push(`record ${i + 1} repeats record ${first + 1}`);
  });
  if (name === "status_codes") {
    const codes = records.map((record) => record?.code);
    if (codes.some((code, i) => !Number.isInteger(code) || (i > 0 && code <= codes[i - 1]))) {
      found.push("codes are not unique, sorted integers");
    }
  }
  return found;
}
