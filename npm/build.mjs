// Generates the vodspec npm package from a published data dir: the datasets and the data's
// licence text copied byte for byte, TypeScript declarations generated from the datasets'
// JSON Schemas, the runtime from src/, and a package.json named and versioned with the data.
// The same data gives the same files, byte for byte.
//
//   node build.mjs [--data DIR] [--out DIR]     (defaults: ../data and ./dist)

import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The datasets the package ships (each with its schema beside it in the data dir). */
const DATASETS = ["status_codes", "error_codes"];
/** The data's licence text, published by `vodspec build` in the data dir. */
const LICENCE = "LICENSE.md";
/** The runtime, copied from src/ as it is. */
const SOURCES = ["index.js", "fold.js", "index.d.ts", "README.md"];
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

class Refusal extends Error {}

function read(path, what) {
  try {
    return readFileSync(path);
  } catch (error) {
    if (error.code === "ENOENT") throw new Refusal(`${path} is missing; ${what}`);
    throw new Refusal(`cannot read ${path}: ${error.message}`);
  }
}

function json(path, bytes) {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new Refusal(`${path} is not JSON: ${error.message}`);
  }
}

/** The data version: the one every dataset and datapackage.json carry. */
function dataVersion(dataDir, datasets) {
  const path = join(dataDir, "datapackage.json");
  const versions = new Map([[path, json(path, read(path, "expected a vodspec data dir")).version]]);
  for (const [name, { document }] of Object.entries(datasets)) {
    versions.set(join(dataDir, `${name}.json`), document.version);
  }
  const found = new Set(versions.values());
  const [version] = found;
  if (found.size !== 1 || typeof version !== "string" || !SEMVER.test(version)) {
    const listed = [...versions].map(([file, v]) => `${file}: ${JSON.stringify(v)}`).join(", ");
    throw new Refusal(`the data dir does not carry one semver version (${listed})`);
  }
  return version;
}

async function declarations(name, schema) {
  // Imported here: only the generator needs it (a devDependency; the package has none).
  const { compile } = await import("json-schema-to-typescript");
  const typeName = name === "status_codes" ? "StatusCodesDataset" : "ErrorCodesDataset";
  return compile({ ...schema, title: typeName }, typeName, {
    bannerComment: `// Generated from ${name}.schema.json by json-schema-to-typescript: do not edit.`,
    cwd: HERE, // no $ref leaves the schema; nothing is resolved against the current folder
  });
}

function packageJson(version, files) {
  const dataExports = Object.fromEntries(
    DATASETS.map((name) => [`./data/${name}.json`, `./data/${name}.json`]),
  );
  return {
    name: "vodspec",
    version,
    description:
      "Huawei Cloud VOD's documented HTTP status codes and error codes as data, with typed lookups.",
    license: `SEE LICENSE IN ${LICENCE}`,
    type: "module",
    exports: { ".": { types: "./index.d.ts", default: "./index.js" }, ...dataExports },
    types: "./index.d.ts",
    files,
    sideEffects: false,
    engines: { node: ">=20.10" },
  };
}

/** Empties `out` when it is missing, empty, or an earlier output of this generator. */
function prepare(out) {
  if (existsSync(out) && readdirSync(out).length > 0) {
    const manifest = join(out, "package.json");
    const earlier = existsSync(manifest) && json(manifest, read(manifest, "")).name === "vodspec";
    if (!earlier) throw new Refusal(`${out} holds files this generator did not write; not touched`);
    rmSync(out, { recursive: true });
  }
  mkdirSync(join(out, "data"), { recursive: true });
  mkdirSync(join(out, "types"), { recursive: true });
}

export async function build(dataDir, out) {
  const datasets = {};
  for (const name of DATASETS) {
    const path = join(dataDir, `${name}.json`);
    const bytes = read(path, `the package ships both datasets (${DATASETS.join(", ")})`);
    const schemaPath = join(dataDir, `${name}.schema.json`);
    const schema = json(schemaPath, read(schemaPath, "its types are generated from it"));
    datasets[name] = { bytes, document: json(path, bytes), schema };
  }
  const licence = read(
    join(dataDir, LICENCE),
    "the package must ship the data's licence text (vodspec build publishes it)",
  );
  const version = dataVersion(dataDir, datasets);
  const files = new Map();
  for (const [name, { bytes, schema }] of Object.entries(datasets)) {
    files.set(`data/${name}.json`, bytes);
    files.set(`types/${name}.d.ts`, Buffer.from(await declarations(name, schema)));
  }
  files.set(LICENCE, licence);
  for (const name of SOURCES) files.set(name, read(join(HERE, "src", name), "part of the runtime"));
  const listed = [...files.keys()].sort();
  const manifest = `${JSON.stringify(packageJson(version, listed), null, 2)}\n`;
  files.set("package.json", Buffer.from(manifest));
  prepare(out);
  for (const name of [...files.keys()].sort()) writeFileSync(join(out, name), files.get(name));
  return { version, files: [...files.keys()].sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: { data: { type: "string" }, out: { type: "string" } },
      allowPositionals: false,
    });
    const dataDir = resolve(values.data ?? join(HERE, "..", "data"));
    const out = resolve(values.out ?? join(HERE, "dist"));
    const { version, files } = await build(dataDir, out);
    console.log(`wrote ${out}: vodspec ${version} (${files.length} files)`);
  } catch (error) {
    const message = error instanceof Refusal || error.code?.startsWith?.("ERR_PARSE_ARGS")
      ? error.message
      : `internal error: ${error.stack ?? error}`;
    process.stderr.write(`vodspec npm package: ${message.split("\n")[0]}\n`);
    process.exitCode = 1;
  }
}
