"""Read Markdown pipe tables (``|a|b|`` / ``|--|--|``) into the same Table model as HTML ones."""

from __future__ import annotations

import re

from vodspec.errors import CellError, TruncatedError
from vodspec.scrape.tables import Cell, Row, Table, cell_paragraphs, fragment
from vodspec.scrape.text import normalize

_ROW = re.compile(r"^[ \t]*\|.*$")
_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# An unescaped pipe: not preceded by a backslash.
_SPLIT = re.compile(r"(?<!\\)\|")
_BR = re.compile(r"<br\s*/?>", re.I)
# Markdown syntax that has no place in the text: links and images keep their text, ** and `
# markers go. Single * and _ are left alone: they appear in real values (%s*%d, snake_case).
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_STRONG = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]*)`")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _split_row(line: str) -> list[str]:
    body = line.strip()
    if not body.endswith("|") or body.endswith("\\|"):
        raise TruncatedError("pipe-table row does not end with '|': the row is cut off")
    return _SPLIT.split(body[1:-1])


def _paragraphs(raw: str, line: int) -> tuple[str, ...]:
    paragraphs: list[str] = []
    for part in _BR.split(raw):
        text = _STRONG.sub(r"\1", _CODE.sub(r"\1", _LINK.sub(r"\1", _IMAGE.sub(r"\1", part))))
        text = _ESCAPE.sub(r"\1", text)
        if "<" in text or "&" in text:  # inline HTML or entities: let the HTML parser read them
            paragraphs.extend(cell_paragraphs(fragment(text)))
        elif normalized := normalize(text):
            paragraphs.append(normalized)
    return tuple(paragraphs)


def pipe_tables(text: str) -> list[Table]:
    """Every pipe table of the page (a header row, a delimiter row, body rows), in page order."""
    lines = text.split("\n")
    tables = []
    index = 0
    while index + 1 < len(lines):
        if not (_ROW.match(lines[index]) and _DELIMITER.match(lines[index + 1])):
            index += 1
            continue
        start = index + 1  # 1-based line of the header
        try:
            header_cells = tuple(
                Cell(_paragraphs(raw, start), start) for raw in _split_row(lines[index])
            )
        except TruncatedError as exc:
            exc.line = start
            raise
        rows = []
        index += 2
        while index < len(lines) and _ROW.match(lines[index]) and lines[index].strip():
            number = index + 1
            try:
                raw_cells = _split_row(lines[index])
            except TruncatedError as exc:
                exc.line = number
                raise
            cells = tuple(Cell(_paragraphs(raw, number), number) for raw in raw_cells)
            if len(cells) != len(header_cells):
                raise CellError(
                    f"row has {len(cells)} cells; the header has {len(header_cells)}",
                    line=number,
                )
            rows.append(Row(id=None, line=number, cells=cells))
            index += 1
            if index == len(lines) and not text.endswith("\n"):
                raise TruncatedError(
                    "the file ends inside a pipe table without a final newline: it looks cut off",
                    line=number,
                )
        tables.append(Table(header_cells=header_cells, rows=tuple(rows), line=start))
    return tables
