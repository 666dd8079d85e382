// Generates the vodspec npm package from a published data dir: the datasets and the data's
// licence text copied byte for byte (once they pass their own JSON Schemas: check.mjs), the
// code's licence (LICENSE, Apache-2.0), TypeScript declarations generated from the datasets'
// JSON Schemas, the runtime from src/, and a package.json named and versioned with the data.
// The same data gives the same files, byte for byte.
//
// The output folder must be missing, empty, or hold nothing but files this generator writes
// (an earlier output): those are overwritten, and nothing else is ever touched.
//
//   node build.mjs [--data DIR] [--out DIR]     (defaults: ../data and ./dist)

import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { recordErrors, schemaErrors, SchemaError } from "./check.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The datasets the package ships (each with its schema beside it in the data dir). */
const DATASETS = ["status_codes", "error_codes"];
/** The data's licence text, published by `vodspec build` in the data dir (shipped in data/). */
const LICENCE = "LICENSE.md";
/** The code's licence (Apache-2.0), at the top of the repository; shipped as LICENSE. */
const CODE_LICENCE = join(HERE, "..", "LICENSE");
/** Both, as pyproject.toml declares them: the code Apache-2.0, the data under its own. */
const LICENSE_EXPRESSION = "Apache-2.0 AND LicenseRef-huaweicloudDocs-vod";
/** The runtime, copied from src/ as it is. */
const SOURCES = ["index.js", "fold.js", "index.d.ts", "README.md"];
const SEMVER = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;

class Refusal extends Error {}

