"""The one text normalisation of vodspec: NFC, whitespace runs to one space, trimmed; control
characters removed (here, if decode and document left any): no terminal escape gets out."""

from __future__ import annotations

import unicodedata
import warnings
from contextvars import ContextVar

from vodspec.errors import MarkupError, VodspecWarning, shown_path

#: C0 and C1 controls and DEL (whitespace controls are folded into spaces first).
CONTROL_CHARACTERS = frozenset(
    [chr(code) for code in range(0x20)] + [chr(code) for code in range(0x7F, 0xA0)]
)

#: Unicode's explicit bidirectional controls and right-to-left marks: a browser shows the
#: text around them reordered (``10\u200f/20`` may show as ``1020/``).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200f\u061c")


#: The page scrape() is reading, for warnings to name.
PAGE: ContextVar[str | None] = ContextVar("page", default=None)


def located(line: int | None, row: str | None = None) -> str:
    """A warning's opening: ``FILE:LINE, row ROW: `` while scrape() reads a page, as its
    refusals say, else ``line LINE: `` (what is known of them)."""
    page = PAGE.get()
    if page is None:
        where = [f"line {line}"] if line else []
    else:
        where = [f"{page}:{line}" if line else page]
    if row:
        where.append(f"row {shown_path(row)}")
    return f"{', '.join(where)}: " if where else ""


def normalize(text: str, line: int | None = None) -> str:
    """NFC, then every run of whitespace (Unicode's definition) becomes one space; trimmed."""
    # ASCII is its own NFC: isascii() is a flag read, the normalisation a call and a scan.
    nfc = text if text.isascii() else unicodedata.normalize("NFC", text)
    # isprintable() is false for every control and whitespace but the space: such text only
    # needs its spaces folded, without the list split() makes (most cells need nothing).
    if nfc.isprintable():
        return nfc.strip() if "  " not in nfc else " ".join(nfc.split())
    folded = " ".join(nfc.split())
    if folded.isprintable():
        return folded
    for char in sorted(BIDI_CONTROLS.intersection(folded)):
        raise MarkupError(
            f"U+{ord(char):04X} {unicodedata.name(char)}: a browser shows the text around it"
            " reordered; refusing rather than publishing it in another order",
            line=line,
        )
    if not CONTROL_CHARACTERS.isdisjoint(folded):
        where = located(line)
        for char in sorted(set(folded) & CONTROL_CHARACTERS):
            warnings.warn(
                VodspecWarning(
                    f"{where}removed control character U+{ord(char):04X} (from a character"
                    " reference)"
                ),
                stacklevel=2,
            )
        folded = " ".join("".join(ch for ch in folded if ch not in CONTROL_CHARACTERS).split())
    return folded
