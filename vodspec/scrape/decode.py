"""Source bytes to text: strict UTF-8 (BOM optional), any line endings, a size cap."""

from __future__ import annotations

from vodspec.errors import EncodingError, TooLargeError

#: Real pages are ~10-100 KB; anything far past that is not a documentation page.
MAX_BYTES = 8 * 1024 * 1024

UTF8_BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> str:
    """Return the text of ``data`` with LF line endings, or refuse it."""
    if len(data) > MAX_BYTES:
        raise TooLargeError(f"input is {len(data):,} bytes; the cap is {MAX_BYTES:,} bytes")
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 4].hex(" ")
        raise EncodingError(
            f"not UTF-8: invalid byte sequence {bad} at offset {exc.start}{_guess(data)};"
            " expected UTF-8 (re-save the page as UTF-8)",
            line=line,
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise EncodingError("NUL byte in a text page; expected UTF-8 text", line=line)
    # CRLF and lone CR become LF; each is one line break, so line numbers are unchanged.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess(data: bytes) -> str:
    """A hint at the real encoding for the error message, never used to decode."""
    for encoding in ("gb18030", "big5"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return f" (it decodes as {encoding.upper()}, which vodspec does not read)"
    return ""