function read(path, what) {
  try {
    // A link could lead anywhere (outside the data dir): only the dir's own files are packed.
    if (lstatSync(path).isSymbolicLink()) throw new Refusal(`${path} is a symbolic link; not packed`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof Refusal) throw error;
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

/** The data version: the one every dataset and datapackage.json (at `path`) carry. */
function dataVersion(path, manifest, dataDir, datasets) {
  const versions = new Map([[path, manifest?.version]]);
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

/**
 * Refuses a dataset whose bytes are not those datapackage.json lists, as `vodspec validate`
 * does: a data dir edited by hand is not packed under the published version.
 */
function checkHashes(path, manifest, dataDir, datasets) {
  const resources = Array.isArray(manifest?.resources) ? manifest.resources : [];
  const listed = new Map(resources.map((resource) => [resource?.path, resource?.hash]));
  for (const [name, { bytes }] of Object.entries(datasets)) {
    const file = `${name}.json`;
    if (listed.get(file) !== `sha256:${createHash("sha256").update(bytes).digest("hex")}`) {
      throw new Refusal(
        `${join(dataDir, file)} is not the file ${path} lists (another sha256: edited by hand?); not packed`,
      );
    }
  }
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

/** A dataset refused unless it is valid by its own schema and its records are sound. */
function checked(name, path, document, schema) {
  let problems;
  try {
    problems = [...schemaErrors(document, schema), ...recordErrors(name, document)];
  } catch (error) {
    if (error instanceof SchemaError) throw new Refusal(`${path}: ${error.message}`);
    throw error;
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw new Refusal(`${path} is not a sound dataset: ${problems[0]}${more}; not packed`);
  }
}

function packageJson(version, files) {
  return {
    name: "vodspec",
    version,
    description:
      "Huawei Cloud VOD's documented HTTP status codes and error codes as data, with typed lookups.",
    // The code (index.js, fold.js, the types) is Apache-2.0 (LICENSE); the data and its text
    // are under the licence of Huawei Cloud's documentation (data/LICENSE.md).
    license: LICENSE_EXPRESSION,
    type: "module",
    // The JSON files ship in data/ but are not exported: an importer could change the very
    // objects the lookups answer with (a JSON module is one shared, unfrozen object).
    exports: { ".": { types: "./index.d.ts", default: "./index.js" } },
    types: "./index.d.ts",
    files,
    sideEffects: false,
    engines: { node: ">=20.10" },
  };
}

/** The top folders of `names` (paths relative to the output folder). */
const foldersOf = (names) => new Set(names.filter((n) => n.includes("/")).map((n) => n.split("/")[0]));

/**
 * Refuses `out` unless it is missing, empty, or an earlier output for `names` (paths relative
 * to it): real folders and files at exactly those paths, none missing or added, and a
 * package.json naming "vodspec". Nothing is touched, and no link is followed.
 */
function checkOutput(out, names) {
  const folders = foldersOf(names);
  const wanted = new Set(names);
  const stat = (path) => {
    try {
      return lstatSync(path);
    } catch (error) {
      if (error.code === "ENOENT") return undefined;
      throw new Refusal(`cannot read ${path}: ${error.message}`);
    }
  };
  const top = stat(out);
  if (top?.isSymbolicLink()) throw new Refusal(`${out} is a symbolic link; name the real folder`);
  if (top && !top.isDirectory()) throw new Refusal(`${out} exists and is not a folder; not touched`);
  const foreign = [];
  const list = (folder, prefix) => {
    try {
      return readdirSync(folder).map((name) => `${prefix}${name}`);
    } catch (error) {
      throw new Refusal(`cannot list ${folder}: ${error.message}`);
    }
  };
  for (const name of top ? list(out, "") : []) {
    const entry = stat(join(out, name));
    if (folders.has(name) && entry.isDirectory()) {
      for (const inner of list(join(out, name), `${name}/`)) {
        if (!wanted.has(inner) || !stat(join(out, inner)).isFile()) foreign.push(inner);
      }
    } else if (!wanted.has(name) || !entry.isFile()) {
      foreign.push(name);
    }
  }
  const shown = (list) => list.sort().slice(0, 5).join(", ") + (list.length > 5 ? " …" : "");
  if (foreign.length > 0) {
    throw new Refusal(`${out} holds files this generator did not write (${shown(foreign)}); not touched`);
  }
  const present = names.filter((name) => stat(join(out, name)) !== undefined);
  const lost = names.filter((name) => !present.includes(name));
  if (present.length > 0 && lost.length > 0) {
    throw new Refusal(
      `${out} is not a whole earlier output (no ${shown(lost)}); not touched: remove it, or name an empty folder`,
    );
  }
  if (present.length > 0) {
    let manifest;
    try {
      manifest = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    } catch {
      manifest = undefined;
    }
    if (manifest?.name !== "vodspec") {
      throw new Refusal(`${out}/package.json is not this generator's (no "name": "vodspec"); not touched`);
    }
  }
}

/** Makes `out` ready for `names`, once checkOutput allows it: its files are then overwritten. */
function prepare(out, names) {
  checkOutput(out, names);
  try {
    for (const folder of [...foldersOf(names)].sort()) mkdirSync(join(out, folder), { recursive: true });
  } catch (error) {
    throw new Refusal(`cannot make ${out}: ${error.message}`);
  }
}

/** Every file the package holds, sorted (what build() writes). */
function outputNames() {
  return [
    ...DATASETS.flatMap((name) => [`data/${name}.json`, `types/${name}.d.ts`]),
    `data/${LICENCE}`,
    "LICENSE",
    ...SOURCES,
    "package.json",
  ].sort();
}

export async function build(dataDir, out) {
  const datasets = {};
  for (const name of DATASETS) {
    const path = join(dataDir, `${name}.json`);
    const bytes = read(path, `the package ships both datasets (${DATASETS.join(", ")})`);
    const schemaPath = join(dataDir, `${name}.schema.json`);
    const schema = json(schemaPath, read(schemaPath, "its types are generated from it"));
    const document = json(path, bytes);
    checked(name, path, document, schema);
    datasets[name] = { bytes, document, schema };
  }
  const licence = read(
    join(dataDir, LICENCE),
    "the package must ship the data's licence text (vodspec build publishes it)",
  );
  const packagePath = join(dataDir, "datapackage.json");
  const dataPackage = json(packagePath, read(packagePath, "expected a vodspec data dir"));
  const version = dataVersion(packagePath, dataPackage, dataDir, datasets);
  checkHashes(packagePath, dataPackage, dataDir, datasets);
  // The output folder is checked before the types are generated (the slow part): a folder
  // that is not the generator's is refused at once.
  checkOutput(out, outputNames());
  const files = new Map();
  for (const [name, { bytes, schema }] of Object.entries(datasets)) {
    files.set(`data/${name}.json`, bytes);
    files.set(`types/${name}.d.ts`, Buffer.from(await declarations(name, schema)));
  }
  files.set(`data/${LICENCE}`, licence);
  files.set("LICENSE", read(CODE_LICENCE, "the code's licence text (Apache-2.0)"));
  for (const name of SOURCES) files.set(name, read(join(HERE, "src", name), "part of the runtime"));
  const listed = [...files.keys()].sort();
  const manifest = `${JSON.stringify(packageJson(version, listed), null, 2)}\n`;
  files.set("package.json", Buffer.from(manifest));
  const names = [...files.keys()].sort();
  if (names.join("\n") !== outputNames().join("\n")) throw new Error("outputNames() is not what is written");
  prepare(out, names);
  try {
    // A new file renamed over the old one: writing into the old file in place would write
    // through a hard link someone made there, into a file outside the output folder.
    for (const name of names) {
      const temporary = join(out, `${name}.${process.pid}.tmp`);
      try {
        writeFileSync(temporary, files.get(name), { flag: "wx" });
        renameSync(temporary, join(out, name));
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    }
  } catch (error) {
    throw new Refusal(`cannot write ${error.path ?? out}: ${error.message}`);
  }
  return { version, files: [...files.keys()].sort() };
}

const USAGE = `usage: node build.mjs [-h|--help] [--data DIR] [--out DIR]

Generate the vodspec npm package from a published data dir (default: the data folder beside
this script's folder) into a folder (default: dist beside this script) that is missing,
empty or an earlier output of this generator.`;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: {
        data: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
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
