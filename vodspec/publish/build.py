"""`vodspec build`: scrape the manifest's sources, version the result, publish data/."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vodspec import paths
from vodspec.diff import Diff, bump, diff_datasets
from vodspec.errors import PublishError
from vodspec.publish.manifest import load_manifest
from vodspec.publish.render import JSON_NAME, render_all, render_snapshot
from vodspec.scrape import scrape
from vodspec.scrape.models import StatusDataset


@dataclass(frozen=True)
class BuildReport:
    outcome: str  # "published" or "unchanged"
    version: str
    level: str | None  # the bump: major, minor, patch; None for a first publication
    diff: Diff | None  # None for a first publication


def build(raw_dir: Path, data_dir: Path) -> BuildReport:
    """Scrape, compare with what ``data_dir`` has, and publish; refusals leave it untouched."""
    (entry,) = [source for source in load_manifest(raw_dir) if source.kind == "status_codes"]
    dataset = scrape(
        raw_dir / entry.file,
        service=entry.service,
        file=entry.file,
        source_id=entry.id,
        url=entry.url,
    )
    previous = load_published(data_dir)
    diff, level = None, None
    if previous is not None:
        diff = diff_datasets(previous, dataset.model_dump(mode="json"))
        level = diff.level
        dataset = dataset.model_copy(update={"version": bump(previous["version"], level)})
    files = render_all(dataset)
    if previous is not None and _same_files(data_dir, files):
        _write_snapshot(data_dir, dataset, files)  # in case it was lost; same bytes otherwise
        return BuildReport("unchanged", dataset.version, None, diff)
    if previous is not None and level is None:
        # Same records and source, different bytes (a new vodspec renders them differently).
        level = "patch"
        dataset = dataset.model_copy(update={"version": bump(previous["version"], level)})
        files = render_all(dataset)
    publish(data_dir, files)
    _write_snapshot(data_dir, dataset, files)
    return BuildReport("published", dataset.version, level, diff)


def load_published(data_dir: Path) -> dict[str, Any] | None:
    """The dataset JSON ``data_dir`` holds, or None when nothing was published there yet."""
    path = data_dir / JSON_NAME
    if not path.exists():
        return None
    try:
        previous = json.loads(path.read_bytes())
        StatusDataset.model_validate(previous)
    except ValueError as exc:
        raise PublishError(
            f"the published dataset is unreadable ({' '.join(str(exc).split())[:200]});"
            " fix or remove it before building",
            file=str(path),
        ) from None
    return dict(previous)


def _same_files(data_dir: Path, files: dict[str, bytes]) -> bool:
    try:
        return all((data_dir / name).read_bytes() == data for name, data in files.items())
    except OSError:
        return False


def _write_snapshot(data_dir: Path, dataset: StatusDataset, files: dict[str, bytes]) -> None:
    """Regenerate the accessor's snapshot when ``data_dir`` is the data this checkout ships."""
    if data_dir.resolve() != paths.CHECKOUT_DATA_DIR:
        return
    snapshot = render_snapshot(dataset, files[JSON_NAME])
    try:
        if paths.SNAPSHOT_FILE.read_bytes() == snapshot:
            return
    except OSError:
        pass
    _write_atomically(paths.SNAPSHOT_FILE, snapshot)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def publish(data_dir: Path, files: dict[str, bytes]) -> None:
    """Write a complete new dir beside ``data_dir``, then swap it in."""
    data_dir = data_dir.absolute()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = data_dir.with_name(f".{data_dir.name}.new-{os.getpid()}")
    retired = data_dir.with_name(f".{data_dir.name}.old-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    for name in sorted(files):
        with open(staging / name, "wb") as handle:
            handle.write(files[name])
            handle.flush()
            os.fsync(handle.fileno())
    _fsync_dir(staging)
    if data_dir.exists():
        os.rename(data_dir, retired)
        os.rename(staging, data_dir)
        shutil.rmtree(retired)
    else:
        os.rename(staging, data_dir)
    _fsync_dir(data_dir.parent)
