"""Refuse table markup that a lenient HTML parser would silently "repair".

lxml recovers from a file cut off inside a table by closing it, which would publish a
shorter table as if it were whole. This check reads the table tags of the raw text and
demands that every one is closed, in order, before the page ends.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from vodspec.errors import MarkupError, TruncatedError

TABLE_TAGS = ("thead", "tbody", "tfoot", "table", "tr", "td", "th")

# Comments, CDATA and raw-text elements are skipped whole: a "<td>" inside them is not markup.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|(?P<open_comment>\Z))"
    r"|<!\[CDATA\[.*?(?:\]\]>|(?P<open_cdata>\Z))"
    r"|<(?P<raw>script|style|textarea|title)\b.*?(?:</(?P=raw)\s*>|(?P<open_raw>\Z))"
    r"|<(?P<close>/?)(?P<tag>" + "|".join(TABLE_TAGS) + r")\b(?P<rest>[^<>]*)(?P<end>>)?",
    re.S | re.I,
)


_TABLE_TAG_TUPLES = re.compile(r"<(/?)(" + "|".join(TABLE_TAGS) + r")\b([^<>]*)(>?)", re.I)
_SKIPPED = re.compile(r"<(?:!--|!\[CDATA\[|script|style|textarea|title)", re.I)


def _quick_counts(text: str) -> Counter[str] | None:
    """Opened-tag counts when the table tags balance, else None (let the full scan explain)."""
    counts: Counter[str] = Counter()
    stack: list[str] = []
    for close, tag, rest, end in _TABLE_TAG_TUPLES.findall(text):
        tag = tag.lower()
        if not end:
            return None
        if close:
            if not stack or stack.pop() != tag:
                return None
        elif not rest.rstrip().endswith("/"):
            stack.append(tag)
            counts[tag] += 1
    return None if stack else counts


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_table_markup(text: str) -> Counter[str]:
    """Raise unless every table tag in ``text`` is opened and closed in proper order.

    Returns how many of each table tag the page opens, for :func:`check_parsed`.
    """
    if not _SKIPPED.search(text):
        # Most pages have no comments, CDATA or raw-text elements: a quick scan that only
        # counts; anything odd goes to the full scan below for a precise message.
        counts = _quick_counts(text)
        if counts is not None:
            return counts
    counts = Counter()
    stack: list[tuple[str, int]] = []  # (tag, offset where it opened)
    for match in _TOKEN.finditer(text):
        where = match.start()
        if match["open_comment"] is not None or match["open_cdata"] is not None:
            if stack:
                raise TruncatedError(
                    "the page ends inside a comment within a table", line=_line(text, where)
                )
            continue
        if match["open_raw"] is not None:
            raise TruncatedError(
                f"the page ends inside <{match['raw'].lower()}>", line=_line(text, where)
            )
        tag = match["tag"]
        if tag is None:
            continue
        tag = tag.lower()
        if match["end"] is None:
            raise TruncatedError(f"the tag <{tag} is cut off", line=_line(text, where))
        if match["close"]:
            if not stack or stack[-1][0] != tag:
                opened = (
                    f"<{stack[-1][0]}> from line {_line(text, stack[-1][1])}"
                    if stack
                    else "nothing"
                )
                raise MarkupError(
                    f"</{tag}> closes {opened}; expected balanced table markup",
                    line=_line(text, where),
                )
            stack.pop()
        elif not match["rest"].rstrip().endswith("/"):
            stack.append((tag, where))
            counts[tag] += 1
    if stack:
        tag, where = stack[-1]
        raise TruncatedError(
            f"the page ends inside <{tag}> opened at line {_line(text, where)};"
            " the table is cut off",
            line=_line(text, where),
        )
    return counts


def check_parsed(counts: Counter[str], root: etree._Element | None) -> None:
    """Refuse when the parser's tree lacks rows or cells the markup has.

    libxml2 stops descending past a nesting limit and drops what lies below, without an
    error; a page that deep must be refused, not published short.
    """
    for tag in ("tr", "td", "th"):
        parsed = 0 if root is None else sum(1 for _ in root.iter(tag))
        if parsed != counts[tag]:
            raise MarkupError(
                f"the page has {counts[tag]} <{tag}> tags but the HTML parser kept {parsed}"
                " (markup nested too deeply?); refusing rather than publishing part of a table"
            )


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(?:[ \t].*)?$", re.M)
_ROW_ID = re.compile(r"<tr\b[^>]*\bid=\"([^\"]*)\"", re.I)


def check_conflict_markers(text: str) -> None:
    """Refuse a page with unresolved merge-conflict markers (it holds two versions at once)."""
    if "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text:
        return  # the common case, without a line-by-line regex scan
    marker = _CONFLICT.search(text)
    if marker is None:
        return
    before = text[: marker.start()]
    table = before.rfind("<table")
    rows = (
        _ROW_ID.findall(before[table:]) if table >= 0 and "</table>" not in before[table:] else []
    )
    raise MarkupError(
        f"unresolved merge-conflict marker {marker[1]!r}; expected one version of the page",
        line=_line(text, marker.start()),
        row=rows[-1] if rows else None,
    )
