"""Check a published data dir: its datasets and documents (loaded through their pydantic
models), JSON/CSV agreement, snapshot, file hashes, history. The check that raw/ gives the
same data needs the scraper too: it lives in the build.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import ValidationError

from vodspec import layout, snapshot
from vodspec.errors import DataDirReplacedError, PublishError, VodspecError, shown, shown_path
from vodspec.layout import CHANGELOG_NAME, CHANGES_NAME, LINT_NAME, PACKAGE_NAME
from vodspec.reading import RECORD_TYPES, DataDir, dump_json, inside, read_regular
from vodspec.record import DOC_ID, semver
from vodspec.tools.changes import render_changelog
from vodspec.tools.diff import INITIAL, INITIAL_VERSION, bump
from vodspec.tools.lint import lint_json
from vodspec.tools.metadata import DataPackage, VersionEntry
from vodspec.tools.scrape.models import MODELS, first_problem

#: An entry's history hash (entries from 1.1.1 on; the first one seals those before it).
HISTORY_KEY: Final = "history_sha256"
#: An entry's hashes of the files its build wrote (entries after 1.1.0).
FILES_KEY: Final = "files"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a published dir, for people (``text``) and for the build (``kind``).

    ``damaged``: not what the last build left; the build refuses to build on it. ``stale``:
    a rendering an older vodspec left; the next build renders it anew. ``unsealed``: the
    newest entry of changes.json has no history hash (an older vodspec, or a hash stripped);
    the build goes on only with ``--seal-history``. ``raw``: the data is not what raw/ gives
    with this vodspec (see :func:`raw_notes` and the build's ``rescrape_problems``).
    """

    text: str
    kind: Literal["damaged", "stale", "unsealed", "raw"] = "damaged"

    def __str__(self) -> str:
        return self.text


def _plain(value: Any) -> str:
    """A short value from a file as written (a version, a bump), else a cut, escaped excerpt."""
    if isinstance(value, str) and len(value) <= 40 and value.isprintable():
        return value
    return shown(value, 40)


def _source(dataset: Any) -> dict[str, Any] | None:
    """A dataset document's source object; None in a damaged one that has none."""
    source = dataset.get("source") if isinstance(dataset, dict) else None
    return source if isinstance(source, dict) else None


def validate_dir(data: DataDir) -> list[Problem]:
    """Every problem found in a published dir, one line each; [] when it is sound."""
    directory, kinds = data.path, data.kinds()
    if not kinds:
        raise PublishError(
            f"no published dataset ({', '.join(map(layout.json_name, layout.KINDS))});"
            " expected a data dir that `vodspec build` published",
            file=str(directory),
        )
    # What a link points at can change under the data: a build writes regular files only.
    problems = [
        Problem(f"{path.name}: a symbolic link; a published data dir holds regular files only")
        for path in sorted(directory.iterdir())
        if path.is_symlink()
    ]
    files = {PACKAGE_NAME: data.read(PACKAGE_NAME)}
    versions = set()
    hashes: dict[str, Any] = {}
    datasets: dict[str, Any] = {}
    for kind in kinds:
        for name in (layout.json_name(kind), layout.csv_name(kind), layout.schema_name(kind)):
            files[name] = data.read(name)
        dataset = datasets[kind] = data.json(layout.json_name(kind))
        problems += map(Problem, _check_dataset(kind, dataset, files))
        if isinstance(dataset, dict):
            versions.add(dataset.get("version"))
            hashes[kind] = (_source(dataset) or {}).get("sha256")
    package = data.json(PACKAGE_NAME)
    problems += map(Problem, _check_package(package, files, versions))
    # Read as JSON, a file may still say two things: a repeated key is one value to this
    # reader (the last) and another to a reader that keeps the first.
    problems += [
        Problem(
            f"{name}: not as vodspec writes JSON (a key repeated, or keys reordered or"
            " respaced): not the file the build wrote"
        )
        for name in sorted(files)
        if name.endswith(".json") and files[name] != dump_json(data.json(name))
    ]
    problems += _check_changes(data, versions, hashes, datasets)
    if problems:
        return problems
    problems += _check_snapshot(data, package, datasets)
    linted = layout.STATUS_CODES in kinds and data.has(LINT_NAME)
    if linted and data.read(LINT_NAME) != lint_json(datasets):
        problems.append(
            Problem(f"{LINT_NAME}: not the findings for the published records (rebuild)")
        )
    return problems


