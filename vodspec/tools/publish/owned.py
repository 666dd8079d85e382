"""Which folders `vodspec build` may replace: the build swaps the whole data dir, so only
one that is missing, empty, or holds nothing but the files a build writes, and that is not,
holds nor lies in the raw dir, the package, a published data dir or the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from vodspec.errors import PublishError
from vodspec.layout import CHANGES_NAME, PACKAGE_DIR, PACKAGE_NAME, published_names


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
    target, raw, cwd, package = (
        Path(os.path.realpath(p)) for p in (data_dir, raw_dir, Path.cwd(), PACKAGE_DIR)
    )
    if target == cwd or target in cwd.parents:
        raise PublishError(
            "the data dir is the current folder or one of its parents; publish into a folder"
            " of its own",
            file=str(data_dir),
        )
    for place, name in ((raw, f"the raw dir {raw_dir}"), (package, "the vodspec package")):
        if target == place:
            where = f"is {name}"
        elif place in target.parents:
            where = f"lies inside {name}"
        elif target in place.parents:
            where = f"holds {name}"
        else:
            continue
        raise PublishError(
            f"the data dir {where}; publish into a folder of its own (e.g. data beside raw)",
            file=str(data_dir),
        )
    for parent in target.parents:
        # A package description beside a history: a data dir that a build published.
        if all(_is_file(parent / name) for name in (PACKAGE_NAME, CHANGES_NAME)):
            raise PublishError(
                f"the data dir lies inside the published data dir {parent}; the next build"
                " there would find a folder it did not write, so publish beside it instead",
                file=str(data_dir),
            )
        if os.path.lexists(parent) and not parent.is_dir():
            raise PublishError(
                f"the data dir cannot be made: {parent} is a file, not a folder",
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
            " move them out, or publish into a new or empty folder",
            file=str(data_dir),
        )


def _is_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()
