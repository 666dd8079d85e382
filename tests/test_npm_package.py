"""The npm package (npm/): generated from data/ by npm/build.mjs, tested with Node's own
test runner, type-checked with tsc --strict, packed with exactly its files.

Its devDependencies (json-schema-to-typescript, typescript) are installed once per run
with `npm ci` from npm/package-lock.json into npm/node_modules (ignored by git).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, LOOKUP_CASES, ROOT
from docblocks import IMPORTS_THE_NPM_PACKAGE, Block, all_blocks

from vodspec.registry import _code_key, phrase_key

NPM = ROOT / "npm"
NODE_TESTS = NPM / "test"
#: What `npm pack` must ship: the datasets, both licences (the code's, Apache-2.0, and the
#: data's beside it), the types, the code, README.
PACKED = {
    "package.json",
    "README.md",
    "LICENSE",
    "data/LICENSE.md",
    "index.js",
    "fold.js",
    "index.d.ts",
    "data/status_codes.json",
    "data/error_codes.json",
    "types/status_codes.d.ts",
    "types/error_codes.d.ts",
}
#: The data's licence text: `vodspec build` publishes it in data/.
LICENCE = "LICENSE.md"


#: The oldest Node.js the package supports (npm/build.mjs writes it as "engines").
OLDEST_NODE = (20, 10)


def _required(name: str) -> str:
    path = shutil.which(name)
    missing = None if path else f"{name} is not installed"
    if path and name == "node":
        # "v20.10.0" -> (20, 10)
        found = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        version = tuple(int(part) for part in found.stdout.strip().lstrip("v").split(".")[:2])
        if version < OLDEST_NODE:
            missing = f"node {found.stdout.strip()} is older than the package supports"
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(missing)  # CI must run these tests, not skip them
        pytest.skip(f"{missing} (Node.js 20.10 or later runs the npm package's tests)")
    assert path is not None
    return path


def test_the_oldest_node_is_the_packages_engines(package: Path) -> None:
    manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    assert manifest["engines"]["node"] == ">={}.{}".format(*OLDEST_NODE)


@pytest.fixture(scope="session")
def node() -> str:
    return _required("node")


@pytest.fixture(scope="session")
def installed(node: str) -> Path:
    """npm/node_modules, installed by `npm ci` once for all xdist workers (a file lock, and a
    stamp holding the hash of the lock file it was installed from)."""
    npm = _required("npm")
    lock = (NPM / "package-lock.json").read_bytes()
    stamp = NPM / "node_modules" / ".vodspec-installed"
    wanted = hashlib.sha256(lock).hexdigest()
    with (NPM / ".install.lock").open("w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if not stamp.is_file() or stamp.read_text() != wanted:
            result = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(NPM)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            if result.returncode != 0:
                message = f"npm ci in npm/ failed: {result.stderr.strip()[-500:]}"
                if os.environ.get("CI"):
                    pytest.fail(message)
                pytest.skip(message)
            stamp.write_text(wanted)
    return NPM / "node_modules"


def with_licence(data: Path, folder: Path) -> Path:
    """``data`` itself if it has the licence text; else a copy of it with a stand-in one
    (until the build publishes it, everything else is still tested)."""
    if (data / LICENCE).is_file():
        return data
    copy = folder / "data"
    shutil.copytree(data, copy)
    (copy / LICENCE).write_text("Stand-in licence text (tests only).\n", encoding="utf-8")
    return copy


def generate(node: str, data: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [node, str(NPM / "build.mjs"), "--data", str(data), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def generated(node: str, data: Path, out: Path) -> Path:
    result = generate(node, data, out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, installed: Path, node: str) -> Path:
    """The data the package is built from: data/ (with a stand-in licence if it has none)."""
    return with_licence(DATA, tmp_path_factory.mktemp("published"))


@pytest.fixture(scope="session")
def package(tmp_path_factory: pytest.TempPathFactory, published: Path, node: str) -> Path:
    """The npm package generated from data/."""
    return generated(node, published, tmp_path_factory.mktemp("npm") / "vodspec")


def node_test(node: str, test: str, **env: Path) -> None:
    result = subprocess.run(
        [node, "--test", str(NODE_TESTS / test)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **{name: str(value) for name, value in env.items()}},
    )
    failed = [line for line in result.stdout.splitlines() if line.startswith("not ok")]
    assert result.returncode == 0, "\n".join(failed) + "\n" + result.stdout[-4000:] + result.stderr


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_package_ships_the_published_files_unchanged(package: Path, published: Path) -> None:
    for name in ("status_codes.json", "error_codes.json"):
        assert (package / "data" / name).read_bytes() == (DATA / name).read_bytes()
    assert (package / "data" / LICENCE).read_bytes() == (published / LICENCE).read_bytes()
    assert (package / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    manifest = json.loads((package / "package.json").read_bytes())
    version = json.loads((DATA / "datapackage.json").read_bytes())["version"]
    assert (manifest["name"], manifest["version"]) == ("vodspec", version)
    assert "dependencies" not in manifest


def test_the_package_declares_both_licences_as_the_wheel_does(package: Path) -> None:
    """The code is Apache-2.0, the data under its own licence: one SPDX expression names
    both (pyproject.toml's), and both texts ship; the README says which covers what."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    manifest = json.loads((package / "package.json").read_bytes())
    assert manifest["license"] == project["license"]
    assert all((package / name).is_file() for name in project["license-files"])
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "Apache-2.0" in readme and "data/LICENSE.md" in readme


def test_the_package_version_is_the_wheels(package: Path) -> None:
    """The wheel's version, as hatch reads it (pyproject.toml, [tool.hatch.version])."""
    hatch = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]
    source = (ROOT / hatch["version"]["path"]).read_text(encoding="utf-8")
    wheel = re.search(hatch["version"]["pattern"], source, re.MULTILINE)
    assert wheel is not None
    manifest = json.loads((package / "package.json").read_bytes())
    assert manifest["version"] == wheel["version"]


