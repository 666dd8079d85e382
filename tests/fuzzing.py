"""Mutations of real pages, each with the outcome its content implies (an oracle).

Shared by tests/test_fuzz.py (a bounded run in the normal suite) and scripts/fuzz_long.py
(10,000+ cases). One table of mutations, MUTATIONS, serves both page kinds: what differs
between a status page and an error-code page (which cell holds the code, which the text,
how rows' records make the page's) is data of the page's Kind, not a second set of
mutations. A mutation returns the mutant's bytes and what scraping it must give: the
expected records, or "refused" (the package's own error).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vodspec.record import PROVENANCE, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
REFUSED = "refused"

#: A record as the oracle sees it: every field but provenance (lines, hashes).
Record = tuple[Any, ...]
Expected = list[Record] | str  # the page's records, or REFUSED
#: The text of a record's text field, as paragraphs (status) or lines (error message).
TextEdit = Callable[[list[str]], list[str]]


@dataclass(frozen=True)
class Kind:
    """What the mutations need to know of a page kind."""

    name: str
    title: str  # as the long run names it
    pages: tuple[Path, ...]  # the pages the fuzz runs mutate (corpus ones when present)
    code_cell: int  # the row's cell holding the code
    text_cell: int  # the row's cell whose first paragraph mutations write into
    records: Callable[[Any], list[Record]]  # what the oracle compares of a dataset
    join: Callable[[list[list[Record]]], Expected]  # rows' records -> the page's
    edit_text: Callable[[Record, TextEdit], Record]  # a text edit applied to a record
    bad_codes: Callable[[str], list[str]]  # what may replace a code, each refused


def _status_records(dataset: Any) -> list[Record]:
    return sorted((r.code, r.reason, tuple(r.paragraphs), r.retry.value) for r in dataset.records)


def _status_join(groups: list[list[Record]]) -> Expected:
    """Sorted by code; a code given twice (not by rowspan) or none at all is refused."""
    records = [record for group in groups for record in group]
    if not records or len({r[0] for r in records}) < len(records):
        return REFUSED
    return sorted(records)


def _status_edit(record: Record, edit: TextEdit) -> Record:
    return (record[0], record[1], tuple(edit(list(record[2]))), record[3])


STATUS = Kind(
    name="status",
    title="status pages",
    pages=(
        ROOT / "tests" / "fixtures" / "pages" / "seed_vod_04_0133.md",
        CORPUS / "vod" / "status" / "eb36979.md",
        CORPUS / "vod" / "status" / "27b3b04.md",
    ),
    code_cell=0,
    text_cell=1,
    records=_status_records,
    join=_status_join,
    edit_text=_status_edit,
    bad_codes=lambda _: ["abc", "99", "1000", "600", "099", "４０４", "4O4", "", "404.0"],
)

ERROR_FIELDS = tuple(
    name for name in ErrorCode.__slots__ if name not in (*PROVENANCE, "placeholders")
)
MESSAGE = ERROR_FIELDS.index("message")


def _error_records(dataset: Any) -> list[Record]:
    return [tuple(getattr(r, name) for name in ERROR_FIELDS) for r in dataset.records]


def _error_join(groups: list[list[Record]]) -> Expected:
    """In page order, an exact repeat kept once (as the scraper does); none is refused."""
    return list(dict.fromkeys(record for group in groups for record in group)) or REFUSED


def _error_edit(record: Record, edit: TextEdit) -> Record:
    lines = edit((record[MESSAGE] or "").split("\n"))
    return (*record[:MESSAGE], "\n".join(lines), *record[MESSAGE + 1 :])


ERRORS = Kind(
    name="errors",
    title="error-code pages",
    pages=(
        ROOT / "tests" / "fixtures" / "page_shapes" / "errors_five_columns.md",
        CORPUS / "vod" / "errors" / "7381ebf.md",
    ),
    code_cell=1,
    text_cell=2,
    records=_error_records,
    join=_error_join,
    edit_text=_error_edit,
    bad_codes=lambda code: [
        code + "\u200b",
        code.replace("O", "\u041e", 1) + "\u0435",
        "A B.1",
        code + "\uff11",
    ],
)

KINDS = (STATUS, ERRORS)
ROW = re.compile(r"<tr\b[^>]*>.*?</tr>\n", re.S)


@dataclass(frozen=True)
class Page:
    kind: Kind
    text: str
    rows: list[re.Match[str]]  # the body rows (the header row sits before <tbody>)
    groups: list[list[Record]]  # the records each row gives, in page order

    @property
    def base(self) -> Expected:
        return self.kind.join(self.groups)

    def cell(self, i: int, n: int) -> tuple[int, int]:
        """Where the ``n``-th cell of row ``i`` starts and ends (past its </td>) in the text."""
        row = self.rows[i]
        start = row.start()
        for _ in range(n + 1):
            start = self.text.index("<td", start + 1)
        return start, self.text.index("</td>", start) + len("</td>")

    def code(self, i: int) -> tuple[int, int]:
        """Where row ``i``'s code is written in its code cell."""
        code = str(self.groups[i][0][0])
        start, end = self.cell(i, self.kind.code_cell)
        at = self.text.index(f">{code}", start, end) + 1
        return at, at + len(code)

    def text_end(self, i: int) -> int:
        """Where the first paragraph of row ``i``'s text cell ends (its </p>)."""
        start, end = self.cell(i, self.kind.text_cell)
        return self.text.index("</p>", start, end)

    def replace(self, start: int, end: int, new: str) -> str:
        return self.text[:start] + new + self.text[end:]

    def with_text(self, i: int, edit: TextEdit) -> Expected:
        """The page's records with ``edit`` applied to those row ``i`` gives."""
        group = [self.kind.edit_text(record, edit) for record in self.groups[i]]
        return self.kind.join([*self.groups[:i], group, *self.groups[i + 1 :]])


