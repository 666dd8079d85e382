"""`vodspec update`: the upstream watch (.github/workflows/update.yml). Fetch every source,
build, and describe the new version for a pull request.

A job tells apart: upstream unchanged, a new version published, or upstream changed in a way
vodspec refuses (UpdateRefusedError: a person must look). A failed download (FetchError) or
another build holding the lock (BuildLockedError) builds nothing: the next run tries again. A
data dir not as the last build left it is a local problem (DataDirStateError), found before
anything is fetched; so is a raw dir fetch or the build refuses (its manifest, a file that is
no page, a folder that cannot be written), said as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from vodspec.errors import (
    BuildLockedError,
    DataDirReplacedError,
    DataDirStateError,
    FetchError,
    InputError,
    ManifestError,
    PageRefusedError,
    RemovalError,
    UpdateRefusedError,
    VodspecError,
)
from vodspec.reading import DataDir
from vodspec.tools.changes import entry_lines, markdown_text
from vodspec.tools.diff import ChangeKind, Diff, Level
from vodspec.tools.fetch import fetch_each
from vodspec.tools.publish.build import build, load_published
from vodspec.tools.publish.owned import check_owned

#: The kinds of change counted in the summary's table, in its column order.
COUNTED = get_args(ChangeKind)


@dataclass(frozen=True)
class UpdateReport:
    outcome: Literal["published", "unchanged"]
    version: str
    level: Level | None
    fetched: list[tuple[str, str]]  # (source id, "changed" or "unchanged"), manifest order
    summary: str | None  # the pull request's body (Markdown); None when nothing was published


def update(raw_dir: Path, data_dir: Path) -> UpdateReport:
    try:  # first, a data dir the build would refuse whatever upstream says
        check_owned(data_dir, raw_dir)
        load_published(DataDir(data_dir))
    except DataDirReplacedError:  # another build published meanwhile: try again, as when locked
        raise
    except VodspecError as exc:
        raise DataDirStateError(f"nothing was fetched: {exc}") from None
    results = list(fetch_each(raw_dir, []))
    refused = [f"{name}: {r}" for name, r in results if isinstance(r, PageRefusedError)]
    if refused:
        raise UpdateRefusedError(f"upstream changed and vodspec refuses it: {'; '.join(refused)}")
    # A failed download is said to be one; any other failure is the raw dir's, named as such.
    failed = [
        f"{name}: {'cannot fetch upstream: ' if isinstance(r, FetchError) else ''}{r}"
        for name, r in results
        if isinstance(r, VodspecError)
    ]
    if failed:
        raise VodspecError(f"nothing was built: {'; '.join(failed)}")
    fetched: list[tuple[str, str]] = [
        (name, r.status) for name, r in results if not isinstance(r, VodspecError)
    ]
    try:
        report = build(raw_dir, data_dir)
    except BuildLockedError:
        raise
    except ManifestError:  # the raw dir's: fetch took no page its manifest entry refuses
        raise
    except (InputError, RemovalError) as exc:  # what the pages say
        raise UpdateRefusedError(f"the build refused upstream's pages: {exc}") from None
    except VodspecError as exc:  # the data dir: changed during the fetch, or not writable
        raise DataDirStateError(
            f"the build could not publish, for a reason not in upstream's pages: {exc}"
        ) from None
    if report.outcome == "unchanged":
        return UpdateReport("unchanged", report.version, None, fetched, None)
    assert report.entry is not None  # a published build's
    summary = render_summary(report.version, report.entry, report.diffs, fetched)
    return UpdateReport("published", report.version, report.level, fetched, summary)


def render_summary(
    version: str, entry: dict[str, Any], diffs: dict[str, Diff], fetched: list[tuple[str, str]]
) -> str:
    """The pull request's body: the version and its bump, what each source did, the counts
    of changes by dataset, and the version's CHANGELOG.md entry."""
    sources = ", ".join(f"{markdown_text(name)} {status}" for name, status in fetched)
    lines = [
        f"New data version **{version}** ({entry['bump']} bump), built by `vodspec update`"
        " from the upstream documentation.",
        "",
        f"Sources: {sources}.",
        "",
        "| dataset | " + " | ".join(COUNTED) + " | schema changes |",
        "| --- | " + " | ".join("---:" for _ in COUNTED) + " | ---: |",
    ]
    for kind, diff in diffs.items():
        counts = [sum(change.kind == counted for change in diff.changes) for counted in COUNTED]
        cells = " | ".join(str(count) for count in [*counts, len(diff.schema_changes)])
        lines.append(f"| {kind} | {cells} |")
    lines += ["", "Changelog entry (data/CHANGELOG.md):", "", *entry_lines(entry)]
    return "\n".join(lines)
