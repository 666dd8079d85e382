"""The fenced code blocks of README.md and docs/*.md, for the tests that run them.

tests/test_docs.py runs every block by its language (and says which it cannot run, and why);
tests/test_npm_package.py runs the JavaScript blocks that import the npm package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

PAGES = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
FENCE = re.compile(r"^```(?P<language>[\w+-]*)\s*$")
#: The first line of a shell block whose commands download (fetch, update): the tests check
#: their options but cannot run them (the tests have no network).
NEEDS_THE_NETWORK = "# needs the network"
#: JavaScript that imports the npm package (run where that package is generated).
IMPORTS_THE_NPM_PACKAGE = re.compile(r"""from\s+["']vodspec["']""")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence
    language: str
    text: str

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The page's fenced blocks (fences at the start of a line, as every page writes them)."""
    found: list[Block] = []
    opened: tuple[int, str] | None = None
    lines: list[str] = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if opened is None:
            match = FENCE.match(line)
            if match:
                opened, lines = (number, match["language"]), []
        elif line == "```":
            found.append(Block(page, opened[0], opened[1], "".join(f"{x}\n" for x in lines)))
            opened = None
        else:
            lines.append(line)
    assert opened is None, f"{page.name}:{opened[0]}: a code block is never closed"
    return found


def all_blocks(*languages: str) -> list[Block]:
    return [block for page in PAGES for block in blocks(page) if block.language in languages]
