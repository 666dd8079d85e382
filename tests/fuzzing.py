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
from pathlib import Path
from typing import Any

from vodspec.record import PROVENANCE, ErrorCode

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
#: The pages the fuzz runs mutate (the corpus ones when ../shared is there).
STATUS_PAGES = [ROOT / "tests" / "fixtures" / "pages" / "seed_vod_04_0133.md"] + [
    CORPUS / "vod" / "status" / f"{rev}.md" for rev in ("eb36979", "27b3b04")
]
ERROR_PAGES = [
    ROOT / "tests" / "fixtures" / "page_shapes" / "errors_five_columns.md",
    CORPUS / "vod" / "errors" / "7381ebf.md",
]

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
        closers = list(re.finditer(r"</(td|tr|tbody|table)>", page))
        at = rng.choice(closers)
        text = page[: at.start()] + page[at.end() :]
        # HTML lets </td>, </tr> and </tbody> be omitted; a table left open is cut off.
        expected = REFUSED if at[1] == "table" else base
    elif kind == "comment":
        fake = rng.choice(
            [
                "<!--\n| 返回值 | 说明 |\n| --- | --- |\n| 418 I'm a teapot | 假 |\n-->\n",
                "<!-- <tr><td><p>418 I'm a teapot</p></td><td><p>假</p></td></tr> -->",
                "<!--></p></td></tr></tbody></table>-->",
                "<![CDATA[x></p></td></tr></tbody></table>]]>",
            ]
        )
        if fake.startswith("<!--\n"):  # a pipe table inside a comment, after the table
            text, expected = page + "\n" + fake, base
        elif fake.startswith("<!-- "):  # a whole row inside a comment, between rows
            text, expected = page[: row.end()] + fake + "\n" + page[row.end() :], base
        else:  # the comment (or bogus comment) ends at the first ">": the table ends early
            text = page[: row.end()] + fake + "\n" + page[row.end() :]
            expected = base if i == len(rows) - 1 else REFUSED  # after the last row, no loss
    elif kind == "code_block":
        fake = "| 返回值 | 说明 |\n| --- | --- |\n| 418 I'm a teapot | 假 |\n"
        html = "<table><tr><td>418 I'm a teapot</td><td>假</td></tr></table>\n"
        block = rng.choice(
            [
                f"```\n{fake}```\n",
                f"~~~md\n{html}~~~\n",
                "".join(f"    {line}\n" for line in fake.splitlines()),
            ]
        )
        text, expected = page + "\n\n" + block, base
    elif kind == "hidden":
        fake_row = "<tr{}><td><p>418 I'm a teapot</p></td><td><p>假</p></td></tr>\n"
        attribute = rng.choice([" hidden", ' style="display:none"', ' style="visibility: hidden"'])
        if rng.random() < 0.5:
            text = page[: row.end()] + fake_row.format(attribute) + page[row.end() :]
        else:
            hidden = rng.choice(
                [
                    f"<span{attribute}>不要重试</span>",
                    "<noscript>建议直接修改该请求，不要重试该请求。</noscript>",
                    "<template>x</template>",
                ]
            )
            text = _edit_paragraph(page, row, lambda _: hidden)
        expected = REFUSED  # no CSS is interpreted: a page that hides content is refused
    elif kind == "deep_nesting":
        depth = rng.choice([rng.randrange(100, 1500), rng.randrange(2500, 6000)])
        text = _edit_paragraph(page, row, lambda _: "<b>" * depth + "深" + "</b>" * depth)
        expected = _with_last(base, code, _append_to_first("深")) if depth < 1500 else REFUSED
    elif kind == "colspan":
        span = rng.choice([2, 3, 1000])
        text = page[: row.start()] + row.group().replace("<td", f'<td colspan="{span}"', 1)
        text += page[row.end() :]
        expected = REFUSED  # the row would be wider than the header
    elif kind == "control_entity":
        entity, visible = rng.choice(
            # HTML reads &#x80;-&#x9F; as windows-1252 (&#x9B; is "›"), as browsers do.
            [
                ("&#27;[31m", "[31m"),
                ("&#127;", ""),
                ("&#x9B;2J", "\u203a2J"),
                ("&#x1b;]0;t&#7;", "]0;t"),
            ]
        )
        text = _edit_paragraph(page, row, lambda _: entity)
        expected = _with_last(base, code, _append_to_first(visible))
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
        # GitHub shows a <script> or <style> as text, a browser does not: refused.
        text = _edit_paragraph(page, row, lambda _: junk)
        expected = REFUSED if junk.startswith(("<script", "<style")) else base
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
    "comment",
    "code_block",
    "hidden",
    "deep_nesting",
    "colspan",
    "control_entity",
)


