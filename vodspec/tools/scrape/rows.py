"""What both table readers do with a row: provenance, notes, refusals, extra columns."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from vodspec.errors import CellError
from vodspec.record import DOC_ID, SOURCE_LINE, SOURCE_ROW, SOURCE_SHA256
from vodspec.tools.scrape.columns import CodeTable
from vodspec.tools.scrape.models import PageNote, first_problem
from vodspec.tools.scrape.tables import Row

M = TypeVar("M", bound=BaseModel)


def cell_error(row: Row, column: str | None, message: str) -> CellError:
    return CellError(message, line=row.line, row=row.id, column=column)


def as_found(words: tuple[str, ...]) -> str:
    """A cell's words as a refusal quotes them."""
    return repr(" / ".join(words)) if words else "an empty cell"


@dataclass(frozen=True)
class Origin:
    """The page a table reader reads: where its records come from, where its notes go."""

    doc_id: str | None
    sha256: str
    notes: list[PageNote]

    def note(self, row: Row, column: str | None, why: str, in_records: bool = False) -> None:
        """Keep the row as a note of the page (refused when no note can say it)."""
        texts = [" / ".join(cell.paragraphs) for cell in row.cells if not cell.from_left]
        text = " | ".join(text for text in texts if text)
        note = {
            "line": row.line,
            "row": row.id,
            "column": column,
            "text": text,
            "why": why,
            "in_records": in_records,
        }
        self.notes.append(validated(PageNote, row, column, note))

    def note_rows(self, table: CodeTable) -> None:
        for row in table.notes:
            why = "a note written as a row of the code table (one cell across it); not a record"
            self.note(row, None, why)

    def provenance(self, row: Row) -> dict[str, object]:
        return {
            DOC_ID: self.doc_id,
            SOURCE_ROW: row.id,
            SOURCE_LINE: row.line,
            SOURCE_SHA256: self.sha256,
        }


def validated(model: type[M], row: Row, column: str | None, values: Mapping[str, object]) -> M:
    """The record ``model`` makes of ``values``, or a refusal naming the row and column."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise cell_error(row, column, first_problem(exc)) from None


@functools.cache
def _adapter(model: type[M]) -> TypeAdapter[list[M]]:
    """Made once per model: making one costs more than a page's records save."""
    return TypeAdapter(list[model])  # type: ignore[valid-type]


class Batch(Generic[M]):
    """Records validated in one pydantic call, cheaper than one each; a reader validates the
    batch before it reports anything else, so that an invalid record is refused first."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.adapter: TypeAdapter[list[M]] = _adapter(model)
        self.records: list[M] = []
        self._values: list[dict[str, object]] = []
        self._places: list[tuple[Row, str | None]] = []

    def add(self, row: Row, values: dict[str, object], column: str | None = None) -> None:
        """Add a record read from ``row`` (a refusal of it names ``column``)."""
        self._values.append(values)
        self._places.append((row, column))

    def validate(self) -> list[M]:
        """Every record so far; the first invalid one validated again alone to word its refusal."""
        values, places = self._values, self._places
        self._values, self._places = [], []  # a refusal leaves none to validate again
        try:
            self.records += self.adapter.validate_python(values)
        except ValidationError as exc:
            first = min(int(error["loc"][0]) for error in exc.errors())
            row, column = places[first]
            validated(self.model, row, column, values[first])
            raise  # not reached: a record the batch refuses is refused alone
        return self.records


def check_ascii(text: str, row: Row, column: str, what: str) -> None:
    """Refuse a code holding anything but printable ASCII (a zero-width space, a Cyrillic О):
    codes are looked up as written, so it would make a look-alike of a real code."""
    if text.isascii() and text.isprintable():
        return  # the common code, tested whole: the loop below only finds the character
    for char in text:
        if not (char.isascii() and char.isprintable()):
            name = unicodedata.name(char, "unnamed")
            raise cell_error(
                row,
                column,
                f"{what} holds U+{ord(char):04X} {name} in {text!r}; codes are plain ASCII",
            )


def extra_paragraphs(table: CodeTable, row: Row, above: bool = True) -> tuple[str, ...]:
    """The paragraphs of the row's columns without a role, as "Header: text"; without the
    rowspan copies of cells of a row above unless ``above``."""
    paragraphs: list[str] = []
    for index in table.extra:
        cell = row.cells[index]
        if cell.from_left:
            continue  # a colspan copy of the cell to its left: its text is already there
        end = index + 1
        while end < len(row.cells) and row.cells[end].from_left:
            end += 1
        if any(column in table.roles.values() for column in range(index + 1, end)):
            continue  # it spans a column with a role, which reads its text
        if not above and row.from_above(index):
            continue
        paragraphs += [f"{table.name(index)}: {text}" for text in cell.paragraphs]
    return tuple(paragraphs)