def test_same_data_gives_the_same_bytes(
    package: Path, published: Path, node: str, tmp_path: Path
) -> None:
    again = generated(node, published, tmp_path / "again")
    assert files(again) == files(package)
    # Over its own earlier output, one file of it stale: overwritten file by file.
    (again / "index.js").write_text("stale", encoding="utf-8")
    generated(node, published, again)
    assert files(again) == files(package)


def test_npm_pack_lists_exactly_the_package_files(package: Path) -> None:
    result = subprocess.run(
        [_required("npm"), "pack", "--dry-run", "--json", "--ignore-scripts"],
        cwd=package,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (packed,) = json.loads(result.stdout)
    assert {entry["path"] for entry in packed["files"]} == PACKED
    assert packed["version"] == json.loads((DATA / "datapackage.json").read_bytes())["version"]


def test_node_test_runner_on_the_package(package: Path, published: Path, node: str) -> None:
    node_test(node, "package.test.mjs", VODSPEC_PACKAGE=package, VODSPEC_DATA=published)


def test_the_shared_lookup_cases(
    lookup_data: Path, installed: Path, node: str, tmp_path: Path
) -> None:
    built = generated(node, with_licence(lookup_data, tmp_path), tmp_path / "vodspec")
    node_test(
        node, "lookup_cases.test.mjs", VODSPEC_PACKAGE=built, VODSPEC_LOOKUP_CASES=LOOKUP_CASES
    )


def python_folding() -> dict[str, Any]:
    """What vodspec.registry's folding gives for each code point Python's Unicode database
    assigns, where it is not the character itself; and the ranges it does not assign."""
    table: dict[str, Any] = {"unassigned": [], "phrase_key": {}, "code_key": {}, "whitespace": []}
    unassigned = table["unassigned"]
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) in ("Cn", "Cs"):  # surrogates: no character either
            if unassigned and unassigned[-1][1] == cp - 1:
                unassigned[-1][1] = cp
            else:
                unassigned.append([cp, cp])
            continue
        phrase, code = phrase_key(ch), _code_key(ch)
        if phrase != ch:
            table["phrase_key"][cp] = phrase
        if code != ch:
            table["code_key"][cp] = code
        if ch.isspace():
            table["whitespace"].append(cp)
    return table