def raw_notes(data: DataDir, raw_dir: Path) -> tuple[list[str], list[Problem]]:
    """As notes, the sources in ``raw_dir`` that changed since ``data`` was published (a
    fetch not built yet); as problems, pages of an OLDER version (raw/ reverted, or the
    source hash edited to hide the data from the re-scrape). For a dir validate_dir passed."""
    notes: list[str] = []
    problems: list[Problem] = []
    entries = data.json(CHANGES_NAME)
    for kind in data.kinds():
        dataset = data.json(layout.json_name(kind))
        source = dataset["source"]
        name = source["file"]
        if not name.isprintable() or len(name) > 1024:
            problems.append(Problem(f"{layout.json_name(kind)}: its source file is no file name"))
            continue
        raw = raw_dir / name
        try:
            if not inside(raw, raw_dir):
                raise VodspecError("the source leads out of the raw dir")
            actual = hashlib.sha256(read_regular(raw)).hexdigest()
        except VodspecError as exc:
            notes.append(f"{shown_path(str(raw))}: cannot read the source ({exc.message})")
            continue
        if actual == source.get("sha256"):
            continue
        older = [
            entry.get("version")
            for entry in entries[1:]
            if actual == entry["sources"].get(kind, {}).get("sha256")
        ]
        if older:
            problems.append(
                Problem(
                    f"{shown_path(str(raw))} is the page of version {_plain(older[0])}, not"
                    f" of the published {_plain(dataset.get('version'))}: raw/ was reverted"
                    " (run `vodspec build`), or the data's source hash was edited",
                    "raw",
                )
            )
        else:
            notes.append(
                f"{shown_path(str(raw))} changed since version"
                f" {_plain(dataset.get('version'))} was published (run `vodspec build`)"
            )
    return notes, problems


def _check_snapshot(data: DataDir, package: Any, datasets: dict[str, Any]) -> list[Problem]:
    """The accessor's snapshot holds exactly what the dir publishes (version, package hash and
    every record), byte for byte: 1 == 1.0 == True, and marshal could write them other ways.
    For a dir whose other files are sound."""
    name = snapshot.SNAPSHOT_NAME
    if not data.has(name):
        if FILES_KEY not in data.json(CHANGES_NAME)[0]:  # published before it lived in data/
            return [Problem(f"{name}: missing (an older vodspec published this dir)", "stale")]
        return [Problem(f"{name}: lost (the last build wrote it)")]
    try:
        published = data.read(name)
        snapshot.parse(published)  # to say what is wrong with it, if anything
    except DataDirReplacedError:  # no problem of the dir: of this reading of it
        raise
    except VodspecError as exc:
        return [Problem(str(exc))]
    # The package and the records loaded through their models: make() finds every field.
    sha = hashlib.sha256(data.read(PACKAGE_NAME)).hexdigest()
    records = {kind: dataset["records"] for kind, dataset in datasets.items()}
    if published != snapshot.dumps(snapshot.make(package["version"], sha, records)):
        return [Problem(f"{name}: not the records {data.path} publishes (edited or stale)")]
    return []


