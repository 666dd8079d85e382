"""The pydantic models of the published dataset: what is valid is defined here, once."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from vodspec.scrape.rules import Category, Retry, category_of

SEMVER_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"

Text = Annotated[str, StringConstraints(min_length=1)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)


class StatusRecord(_Model):
    """One status code as the page documents it, with where it came from."""

    code: int = Field(ge=100, le=599, description="HTTP status code.")
    reason: Text | None = Field(description="Reason phrase as the page writes it.")
    description: Text = Field(description="The paragraphs joined with a newline.")
    paragraphs: list[Text] = Field(
        min_length=1, description="The description cell, paragraph by paragraph."
    )
    category: Category = Field(description="Class of the code, from its first digit.")
    retry: Retry = Field(description="The page's own retry advice, from its words.")
    doc_id: Text = Field(description="Doc id of the source page.")
    source_row: str | None = Field(description="The id of the table row (<tr id>), if it has one.")
    source_line: int = Field(ge=1, description="Line of the row in the source file.")
    source_sha256: Sha256 = Field(description="sha256 of the source file's bytes.")

    @model_validator(mode="after")
    def _derived_fields_agree(self) -> StatusRecord:
        if self.description != "\n".join(self.paragraphs):
            raise ValueError("description must be the paragraphs joined with a newline")
        if self.category != category_of(self.code):
            raise ValueError(f"code {self.code} is not in category {self.category.value}")
        return self


class Source(_Model):
    """The page a dataset was scraped from."""

    id: Text = Field(description="Source id in raw/sources.json (the doc id when scraped alone).")
    doc_id: Text = Field(description="Doc id the page's heading carries.")
    title: Text | None = Field(description="The page's title.")
    service: Text | None = Field(description="Service the page documents (vod, …).")
    url: str | None = Field(description="Where the page is published.")
    file: Text = Field(description="The raw file, relative to the project.")
    sha256: Sha256 = Field(description="sha256 of the raw file's bytes.")


class StatusDataset(_Model):
    """A page's status codes, sorted by code."""

    name: Text
    kind: Literal["status_codes"] = "status_codes"
    version: Annotated[str, StringConstraints(pattern=SEMVER_PATTERN)]
    source: Source
    records: list[StatusRecord] = Field(min_length=1)

    @model_validator(mode="after")
    def _codes_unique_and_sorted(self) -> StatusDataset:
        codes = [record.code for record in self.records]
        if len(set(codes)) != len(codes):
            raise ValueError("status codes must be unique")
        if codes != sorted(codes):
            raise ValueError("records must be sorted by code")
        return self
