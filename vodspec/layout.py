"""Where things are: the published data dir's file names and CSV conventions, and the
package's own folder (standard library only: `lint` and `diff` use it without extras).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vodspec import snapshot
from vodspec.record import PARAGRAPHS
from vodspec.snapshot import SNAPSHOT_NAME

STATUS_CODES, ERROR_CODES = "status_codes", "error_codes"
#: Every kind of dataset, in the order files are listed.
KINDS = (STATUS_CODES, ERROR_CODES)
PACKAGE_NAME = "datapackage.json"
CHANGELOG_NAME = "CHANGELOG.md"
CHANGES_NAME = "changes.json"
LINT_NAME = "lint.json"
#: The licence of the pages the data is made from, which must travel with every copy of it.
LICENCE_NAME = "LICENSE.md"

#: Left out of the CSV: ``description`` is the paragraphs joined with "\n", losslessly.
CSV_OMITTED = frozenset({PARAGRAPHS})
#: Other list fields (``placeholders``) go into one CSV cell, joined by this.
CSV_LIST_SEPARATOR = " "


def json_name(kind: str) -> str:
    return f"{kind}.json"


def csv_name(kind: str) -> str:
    return f"{kind}.csv"


def schema_name(kind: str) -> str:
    return f"{kind}.schema.json"


def published_names() -> frozenset[str]:
    """Every file name a build may write into a data dir (and so may replace)."""
    per_kind = {name(kind) for kind in KINDS for name in (json_name, csv_name, schema_name)}
    shared = {PACKAGE_NAME, CHANGELOG_NAME, CHANGES_NAME, LINT_NAME, SNAPSHOT_NAME, LICENCE_NAME}
    return frozenset(per_kind | shared)


def csv_columns(fields: list[str]) -> list[str]:
    return [name for name in fields if name not in CSV_OMITTED]


def csv_cell(value: Any) -> str:
    """How a JSON value is written in the CSV: null is empty, lists are joined."""
    if value is None:
        return ""
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


#: The installed package (the build never publishes inside it).
PACKAGE_DIR = Path(snapshot.__file__).resolve().parent
