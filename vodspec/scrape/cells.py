"""Rules shared by the status and error tables' cells: plain-ASCII codes, extra columns."""

from __future__ import annotations

import unicodedata

from vodspec.errors import CellError
from vodspec.scrape.columns import CodeTable
from vodspec.scrape.tables import Row


def check_ascii(text: str, row: Row, column: str, what: str) -> None:
    """Refuse a code holding anything but printable ASCII, naming the character.

    Codes are compared and looked up as written: a zero-width space, a Cyrillic О or a
    full-width digit would make a look-alike of a real code.
    """
    for char in text:
        if not (char.isascii() and char.isprintable()):
            name = unicodedata.name(char, "unnamed")
            raise CellError(
                f"{what} holds U+{ord(char):04X} {name} in {text!r}; codes are plain ASCII",
                line=row.line,
                row=row.id,
                column=column,
            )


def extra_paragraphs(table: CodeTable, row: Row) -> tuple[str, ...]:
    """The row's cells in columns without a role, each paragraph as "Header: text" (none lost)."""
    paragraphs: list[str] = []
    for index in table.extra:
        header = table.table.header[index] or f"column {index + 1}"
        cell = row.cells[index]
        if cell.from_left:
            continue  # a colspan copy of the cell to its left: its text is already there
        paragraphs += [f"{header}: {text}" for text in cell.paragraphs]
    return tuple(paragraphs)
