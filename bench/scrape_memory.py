"""Peak memory of scraping a 2 MiB hostile page (the size cap), each in a fresh process.

Each page is built to be close to MAX_PAGE_BYTES and to cost the reader as much as it can:
deep nesting, more rows than any table has, rows up to the cap that are read, one huge
cell, many hidden siblings, many spans, as many lines and inline marks as are read. The
peak resident memory of a process that only imports the reader and scrapes the page (read
or refused) is compared with the same process scraping nothing: the growth must stay under
a fixed multiple of the page's size, whatever its shape (bounded, not growing with what the
markup could expand to).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Peak growth allowed, as a multiple of the page's size: the render, the tree and the
#: records of a page all hold copies of its text.
TARGET = 100.0

CHILD = """
import resource, sys, warnings
from vodspec.errors import VodspecError
from vodspec.tools.scrape.pipeline import scrape
warnings.simplefilter("ignore")
data = sys.stdin.buffer.read()
if data:
    try:
        scrape(data, file="hostile.md", service="any")
    except VodspecError:
        pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _fill(unit: str, head: str = "", tail: str = "") -> bytes:
    """``head``, then ``unit`` repeated to just under the cap, then ``tail``."""
    from vodspec.reading import MAX_PAGE_BYTES

    room = MAX_PAGE_BYTES - len((head + tail).encode()) - 1
    return (head + unit * (room // len(unit.encode())) + tail).encode()


def pages() -> dict[str, bytes]:
    from vodspec.tools.scrape.document import MAX_TEXT_STOPS

    table = "# 状态码\n\n<table><tr><th>状态码</th><th>说明</th></tr>\n"
    return {
        "deep quotes": _fill("> "),
        "deep divs": _fill("<div>"),
        "rows past the cap": _fill("<tr><td>200</td><td>x</td></tr>\n", table, "</table>\n"),
        "rows under the cap": _fill(
            "<tr><td>200 OK</td><td>" + "说明" * 40 + "</td></tr>\n", table, "</table>\n"
        ),
        "one huge cell": _fill("文字 ", table + "<tr><td>200</td><td>", "</td></tr></table>\n"),
        "hidden siblings": _fill("<i hidden></i>xx", "# 状态码\n\n<p>", "</p>\n"),
        "spans": _fill('<tr><td rowspan="1000" colspan="2">200</td></tr>\n', table, "</table>\n"),
        "pipes": _fill("|", "# 状态码\n\n"),
        "wide spans": _fill(
            '<tr><td colspan="100">' + "x" * 180 + "</td></tr>\n",  # 1,000,000 cells
            "# 状态码\n\n<table><tr>" + "<th>说明</th>" * 100 + "</tr>\n",
            "</table>\n",
        ),
        # As many lines, and inline marks, as the reader takes: the renderer's nodes.
        "lines": _fill("a" * 21 + "\n", "# 状态码\n\n"),
        "inline marks": _fill("*" + "a" * 10 + " ", "# 状态码\n\n"),
        # A letter GitHub's autolinks stop at ("www."): a text node each, in the renderer;
        # refused past the cap, and as many as are read.
        "a paragraph of w": _fill("w", "# 状态码\n\n"),
        "text stops": _fill("a", "# 状态码\n\n" + "w" * MAX_TEXT_STOPS),
        # Rows GitHub's renderer pads to a wide header: as many cells as are read.
        "padded pipe rows": _fill(
            "a",
            "# 状态码\n\n"
            + "|".join("h" * 1000)
            + "\n"
            + "|".join("-" * 1000)
            + "\n"
            + "a\n" * 197
            + "\n",
        ),
        "paragraphs in a cell": _fill(
            "<p>a", table + "<tr><td>200</td><td>", "</td></tr></table>\n"
        ),
    }


def peak_kib(data: bytes) -> int:
    out = subprocess.run(
        [sys.executable, "-c", CHILD], input=data, capture_output=True, check=True
    ).stdout
    return int(out.split()[-1])


def main() -> list[tuple[str, float, float]]:
    base = peak_kib(b"")
    worst = 0.0
    for name, data in pages().items():
        growth = peak_kib(data) - base
        ratio = growth * 1024 / len(data)
        worst = max(worst, ratio)
        print(
            f"memory: {name:<20} {len(data) / 2**20:.2f} MiB page, peak +{growth / 1024:6.1f} MiB"
            f" ({ratio:5.1f}x the page)"
        )
    print(f"memory: worst peak growth {worst:.1f}x the page (bounded: <= {TARGET:.0f}x)")
    return [("peak memory growth on a 2 MiB hostile page, times its size", worst, TARGET)]


if __name__ == "__main__":
    sys.exit(0 if all(r <= t for _, r, t in main()) else 1)
