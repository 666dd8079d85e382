"""The pydantic models of the published dataset: what the build may publish.

The accessor's records (vodspec.record) are their standard-library twins, field for field
(tests/test_published_formats.py checks they agree); the JSON Schemas are rendered from
these models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from vodspec.tools.scrape.derived import Category, Retry, category_of

SEMVER_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

Text = Annotated[str, StringConstraints(min_length=1)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]


# Where a record came from: the last fields of both record models (vodspec.record.PROVENANCE).
DocId = Annotated[
    Text | None,
    Field(description="Doc id of the source page (its heading's anchor, else the manifest's id)."),
]
SourceRow = Annotated[
    str | None, Field(description="The id of the table row (<tr id>), if it has one.")
]
SourceLine = Annotated[int, Field(ge=1, description="Line of the row in the source file.")]
SourceSha256 = Annotated[Sha256, Field(description="sha256 of the source file's bytes.")]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class StatusRecord(_Model):
    """One status code as the page documents it, with where it came from."""

    code: int = Field(ge=100, le=599, description="HTTP status code.")
    reason: Text | None = Field(description="Reason phrase as the page writes it, if it gives one.")
    description: Text | None = Field(
        description="The paragraphs joined with a newline; null when the table has no description."
    )
    paragraphs: list[Text] = Field(description="The description, paragraph by paragraph.")
    category: Category = Field(description="Class of the code, from its first digit.")
    retry: Retry = Field(description="The page's own retry advice, from its words.")
    standard_phrase: Text | None = Field(
        description="The IANA-registered reason phrase (RFC 9110); null if unregistered."
    )
    standard_reference: Text | None = Field(description="Where the code is defined.")
    standard_retry: Literal["retry", "unspecified"] = Field(
        description="The standard's (or convention's) view: may a retry cure it? Not the vendor's."
    )
    standard_retry_reference: Text | None = Field(description="Why standard_retry is retry.")
    doc_id: DocId
    source_row: SourceRow
    source_line: SourceLine
    source_sha256: SourceSha256

    @model_validator(mode="after")
    def _derived_fields_agree(self) -> StatusRecord:
        if self.description != ("\n".join(self.paragraphs) or None):
            raise ValueError("description must be the paragraphs joined with a newline")
        if self.reason is None and self.description is None:
            raise ValueError("a record needs a reason or a description")
        if self.category != category_of(self.code):
            raise ValueError(f"code {self.code} is not in category {self.category.value}")
        return self


class ErrorCodeRecord(_Model):
    """One row of an error-code table (one per HTTP status where a row lists several)."""

    error_code: Text = Field(description="The service's error code, e.g. VOD.10053.")
    http_status: int | None = Field(
        ge=100, le=599, description="HTTP status; null when the table has no status column."
    )
    http_status_text: Text | None = Field(description="The status cell as the page writes it.")
    message: Text | None = Field(description="Error message (错误信息 / Error Message / 错误提示).")
    description: Text | None = Field(description="Description (描述 / 语义 / 说明 / 错误说明).")
    remedy: Text | None = Field(description="What to do (处理措施 / 解决方案).")
    module: Text | None = Field(description="Module (模块), on pages that group codes by one.")
    placeholders: list[Text] = Field(
        description="Template slots in the message ({0}, %s…), verbatim, in order."
    )
    doc_id: DocId
    source_row: SourceRow
    source_line: SourceLine
    source_sha256: SourceSha256


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


Semver = Annotated[str, StringConstraints(pattern=SEMVER_PATTERN)]


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
    """A page's records with the page they came from; the fields every dataset has."""

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
        codes = [record.code for record in self.records]
        if len(set(codes)) != len(codes):
            raise ValueError("status codes must be unique")
        if codes != sorted(codes):
            raise ValueError("records must be sorted by code")
        return self


Dataset = StatusDataset | ErrorDataset


def first_problem(exc: ValidationError) -> str:
    """The first thing pydantic refused, as "invalid FIELD: why" for a one-line refusal."""
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "record"
    return f"invalid {field}: {error['msg']}"