def load_page(path: Path, kind: Kind, scrape: Callable[..., Any]) -> Page:
    """The page with the records of each of its rows, read one row at a time."""
    text = path.read_text(encoding="utf-8")
    start = text.index("<tbody>") + len("<tbody>")
    rows = list(ROW.finditer(text, start))
    head = text[:start]
    groups = [
        kind.records(scrape((head + row.group() + "</tbody>\n</table>\n").encode(), service="any"))
        for row in rows
    ]
    page = Page(kind, text, rows, groups)
    # The oracle builds on the rows' records: they must make the whole page's.
    whole = kind.records(scrape(text.encode("utf-8"), service="any"))
    assert page.base == whole, f"{path}: the rows' records are not the page's"
    return page


def load_pages(kind: Kind, scrape: Callable[..., Any]) -> list[Page]:
    return [load_page(path, kind, scrape) for path in kind.pages if path.is_file()]


@dataclass(frozen=True)
class Mutant:
    name: str
    kind: Kind
    data: bytes
    expected: Expected


def _append(added: str) -> TextEdit:
    """Text added at the end of the first paragraph, whitespace collapsed as the reader does."""
    return lambda paragraphs: [" ".join((paragraphs[0] + added).split()), *paragraphs[1:]]


def _delete_row(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    row = page.rows[i]
    return page.replace(row.start(), row.end(), ""), page.kind.join(
        page.groups[:i] + page.groups[i + 1 :]
    )


def _duplicate_row(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    row = page.rows[i]
    groups = page.groups[: i + 1] + page.groups[i:]
    return page.replace(row.end(), row.end(), row.group()), page.kind.join(groups)


def _swap_rows(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    a, b = sorted((i, rng.randrange(len(page.rows))))
    if a == b:
        return page.text, page.base
    ra, rb, text = page.rows[a], page.rows[b], page.text
    between = text[ra.end() : rb.start()]
    swapped = text[: ra.start()] + rb.group() + between + ra.group() + text[rb.end() :]
    groups = list(page.groups)
    groups[a], groups[b] = groups[b], groups[a]
    return swapped, page.kind.join(groups)


def _swap_cells(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    (s0, e0), (s1, e1) = page.cell(i, 0), page.cell(i, 1)
    text = page.text
    swapped = text[:s0] + text[s1:e1] + text[e0:s1] + text[s0:e0] + text[e1:]
    return swapped, REFUSED  # a code where the text goes and text where the code goes


def _bad_code(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    start, end = page.code(i)
    return page.replace(start, end, rng.choice(page.kind.bad_codes(page.text[start:end]))), REFUSED


def _uppercase_tags(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    tags = re.compile(r"</?(table|thead|tbody|tr|td|th|p)\b")
    return tags.sub(lambda m: m.group().upper(), page.text), page.base


def _unbalance(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    at = rng.choice(list(re.finditer(r"</(td|tr|tbody|table)>", page.text)))
    # HTML lets </td>, </tr> and </tbody> be omitted; a table left open is cut off.
    return page.replace(at.start(), at.end(), ""), REFUSED if at[1] == "table" else page.base


FAKE_PIPE = "| 返回值 | 说明 |\n| --- | --- |\n| 418 I'm a teapot | 假 |\n"
FAKE_HTML = "<table><tr><td>418 I'm a teapot</td><td>假</td></tr></table>\n"
FAKE_ROW = "<tr><td><p>418 I'm a teapot</p></td><td><p>假</p></td></tr>"


def _comment(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    after = page.rows[i].end()
    fake = rng.choice(
        [
            f"<!--\n{FAKE_PIPE}-->\n",
            f"<!-- {FAKE_ROW} -->",
            f"<!-- {page.rows[i].group()} -->",
            "<!--></p></td></tr></tbody></table>-->",
            "<![CDATA[x></p></td></tr></tbody></table>]]>",
        ]
    )
    if fake.startswith("<!--\n"):  # a pipe table inside a comment, after the page
        return page.text + "\n" + fake, page.base
    text = page.replace(after, after, fake + "\n")
    if fake.startswith("<!-- "):  # a whole row inside a comment, between rows
        return text, page.base
    # The comment (or bogus comment) ends at the first ">": what follows ends the table
    # early and leaves a </p> with no <p> open, after the last row too.
    return text, REFUSED


def _code_block(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    own = page.text[page.text.index("<table") :]
    block = rng.choice(
        [
            f"```\n{FAKE_PIPE}```\n",
            f"~~~md\n{FAKE_HTML}~~~\n",
            "".join(f"    {line}\n" for line in FAKE_PIPE.splitlines()),
            f"```\n{own}```\n",  # the page's own table again, as code
        ]
    )
    return page.text + "\n\n" + block, page.base


def _hidden(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    attribute = rng.choice([" hidden", ' style="display:none"', ' style="visibility: hidden"'])
    if rng.random() < 0.5:  # a row the page hides, after row i
        row = page.rows[i]
        cells = "<td><p>x</p></td>" * (row.group().count("<td") - 1)
        fake = f"<tr{attribute}><td><p>418 I'm a teapot</p></td>{cells}</tr>\n"
        text = page.replace(row.end(), row.end(), fake)
    else:  # text the page hides, in a cell
        hidden = rng.choice(
            [
                f"<span{attribute}>不要重试</span>",
                "<noscript>建议直接修改该请求，不要重试该请求。</noscript>",
                "<template>x</template>",
            ]
        )
        at = page.text_end(i)
        text = page.replace(at, at, hidden)
    return text, REFUSED  # no CSS is interpreted: a page that hides content is refused


def _at_code_or_text(
    page: Page, i: int, rng: random.Random, in_code: str, in_text: str, shown: str
) -> tuple[str, Expected]:
    """``in_code`` after the code (which still reads the same), or ``in_text`` at the end of
    the text cell's first paragraph, which then shows ``shown`` more."""
    if rng.random() < 0.5:
        at = page.code(i)[1]
        return page.replace(at, at, in_code), page.base
    at = page.text_end(i)
    return page.replace(at, at, in_text), page.with_text(i, _append(shown))


def _deep_nesting(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    depth = rng.choice([rng.randrange(100, 1500), rng.randrange(2500, 6000)])
    if rng.random() < 0.5:  # the code itself, nested
        start, end = page.code(i)
        text = page.replace(start, end, "<b>" * depth + page.text[start:end] + "</b>" * depth)
        expected = page.base
    else:
        at = page.text_end(i)
        text = page.replace(at, at, "<b>" * depth + "深" + "</b>" * depth)
        expected = page.with_text(i, _append("深"))
    return text, expected if depth < 1500 else REFUSED


def _colspan(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    start = page.cell(i, 0)[0]
    span = rng.choice([2, 3, 1000])
    return page.replace(start, start + 3, f'<td colspan="{span}"'), REFUSED  # wider than the header


def _control_entity(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    entity, visible = rng.choice(
        # HTML reads &#x80;-&#x9F; as windows-1252 (&#x9B; is "›"), as browsers do.
        [
            ("&#27;[31m", "[31m"),
            ("&#127;", ""),
            ("&#x9B;2J", "\u203a2J"),
            ("&#x1b;]0;t&#7;", "]0;t"),
        ]
    )
    return _at_code_or_text(page, i, rng, "&#27;", entity, visible)


def _truncate(page: Page, i: int, rng: random.Random) -> tuple[bytes, Expected]:
    data = page.text.encode("utf-8")
    cut = rng.randrange(len(data))
    end = data.rindex(b"</table>") + len(b"</table>")
    return data[:cut], page.base if cut >= end else REFUSED


def _random_bytes(page: Page, i: int, rng: random.Random) -> tuple[bytes, Expected]:
    return rng.randbytes(rng.randrange(1, 4000)), REFUSED


def _other_encoding(page: Page, i: int, rng: random.Random) -> tuple[bytes, Expected]:
    encoding = rng.choice(["gb18030", "utf-16", "utf-16-le", "big5"])
    return page.text.encode(encoding, errors="replace"), REFUSED


def _nested_table(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    at = page.text_end(i)
    text = page.replace(at, at, "</p><table><tr><td>内表</td></tr></table><p>")
    return text, page.with_text(i, lambda p: [p[0], "内表", *p[1:]])


def _invisible(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    junk = rng.choice(
        ["<script>alert(1)</script>", "<style>p{}</style>", "<!-- note -->", "<![CDATA[x<y]]>"]
    )
    text, expected = _at_code_or_text(page, i, rng, junk, junk, "")
    # GitHub shows a <script> or <style> as text, a browser does not: refused.
    return text, REFUSED if junk.startswith(("<script", "<style")) else expected


def _entities(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    start, end = page.code(i)
    code = page.text[start:end]
    if rng.random() < 0.5:  # the code's first character as a character reference
        return page.replace(start, end, f"&#{ord(code[0])};{code[1:]}"), page.base
    at = page.text_end(i)
    return page.replace(at, at, "&amp;&lt;b&gt;&#x4E2D;"), page.with_text(i, _append("&<b>中"))


def _special_characters(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    chars = rng.choice(["\u200b", "\u200d", "Ａ１", "\u3000x", "\ufeff", "é"])
    at = page.text_end(i)
    return page.replace(at, at, chars), page.with_text(i, _append(chars))


def _huge_cell(page: Page, i: int, rng: random.Random) -> tuple[str, Expected]:
    filler = "长" * rng.randrange(1000, 200_000)
    at = page.text_end(i)
    return page.replace(at, at, filler), page.with_text(i, _append(filler))


#: Every mutation, by name: each takes a page, a row of it and a random source, and gives
#: the mutant (text or bytes) with its expected outcome.
MUTATIONS: dict[str, Callable[[Page, int, random.Random], tuple[str | bytes, Expected]]] = {
    "delete_row": _delete_row,
    "duplicate_row": _duplicate_row,
    "swap_rows": _swap_rows,
    "swap_cells": _swap_cells,
    "bad_code": _bad_code,
    "uppercase_tags": _uppercase_tags,
    "unbalance": _unbalance,
    "truncate": _truncate,
    "random_bytes": _random_bytes,
    "other_encoding": _other_encoding,
    "nested_table": _nested_table,
    "invisible": _invisible,
    "entities": _entities,
    "special_characters": _special_characters,
    "huge_cell": _huge_cell,
    "comment": _comment,
    "code_block": _code_block,
    "hidden": _hidden,
    "deep_nesting": _deep_nesting,
    "colspan": _colspan,
    "control_entity": _control_entity,
}


def mutate(page: Page, rng: random.Random, name: str | None = None) -> Mutant:
    """One random mutation of ``page`` (the one named, else any) with its expected outcome."""
    i = rng.randrange(len(page.rows))
    name = rng.choice(sorted(MUTATIONS)) if name is None else name
    mutant, expected = MUTATIONS[name](page, i, rng)
    data = mutant.encode("utf-8") if isinstance(mutant, str) else mutant
    return Mutant(name, page.kind, data, expected)


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
    got = mutant.kind.records(dataset)
    return "ok" if got == mutant.expected else f"wrong: records differ ({mutant.name})"


def records_of(dataset: Any) -> list[Record]:
    """A status dataset's records as the oracle sees them."""
    return STATUS.records(dataset)
