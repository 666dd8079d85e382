"""The immutable record types the accessor hands out (stdlib only, cheap to import)."""

from __future__ import annotations


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


_TEXT, _OPTIONAL_TEXT, _LINES = (str,), (str, type(None)), "lines"
_INT, _OPTIONAL_INT = (int,), (int, type(None))

_PROVENANCE_RULES: dict[str, object] = {
    "doc_id": _OPTIONAL_TEXT,
    "source_row": _OPTIONAL_TEXT,
    "source_line": _INT,
    "source_sha256": _TEXT,
}
#: What each field may hold, for records read from the snapshot or a data dir (either may be
#: damaged or tampered with): a tuple of types, a set of allowed values, a range of integers,
#: or "lines" for a tuple of strings.
FIELD_RULES: dict[type[_Record], dict[str, object]] = {
    Status: {
        "code": range(100, 600),  # what a category can be computed from (RFC 9110, 15)
        "reason": _OPTIONAL_TEXT,
        "description": _OPTIONAL_TEXT,
        "paragraphs": _LINES,
        "retry": {"do_not_retry", "retry_unchanged", "unspecified"},
        "standard_phrase": _OPTIONAL_TEXT,
        "standard_reference": _OPTIONAL_TEXT,
        "standard_retry": {"retry", "unspecified"},
        "standard_retry_reference": _OPTIONAL_TEXT,
        **_PROVENANCE_RULES,
    },
    ErrorCode: {
        "error_code": _TEXT,
        "http_status": _OPTIONAL_INT,
        "http_status_text": _OPTIONAL_TEXT,
        "message": _OPTIONAL_TEXT,
        "description": _OPTIONAL_TEXT,
        "remedy": _OPTIONAL_TEXT,
        "module": _OPTIONAL_TEXT,
        "placeholders": _LINES,
        **_PROVENANCE_RULES,
    },
}


def row_problem(kind: type[_Record], row: tuple[object, ...]) -> str | None:
    """Why ``row`` (values in ``kind.__slots__`` order) cannot be a ``kind`` record; None when
    it can. Runs over every snapshot row at the first lookup, so it stays a plain loop."""
    for (name, rule), value in zip(FIELD_RULES[kind].items(), row, strict=True):
        if type(rule) is tuple:
            ok = type(value) in rule  # bool is not an int here
        elif type(rule) is range:
            ok = type(value) is int and value in rule
        elif type(rule) is set:
            ok = value in rule if isinstance(value, str) else False
        else:  # lines
            ok = type(value) is tuple and all(type(item) is str for item in value)
        if not ok:
            return f"{name} is {value!r:.60}"
    return None


def constant_name(phrase: str) -> str:
    """``"Request-URI Too Long"`` -> ``"REQUEST_URI_TOO_LONG"`` (the http.HTTPStatus convention)."""
    words = "".join(ch if ch.isalnum() else " " for ch in phrase.upper()).split()
    return "_".join(words)
