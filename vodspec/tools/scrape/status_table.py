"""Read status-code tables, in every form the pages use, into StatusRecords."""

from __future__ import annotations

import re
from collections.abc import Iterable

from vodspec import standard
from vodspec.errors import ClassOnlyError, DuplicateError
from vodspec.tools.scrape.cells import (
    cell_error,
    check_ascii,
    extra_paragraphs,
    provenance,
    validated,
)
from vodspec.tools.scrape.columns import REASON_PHRASE, CodeTable, known_phrase
from vodspec.tools.scrape.derived import Retry, category_of, retry_of
from vodspec.tools.scrape.models import StatusRecord
from vodspec.tools.scrape.tables import Cell, Row

# "404 Not Found", "204 NoContent", "418 I'm a teapot": the reason phrase is ASCII words.
STATUS_CELL = re.compile(rf"(?P<code>[0-9]{{3}})(?: (?P<reason>{REASON_PHRASE.pattern}))?")
CLASS_CELL = re.compile(r"[1-5][xX]{2}")
LOWEST_CODE, HIGHEST_CODE = 100, 599


def _text(cell: Cell) -> str | None:
    return cell.paragraphs[0] if len(cell.paragraphs) == 1 else None


def _status_text(cell: Cell) -> str | None:
    """A status cell's text; "200" and "OK" in two paragraphs read as "200 OK"."""
    return " ".join(cell.paragraphs) if 1 <= len(cell.paragraphs) <= 2 else None


def _combined(table: CodeTable) -> bool:
    """Whether the code column writes the reason phrase too ("404 Not Found"), as most rows do."""
    column = table.roles["status"]
    cells = [_status_text(row.cells[column]) or "" for row in table.table.rows]
    with_reason = sum(1 for text in cells if (m := STATUS_CELL.fullmatch(text)) and m["reason"])
    return with_reason * 2 > len(cells)


def _code_and_reason(table: CodeTable, row: Row, combined: bool) -> tuple[int, str | None]:
    """The code and the reason phrase the row's status cell (or code + reason cells) give."""
    column = table.roles["status"]
    name = table.table.header[column]
    text = _status_text(row.cells[column])
    if text is not None and CLASS_CELL.fullmatch(text):
        raise ClassOnlyError(
            f"the table lists the status class {text!r}, not codes; vodspec publishes codes only",
            line=row.line,
            row=row.id,
            column=name,
        )
    if text is not None:
        check_ascii(text.partition(" ")[0], row, name, "the status code")
    match = STATUS_CELL.fullmatch(text or "")
    expected = "'NNN Reason Phrase' (e.g. '404 Not Found')" if combined else "a code ('404')"
    # Where the column writes "NNN Reason", only success rows may give a bare code (DNS:
    # 200 | 请求成功。): a bare 404 there is a cell cut short.
    bare_allowed = not combined or (match is not None and match["code"].startswith("2"))
    if match is None or (match["reason"] is None and not bare_allowed):
        found = (
            repr(text) if text is not None else f"{len(row.cells[column].paragraphs)} paragraphs"
        )
        raise cell_error(row, name, f"expected {expected}, found {found}")
    code = int(match["code"])
    if not LOWEST_CODE <= code <= HIGHEST_CODE:
        raise cell_error(row, name, f"status code {code} is outside {LOWEST_CODE}-{HIGHEST_CODE}")
    reason = match["reason"]
    if "reason" in table.roles:
        reason_name = table.table.header[table.roles["reason"]]
        reason_text = _text(row.cells[table.roles["reason"]])
        if reason is not None or reason_text is None or not REASON_PHRASE.fullmatch(reason_text):
            raise cell_error(
                row, reason_name, f"expected one reason phrase ('Not Found'), found {reason_text!r}"
            )
        reason = reason_text
    elif reason is None and "description" in table.roles:
        # code | 描述 tables: the text is the code's reason phrase (ECS: "OK") or prose (reason
        # null): English prose that happens to have no final period is not a phrase.
        candidate = _text(row.cells[table.roles["description"]])
        if candidate is not None and known_phrase(code, candidate):
            reason = candidate
    return code, reason


def status_records(
    tables: Iterable[CodeTable], doc_id: str | None, sha256: str
) -> list[StatusRecord]:
    """The records of a page's status tables, merged in page order, sorted by code."""
    merged: dict[int, tuple[str | None, list[str], Row, str]] = {}
    for table in tables:
        has_description = "description" in table.roles
        code_column = table.roles["status"]
        combined = _combined(table)
        for row in table.table.rows:
            code, reason = _code_and_reason(table, row, combined)
            paragraphs: tuple[str, ...] = ()
            description_name = ""
            if has_description:
                description_name = table.table.header[table.roles["description"]]
                paragraphs = row.cells[table.roles["description"]].paragraphs
                if not paragraphs:
                    raise cell_error(row, description_name, "the description cell is empty")
            paragraphs += extra_paragraphs(table, row)
            code_cell = row.cells[code_column]
            if code in merged:
                first_reason, first_paragraphs, first_row, _ = merged[code]
                # A code spanning several rows (rowspan) lists several causes: one record.
                if not code_cell.spanned or first_reason != reason:
                    raise DuplicateError(
                        f"status code {code} is listed twice (first at line {first_row.line})",
                        line=row.line,
                        row=row.id,
                        column=table.table.header[code_column],
                    )
                first_paragraphs.extend(paragraphs)
                continue
            merged[code] = (reason, list(paragraphs), row, description_name)
    return [_record(code, *merged[code], doc_id, sha256) for code in sorted(merged)]


def _record(
    code: int,
    reason: str | None,
    paragraphs: list[str],
    row: Row,
    description_name: str,
    doc_id: str | None,
    sha256: str,
) -> StatusRecord:
    advice = retry_of(paragraphs)
    if len(advice) > 1:
        raise cell_error(
            row,
            description_name,
            "the description gives contradictory retry advice ("
            + ", ".join(a.value for a in advice)
            + ")",
        )
    return validated(
        StatusRecord,
        row,
        description_name,
        code=code,
        reason=reason,
        description="\n".join(paragraphs) or None,
        paragraphs=paragraphs,
        category=category_of(code),
        retry=advice[0] if advice else Retry.UNSPECIFIED,
        standard_phrase=standard.standard_phrase(code),
        standard_reference=standard.standard_reference(code),
        standard_retry=standard.standard_retry(code),
        standard_retry_reference=standard.STANDARD_RETRY.get(code),
        **provenance(row, doc_id, sha256),
    )
