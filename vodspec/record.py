"""The immutable record types the accessor hands out (stdlib only, cheap to import)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable


class _Record:
    """Immutable, hashable, compared by value; fields are the subclass's ``__slots__``."""

    __slots__: tuple[str, ...] = ()
    #: The published JSON's fields, in order: the stored ones and those computed from them.
    FIELDS: tuple[str, ...] = ()

    def __init__(self, *values: object) -> None:
        if len(values) != len(self.__slots__):
            raise TypeError(
                f"{type(self).__name__} takes {len(self.__slots__)} values, got {len(values)}"
            )
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} records are immutable (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(
            f"{type(self).__name__} records are immutable (tried to delete {name!r})"
        )

    def as_dict(self) -> dict[str, object]:
        """The record as the published JSON has it (tuples as lists)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name in self.FIELDS or self.__slots__
            for value in (getattr(self, name),)
        }

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __reduce__(self) -> tuple[type[_Record], tuple[object, ...]]:
        # Copy and pickle by value, through __init__ (setattr is closed to them).
        return type(self), self._values()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    # Records order by their key (a status by code; an error code by code, then status), so
    # that sorted() and min() work on them; records of two types do not compare.
    def _order(self) -> tuple[object, ...]:
        return self._values()

    def __lt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._order() < other._order()

    def __le__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._order() <= other._order()

    def __gt__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._order() > other._order()

    def __ge__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._order() >= other._order()


#: The class of a code is its first digit (RFC 9110, section 15), as http.HTTPStatus has it.
CATEGORIES = ("informational", "success", "redirection", "client_error", "server_error")


#: Where a record came from, the last fields of every record (as in the published JSON).
PROVENANCE = ("doc_id", "source_row", "source_line", "source_sha256")


class _SourcedRecord(_Record):
    """A record of a source page: it says where it came from (its subclass's last slots)."""

    __slots__: tuple[str, ...] = ()

    doc_id: str | None
    source_row: str | None
    source_line: int
    source_sha256: str


class Status(_SourcedRecord):
    """One status code as the VOD documentation describes it."""

    FIELDS = (
        "code",
        "reason",
        "description",
        "paragraphs",
        "category",
        "retry",
        "standard_phrase",
        "standard_reference",
        "standard_retry",
        "standard_retry_reference",
        *PROVENANCE,
    )
    # category is computed from the code (the data keeps the column for CSV and SQL users).
    __slots__ = tuple(name for name in FIELDS if name != "category")

    code: int
    reason: str | None
    description: str | None
    paragraphs: tuple[str, ...]
    retry: str
    standard_phrase: str | None
    standard_reference: str | None
    standard_retry: str
    standard_retry_reference: str | None

    @property
    def category(self) -> str:
        """``client_error`` for 404: the class of the code, from its first digit."""
        return CATEGORIES[self.code // 100 - 1]

    @property
    def name(self) -> str | None:
        """The constant-style name, as in ``http.HTTPStatus``: ``Not Found`` -> ``NOT_FOUND``."""
        return constant_name(self.reason) if self.reason else None

    def __repr__(self) -> str:
        return f"<Status {self.code} {self.reason!r} retry={self.retry}>"

    def _order(self) -> tuple[object, ...]:
        return (self.code, self.source_line)


class ErrorCode(_SourcedRecord):
    """One row of an error-code table (one per HTTP status where the row lists several)."""

    __slots__ = (
        "error_code",
        "http_status",
        "http_status_text",
        "message",
        "description",
        "remedy",
        "module",
        "placeholders",
        *PROVENANCE,
    )

    error_code: str
    http_status: int | None
    http_status_text: str | None
    message: str | None
    description: str | None
    remedy: str | None
    module: str | None
    placeholders: tuple[str, ...]

    def __repr__(self) -> str:
        return f"<ErrorCode {self.error_code} http_status={self.http_status}>"

    def _order(self) -> tuple[object, ...]:
        # A record without a status sorts before those with one (-1 < every status).
        status = -1 if self.http_status is None else self.http_status
        return (self.error_code, status, self.source_line)


def _plain(text: str) -> bool:
    """No control character but line breaks, no lone surrogate: what the scraper publishes
    (its text normalisation removes the rest), and what a terminal and JSON can take."""
    return all(
        ch == "\n" or not (ch < " " or "\x7f" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff")
        for ch in text
    )


def _text(value: object) -> bool:
    # isprintable() is true for nearly every published string: the slow check is rare.
    return type(value) is str and (value.isprintable() or _plain(value))


def _optional_text(value: object) -> bool:
    return value is None or _text(value)


def _lines(value: object) -> bool:
    return type(value) is tuple and all(_text(item) for item in value)


def _line_number(value: object) -> bool:
    return type(value) is int and value >= 1  # bool is not an int here


def _status(value: object) -> bool:
    # What a category can be computed from (RFC 9110, section 15).
    return type(value) is int and 100 <= value <= 599


def _optional_status(value: object) -> bool:
    return value is None or _status(value)


def _one_of(*allowed: str) -> Callable[[object], bool]:
    return lambda value: type(value) is str and value in allowed


_PROVENANCE_RULES: dict[str, Callable[[object], bool]] = {
    "doc_id": _optional_text,
    "source_row": _optional_text,
    "source_line": _line_number,
    "source_sha256": _text,
}
#: What each field may hold, for records read from the snapshot or a data dir (either may be
#: damaged or tampered with): the accessor never serves a value the build could not publish.
FIELD_RULES: dict[type[_Record], dict[str, Callable[[object], bool]]] = {
    Status: {
        "code": _status,
        "reason": _optional_text,
        "description": _optional_text,
        "paragraphs": _lines,
        "retry": _one_of("do_not_retry", "retry_unchanged", "unspecified"),
        "standard_phrase": _optional_text,
        "standard_reference": _optional_text,
        "standard_retry": _one_of("retry", "unspecified"),
        "standard_retry_reference": _optional_text,
        **_PROVENANCE_RULES,
    },
    ErrorCode: {
        "error_code": _text,
        "http_status": _optional_status,
        "http_status_text": _optional_text,
        "message": _optional_text,
        "description": _optional_text,
        "remedy": _optional_text,
        "module": _optional_text,
        "placeholders": _lines,
        **_PROVENANCE_RULES,
    },
}


def row_problem(kind: type[_Record], row: tuple[object, ...]) -> str | None:
    """Why ``row`` (values in ``kind.__slots__`` order) cannot be a ``kind`` record; None when
    it can. Runs over every snapshot row at the first lookup, so it stays a plain loop."""
    for (name, allowed), value in zip(FIELD_RULES[kind].items(), row, strict=True):
        if not allowed(value):
            return f"{name} is {shown(value)}"
    return None


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
    return text if len(text) <= width else text[: width - 1] + "…"


def constant_name(phrase: str) -> str:
    """``"Request-URI Too Long"`` -> ``"REQUEST_URI_TOO_LONG"`` (the http.HTTPStatus convention)."""
    words = "".join(ch if ch.isalnum() else " " for ch in phrase.upper()).split()
    return "_".join(words)
