"""The one exception hierarchy of vodspec (every refusal is a VodspecError), and how its
messages show what they name (a path, a value from a damaged file) on one short line."""

from __future__ import annotations


class VodspecError(Exception):
    """Base of every error vodspec raises on purpose; ``str(error)`` is one line naming where
    the problem is (file, line, row id, column, as far as they apply) and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        file: str | None = None,
        line: int | None = None,
        row: str | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = message
        #: What to do or what was expected: a caller who knows better (`diff`) replaces it.
        self.hint = hint
        self.file = file
        self.line = line
        self.row = row
        self.column = column

    @property
    def message(self) -> str:
        """The error without its location: what is wrong; what to do (the hint)."""
        return self.reason if self.hint is None else f"{self.reason}; {self.hint}"

    def located(self, file: str) -> VodspecError:
        """Return this error with ``file`` filled in when it was not known yet."""
        if self.file is None:
            self.file = file
        return self

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            file = shown_path(self.file)
            where.append(file if self.line is None else f"{file}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        for label, value in (("row", self.row), ("column", self.column)):
            if value and not value.isspace():  # `<tr id="">` names no row
                where.append(f"{label} {shown_path(value)}")
        # One line always: a message must never smuggle a newline into the CLI's output.
        text = " ".join(self.message.split())
        return f"{', '.join(where)}: {text}" if where else text


STDIN = "<stdin>"  # how messages name standard input (`scrape -`, `diff -`)
#: The most of a path a message shows: a path of thousands of characters is not printed whole.
MAX_PATH_SHOWN = 200


def shown_path(path: str) -> str:
    """A path (or what a page gives: a row id, a column, a note's text) for a one-line
    message: control characters escaped, cut to MAX_PATH_SHOWN."""
    if len(path) > MAX_PATH_SHOWN:
        path = path[: MAX_PATH_SHOWN // 2] + "…" + path[-MAX_PATH_SHOWN // 2 :]
    if path.isprintable():
        return path
    return "".join(ch if ch.isprintable() else _escaped(ch) for ch in path)


def _escaped(ch: str) -> str:
    """A character a message cannot show as it is, escaped: a byte that is not UTF-8, which
    Python reads from argv or a file name as a surrogate (surrogateescape), as that byte."""
    if "\udc80" <= ch <= "\udcff":
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ascii(ch)[1:-1]


def shown(value: object, width: int = 60) -> str:
    """``repr(value)`` cut to ``width``, for refusals: safe for any value a damaged file holds
    (an int of 5,000 digits, a tuple nested 2,000 deep)."""
    if isinstance(value, str | bytes) and len(value) > width:
        value = value[:width]  # the repr of a 10 MB string is not built to show 60 of it
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        kind = type(value).__name__
        return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} too large to show"
    if "\\udc" in text:  # a byte that is not UTF-8 (see _escaped), unless its \\ is escaped
        import re

        text = re.sub(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])", r"\1\\x\2", text)
    return text if len(text) <= width else text[: width - 1] + "…"


class InputError(VodspecError):
    """A source page that vodspec refuses to read."""


class EncodingError(InputError):
    """The bytes are not UTF-8."""


class TooLargeError(InputError):
    """The input is over the size cap."""


class NoTableError(InputError):
    """The page has no table of the expected kind."""


class HeaderError(InputError):
    """A code table has a header cell vodspec does not know."""


class TruncatedError(InputError):
    """The page ends inside a table, or a table is cut off."""


class MarkupError(InputError):
    """Table markup that is unbalanced or malformed, so its rows cannot be trusted."""


class CellError(InputError):
    """A body cell that cannot be read with certainty."""


class DuplicateError(InputError):
    """The same key appears twice where it must be unique."""


class ServiceError(InputError):
    """The page belongs to another service than the one expected."""


class ManifestError(VodspecError):
    """``raw/sources.json`` is missing, malformed or points at missing files."""


class RemovalError(VodspecError):
    """A build would remove published records without being allowed to."""


class PublishError(VodspecError):
    """A published data directory is missing, inconsistent or corrupt."""


class UnknownStatusError(VodspecError, LookupError):
    """A lookup asked for a status code the dataset does not have."""


class UnknownErrorCodeError(VodspecError, LookupError):
    """A lookup asked for an error code the dataset does not have."""


class WrongKindError(InputError):
    """The page holds another kind of table than the one expected (status vs error codes)."""


class ClassOnlyError(CellError):
    """The table lists status classes (2xx, 4xx), not codes."""


class FetchError(VodspecError):
    """A download that failed or was refused."""


class PageRefusedError(FetchError):
    """A downloaded page the build could not read: upstream changed, the download did not fail."""


class BuildLockedError(PublishError):
    """Another build holds the data dir's lock: try again when it is done."""


class DataDirReplacedError(PublishError):
    """A build published (swapped another folder in) while the data dir was read: read it
    again, rather than mix two versions."""


class DataDirStateError(PublishError):
    """`vodspec update`: the data or raw dir is not as the last build left it, or cannot be
    published into: a local problem, not upstream's."""


class UpdateRefusedError(VodspecError):
    """`vodspec update`: upstream changed in a way vodspec refuses: a maintainer must look."""


class VodspecWarning(UserWarning):
    """Something vodspec accepted but reports: an exact repeat kept once, a risky value."""


class OddContentWarning(VodspecWarning):
    """Odd but clear content published as written (a status cell "N/A", a note row)."""
