"""raw/sources.json: the list of pages vodspec publishes and where each came from, and each
page scraped as its entry says (for fetch, which checks a download, for the build, and for
`vodspec scrape`, which reads a page of the manifest as its source)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vodspec.errors import STDIN, ManifestError, VodspecError, VodspecWarning
from vodspec.layout import json_name
from vodspec.reading import inside, read_dataset, read_json
from vodspec.tools.scrape.models import Dataset
from vodspec.tools.scrape.pipeline import scrape

MANIFEST_NAME = "sources.json"


class SourceEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")

    id: str = Field(min_length=1)
    kind: Literal["status_codes", "error_codes"]
    service: str = Field(min_length=1)
    url: str = Field(pattern=r"^https?://")
    file: str = Field(min_length=1, max_length=1024, pattern=r"^[^/\\\x00][^\\\x00]*$")
    #: The page's doc id, for pages whose heading carries no anchor (it must agree if both do).
    doc_id: str | None = Field(default=None, min_length=1)
    #: Kept by `vodspec fetch` for conditional GETs; Last-Modified dates the changelog.
    etag: str | None = None
    last_modified: str | None = None
    #: Kept by `vodspec fetch`: the sha256 of the page the validators above describe.
    sha256: str | None = None


def load_manifest(raw_dir: Path) -> list[SourceEntry]:
    return read_manifest(raw_dir)[0]


def read_manifest(raw_dir: Path) -> tuple[list[SourceEntry], list[dict[str, Any]]]:
    """The validated entries and, for writing back, the manifest's JSON objects as they are."""
    path = raw_dir / MANIFEST_NAME
    expected = f"expected the raw dir (its pages and {MANIFEST_NAME})"
    if not raw_dir.is_dir():
        what = "not a folder" if raw_dir.exists() else "no such folder"
        raise ManifestError(f"{what}; {expected}", file=str(raw_dir))
    if not path.exists() and not path.is_symlink():
        raise ManifestError(f"no {MANIFEST_NAME} here; {expected}", file=str(raw_dir))
    if path.is_symlink() and not inside(path, raw_dir):
        raise ManifestError("the manifest is a link leading out of the raw dir", file=str(path))
    try:
        entries = read_json(path)
    except VodspecError as exc:
        raise ManifestError(f"the manifest: {exc.message}", file=str(path)) from None
    if not isinstance(entries, list) or not entries:
        raise ManifestError("expected a non-empty JSON list of sources", file=str(path))
    sources = []
    for number, entry in enumerate(entries, 1):
        try:
            source = SourceEntry.model_validate(entry)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = ".".join(str(part) for part in error["loc"]) or "entry"
            raise ManifestError(
                f"source #{number}: {field}: {error['msg']}", file=str(path)
            ) from None
        if ".." in Path(source.file).parts or not inside(raw_dir / source.file, raw_dir):
            raise ManifestError(
                f"source {source.id!r}: file {source.file!r} must stay inside the raw dir"
                " (no '..', no link leading out)",
                file=str(path),
            )
        sources.append(source)
    ids = [source.id for source in sources]
    if len(set(ids)) != len(ids):
        raise ManifestError("source ids must be unique", file=str(path))
    owners: dict[str, str] = {}
    for source in sources:  # fetch would write one source's page over another's
        other = owners.setdefault(os.path.realpath(raw_dir / source.file), source.id)
        if other != source.id:
            raise ManifestError(
                f"sources {other!r} and {source.id!r} name the same file {source.file!r};"
                " expected a file of its own for each",
                file=str(path),
            )
    kinds = [source.kind for source in sources]
    if len(set(kinds)) != len(kinds):
        raise ManifestError("expected at most one source of each kind", file=str(path))
    return sources, entries


def scrape_source(page: Path | bytes, entry: SourceEntry, where: str | None = None) -> Dataset:
    """A page (its path or its bytes) scraped as its manifest entry says it must read;
    messages name it ``where`` (bytes downloaded are not the file yet), else by its file."""
    return scrape(page, entry.service, kind=entry.kind, file=where or entry.file, listed=entry)


def check_doc_id(raw_dir: Path, entry: SourceEntry, dataset: Dataset) -> None:
    """Refuse a page the build cannot publish as ``entry``'s for want of a doc id (neither
    its heading nor the entry gives one); fetch takes no such page either."""
    if dataset.source.doc_id is None:
        raise ManifestError(
            f"source {entry.id!r}: the page's heading carries no doc id; give one as"
            ' "doc_id" in the manifest',
            file=str(raw_dir / MANIFEST_NAME),
        )


#: What `vodspec scrape` says of a page no published version was made from.
UNPUBLISHED = "unpublished"


def scrape_for_reading(
    file: str, service: str | None, kind: str | None, stdin: Callable[[], bytes]
) -> tuple[Dataset, str]:
    """A page as `vodspec scrape` reads it (a source of the manifest beside it as its entry
    says, a service or kind given here demanded all the same), and the version of the data
    dir beside raw/ if that publishes this very page (same sha256), else "unpublished"."""
    if file == "-":
        return scrape(stdin(), service=service or "vod", kind=kind, file=STDIN), UNPUBLISHED
    page = Path(file)
    raw_dir = page.parent
    try:
        entries = load_manifest(raw_dir) if (raw_dir / MANIFEST_NAME).is_file() else []
    except VodspecError as exc:  # a broken manifest beside a page does not stop reading the page
        warnings.warn(VodspecWarning(f"{exc}; the page is read as no source of it"), stacklevel=2)
        entries = []
    entry = next((e for e in entries if _same_file(raw_dir / e.file, page)), None)
    if entry is None:
        return scrape(page, service=service or "vod", kind=kind), UNPUBLISHED
    demanded = {"service": service or entry.service, "kind": kind or entry.kind}
    dataset = scrape_source(page, entry.model_copy(update=demanded))
    published = raw_dir.parent / "data" / json_name(entry.kind)
    try:
        published.lstat()
    except (FileNotFoundError, NotADirectoryError):  # nothing published beside raw/
        return dataset, UNPUBLISHED
    except OSError:
        pass  # read_dataset says why it cannot be read
    try:
        document = read_dataset(published, entry.kind)
    except VodspecError as exc:  # "unpublished" is then a guess: said so
        warnings.warn(
            VodspecWarning(f"{exc}; which version publishes the page cannot be told"),
            stacklevel=2,
        )
        return dataset, UNPUBLISHED
    source = document.get("source")
    if isinstance(source, dict) and source.get("sha256") == dataset.source.sha256:
        return dataset, str(document.get("version", UNPUBLISHED))
    return dataset, UNPUBLISHED


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