def check(
    mutant: Mutant,
    scrape: Callable[..., Any],
    error: type[Exception],
    records: Callable[[Any], list[Any]] = records_of,
) -> str:
    """'ok', 'wrong: …' or 'unexpected: …' for one mutant (``records``: what the oracle
    compares of the dataset)."""
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
    got = records(dataset)
    return "ok" if got == mutant.expected else f"wrong: records differ ({mutant.name})"


# The error-code page: the same families, with an oracle built row by row.

ERROR_ROW = re.compile(r"<tr\b[^>]*>.*?</tr>\n", re.S)
#: An error record as the oracle sees it: every field but provenance and placeholders.
ErrorRecord = tuple[Any, ...]
ERROR_FIELDS = tuple(
    name for name in ErrorCode.__slots__ if name not in (*PROVENANCE, "placeholders")
)


def error_records_of(dataset: Any) -> list[ErrorRecord]:
    return [tuple(getattr(r, name) for name in ERROR_FIELDS) for r in dataset.records]


@dataclass(frozen=True)
class ErrorPage:
    text: str
    rows: list[re.Match[str]]
    groups: list[list[ErrorRecord]]  # the records each row gives, in page order


def error_page(text: str, scrape: Callable[..., Any]) -> ErrorPage:
    """The page with the records of each of its rows, read one row at a time."""
    start = text.index("<tbody>") + len("<tbody>")
    rows = list(ERROR_ROW.finditer(text, start))
    head = text[:start]
    groups = [
        error_records_of(
            scrape((head + row.group() + "</tbody>\n</table>\n").encode(), service="any")
        )
        for row in rows
    ]
    return ErrorPage(text, rows, groups)


def _flatten(groups: list[list[ErrorRecord]]) -> list[ErrorRecord]:
    """Rows' records in order, an exact repeat kept once (as the scraper does)."""
    return list(dict.fromkeys(record for group in groups for record in group))


