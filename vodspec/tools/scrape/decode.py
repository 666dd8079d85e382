"""Source bytes to text: strict UTF-8 (BOM optional), any line endings, a size cap."""

from __future__ import annotations

import re
import warnings

from vodspec.errors import (
    EncodingError,
    MarkupError,
    TooLargeError,
    TruncatedError,
    VodspecError,
    VodspecWarning,
)
from vodspec.reading import MAX_PAGE_BYTES
from vodspec.tools.scrape.text import located

# C0 and C1 controls and DEL, except tab and newline (CR is already gone).
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{_CONTROLS}]")
#: A control character inside a tag, whose removal would change the tag. Each "<" scans to
#: the next "<" or ">" at most, so the search stays linear.
_CONTROL_IN_TAG = re.compile(f"<[A-Za-z/][^<>{_CONTROLS}]*[{_CONTROLS}]")
#: Every byte but the controls, and 0xC2 (which starts the C1 controls in UTF-8): deleted
#: from a page without control characters they leave nothing, in one pass in C several
#: times faster than _CONTROL's search, which runs only when something is left.
_NOT_CONTROL_BYTES = bytes(
    byte for byte in range(256) if byte in b"\t\n\r" or not (byte < 0x20 or byte in b"\x7f\xc2")
)


_LONE_CR = re.compile(rb"\r(?!\n)")


def decode(data: bytes) -> str:
    """The text of ``data`` with LF line endings, or a refusal."""
    return decode_with_utf8(data)[0]


def decode_with_utf8(data: bytes) -> tuple[str, bytes | None]:
    """The text decode() returns, and its UTF-8 but where control characters were removed
    (None): the reader need not encode it again. Bytes given to scrape() had no file size
    check: done here."""
    if len(data) > MAX_PAGE_BYTES:
        raise TooLargeError(f"input is {len(data):,} bytes; the cap is {MAX_PAGE_BYTES:,} bytes")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM
    if b"\x00" in data:  # not a text page at all (UTF-16, a binary): refuse, don't strip
        line = _line_at(data, data.index(b"\x00"))
        # A UTF-16 byte-order mark names what the page is (Windows' "Unicode" saves it so).
        utf16 = " (it starts as UTF-16 does)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise EncodingError(
            f"NUL byte in a text page{utf16}; expected UTF-8 text (re-save the page as UTF-8)",
            line=line,
        )
    # CRLF and lone CR become LF; each is one line break, so line numbers are unchanged.
    # Replaced in the bytes before the decode: the reader gets the text's UTF-8 without
    # encoding it (half the pages of the corpus end their lines so).
    given = data
    if b"\r" in data:
        if _LONE_CR.search(data) is None:  # CRLF alone (most): each CR deleted, at C speed
            data = data.translate(None, b"\r")
        else:
            data = b"\n".join(data.split(b"\r\n")).replace(b"\r", b"\n")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # CR and LF are ASCII, in no character: the page as given fails at the same one.
        raise _not_utf8(given, exc) from None
    if not data.translate(None, _NOT_CONTROL_BYTES) or _CONTROL.search(text) is None:
        return text, data
    # Control characters other than tab and newline are dropped, each reported as a warning.
    in_tag = _CONTROL_IN_TAG.search(text)
    if in_tag is not None:
        raise MarkupError(
            f"control character U+{ord(in_tag[0][-1]):04X} inside a tag: a browser reads the"
            " tag as another than it would be without it; refusing rather than guessing",
            line=text.count("\n", 0, in_tag.end()) + 1,
        )
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        warnings.warn(
            VodspecWarning(f"{located(line)}removed control character U+{ord(match[0]):04X}"),
            stacklevel=2,
        )
    return _CONTROL.sub("", text), None


def _not_utf8(data: bytes, failure: UnicodeDecodeError) -> VodspecError:
    """The refusal of a page that is not UTF-8, naming its first bad byte (``failure``: the
    decode's, maybe of the page with its line endings replaced) where the page has it."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        failure = exc
    line = _line_at(data, failure.start)
    if failure.reason == "unexpected end of data":
        return TruncatedError(
            "the file ends in the middle of a UTF-8 character: it was cut off", line=line
        )
    bad = data[failure.start : failure.start + 4].hex(" ")
    return EncodingError(
        f"not UTF-8: invalid byte sequence {bad} at offset {failure.start}{_guess(data)};"
        " expected UTF-8 (re-save the page as UTF-8)",
        line=line,
    )


def _line_at(data: bytes, at: int) -> int:
    """The line byte ``at`` stands on, CRLF, a lone CR and LF each ending one (as in the text)."""
    before = data[:at]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def _guess(data: bytes) -> str:
    """What the bytes probably are, for the refusal message only, as bs4 reads a declared
    charset and tries the encodings Chinese pages come in."""
    import logging

    from bs4.dammit import EncodingDetector, UnicodeDammit

    logging.getLogger("bs4.dammit").setLevel(logging.ERROR)  # its notes are not ours to print

    sample = data[:65536]
    declared = EncodingDetector.find_declared_encoding(
        sample, is_html=True, search_entire_document=True
    )
    dammit = UnicodeDammit(sample, user_encodings=["gb18030", "big5"], is_html=True)
    hints = []
    if declared:
        hints.append(f"the page declares charset={declared}")
    if dammit.original_encoding and dammit.original_encoding not in ("utf-8", "ascii"):
        hints.append(f"it decodes as {dammit.original_encoding.upper()}")
    return f" ({'; '.join(hints)}; vodspec reads UTF-8 only)" if hints else ""