def _check_changes(
    data: DataDir, versions: set[Any], hashes: dict[str, Any], datasets: dict[str, Any]
) -> list[Problem]:
    """The history's problems: changes.json is a chain of entries that starts at 1.0.0, its
    newest entry names the published sources and the files the last build wrote, and
    CHANGELOG.md is rendered from it."""
    if not data.has(CHANGES_NAME):
        return [Problem(f"{CHANGES_NAME}: missing; the data's history is lost")]
    entries = data.json(CHANGES_NAME)
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        return [Problem(f"{CHANGES_NAME}: expected a non-empty list of versions")]
    loaded, texts = _load_entries(entries)
    texts = texts or history_problems(loaded, entries)
    if data.read(CHANGES_NAME) != dump_json(entries):
        texts.append(
            f"{CHANGES_NAME}: not as vodspec writes it (keys repeated, reordered or"
            " spaced otherwise: edited by hand)"
        )
    if texts:
        return list(map(Problem, texts))
    newest = loaded[0]
    problems = []
    if newest.history_sha256 is None:
        problems.append(
            Problem(
                f"{CHANGES_NAME}: the newest entry has no {HISTORY_KEY}, so nothing"
                " proves the older entries are as published: the hash was stripped (restore"
                " the dir, e.g. `git checkout -- data`), or a vodspec older than the chain"
                " published it (only then, and only for a history you published yourself,"
                " `vodspec build --seal-history`)",
                "unsealed",
            )
        )
    texts = _newest_entry_problems(newest, versions, hashes, datasets)
    texts += _check_files(data, newest.files)
    texts += _newest_changes_problems(newest, datasets)
    problems += map(Problem, texts)
    expected = render_changelog(entries).encode("utf-8")  # every entry loaded: it renders
    if not data.has(CHANGELOG_NAME):
        problems.append(Problem(f"{CHANGELOG_NAME}: lost (a build renders it from {CHANGES_NAME})"))
    elif data.read(CHANGELOG_NAME) != expected:
        problems.append(
            Problem(
                f"{CHANGELOG_NAME}: not what {CHANGES_NAME} renders to (edited by"
                " hand, or rendered by an older vodspec: `vodspec build` renders it again)",
                "stale",
            )
        )
    return problems


def _load_entries(entries: list[dict[str, Any]]) -> tuple[list[VersionEntry], list[str]]:
    """The entries, loaded; or the first entry that does not load through its model
    (strict, no key vodspec does not write), as one line."""
    loaded = []
    for number, entry in enumerate(entries, 1):
        try:
            loaded.append(VersionEntry.model_validate(entry))
        except ValidationError as exc:
            where = "the newest entry" if number == 1 else f"entry {number}"
            return [], [f"{CHANGES_NAME}: {where}: {first_problem(exc)}"]
    return loaded, []


def _newest_entry_problems(
    newest: VersionEntry, versions: set[Any], hashes: dict[str, Any], datasets: dict[str, Any]
) -> list[str]:
    """What the newest entry says of the published data is what the data says: its version,
    its sources (which, their hash, id and doc id, and the new values of a source change); no
    key vodspec does not write, and no change of a dataset that is not published."""
    where = f"{CHANGES_NAME}: the newest entry"
    problems = []
    if newest.version not in versions:
        problems.append(f"{where} is {_plain(newest.version)}, not the published version")
    if sorted(newest.sources) != sorted(hashes):
        problems.append(
            f"{where} publishes {shown(', '.join(sorted(newest.sources)), 80)};"
            f" the dir holds {', '.join(sorted(hashes))} (a dataset lost or added by hand?)"
        )
    for kind, digest in hashes.items():
        if digest is not None and getattr(newest.sources.get(kind), "sha256", None) != digest:
            problems.append(f"{where}'s {kind} source is not the published one")
    for kind, dataset in datasets.items():
        source = _source(dataset)
        if source is None:
            continue
        facts = newest.sources.get(kind)
        for name in ("id", DOC_ID):
            if facts is not None and getattr(facts, name) != source.get(name):
                problems.append(f"{where}'s {kind} source {name} is not the published one")
        for name, values in newest.source_changes.get(kind, {}).items():
            if name in source and values.after != source[name]:
                problems.append(
                    f"{where}'s {kind} source change of {_plain(name)} is not the published value"
                )
    if any(
        change.dataset not in datasets and change.kind != "removed" for change in newest.changes
    ):
        problems.append(f"{where} changes a dataset that is not published")
    return problems


