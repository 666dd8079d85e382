"""Refuse a page with unresolved merge-conflict markers: a line ``<<<<<<< …``, later one
``>>>>>>> …`` (a lone ``=======`` is a setext underline, a lone ``>>>>>>>`` a quote)."""

from __future__ import annotations

from vodspec.errors import MarkupError

MARKER_LENGTH = 7


def _marker(line: str, char: str) -> bool:
    """``<<<<<<<`` alone or before a space and a label, as git writes it."""
    return line.startswith(char * MARKER_LENGTH) and (
        len(line) == MARKER_LENGTH or line[MARKER_LENGTH] in " \t"
    )


def find_conflict(text: str) -> tuple[int, int] | None:
    """The lines of the first conflict's ``<<<<<<<`` and ``>>>>>>>`` markers, if any."""
    if "<" * MARKER_LENGTH not in text:
        return None  # the common case, without a line-by-line scan
    opened: int | None = None
    for number, line in enumerate(text.split("\n"), 1):
        if opened is None and _marker(line, "<"):
            opened = number
        elif opened is not None and _marker(line, ">"):
            return opened, number
    return None


def conflict_error(lines: tuple[int, int], row: str | None) -> MarkupError:
    return MarkupError(
        f"unresolved merge-conflict markers (lines {lines[0]}-{lines[1]}); expected one"
        " version of the page",
        line=lines[0],
        row=row,
    )
