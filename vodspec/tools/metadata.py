"""The published metadata beside the datasets (datapackage.json, changes.json's entries) and
`vodspec diff --json`'s report of changes, as pydantic models: the one statement of their
shapes, which validate loads them through. The writers (tools.changes, tools.publish.render)
build plain dicts in these models' key order, since `vodspec diff` runs without pydantic.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vodspec.tools.diff import ChangeKind, EntryBump, Level
from vodspec.tools.scrape.models import Sha256

#: A file's hash in datapackage.json.
FileHash = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]


class _Document(BaseModel):
    """Strict, no key vodspec does not write. A key that defaults to None here is one a
    document may lack (older entries lack ``date``, ``files`` and ``history_sha256``);
    when present it holds a value, never null."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # Run only on keys present (defaults are not validated): refuses an explicit null.
    @field_validator("*", mode="before")
    @classmethod
    def _absent_not_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name and cls.model_fields[info.field_name].default is None:
            raise ValueError("null; vodspec writes a value here or leaves the key out")
        return value


class Transition(_Document):
    before: Any
    after: Any


class ChangeJSON(_Document):
    """One record's change: ``fields`` for a change, ``record`` for an addition or removal."""

    dataset: str
    key: list[Any]
    kind: ChangeKind
    fields: dict[str, Transition] | None = None
    record: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _holds_what_its_kind_says(self) -> ChangeJSON:
        changed = self.kind == "changed"
        if (self.fields is not None) != changed or (self.record is not None) == changed:
            raise ValueError(
                "a changed record gives its fields, an added or removed one its record"
            )
        return self


class DiffDocument(_Document):
    """`vodspec diff --json`: the changes between two packages and the bump they demand."""

    bump: Level | None
    changes: list[ChangeJSON]
    schema_changes: list[str]
    source_changes: dict[str, dict[str, Transition]]
    old_version: str
    new_version: str


class SourceFacts(_Document):
    """Which page a version was made from (a changes.json entry's ``sources``)."""

    id: str
    doc_id: str | None
    sha256: Sha256
    date: str | None


class VersionEntry(_Document):
    """One entry of changes.json (newest first): a version and everything it changed."""

    version: str
    bump: EntryBump
    #: The release date, YYYY-MM-DD (entries from 1.1.2 on).
    date: str | None = None
    sources: dict[str, SourceFacts]
    changes: list[ChangeJSON]
    schema_changes: list[str]
    source_changes: dict[str, dict[str, Transition]]
    #: sha256 of every file the build wrote (entries after 1.1.0; older ones predate it).
    files: dict[str, Sha256] | None = None
    #: sha256 of the entries before it, as vodspec writes JSON (entries from 1.1.1 on).
    history_sha256: Sha256 | None = None


class _Resource(_Document):
    name: str
    path: str


class CsvResource(_Resource):
    """A CSV file of datapackage.json (a Frictionless tabular data resource)."""

    profile: Literal["tabular-data-resource"]
    format: Literal["csv"]
    mediatype: Literal["text/csv"]
    encoding: Literal["utf-8"]
    bytes: int
    hash: FileHash
    dialect: dict[str, Any]
    #: A Frictionless Table Schema (named apart: ``schema`` is a BaseModel method).
    table_schema: dict[str, Any] = Field(alias="schema")


class JsonResource(_Resource):
    """A JSON dataset of datapackage.json, with the name of its JSON Schema file."""

    profile: Literal["data-resource"]
    format: Literal["json"]
    mediatype: Literal["application/json"]
    encoding: Literal["utf-8"]
    bytes: int
    hash: FileHash
    jsonSchema: str


class Reference(_Document):
    """A licence or a source of datapackage.json."""

    name: str | None = None
    title: str
    path: str | None


class DataPackage(_Document):
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