def _newest_changes_problems(newest: VersionEntry, datasets: dict[str, Any]) -> list[str]:
    """The newest entry's changes are what the data holds: a record it added is published as
    written, and a field it changed has its new value in a record of that code. (What it
    says was removed or was before leaves no trace to check: the next entry seals it.)"""
    problems = []
    for number, change in enumerate(newest.changes, 1):
        dataset = datasets.get(change.dataset)
        if not isinstance(dataset, dict) or dataset.get("kind") not in RECORD_TYPES:
            continue
        records = dataset.get("records")
        if not isinstance(records, list) or not change.key:
            continue
        first_key = RECORD_TYPES[dataset["kind"]].KEY[0]
        if change.kind == "added":
            found = change.record in records
        elif change.kind == "changed":
            fields = change.fields
            found = fields is not None and any(
                isinstance(record, dict)
                and record.get(first_key) == change.key[0]
                and all(record.get(name) == values.after for name, values in fields.items())
                for record in records
            )
        else:
            continue
        if not found:
            problems.append(
                f"{CHANGES_NAME}: change {number} of the newest entry is not what the"
                f" data holds ({change.kind} {shown(change.key)}): edited by hand"
            )
    return problems


def _check_files(data: DataDir, recorded: dict[str, str] | None) -> list[str]:
    """Every file the last build wrote is there with its bytes, and no other file is."""
    if recorded is None:
        return []  # published before builds recorded their files
    present = {p.name for p in data.path.iterdir()} - {CHANGES_NAME, CHANGELOG_NAME}
    problems = [
        f"{name}: not written by the last build" for name in sorted(present - set(recorded))
    ]
    problems += [
        f"{name}: lost (the last build wrote it)" for name in sorted(set(recorded) - present)
    ]
    for name in sorted(present & set(recorded)):
        if hashlib.sha256(data.read(name)).hexdigest() != recorded[name]:
            problems.append(f"{name}: not the bytes the last build wrote (edited by hand?)")
    return problems


def history_sha256(older: list[Any]) -> str:
    """What an entry of changes.json records of the entries before it: the sha256 of them
    all, in vodspec's JSON form. Each entry so seals the whole history older than itself."""
    return hashlib.sha256(dump_json(older)).hexdigest()


def chain_problems(entries: list[dict[str, Any]]) -> list[str]:
    """The chain: every entry that has a history hash matches the entries after it (older
    ones), and once an entry has a history hash (or the files it wrote), every newer entry
    has one too: stripping them from the newest entry does not make it an old one. Stops
    at the first broken link (a long forged history costs no more than its first lie)."""
    problems = []
    since: dict[str, str] = {}  # key -> the first (oldest) version that has it
    # Each entry as it stands in vodspec's JSON form of the list (one level deeper), dumped
    # once: the hash of a run of entries is then a join, not a new dump of the whole run.
    texts = [
        dump_json(entry).decode("utf-8").rstrip("\n").replace("\n", "\n  ") for entry in entries
    ]
    for number in range(len(entries) - 1, -1, -1):  # oldest first
        entry = entries[number]
        version = _plain(entry.get("version"))
        for key in (HISTORY_KEY, FILES_KEY):
            if key in entry:
                since.setdefault(key, version)
            elif key in since:
                problems.append(
                    f"{CHANGES_NAME}: {version} has no {key} though {since[key]}, older,"
                    " has one (the history was edited)"
                )
        recorded = entry.get(HISTORY_KEY)
        if recorded is not None and recorded != _joined_sha256(texts[number + 1 :]):
            problems.append(
                f"{CHANGES_NAME}: the history before {version} is not the one it was"
                " published on (an entry deleted, reordered or edited)"
            )
        if problems:
            return problems
    return problems


