"""The records' one table of fields (name, rule, records, meaning), their vocabularies (with
the version form, semver), and the immutable records the accessor hands out. The pydantic
models, and from them the JSON Schemas, are built from that table, and the accessor checks what
it reads by its rules: a new field is a name and a row here and an annotation in its record type.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Final

#: The class of a code is its first digit (RFC 9110, section 15), as http.HTTPStatus has it.
CATEGORIES = ("informational", "success", "redirection", "client_error", "server_error")
#: The page's own retry advice (a status's ``retry``), read from its words.
DO_NOT_RETRY, RETRY_UNCHANGED, UNSPECIFIED = "do_not_retry", "retry_unchanged", "unspecified"
RETRY_ADVICE = (DO_NOT_RETRY, RETRY_UNCHANGED, UNSPECIFIED)
#: The standard's (or convention's) view, a status's ``standard_retry``: may a retry cure it?
MAY_RETRY = "retry"
STANDARD_RETRY_VIEWS = (MAY_RETRY, UNSPECIFIED)
#: What an HTTP status code can be (RFC 9110, section 15): what a category is computed from.
LOWEST_STATUS, HIGHEST_STATUS = 100, 599
#: A dataset's version, as the JSON Schemas state it: MAJOR.MINOR.PATCH, no leading zeros.
SEMVER_PATTERN = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$"


def semver(version: object) -> tuple[int, int, int] | None:
    """``(1, 2, 3)`` for ``"1.2.3"`` (what SEMVER_PATTERN matches); None for anything else.
    Past nine digits a part is refused: Python will not read an int of 5,000 digits."""
    parts = version.split(".") if isinstance(version, str) else []
    if len(parts) != 3 or not all(
        part.isascii() and part.isdigit() and len(part) <= 9 and part == str(int(part))
        for part in parts
    ):
        return None
    major, minor, patch = (int(part) for part in parts)
    return major, minor, patch


def status_number(value: object) -> int | None:
    """A status code given as an int (HTTPStatus too) or as its digits; None for anything else,
    and past nine digits (past Python's int-to-text limit, int() would raise)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value) if -(10**9) < value < 10**9 else None
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def category_of(code: int) -> str:
    return CATEGORIES[code // 100 - 1]


def _plain(text: str) -> bool:
    """No control character but line breaks, no lone surrogate: what the scraper publishes
    (its text normalisation removes the rest), and what a terminal and JSON can take."""
    return all(
        ch == "\n" or not (ch < " " or "\x7f" <= ch <= "\x9f" or "\ud800" <= ch <= "\udfff")
        for ch in text
    )


# The rules of what a field may hold (Field.rule), for records read from the snapshot or a
# data dir (either may be damaged or tampered with): the accessor never serves a value the
# build could not publish. The pydantic models map each rule to the type they publish.
def is_string(value: object) -> bool:
    # isprintable() is true for nearly every published string: the slow check is rare.
    return type(value) is str and (value.isprintable() or _plain(value))


def is_text(value: object) -> bool:
    return is_string(value) and value != ""


def _or_none(rule: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or rule(value)


def _one_of(vocabulary: tuple[str, ...]) -> Callable[[object], bool]:
    return lambda value: type(value) is str and value in vocabulary


def is_lines(value: object) -> bool:
    return type(value) is tuple and all(is_text(item) for item in value)


def is_line_number(value: object) -> bool:
    return type(value) is int and value >= 1  # bool is not an int here


def is_sha256(value: object) -> bool:
    return type(value) is str and len(value) == 64 and not value.strip("0123456789abcdef")


def is_status(value: object) -> bool:
    return type(value) is int and LOWEST_STATUS <= value <= HIGHEST_STATUS


is_optional_text = _or_none(is_text)
is_optional_string = _or_none(is_string)
is_optional_status = _or_none(is_status)
is_category = _one_of(CATEGORIES)
is_retry_advice = _one_of(RETRY_ADVICE)
is_standard_retry_view = _one_of(STANDARD_RETRY_VIEWS)


class Field:
    """A field of a published record: its name, rule, the records that hold it, and its
    meaning (the schema's description)."""

    __slots__ = ("name", "rule", "records", "description")

    def __init__(
        self, name: str, rule: Callable[[object], bool], records: tuple[str, ...], description: str
    ) -> None:
        self.name, self.rule, self.records, self.description = name, rule, records, description


# The field names, each written once here: code that reads a field by name imports its name
# (Final: a type checker takes each as its literal, so it indexes a TypedDict too).
DOC_ID: Final = "doc_id"
SOURCE_ROW: Final = "source_row"
SOURCE_LINE: Final = "source_line"
SOURCE_SHA256: Final = "source_sha256"
CODE: Final = "code"
REASON: Final = "reason"
DESCRIPTION: Final = "description"
PARAGRAPHS: Final = "paragraphs"
CATEGORY: Final = "category"
RETRY: Final = "retry"
STANDARD_PHRASE: Final = "standard_phrase"
STANDARD_REFERENCE: Final = "standard_reference"
STANDARD_RETRY: Final = "standard_retry"
STANDARD_RETRY_REFERENCE: Final = "standard_retry_reference"
ERROR_CODE: Final = "error_code"
HTTP_STATUS: Final = "http_status"
HTTP_STATUS_TEXT: Final = "http_status_text"
MESSAGE: Final = "message"
REMEDY: Final = "remedy"
MODULE: Final = "module"
PLACEHOLDERS: Final = "placeholders"

#: Field.records: the record types holding a field.
STATUS, ERROR = ("status",), ("error code",)
BOTH = STATUS + ERROR
#: Every field of the two records, in each record's order: a status record's own fields, an
#: error-code record's, then where a record came from, the last fields of both.
# fmt: off
FIELDS = (
    Field(CODE, is_status, STATUS,
          "HTTP status code."),
    Field(REASON, is_optional_text, STATUS,
          "Reason phrase as the page writes it, if it gives one."),
    Field(DESCRIPTION, is_optional_text, STATUS,
          "The paragraphs joined with a newline; null when the table has no description."),
    Field(PARAGRAPHS, is_lines, STATUS,
          "The description, paragraph by paragraph."),
    Field(CATEGORY, is_category, STATUS,
          "Class of the code, from its first digit."),
    Field(RETRY, is_retry_advice, STATUS,
          "The page's own retry advice, from its words."),
    Field(STANDARD_PHRASE, is_optional_text, STATUS,
          "The IANA-registered reason phrase (RFC 9110); null if unregistered."),
    Field(STANDARD_REFERENCE, is_optional_text, STATUS,
          "Where the code is defined."),
    Field(STANDARD_RETRY, is_standard_retry_view, STATUS,
          "The standard's (or convention's) view: may a retry cure it? Not the vendor's."),
    Field(STANDARD_RETRY_REFERENCE, is_optional_text, STATUS,
          "Why standard_retry is retry."),
    Field(ERROR_CODE, is_text, ERROR,
          "The service's error code, e.g. VOD.10053."),
    Field(HTTP_STATUS, is_optional_status, ERROR,
          "HTTP status; null when the table has no status column."),
    Field(HTTP_STATUS_TEXT, is_optional_text, ERROR,
          "The status cell as the page writes it."),
    Field(MESSAGE, is_optional_text, ERROR,
          "Error message (错误信息 / Error Message / 错误提示)."),
    Field(DESCRIPTION, is_optional_text, ERROR,
          "Description (描述 / 语义 / 说明 / 错误说明)."),
    Field(REMEDY, is_optional_text, ERROR,
          "What to do (处理措施 / 解决方案)."),
    Field(MODULE, is_optional_text, ERROR,
          "Module (模块), on pages that group codes by one."),
    Field(PLACEHOLDERS, is_lines, ERROR,
          "Template slots in the message ({0}, %s…), verbatim, in order."),
    Field(DOC_ID, is_optional_text, BOTH,
          "Doc id of the source page (its heading's anchor, else the manifest's id)."),
    Field(SOURCE_ROW, is_optional_string, BOTH,
          "The id of the table row (<tr id>), if it has one."),
    Field(SOURCE_LINE, is_line_number, BOTH,
          "Line of the row in the source file."),
    Field(SOURCE_SHA256, is_sha256, BOTH,
          "sha256 of the source file's bytes."),
)
# fmt: on
STATUS_FIELDS = tuple(field for field in FIELDS if field.records in (STATUS, BOTH))
ERROR_CODE_FIELDS = tuple(field for field in FIELDS if field.records in (ERROR, BOTH))
#: Where a record came from.
PROVENANCE = tuple(field.name for field in FIELDS if field.records == BOTH)


class _Record:
    """A record of a source page, immutable, hashable, compared by value; its fields are the
    subclass's ``__slots__``."""

    __slots__: tuple[str, ...] = ()
    #: The published JSON's fields, in order: the stored ones and those computed from them.
    FIELDS: tuple[str, ...] = ()
    #: The table's rows of the stored fields (the slots), in order.
    STORED: tuple[Field, ...] = ()
    #: The fields that name a record (see vodspec.tools.diff).
    KEY: tuple[str, ...] = ()

    doc_id: str | None
    source_row: str | None
    source_line: int
    source_sha256: str

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
            for name in self.FIELDS
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

    # Records order by their key, then by line, so that sorted() and min() work on them;
    # records of two types do not compare.
    def _order(self) -> tuple[object, ...]:
        return (*(getattr(self, name) for name in self.KEY), self.source_line)

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


class Status(_Record):
    """One status code as the VOD documentation describes it."""

    FIELDS = tuple(field.name for field in STATUS_FIELDS)
    # category is computed from the code (the data keeps the column for CSV and SQL users).
    STORED = tuple(field for field in STATUS_FIELDS if field.name != CATEGORY)
    __slots__ = tuple(field.name for field in STORED)
    KEY = (CODE,)

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
        return category_of(self.code)

    @property
    def name(self) -> str | None:
        """The constant-style name, as in ``http.HTTPStatus``: ``Not Found`` -> ``NOT_FOUND``."""
        return constant_name(self.reason) if self.reason else None

    def __repr__(self) -> str:
        return f"<Status {self.code} {self.reason!r} retry={self.retry}>"


class ErrorCode(_Record):
    """One row of an error-code table (one per HTTP status where the row lists several)."""

    FIELDS = tuple(field.name for field in ERROR_CODE_FIELDS)
    STORED = ERROR_CODE_FIELDS
    __slots__ = FIELDS
    KEY = (ERROR_CODE, HTTP_STATUS)

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


def constant_name(phrase: str) -> str:
    """``"Request-URI Too Long"`` -> ``"REQUEST_URI_TOO_LONG"`` (the http.HTTPStatus convention)."""
    words = "".join(ch if ch.isalnum() else " " for ch in phrase.upper()).split()
    return "_".join(words)