def test_folding_agrees_with_python_for_every_character(
    package: Path, node: str, tmp_path: Path
) -> None:
    path = tmp_path / "python-folding.json"
    path.write_text(json.dumps(python_folding()), encoding="utf-8")
    node_test(node, "fold.test.mjs", VODSPEC_PACKAGE=package, VODSPEC_FOLD_TABLE=path)


def typecheck(installed: Path, node: str, package: Path, folder: Path, *consumers: str) -> str:
    """tsc --strict --noEmit on consumer files of npm/test that import "vodspec" (built in
    ``package``): its errors, one per line ("" when they type-check)."""
    (folder / "node_modules").mkdir(parents=True)
    (folder / "node_modules" / "vodspec").symlink_to(package, target_is_directory=True)
    for consumer in consumers:
        shutil.copy(NODE_TESTS / consumer, folder / consumer)
    options = {
        "strict": True,
        "noEmit": True,
        "module": "nodenext",
        "moduleResolution": "nodenext",
        "target": "es2022",
        # No DOM and no @types: the package needs neither, and tsc starts three times faster.
        "lib": ["es2022"],
        "types": [],
        # The package's own declarations are checked; TypeScript's standard library is not.
        "skipDefaultLibCheck": True,
    }
    config = {"compilerOptions": options, "files": list(consumers)}
    (folder / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    tsc = installed / "typescript" / "bin" / "tsc"
    result = subprocess.run(
        [node, str(tsc), "-p", "tsconfig.json"],
        cwd=folder,  # file names in its errors are relative to it
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 2), result.stdout + result.stderr  # 2: errors found
    return result.stdout


@pytest.fixture(scope="session")
def type_errors(
    installed: Path, node: str, package: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[str]:
    """What tsc --strict says of both consumer files (one run: tsc is slow to start)."""
    folder = tmp_path_factory.mktemp("typecheck")
    output = typecheck(installed, node, package, folder, "consumer.ts", UNKNOWN_FIELD)
    return output.splitlines()


#: A consumer reading ``retry_count``, a field the records do not have.
UNKNOWN_FIELD = "consumer_unknown_field.ts"


def test_a_typescript_consumer_calling_status_reason_type_checks(type_errors: list[str]) -> None:
    assert "status(404).reason" in (NODE_TESTS / "consumer.ts").read_text(encoding="utf-8")
    assert not [line for line in type_errors if line.startswith("consumer.ts")]


def test_reading_a_field_the_records_lack_fails_to_type_check(
    type_errors: list[str], published: Path
) -> None:
    schema = json.loads((published / "status_codes.schema.json").read_bytes())
    assert "retry_count" not in schema["$defs"]["StatusRecord"]["properties"]
    assert type_errors, "tsc accepted a field the records do not have"
    assert all(line.startswith(UNKNOWN_FIELD) for line in type_errors), type_errors
    assert "error TS2339" in type_errors[0] and "retry_count" in type_errors[0]


def test_a_field_added_to_the_schema_reaches_the_types(
    installed: Path, node: str, published: Path, tmp_path: Path
) -> None:
    schema = json.loads((published / "status_codes.schema.json").read_bytes())
    record = schema["$defs"]["StatusRecord"]
    record["properties"]["retry_count"] = {"type": "integer"}
    record["required"].append("retry_count")
    data = tmp_path / "data"
    shutil.copytree(published, data)
    (data / "status_codes.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    dataset = json.loads((data / "status_codes.json").read_bytes())  # the data has it too
    dataset["records"] = [{**r, "retry_count": 0} for r in dataset["records"]]
    (data / "status_codes.json").write_text(json.dumps(dataset), encoding="utf-8")
    relisted(data, "status_codes.json")  # as a build would list it
    widened = generated(node, data, tmp_path / "widened")
    assert typecheck(installed, node, widened, tmp_path / "consumer", UNKNOWN_FIELD) == ""


def relisted(data: Path, name: str) -> None:
    """datapackage.json lists the file ``name`` as it now is."""
    package = json.loads((data / "datapackage.json").read_bytes())
    for resource in package["resources"]:
        if resource["path"] == name:
            resource["hash"] = "sha256:" + hashlib.sha256((data / name).read_bytes()).hexdigest()
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")


def test_a_dataset_edited_by_hand_is_not_packed(published: Path, node: str, tmp_path: Path) -> None:
    # `vodspec validate` refuses such a data dir; the package would ship it as the release.
    data = tmp_path / "data"
    shutil.copytree(published, data)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][0]["description"] = "edited"
    (data / "status_codes.json").write_text(json.dumps(dataset), encoding="utf-8")
    result = generate(node, data, tmp_path / "out")
    _one_line_refusal(result, "is not the file")
    assert not (tmp_path / "out").exists()
    relisted(data, "status_codes.json")
    assert generate(node, data, tmp_path / "out").returncode == 0


def _one_line_refusal(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert expected in line and "at " not in line and "internal error" not in line, line


def _refused_untouched(node: str, data: Path, out: Path, folder: Path, expected: str) -> None:
    """The generator refuses ``out`` in one line, and nothing under ``folder`` changes."""
    before = tree(folder)
    _one_line_refusal(generate(node, data, out), expected)
    assert tree(folder) == before


def test_a_data_dir_without_the_licence_text_is_refused(
    published: Path, node: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(published, data)
    (data / LICENCE).unlink()
    result = generate(node, data, tmp_path / "out")
    _one_line_refusal(result, f"{data / LICENCE} is missing")
    assert not (tmp_path / "out").exists()


def test_datasets_of_different_versions_are_refused(
    published: Path, node: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(published, data)
    dataset = json.loads((data / "error_codes.json").read_bytes())
    dataset["version"] = "0.0.1" if dataset["version"] != "0.0.1" else "0.0.2"
    (data / "error_codes.json").write_text(json.dumps(dataset), encoding="utf-8")
    _one_line_refusal(generate(node, data, tmp_path / "out"), "does not carry one semver version")


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target, "dir" for a folder."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        else:
            found[name] = path.read_bytes() if path.is_file() else "dir"
    return found


#: Folders of earlier outputs with something more, or other: none may be touched.
FOREIGN = {
    "a file of the user's": {"notes.txt": "mine"},
    "a project named vodspec": {"package.json": '{"name": "vodspec"}', "src/main.js": "x"},
    "an earlier output plus a file": {"index.js": "old", "data/notes.txt": "mine"},
    "a folder where a file goes": {"index.js/keep": "mine"},
    "a .git folder": {"package.json": '{"name": "vodspec"}', ".git/HEAD": "ref"},
}


@pytest.mark.parametrize("contents", FOREIGN.values(), ids=FOREIGN.keys())
def test_an_output_folder_holding_anything_else_is_left_alone(
    published: Path, node: str, tmp_path: Path, contents: dict[str, str]
) -> None:
    out = tmp_path / "out"
    for name, text in contents.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    _refused_untouched(node, published, out, out, "holds files this generator did not write")


def _without(name: str) -> Any:
    return lambda out: (out / name).unlink()


def _package_json(text: str) -> Any:
    return lambda out: (out / "package.json").write_text(text, encoding="utf-8")


#: An earlier output changed so that it may be someone's: never overwritten.
NOT_AN_OUTPUT = {
    "a file lost": _without("types/error_codes.d.ts"),
    "only what a small project has": lambda out: [
        path.unlink() for path in out.rglob("*") if path.is_file() and path.name != "README.md"
    ],
    "package.json of null": _package_json("null"),
    "package.json of another name": _package_json('{"name": "other"}'),
    "package.json not JSON": _package_json("{"),
}


@pytest.mark.parametrize("change", NOT_AN_OUTPUT.values(), ids=NOT_AN_OUTPUT.keys())
def test_a_folder_that_is_not_a_whole_earlier_output_is_left_alone(
    package: Path, published: Path, node: str, tmp_path: Path, change: Any
) -> None:
    out = tmp_path / "out"
    shutil.copytree(package, out)
    change(out)
    _refused_untouched(node, published, out, out, "not touched")


@pytest.mark.parametrize("kind", ["a link to a folder", "a file", "a dangling link"])
def test_an_output_path_that_is_not_a_folder_is_refused_in_one_line(
    published: Path, node: str, tmp_path: Path, kind: str
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    out = tmp_path / "out"
    if kind == "a file":
        out.write_text('{"name": "vodspec"}', encoding="utf-8")
    else:
        out.symlink_to(target if kind == "a link to a folder" else tmp_path / "none")
    _refused_untouched(node, published, out, tmp_path, str(out))


def test_a_link_inside_an_earlier_output_is_refused_not_followed(
    package: Path, published: Path, node: str, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    shutil.copytree(package, out)
    shutil.rmtree(out / "data")
    (out / "data").symlink_to(elsewhere, target_is_directory=True)
    _refused_untouched(node, published, out, tmp_path, "holds files this generator did not write")


def test_a_hard_link_in_an_earlier_output_is_replaced_not_written_through(
    package: Path, published: Path, node: str, tmp_path: Path
) -> None:
    """A file of the output hard-linked to one elsewhere: the generator's new file replaces
    the link; the file elsewhere keeps its bytes."""
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"the user's own file\n")
    out = tmp_path / "out"
    shutil.copytree(package, out)
    (out / "data" / "status_codes.json").unlink()
    os.link(victim, out / "data" / "status_codes.json")
    generated(node, published, out)
    assert victim.read_bytes() == b"the user's own file\n"
    assert files(out) == files(package)


def _edited(published: Path, tmp_path: Path, name: str, edit: Any) -> Path:
    data = tmp_path / "data"
    shutil.copytree(published, data)
    document = json.loads((data / name).read_bytes())
    (data / name).write_text(json.dumps(edit(document)), encoding="utf-8")
    return data


def _with(document: Any, **changes: Any) -> Any:
    return {**document, **changes}


#: Datasets `vodspec validate` refuses, edited in ways no one check names: the generator
#: refuses them by the datasets' own schemas and by what a schema cannot say.
UNSOUND = {
    "a status code as text": (
        "status_codes.json",
        lambda d: _with(d, records=[{**r, "code": str(r["code"])} for r in d["records"]]),
    ),
    "a status record twice": (
        "status_codes.json",
        lambda d: _with(d, records=[d["records"][0], *d["records"]]),
    ),
    "an error record twice": (
        "error_codes.json",
        lambda d: _with(d, records=[*d["records"], d["records"][-1]]),
    ),
    "an unknown field": (
        "error_codes.json",
        lambda d: _with(d, records=[{**d["records"][0], "retry": 1}, *d["records"][1:]]),
    ),
    "a required field lost": (
        "status_codes.json",
        lambda d: _with(
            d, records=[{k: v for k, v in r.items() if k != "reason"} for r in d["records"]]
        ),
    ),
    "records not a list": ("error_codes.json", lambda d: _with(d, records={})),
    "the other kind": ("status_codes.json", lambda d: _with(d, kind="error_codes")),
    "null": ("status_codes.json", lambda d: None),
    "a datapackage.json of null": ("datapackage.json", lambda d: None),
}


@pytest.mark.parametrize("case", UNSOUND.values(), ids=UNSOUND.keys())
def test_a_data_dir_validate_refuses_is_not_packed(
    published: Path, node: str, tmp_path: Path, case: tuple[str, Any]
) -> None:
    name, edit = case
    data = _edited(published, tmp_path, name, edit)
    from vodspec.reading import DataDir
    from vodspec.tools.validate import validate_dir

    assert [p for p in validate_dir(DataDir(data)) if p.kind == "damaged"]  # validate refuses it
    _one_line_refusal(generate(node, data, tmp_path / "out"), name)
    assert not (tmp_path / "out").exists()


def test_a_schema_keyword_the_checker_lacks_is_refused_not_ignored(
    published: Path, node: str, tmp_path: Path
) -> None:
    data = _edited(
        published, tmp_path, "status_codes.schema.json", lambda s: _with(s, uniqueItems=True)
    )
    _one_line_refusal(generate(node, data, tmp_path / "out"), "not implemented: uniqueItems")


@pytest.mark.parametrize("name", [LICENCE, "status_codes.json", "status_codes.schema.json"])
def test_a_link_in_the_data_dir_is_not_packed(
    published: Path, node: str, tmp_path: Path, name: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(published, data)
    outside = tmp_path / "outside"
    outside.write_bytes((data / name).read_bytes())
    (data / name).unlink()
    (data / name).symlink_to(outside)
    _one_line_refusal(generate(node, data, tmp_path / "out"), f"{data / name} is a symbolic link")
    assert not (tmp_path / "out").exists()


def test_the_json_files_ship_but_no_importer_can_change_the_records(
    package: Path, node: str, tmp_path: Path
) -> None:
    """An importer of a JSON module could change the very objects the lookups answer with,
    before vodspec is imported: the files ship in data/, but are not exported."""
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "vodspec").symlink_to(package)
    (tmp_path / "mutate.mjs").write_text(
        'const data = await import("vodspec/data/status_codes.json", { with: { type: "json" } })'
        ".catch((e) => e.code);\n"
        "console.log(typeof data === 'string' ? data : 'imported');\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [node, "mutate.mjs"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "ERR_PACKAGE_PATH_NOT_EXPORTED", result.stderr
    assert (package / "data" / "status_codes.json").is_file()


@pytest.mark.parametrize(
    "block",
    [block for block in all_blocks("js") if IMPORTS_THE_NPM_PACKAGE.search(block.text)],
    ids=lambda block: block.name,
)
def test_the_docs_javascript_runs_on_the_package(
    block: Block, package: Path, node: str, tmp_path: Path
) -> None:
    """The README's and docs' examples that import "vodspec" (tests/test_docs.py runs the
    others), as a consumer's module would: the package in its node_modules."""
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "vodspec").symlink_to(package)
    (tmp_path / "example.mjs").write_text(block.text, encoding="utf-8")
    command = [node, "example.mjs"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _keywords(schema: Any) -> set[str]:
    """Every keyword a JSON Schema uses, in every subschema (not the names it defines)."""
    found = set(schema)
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            subschemas = list(value.values())
        elif key == "anyOf":
            subschemas = value
        else:
            subschemas = [value] if isinstance(value, dict) else []
        for subschema in subschemas:
            found |= _keywords(subschema)
    return found


def test_the_generators_schema_checker_knows_every_keyword_of_the_generated_schemas(
    node: str,
) -> None:
    """npm/check.mjs checks a dataset against its schema and refuses any keyword it does not
    know: it must know each one the models' generated schemas use, as a checked keyword or
    an annotation (a schema change that adds one fails here, not in a user's build)."""
    from vodspec.tools.publish.render import json_schema

    script = (
        f'const c = await import("{(NPM / "check.mjs").as_uri()}");'
        "console.log(JSON.stringify([[...c.CHECKED].sort(), [...c.ANNOTATIONS].sort()]));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    checked, annotations = json.loads(result.stdout)
    used = set().union(*(_keywords(json_schema(kind)) for kind in ("status_codes", "error_codes")))
    assert not set(checked) & set(annotations)
    assert used <= set(checked) | set(annotations), sorted(used - set(checked) - set(annotations))


def test_the_generator_says_how_to_use_it(node: str) -> None:
    # --help was an unknown option (exit 1), and the default output folder was said nowhere.
    result = subprocess.run(
        [node, str(NPM / "build.mjs"), "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("usage: node build.mjs")
    assert "dist beside this script" in result.stdout
