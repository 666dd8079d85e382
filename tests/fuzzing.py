"""Mutations of real pages, each with the outcome its content implies (an oracle).

Shared by tests/test_fuzz.py (a bounded hypothesis run in the normal suite) and
scripts/fuzz_long.py (10,000+ cases). A mutation returns the mutant's bytes and what
scraping it must give: the expected records, or "refused" (the package's own error).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ROW = re.compile(r"<tr id=\"[^\"]*\">.*?</tr>\n", re.S)
REFUSED = "refused"

#: A status record as the oracle sees it: provenance (lines, hashes) left out.
Record = tuple[int, str | None, tuple[str, ...], str]


@dataclass(frozen=True)
class Mutant:
    name: str
    data: bytes
    expected: list[Record] | str  # sorted records, or REFUSED


def records_of(dataset: Any) -> list[Record]:
    return sorted((r.code, r.reason, tuple(r.paragraphs), r.retry.value) for r in dataset.records)


def _rows(text: str) -> list[re.Match[str]]:
    """The body rows (the header row sits before <tbody>)."""
    return list(ROW.finditer(text, text.index("<tbody>")))


def _code(row: str) -> int:
    match = re.search(r">([0-9]{3}) [A-Za-z]", row)
    assert match is not None
    return int(match[1])


def _edit_paragraph(text: str, row: re.Match[str], edit: Callable[[str], str]) -> str:
    """Apply ``edit`` to the markup just before the first </p> of the row's second cell."""
    second_cell = row.group().index("<td", row.group().index("</td>"))
    end = row.group().index("</p>", second_cell)
    start = row.start() + end
    return text[:start] + edit("") + text[start:]


def _with_last(
    records: list[Record], code: int, change: Callable[[tuple[str, ...]], tuple[str, ...]]
) -> list[Record]:
    out = []
    for r in records:
        if r[0] == code:
            r = (r[0], r[1], change(r[2]), r[3])
        out.append(r)
    return sorted(out)


def _append_to_first(text: str) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    return lambda paragraphs: (" ".join((paragraphs[0] + text).split()), *paragraphs[1:])


def mutate(page: str, base: list[Record], rng: random.Random) -> Mutant:
    """One random mutation of ``page`` (whose records are ``base``) with its expected outcome."""
    rows = _rows(page)
    i = rng.randrange(len(rows))
    row = rows[i]
    code = _code(row.group())
    kind = rng.choice(MUTATIONS)
    if kind == "delete_row":
        text = page[: row.start()] + page[row.end() :]
        expected: list[Record] | str = [r for r in base if r[0] != code] or REFUSED
    elif kind == "duplicate_row":
        text = page[: row.end()] + row.group() + page[row.end() :]
        expected = REFUSED  # the same code twice, not by rowspan
    elif kind == "swap_rows":
        j = rng.randrange(len(rows))
        a, b = sorted((i, j))
        if a == b:
            text, expected = page, base
        else:
            ra, rb = rows[a], rows[b]
            text = (
                page[: ra.start()]
                + rb.group()
                + page[ra.end() : rb.start()]
                + ra.group()
                + page[rb.end() :]
            )
            expected = base
    elif kind == "swap_cells":
        cells = re.findall(r"<td.*?</td>\n", row.group(), re.S)
        swapped = row.group().replace(cells[0] + cells[1], cells[1] + cells[0])
        text, expected = page[: row.start()] + swapped + page[row.end() :], REFUSED
    elif kind == "bad_code":
        replacement = rng.choice(["abc", "99", "1000", "600", "099", "４０４", "4O4", "", "404.0"])
        text = (
            page[: row.start()]
            + row.group().replace(f">{code} ", f">{replacement} ", 1)
            + page[row.end() :]
        )
        expected = REFUSED
    elif kind == "uppercase_tags":
        text = re.sub(r"</?(table|thead|tbody|tr|td|th|p)\b", lambda m: m.group().upper(), page)
        expected = base
    elif kind == "unbalance":
        closers = [m.start() for m in re.finditer(r"</(td|tr|tbody|table)>", page)]
        at = rng.choice(closers)
        text, expected = page[:at] + page[page.index(">", at) + 1 :], REFUSED
    elif kind == "truncate":
        data = page.encode("utf-8")
        cut = rng.randrange(len(data))
        end = data.rindex(b"</table>") + len(b"</table>")
        return Mutant(kind, data[:cut], base if cut >= end else REFUSED)
    elif kind == "random_bytes":
        return Mutant(kind, rng.randbytes(rng.randrange(1, 4000)), REFUSED)
    elif kind == "other_encoding":
        encoding = rng.choice(["gb18030", "utf-16", "utf-16-le", "big5"])
        return Mutant(kind, page.encode(encoding, errors="replace"), REFUSED)
    elif kind == "nested_table":
        text = _edit_paragraph(page, row, lambda _: "</p><table><tr><td>内表</td></tr></table><p>")
        expected = _with_last(base, code, lambda p: (*p[:1], "内表", *p[1:]))
    elif kind == "invisible":
        junk = rng.choice(
            ["<script>alert(1)</script>", "<style>p{}</style>", "<!-- note -->", "<![CDATA[x<y]]>"]
        )
        text, expected = _edit_paragraph(page, row, lambda _: junk), base
    elif kind == "entities":
        text = _edit_paragraph(page, row, lambda _: "&amp;&lt;b&gt;&#x4E2D;")
        expected = _with_last(base, code, _append_to_first("&<b>中"))
    elif kind == "special_characters":
        chars = rng.choice(["\u200b", "\u200d", "Ａ１", "\u3000x", "\ufeff", "é"])
        text = _edit_paragraph(page, row, lambda _: chars)
        expected = _with_last(base, code, _append_to_first(chars))
    else:  # huge_cell
        filler = "长" * rng.randrange(1000, 200_000)
        text = _edit_paragraph(page, row, lambda _: filler)
        expected = _with_last(base, code, _append_to_first(filler))
    return Mutant(kind, text.encode("utf-8"), expected)


MUTATIONS = (
    "delete_row",
    "duplicate_row",
    "swap_rows",
    "swap_cells",
    "bad_code",
    "uppercase_tags",
    "unbalance",
    "truncate",
    "random_bytes",
    "other_encoding",
    "nested_table",
    "invisible",
    "entities",
    "special_characters",
    "huge_cell",
)


def check(mutant: Mutant, scrape: Callable[..., Any], error: type[Exception]) -> str:
    """'ok', 'wrong: …' or 'unexpected: …' for one mutant."""
    try:
        dataset = scrape(mutant.data, file=f"{mutant.name}.md", service="any")
    except error:
        return (
            "ok"
            if mutant.expected == REFUSED
            else f"wrong: refused a page that reads ({mutant.name})"
        )
    except Exception as exc:  # anything but the package's own error is a bug
        return f"unexpected: {type(exc).__name__}: {exc} ({mutant.name})"
    if mutant.expected == REFUSED:
        return f"wrong: read a page that must be refused ({mutant.name})"
    got = records_of(dataset)
    return "ok" if got == mutant.expected else f"wrong: records differ ({mutant.name})"
