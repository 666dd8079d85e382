"""`vodspec build`: scrape the manifest's sources, version the result, publish data/."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vodspec import paths
from vodspec.diff import Diff, bump, diff_datasets, highest
from vodspec.errors import PublishError
from vodspec.layout import json_name
from vodspec.publish.manifest import load_manifest
from vodspec.publish.render import MODELS, render_all, render_snapshot
from vodspec.scrape import INITIAL_VERSION, scrape
from vodspec.scrape.models import Dataset


@dataclass(frozen=True)
class BuildReport:
    outcome: str  # "published" or "unchanged"
    version: str
    level: str | None  # the bump: major, minor, patch; None for a first publication
    diffs: dict[str, Diff]  # kind -> changes against the previous publication


def scrape_sources(raw_dir: Path) -> dict[str, Dataset]:
    """Every source of the manifest, scraped and validated, by kind."""
    return {
        entry.kind: scrape(
            raw_dir / entry.file,
            service=entry.service,
            kind=entry.kind,
            file=entry.file,
            source_id=entry.id,
            url=entry.url,
        )
        for entry in load_manifest(raw_dir)
    }


def build(raw_dir: Path, data_dir: Path) -> BuildReport:
    """Scrape, compare with what ``data_dir`` has, and publish; refusals leave it untouched."""
    datasets = scrape_sources(raw_dir)
    previous = load_published(data_dir)
    diffs: dict[str, Diff] = {}
    level: str | None = None
    version = INITIAL_VERSION
    if previous:
        for kind in sorted(previous.keys() | datasets.keys()):
            old = previous.get(kind, {"kind": kind, "records": []})
            new = (
                datasets[kind].model_dump(mode="json")
                if kind in datasets
                else {"kind": kind, "records": []}
            )
            diffs[kind] = diff_datasets(old, new)
            level = highest(level, diffs[kind].level)
        version = bump(_package_version(previous, data_dir), level)
    files = render_all(_versioned(datasets, version))
    if previous and _same_files(data_dir, files):
        _write_snapshot(data_dir, datasets, version, files)  # in case it was lost
        return BuildReport("unchanged", version, None, diffs)
    if previous and level is None:
        # Same records and sources, different bytes (a new vodspec renders them differently).
        level = "patch"
        version = bump(_package_version(previous, data_dir), level)
        files = render_all(_versioned(datasets, version))
    publish(data_dir, files)
    _write_snapshot(data_dir, datasets, version, files)
    return BuildReport("published", version, level, diffs)


def _versioned(datasets: dict[str, Dataset], version: str) -> dict[str, Dataset]:
    return {
        kind: dataset.model_copy(update={"version": version}) for kind, dataset in datasets.items()
    }


def _package_version(previous: dict[str, dict[str, Any]], data_dir: Path) -> str:
    versions = {dataset["version"] for dataset in previous.values()}
    if len(versions) != 1:
        raise PublishError(
            f"the published datasets disagree on the version ({', '.join(sorted(versions))})",
            file=str(data_dir),
        )
    return str(versions.pop())


def load_published(data_dir: Path) -> dict[str, dict[str, Any]]:
    """The dataset JSON ``data_dir`` holds, by kind; {} when nothing was published there yet."""
    published = {}
    for kind, (model, _) in MODELS.items():
        path = data_dir / json_name(kind)
        if not path.exists():
            continue
        try:
            previous = json.loads(path.read_bytes())
            model.model_validate(previous)
        except ValueError as exc:
            raise PublishError(
                f"the published dataset is unreadable ({' '.join(str(exc).split())[:200]});"
                " fix or remove it before building",
                file=str(path),
            ) from None
        published[kind] = dict(previous)
    return published


def _same_files(data_dir: Path, files: dict[str, bytes]) -> bool:
    try:
        return all((data_dir / name).read_bytes() == data for name, data in files.items())
    except OSError:
        return False


def _write_snapshot(
    data_dir: Path, datasets: dict[str, Dataset], version: str, files: dict[str, bytes]
) -> None:
    """Regenerate the accessor's snapshot when ``data_dir`` is the data this checkout ships."""
    if data_dir.resolve() != paths.CHECKOUT_DATA_DIR:
        return
    snapshot = render_snapshot(datasets, version, files)
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