def _joined_sha256(texts: list[str]) -> str:
    """history_sha256 of the entries whose texts (see chain_problems) these are."""
    joined = "[\n  " + ",\n  ".join(texts) + "\n]\n" if texts else "[]\n"
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def history_problems(loaded: list[VersionEntry], entries: list[dict[str, Any]]) -> list[str]:
    """Versions (of the ``entries`` loaded) only go forward, one bump at a time, as each
    entry's bump says; 1.0.0 first."""
    problems = []
    for number, entry in enumerate(loaded, 1):
        if semver(entry.version) is None:
            return [f"{CHANGES_NAME}: entry {number} has no semver version"]
    for newer, older in itertools.pairwise(loaded):
        if newer.bump == INITIAL or bump(older.version, newer.bump) != newer.version:
            problems.append(
                f"{CHANGES_NAME}: {_plain(newer.version)} ({newer.bump}) does not"
                f" follow {older.version}; versions only go forward, one bump at a time"
            )
    if loaded[-1].version != INITIAL_VERSION or loaded[-1].bump != INITIAL:
        problems.append(f"{CHANGES_NAME}: the oldest entry is not the initial {INITIAL_VERSION}")
    return problems or chain_problems(entries)


def _check_dataset(kind: str, dataset: Any, files: dict[str, bytes]) -> list[str]:
    """The dataset loads through its model (whatever the dir's own schema says: it may be
    edited), its records name its source, and the CSV says what the JSON says."""
    name = layout.json_name(kind)
    try:
        # Strict, from the JSON: "404" or 404.0 is no code, as the JSON Schema has it.
        loaded = MODELS[kind][0].model_validate_json(files[name], strict=True)
    except ValidationError as exc:
        return [f"{name}: {first_problem(exc)}"]
    problems = [
        f"{name}: record {number}: source_sha256 differs from the source's"
        for number, record in enumerate(loaded.records, 1)
        if record.source_sha256 != loaded.source.sha256
    ]
    csv_name = layout.csv_name(kind)
    return problems + _check_csv(csv_name, files[csv_name], dataset["records"])


def _check_csv(name: str, data: bytes, records: list[dict[str, Any]]) -> list[str]:
    try:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        return [f"{name}: unreadable: {exc}"]
    if len(rows) != len(records):
        return [f"{name}: {len(rows)} rows, the JSON has {len(records)} records"]
    problems = []
    for number, (row, record) in enumerate(zip(rows, records, strict=True), 1):
        expected = {key: layout.csv_cell(record[key]) for key in layout.csv_columns([*record])}
        if set(row) != set(expected):
            return [f"{name}: columns {sorted(row)} differ from the JSON fields {sorted(expected)}"]
        for key, text in expected.items():
            if row[key] != text:
                problems.append(
                    f"{name}: row {number}: {key} is {shown(row[key])}, the JSON has {shown(text)}"
                )
    return problems


def _check_package(package: Any, files: dict[str, bytes], versions: set[Any]) -> list[str]:
    """The package loads through its model, and says what the dir holds: the datasets'
    version, and every published file (schemas aside) with its hash and size."""
    try:
        loaded = DataPackage.model_validate(package)
    except ValidationError as exc:
        return [f"{PACKAGE_NAME}: {first_problem(exc)}"]
    problems = []
    if len(versions) != 1 or loaded.version not in versions:
        problems.append(
            f"{PACKAGE_NAME}: versions disagree: package {_plain(loaded.version)},"
            f" datasets {shown(sorted(map(str, versions)), 80)}"
        )
    for resource in loaded.resources:
        data = files.get(resource.path)
        if data is None:
            problems.append(
                f"{PACKAGE_NAME}: resource {shown(resource.path)} is not a published file"
            )
            continue
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if resource.hash != digest or resource.bytes != len(data):
            problems.append(
                f"{PACKAGE_NAME}: {resource.path} does not match its recorded hash and size"
            )
    listed = {resource.path for resource in loaded.resources}
    for name in files:
        if name != PACKAGE_NAME and not name.endswith(".schema.json") and name not in listed:
            problems.append(f"{PACKAGE_NAME}: {name} is published but not listed")
    return problems
