"""The pydantic models of the published dataset (its JSON Schemas are rendered from them);
the record models are built from their tables in vodspec.record, each rule mapped to a type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from vodspec import record
from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.tools.scrape.derived import Category, Retry

Text = Annotated[str, StringConstraints(min_length=1)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Semver = Annotated[str, StringConstraints(pattern=record.SEMVER_PATTERN)]
Status = Annotated[int, Field(ge=record.LOWEST_STATUS, le=record.HIGHEST_STATUS)]

#: The type each rule of the records' table publishes.
TYPES: dict[Any, Any] = {
    record.is_text: Text,
    record.is_optional_text: Text | None,
    record.is_optional_string: str | None,
    record.is_lines: list[Text],
    record.is_line_number: Annotated[int, Field(ge=1)],
    record.is_sha256: Sha256,
    record.is_status: Status,
    record.is_optional_status: Status | None,
    record.is_category: Category,
    record.is_retry_advice: Retry,
    record.is_standard_retry_view: Literal.__getitem__(record.STANDARD_RETRY_VIEWS),
}


def _fields(table: tuple[record.Field, ...]) -> dict[str, Any]:
    return {
        field.name: Annotated[TYPES[field.rule], Field(description=field.description)]
        for field in table
    }


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class _RecordModel(_Model):
    if TYPE_CHECKING:  # so a type checker takes the fields it cannot see

        def __getattr__(self, name: str) -> Any: ...


class StatusRecord(_RecordModel):
    """One status code as the page documents it, with where it came from."""

    __annotations__ = _fields(record.STATUS_FIELDS)

    def model_post_init(self, context: Any, /) -> None:
        """The derived fields agree with the rest. Not an "after" validator: pydantic re-runs
        those on every record a StatusDataset is given."""
        if self.description != ("\n".join(self.paragraphs) or None):
            raise ValueError("description must be the paragraphs joined with a newline")
        if self.reason is None and self.description is None:
            raise ValueError("a record needs a reason or a description")
        if self.category != record.category_of(self.code):
            raise ValueError(f"code {self.code} is not in category {self.category.value}")


class ErrorCodeRecord(_RecordModel):
    """One row of an error-code table (one per HTTP status where a row lists several)."""

    __annotations__ = _fields(record.ERROR_CODE_FIELDS)


class Source(_Model):
    """The page a dataset was scraped from."""

    id: Text = Field(description="Source id in raw/sources.json (the doc id when scraped alone).")
    doc_id: Text | None = Field(
        description="Doc id: the page heading's anchor, else the manifest's id; null if neither."
    )
    title: Text | None = Field(description="The page's title.")
    service: Text | None = Field(description="Service the page documents (vod, …).")
    url: str | None = Field(description="Where the page is published.")
    file: Text = Field(description="The raw file, relative to the project.")
    sha256: Sha256 = Field(description="sha256 of the raw file's bytes.")


class PageNote(_Model):
    """Odd but clear content of the page, kept as written rather than refuse the page: a
    prose note written as a row of the code table, a code cell that holds no code."""

    line: int = Field(ge=1, description="Line of the page the row starts on.")
    row: Text | None = Field(description="The row's id in the page's HTML, if it has one.")
    column: Text | None = Field(description="The column of the odd cell (null: the whole row).")
    text: Text = Field(description="The row's text as written, cells joined with ' | '.")
    why: Text = Field(description="What is odd about it.")
    in_records: bool = Field(
        description="Whether the row is published as a record all the same (an odd status"
        " cell on an error page, http_status null); else this note is all that is kept of it."
    )


class _Dataset(_Model):
    name: Text
    kind: str
    version: Semver
    source: Source
    records: list[Any] = Field(min_length=1)
    notes: list[PageNote] = Field(
        default_factory=list,
        description="Odd but clear content of the page, in page order (vodspec lint lists"
        " it; vodspec build --strict refuses it).",
    )


class ErrorDataset(_Dataset):
    """A page's error codes, in page order."""

    kind: Literal["error_codes"] = "error_codes"
    records: list[ErrorCodeRecord] = Field(min_length=1)


class StatusDataset(_Dataset):
    """A page's status codes, sorted by code."""

    kind: Literal["status_codes"] = "status_codes"
    records: list[StatusRecord] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_unique_and_sorted(self) -> StatusDataset:
        codes = [item.code for item in self.records]
        if len(set(codes)) != len(codes):
            raise ValueError("status codes must be unique")
        if codes != sorted(codes):
            raise ValueError("records must be sorted by code")
        return self


Dataset = StatusDataset | ErrorDataset
#: Each kind's dataset model and record model.
MODELS: dict[str, tuple[type[StatusDataset] | type[ErrorDataset], type[BaseModel]]] = {
    STATUS_CODES: (StatusDataset, StatusRecord),
    ERROR_CODES: (ErrorDataset, ErrorCodeRecord),
}


def first_problem(exc: ValidationError) -> str:
    """The first thing pydantic refused, as "invalid FIELD: why"."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "record"
    return f"invalid {field}: {error['msg']}"
