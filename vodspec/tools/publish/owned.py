"""Which folders `vodspec build` may replace: only a data dir it owns.

The build swaps the whole data dir, so whatever else a folder holds would be deleted. It
owns a folder that is missing, empty, or holds nothing but the files a build writes; never
the raw dir, a folder that contains it, or the current folder and its parents.
"""

from __future__ import annotations

import os
from pathlib import Path

from vodspec.errors import PublishError
from vodspec.layout import published_names


def check_owned(data_dir: Path, raw_dir: Path) -> None:
    """Refuse, naming why, a data dir whose replacement could delete what vodspec did not write."""
    if not str(data_dir).strip():
        raise PublishError("the data dir is an empty path; name the folder to publish into")
    if data_dir.is_symlink():
        raise PublishError(
            "the data dir is a symbolic link; the build replaces the folder itself, so name"
            " the real folder",
            file=str(data_dir),
        )
    # os.path.realpath, not Path.resolve: a link loop is a path, not a crash.
    target, raw, cwd = (Path(os.path.realpath(p)) for p in (data_dir, raw_dir, Path.cwd()))
    if target == raw or target in raw.parents or raw in target.parents:
        raise PublishError(
            f"the data dir overlaps the raw dir {raw_dir}; publish into a folder of its own",
            file=str(data_dir),
        )
    if target == cwd or target in cwd.parents:
        raise PublishError(
            "the data dir is the current folder or one of its parents; publish into a folder"
            " of its own",
            file=str(data_dir),
        )
    if not os.path.lexists(target):
        return
    if not target.is_dir():
        raise PublishError("the data dir exists and is not a folder", file=str(data_dir))
    try:
        names = sorted(os.listdir(target))
    except OSError as exc:
        raise PublishError(
            f"cannot list the data dir: {exc.strerror}", file=str(data_dir)
        ) from None
    foreign = [
        name for name in names if name not in published_names() or not _is_file(target / name)
    ]
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise PublishError(
            f"the data dir holds {len(foreign)} entr{'y' if len(foreign) == 1 else 'ies'} that"
            f" vodspec build did not write ({shown}); the build replaces the whole folder, so"
            " move them away or publish into another folder",
            file=str(data_dir),
        )


def _is_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()