def mutate_errors(page: ErrorPage, rng: random.Random) -> Mutant:
    """One random mutation of an error-code page with its expected records (or refusal)."""
    text, rows, groups = page.text, page.rows, page.groups
    base = _flatten(groups)
    i = rng.randrange(len(rows))
    row = rows[i]
    code = groups[i][0][0]
    kind = rng.choice(ERROR_MUTATIONS)
    expected: list[ErrorRecord] | str = base
    if kind == "delete_row":
        mutated = text[: row.start()] + text[row.end() :]
        expected = _flatten(groups[:i] + groups[i + 1 :]) or REFUSED
    elif kind == "duplicate_row":
        mutated = text[: row.end()] + row.group() + text[row.end() :]
    elif kind == "swap_rows":
        a, b = sorted((i, rng.randrange(len(rows))))
        order = list(range(len(rows)))
        order[a], order[b] = order[b], order[a]
        body = "".join(rows[k].group() for k in order)
        mutated = text[: rows[0].start()] + body + text[rows[-1].end() :]
        expected = _flatten([groups[k] for k in order])
    elif kind == "bad_code":
        bad = rng.choice(
            [code + "\u200b", code.replace("O", "\u041e", 1) + "\u0435", "A B.1", code + "\uff11"]
        )
        mutated = text[: row.start()] + row.group().replace(f">{code}<", f">{bad}<", 1)
        mutated += text[row.end() :]
        expected = REFUSED
    elif kind == "control_entity":
        mutated = text[: row.start()] + row.group().replace(f">{code}<", f">{code}&#27;<", 1)
        mutated += text[row.end() :]
    elif kind == "deep_nesting":
        depth = rng.choice([rng.randrange(100, 1500), rng.randrange(2500, 6000)])
        nested = "<b>" * depth + code + "</b>" * depth
        mutated = text[: row.start()] + row.group().replace(f">{code}<", f">{nested}<", 1)
        mutated += text[row.end() :]
        expected = base if depth < 1500 else REFUSED
    elif kind == "colspan":
        mutated = text[: row.start()] + row.group().replace("<td", '<td colspan="2"', 1)
        mutated += text[row.end() :]
        expected = REFUSED
    elif kind == "hidden":
        fake = (
            "<tr hidden><td><p>400</p></td><td><p>FAKE.1</p></td>"
            + "<td><p>x</p></td>" * (row.group().count("<td") - 2)
            + "</tr>\n"
        )
        mutated = text[: row.end()] + fake + text[row.end() :]
        expected = REFUSED  # no CSS is interpreted: a page that hides content is refused
    elif kind == "comment":
        mutated = text[: row.end()] + f"<!-- {row.group()} -->\n" + text[row.end() :]
    elif kind == "code_block":
        mutated = text + "\n\n```\n" + text[text.index("<table") :] + "```\n"
    elif kind == "uppercase_tags":
        mutated = re.sub(r"</?(table|thead|tbody|tr|td|th|p)\b", lambda m: m.group().upper(), text)
    elif kind == "entities":  # the code's first letter as a character reference
        spelled = f"&#{ord(code[0])};{code[1:]}"
        mutated = text[: row.start()] + row.group().replace(f">{code}<", f">{spelled}<", 1)
        mutated += text[row.end() :]
    elif kind == "invisible":
        junk = rng.choice(["<script>x</script>", "<style>p{}</style>", "<!-- c -->"])
        mutated = text[: row.start()] + row.group().replace(f">{code}<", f">{code}{junk}<", 1)
        mutated += text[row.end() :]
        expected = REFUSED if junk != "<!-- c -->" else base  # GitHub shows scripts as text
    elif kind == "swap_cells":  # the status and the code change places in one row
        cells = re.findall(r"<td.*?</td>\n", row.group(), re.S)
        swapped = row.group().replace(cells[0] + cells[1], cells[1] + cells[0], 1)
        mutated, expected = text[: row.start()] + swapped + text[row.end() :], REFUSED
    elif kind in ("special_characters", "huge_cell", "nested_table"):
        added = {
            "special_characters": rng.choice(["\u200b", "Ａ１", "é", "\ufeff"]),
            "huge_cell": "长" * rng.randrange(1000, 100_000),
            "nested_table": "</p><table><tr><td>内表</td></tr></table><p>",
        }[kind]
        mutated, expected = _edit_message(page, i, added)
    elif kind == "other_encoding":
        encoding = rng.choice(["gb18030", "utf-16", "big5"])
        return Mutant(kind, text.encode(encoding, errors="replace"), REFUSED)
    elif kind == "random_bytes":
        return Mutant(kind, rng.randbytes(rng.randrange(1, 4000)), REFUSED)
    elif kind == "unbalance":
        closer = rng.choice(list(re.finditer(r"</(td|tr|tbody|table)>", text)))
        mutated = text[: closer.start()] + text[closer.end() :]
        expected = REFUSED if closer[1] == "table" else base
    else:  # truncate
        data = text.encode("utf-8")
        cut = rng.randrange(len(data))
        end = data.rindex(b"</table>") + len(b"</table>")
        return Mutant(kind, data[:cut], base if cut >= end else REFUSED)
    return Mutant(kind, mutated.encode("utf-8"), expected)


def _edit_message(page: ErrorPage, i: int, added: str) -> tuple[str, list[ErrorRecord]]:
    """Text added at the end of the first paragraph of row ``i``'s message cell (the third)."""
    row = page.rows[i].group()
    third = row.index("<td", row.index("<td", row.index("<td") + 1) + 1)
    end = row.index("</p>", third)
    mutated = page.text[: page.rows[i].start()] + row[:end] + added + row[end:]
    mutated += page.text[page.rows[i].end() :]
    group = []
    for record in page.groups[i]:
        lines = (record[3] or "").split("\n")
        if added.startswith("</p>"):
            lines = [lines[0], "内表", *lines[1:]]
        else:
            lines[0] = " ".join((lines[0] + added).split())
        group.append((*record[:3], "\n".join(lines), *record[4:]))
    groups = [*page.groups[:i], group, *page.groups[i + 1 :]]
    return mutated, _flatten(groups)


ERROR_MUTATIONS = (
    "entities",
    "invisible",
    "swap_cells",
    "special_characters",
    "huge_cell",
    "nested_table",
    "other_encoding",
    "random_bytes",
    "delete_row",
    "duplicate_row",
    "swap_rows",
    "bad_code",
    "control_entity",
    "deep_nesting",
    "colspan",
    "hidden",
    "comment",
    "code_block",
    "uppercase_tags",
    "unbalance",
    "truncate",
)


def check_errors(mutant: Mutant, scrape: Callable[..., Any], error: type[Exception]) -> str:
    """'ok', 'wrong: …' or 'unexpected: …' for one mutant of an error-code page."""
    return check(mutant, scrape, error, error_records_of)
