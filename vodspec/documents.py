"""The JSON documents vodspec publishes and reads, as TypedDicts: their shapes in one place.

For type checkers and readers of the code; other languages have the JSON Schemas in data/.
Typing only: the accessor imports this under TYPE_CHECKING (``typing`` would cost it more
than the rest of ``import vodspec``); the maintainer's tools import it freely. The shapes
the pydantic models state (tools.scrape.models: a dataset's records, its source, its notes)
are not repeated here; the JSON Schemas are generated from those models.
"""

# No `from __future__ import annotations`: TypedDict reads NotRequired from evaluated
# annotations only (Python 3.11), and the tests check documents against __required_keys__.
from typing import Any, Literal, NotRequired, TypedDict

Kind = Literal["status_codes", "error_codes"]
Level = Literal["patch", "minor", "major"]
ChangeKind = Literal["added", "removed", "changed"]


class DatasetDocument(TypedDict):
    """status_codes.json or error_codes.json. Read from a user's file, only ``records`` and
    each record's key are checked (``vodspec diff`` compares partial files too). Records are
    plain dicts: diff, lint and validate read them by field name, whatever the kind, and
    their fields are the models' (status_codes.schema.json, error_codes.schema.json)."""

    name: NotRequired[str]
    kind: NotRequired[Kind]
    version: NotRequired[str]
    #: The page it was scraped from (tools.scrape.models.Source's fields).
    source: NotRequired[dict[str, Any]]
    records: list[dict[str, Any]]
    #: Odd but clear content of the page (tools.scrape.models.PageNote's fields).
    notes: NotRequired[list[dict[str, Any]]]


class Transition(TypedDict):
    before: Any
    after: Any


class ChangeJSON(TypedDict):
    """One record's change: ``fields`` for a change, ``record`` for an addition or removal."""

    dataset: str
    key: list[Any]
    kind: ChangeKind
    fields: NotRequired[dict[str, Transition]]
    record: NotRequired[dict[str, Any] | None]


class Changes(TypedDict):
    """The changes between two packages and the bump they demand."""

    bump: Level | None
    changes: list[ChangeJSON]
    schema_changes: list[str]
    source_changes: dict[str, dict[str, Transition]]


class DiffDocument(Changes):
    """`vodspec diff --json`."""

    old_version: str
    new_version: str


class SourceFacts(TypedDict):
    """Which page a version was made from (a changes.json entry's ``sources``)."""

    id: str
    doc_id: str | None
    sha256: str
    date: str | None


class VersionEntry(TypedDict):
    """One entry of changes.json (newest first): a version and everything it changed."""

    version: str
    bump: Level | Literal["initial"]
    #: The release date, YYYY-MM-DD (entries from 1.1.2 on).
    date: NotRequired[str]
    sources: dict[str, SourceFacts]
    changes: list[ChangeJSON]
    schema_changes: list[str]
    source_changes: dict[str, dict[str, Transition]]
    #: sha256 of every file the build wrote (entries after 1.1.0; older ones predate it).
    files: NotRequired[dict[str, str]]
    #: sha256 of the entries before it, as vodspec writes JSON (entries from 1.1.1 on).
    history_sha256: NotRequired[str]


class FileFacts(TypedDict):
    bytes: int
    hash: str  # "sha256:<hex>"


class CsvResource(FileFacts):
    """A CSV file of datapackage.json (a Frictionless tabular data resource)."""

    name: str
    path: str
    profile: Literal["tabular-data-resource"]
    format: Literal["csv"]
    mediatype: Literal["text/csv"]
    encoding: Literal["utf-8"]
    dialect: dict[str, Any]
    schema: dict[str, Any]  # a Frictionless Table Schema


class JsonResource(FileFacts):
    """A JSON dataset of datapackage.json, with the name of its JSON Schema file."""

    name: str
    path: str
    profile: Literal["data-resource"]
    format: Literal["json"]
    mediatype: Literal["application/json"]
    encoding: Literal["utf-8"]
    jsonSchema: str


class Reference(TypedDict):
    """A licence or a source of datapackage.json."""

    name: NotRequired[str]
    title: str
    path: str | None


class DataPackage(TypedDict):
    """datapackage.json (Frictionless Data Package v1): the package and its files."""

    profile: Literal["data-package"]
    name: str
    title: str
    description: str
    version: str
    homepage: str | None
    licenses: list[Reference]
    sources: list[Reference]
    resources: list[CsvResource | JsonResource]
