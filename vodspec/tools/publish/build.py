"""`vodspec build`: scrape the manifest's sources, version the result, publish data/; and the
same build left unpublished, which `vodspec validate` compares a data dir with."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vodspec.errors import (
    DataDirReplacedError,
    NoTableError,
    PublishError,
    RemovalError,
    ServiceError,
    VodspecError,
    VodspecWarning,
    shown_path,
)
from vodspec.layout import CHANGELOG_NAME, CHANGES_NAME, json_name
from vodspec.reading import DataDir, dump_json, read_regular
from vodspec.record import DOC_ID
from vodspec.tools.changes import release_date, render_changelog, version_entry
from vodspec.tools.diff import (
    INITIAL_VERSION,
    Diff,
    Level,
    bump,
    diff_packages,
    key_text,
    package_level,
)
from vodspec.tools.manifest import (
    MANIFEST_NAME,
    SourceEntry,
    check_doc_id,
    load_manifest,
    scrape_source,
)
from vodspec.tools.publish.atomic import build_lock, publish_dir
from vodspec.tools.publish.owned import check_owned
from vodspec.tools.publish.render import documents, render_all
from vodspec.tools.scrape.models import Dataset
from vodspec.tools.validate import FILES_KEY, HISTORY_KEY, Problem, history_sha256, validate_dir


@dataclass(frozen=True)
class BuildReport:
    outcome: Literal["published", "unchanged"]
    version: str
    level: Level | None  # the bump: major, minor, patch; None for a first publication
    diffs: dict[str, Diff]  # kind -> changes against the previous publication
    #: Files of an unchanged publication that the build rendered anew (CHANGELOG.md).
    rerendered: tuple[str, ...] = ()
    entry: dict[str, Any] | None = None  # the history's entry of a new version


def _scrape_entry(raw_dir: Path, entry: SourceEntry) -> Dataset:
    dataset = scrape_source(raw_dir / entry.file, entry)
    check_doc_id(raw_dir, entry, dataset)
    return dataset


def scrape_sources(
    raw_dir: Path, entries: list[SourceEntry], previous: dict[str, dict[str, Any]], force: bool
) -> dict[str, Dataset]:
    """Every source of the manifest, scraped and validated, by kind; one whose page lost
    its table is refused (with ``force``, dropped)."""
    datasets: dict[str, Dataset] = {}
    for entry in entries:
        try:
            datasets[entry.kind] = _scrape_entry(raw_dir, entry)
        except NoTableError as exc:
            if entry.kind not in previous:
                raise
            if not force:
                count = len(previous[entry.kind]["records"])
                exc.hint = (
                    f"publishing it would remove all {count} {entry.kind} records"
                    " (--allow-removals --force accepts that)"
                )
                raise
    if not datasets:
        raise PublishError(
            "every source lost its table; refusing to publish an empty dataset", file=str(raw_dir)
        )
    return datasets


def check_removals(
    previous: dict[str, dict[str, Any]], diffs: dict[str, Diff], allow_removals: bool, force: bool
) -> None:
    """The removal gate: removals need --allow-removals; losing over half a dataset, --force
    too (--force alone does not accept removals)."""
    for kind, diff in diffs.items() if not force else ():
        had = len(previous[kind]["records"]) if kind in previous else 0
        lost = len(diff.removed)
        if had and lost * 2 > had:
            raise RemovalError(
                f"{kind} would lose {lost} of its {had} records (more than half): the page is"
                " probably broken; refused even with --allow-removals (--allow-removals"
                " --force accepts it)"
            )
    removed = [
        f"{kind} {key_text(change.key)}" for kind, diff in diffs.items() for change in diff.removed
    ]
    if removed and not allow_removals:
        raise RemovalError(
            f"the build would remove {len(removed)} record(s): {', '.join(removed)};"
            " nothing was changed (--allow-removals accepts removals)"
        )


def build(
    raw_dir: Path,
    data_dir: Path,
    *,
    allow_removals: bool = False,
    force: bool = False,
    reread: bool = False,
    seal_history: bool = False,
) -> BuildReport:
    """Scrape, compare with what ``data_dir`` has, and publish; refusals leave it untouched.

    ``reread`` accepts records that differ from the published ones though their page did
    not change (this vodspec reads the page differently); without it that is refused, since
    it is also what an edited data dir looks like. ``seal_history`` accepts a history whose
    newest entry has no history hash (published by an older vodspec) and seals it.
    """
    check_owned(data_dir, raw_dir)
    # The place check_owned judged (links followed: a lexical "link/.." is another folder),
    # spelled one way for the lock, the staging dir and the swap ("data/sub/.." is "data").
    data_dir = Path(os.path.realpath(data_dir))
    try:
        with build_lock(data_dir):
            # Read under the lock, once: what another build published before is read here.
            return _build(raw_dir, DataDir(data_dir), allow_removals, force, reread, seal_history)
    except ServiceError as exc:
        # The build reads the service from the manifest, not from a --service option.
        exc.hint = "if the page is right, set the source's service in the manifest"
        raise
    except OSError as exc:  # before the swap (publish_dir says what its own failures did)
        raise PublishError(
            f"cannot publish into {data_dir}: {exc.strerror or exc}; nothing was changed",
            file=str(exc.filename or data_dir),
        ) from None


def _build(
    raw_dir: Path,
    published: DataDir,
    allow_removals: bool,
    force: bool,
    reread: bool,
    seal_history: bool,
) -> BuildReport:
    data_dir = published.path
    previous = load_published(published, seal_history)
    # validate_dir found the history a non-empty list of entries, or previous would be {}.
    entries: list[dict[str, Any]] = published.json(CHANGES_NAME) if previous else []
    sources = load_manifest(raw_dir)
    datasets = scrape_sources(raw_dir, sources, previous, force)
    new = documents(datasets)
    diffs = diff_packages(previous, new)
    reread_kinds = check_reread(data_dir, raw_dir, previous, new, diffs, reread)
    check_removals(previous, diffs, allow_removals, force)
    level = package_level(diffs) if previous else None
    base = _package_version(previous) if previous else None
    version = bump(base, level) if base else INITIAL_VERSION
    files = render_all(_versioned(datasets, version))
    rerendered: list[str] = []
    # A history to seal needs an entry that seals it, even where nothing else changed.
    unsealed = seal_history and bool(entries) and HISTORY_KEY not in entries[0]
    if base and level is None:
        rerendered = [
            name for name in sorted(files) if _read_or_none(published, name) != files[name]
        ]
        current = {path.name for path in data_dir.iterdir()} - {CHANGES_NAME, CHANGELOG_NAME}
        if not rerendered and current == set(files) and not unsealed:
            changelog = render_changelog(entries).encode("utf-8")
            if _read_or_none(published, CHANGELOG_NAME) == changelog:
                return BuildReport("unchanged", version, None, diffs)
            # An older vodspec rendered it: the same publication, its changelog anew, swapped.
            history = published.read(CHANGES_NAME)
            publish_dir(data_dir, {**files, CHANGES_NAME: history, CHANGELOG_NAME: changelog})
            return BuildReport("unchanged", version, None, diffs, (CHANGELOG_NAME,))
        # Same records and sources, other bytes (rendered by another vodspec) or a history
        # sealed: a patch.
        level = "patch"
        version = bump(base, level)
        files = render_all(_versioned(datasets, version))
    # A page's Last-Modified dates the page fetch downloaded, not one edited by hand since.
    hashes = {kind: dataset.source.sha256 for kind, dataset in datasets.items()}
    dates: dict[str, str | None] = {
        s.kind: s.last_modified if s.sha256 in (None, hashes.get(s.kind)) else None for s in sources
    }
    entry = version_entry(version, level, new, diffs, dates, release_date(dates))
    entry["schema_changes"] += [
        f"{name} {'re-rendered' if (data_dir / name).exists() else 'added'} (same records)"
        for name in rerendered
    ]
    entry["schema_changes"] += [
        f"{kind}: records read anew from the same page (this vodspec reads it differently)"
        for kind in reread_kinds
    ]
    if unsealed:
        entry["schema_changes"].append(
            "changes.json: the entries before this one sealed (build --seal-history)"
        )
    # What this build wrote and the hash of the history before it, so that validate (and
    # the next build) notice a file or an older entry lost, edited or added by hand.
    entry[FILES_KEY] = {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)}
    entry[HISTORY_KEY] = history_sha256(entries)
    entries = [entry, *entries]
    files[CHANGES_NAME] = dump_json(entries)
    files[CHANGELOG_NAME] = render_changelog(entries).encode("utf-8")
    report_formula_values(files)
    publish_dir(data_dir, files)
    return BuildReport("published", version, level, diffs, entry=entry)


def check_reread(
    data_dir: Path,
    raw_dir: Path,
    previous: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    diffs: dict[str, Diff],
    reread: bool,
) -> list[str]:
    """The kinds whose records changed though their page did not (same sha256): refused
    without ``reread``, since an edited data dir looks just the same."""
    kinds = [
        kind
        for kind, diff in diffs.items()
        if diff.changes
        and kind in previous
        and kind in new  # a kind whose page lost its table (--force) is a removal
        and previous[kind].get("source", {}).get("sha256") == new[kind]["source"]["sha256"]
    ]
    if kinds and not reread:
        kind = kinds[0]
        changes = diffs[kind].changes
        keys = ", ".join(key_text(change.key) for change in changes[:5])
        more = f" and {len(changes) - 5} more" if len(changes) > 5 else ""
        page = raw_dir / new[kind]["source"]["file"]
        raise PublishError(
            f"{len(changes)} {kind} record(s) differ from what {page} gives though the page"
            f" is the one published ({keys}{more}): either the data was edited (restore it,"
            " e.g. `git checkout -- data`) or this vodspec reads the page differently"
            " (`vodspec build --reread` publishes that); nothing was changed",
            file=str(data_dir / json_name(kind)),
        )
    return kinds


def _read_or_none(data: DataDir, name: str) -> bytes | None:
    return data.read(name) if (data.path / name).is_file() else None


def _versioned(datasets: dict[str, Dataset], version: str) -> dict[str, Dataset]:
    return {
        kind: dataset.model_copy(update={"version": version}) for kind, dataset in datasets.items()
    }


def _package_version(published: dict[str, dict[str, Any]]) -> str:
    # Of a dir validate_dir passed: its datasets and its datapackage.json agree on it.
    return str(next(iter(published.values()))["version"])


def load_published(data: DataDir, seal_history: bool = False) -> dict[str, dict[str, Any]]:
    """The dataset JSON ``data`` holds, by kind ({} for none yet). Its history is the base
    of the next version, so a dir not exactly as a build left it is refused, not built on."""
    if not data.path.is_dir() or not any(data.path.iterdir()):
        return {}
    try:
        refused = {"damaged"} if seal_history else {"damaged", "unsealed"}
        problems = [p for p in validate_dir(data) if p.kind in refused]
    except DataDirReplacedError:  # another build published meanwhile: not a damaged dir
        raise
    except VodspecError as exc:
        problems = [Problem(str(exc))]
    if problems:
        raise PublishError(
            f"the published data is not as the last build left it ({problems[0]});"
            " restore it (e.g. `git checkout -- data`) and build again",
            file=str(data.path),
        )
    return data.datasets()


#: A cell starting with one of these may run as a formula when a spreadsheet opens the CSV.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def report_formula_values(files: dict[str, bytes]) -> None:
    """Warn about CSV values a spreadsheet would run as formulas; the CSV stays faithful."""
    for name, data in sorted(files.items()):
        if not name.endswith(".csv"):
            continue
        rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        header = next(rows)
        for number, row in enumerate(rows, 2):
            for column, value in zip(header, row, strict=True):
                if value.startswith(FORMULA_PREFIXES):
                    warnings.warn(
                        VodspecWarning(
                            f"{name} row {number} column {column}: {value[:40]!r} starts with"
                            f" {value[0]!r}; a spreadsheet may run it as a formula (see README)"
                        ),
                        stacklevel=2,
                    )


#: What a manifest entry says of its page that the published source records too.
_LISTED = ("id", "url", "service", "file", DOC_ID)


def rescrape_problems(data: DataDir, raw_dir: Path) -> tuple[list[Problem], list[str]]:
    """Whether each page still published, scraped again and rendered at the published version,
    gives the same records and file bytes: its problems, and notes on the pages skipped."""
    published = data.datasets()
    datasets: dict[str, Dataset] = {}
    pages: dict[str, Path] = {}  # kind -> the page scraped again
    problems: list[Problem] = []
    notes: list[str] = []
    entries = load_manifest(raw_dir)
    notes += [
        f"{MANIFEST_NAME} lists no source of {kind}, which version"
        f" {published[kind].get('version')} publishes: scraping it again was skipped"
        for kind in published
        if kind not in {entry.kind for entry in entries}
    ]
    for entry in entries:
        page = pages[entry.kind] = raw_dir / entry.file
        if entry.kind not in published:
            problems.append(Problem(f"{page}: not published (run `vodspec build`)", "raw"))
            continue
        source = published[entry.kind].get("source", {})
        version = published[entry.kind].get("version")
        try:
            sha256 = hashlib.sha256(read_regular(page)).hexdigest()
        except VodspecError as exc:
            notes.append(
                f"{page}: cannot read the source ({exc.message}); scraping it again was skipped"
            )
            continue
        if sha256 != source.get("sha256") and source.get("file") != entry.file:
            notes.append(
                f"the manifest names {page} for {entry.kind}, published from"
                f" {shown_path(str(source.get('file')))}: scraping it again was skipped"
                " (run `vodspec build` to publish it)"
            )
            continue
        if sha256 != source.get("sha256"):
            notes.append(
                f"{page} changed since version {version} was published (run `vodspec build` to"
                " publish it); scraping it again was skipped"
            )
            continue
        # The published page, read as it was published: what the manifest says of it since
        # (a new url, a file renamed) is the next build's to publish.
        facts = {name: source[name] for name in _LISTED if source.get(name) is not None}
        edited = [name for name in _LISTED if getattr(entry, name) not in (None, facts.get(name))]
        if edited:
            notes.append(
                f"the manifest's entry for {entry.kind} changed since version {version} was"
                f" published ({', '.join(edited)}; run `vodspec build` to publish it)"
            )
        try:
            with warnings.catch_warnings():  # what the page's build reported already
                warnings.simplefilter("ignore", VodspecWarning)
                datasets[entry.kind] = scrape_source(page, entry.model_copy(update=facts))
        except VodspecError as exc:
            problems.append(Problem(f"{page}: this vodspec cannot read it again: {exc}", "raw"))
    if not datasets:
        return problems, notes
    version = _package_version(published)
    new = documents(datasets)
    diffs = diff_packages({kind: published[kind] for kind in datasets}, new)
    for kind, diff in diffs.items():
        for change in diff.changes:
            page = pages[kind]
            what = ", ".join(change.fields) if change.kind == "changed" else change.kind
            problems.append(
                Problem(
                    f"{kind}.json: {key_text(change.key)} is not what {page} gives ({what}),"
                    " though the page is the one published: the data was edited, or this"
                    " vodspec reads the page differently",
                    "raw",
                )
            )
    if problems:
        return problems, notes
    files = render_all(_versioned(datasets, version))
    if set(datasets) != set(published):  # one page changed since: compare the other's files
        files = {name: data for name, data in files.items() if name.split(".")[0] in datasets}
    for name, rendered in sorted(files.items()):
        if _read_or_none(data, name) != rendered:
            problems.append(
                Problem(
                    f"{name}: not the bytes this vodspec renders from {raw_dir}"
                    " (edited, or rendered by another vodspec: `vodspec build` renders it anew)",
                    "raw",
                )
            )
    return problems, notes
