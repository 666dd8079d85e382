"""The `vodspec` command: one function per subcommand; each docstring is its --help.

Exit status: 0 success, 1 refused input or findings, 2 usage (and diff's trouble), 3 internal
error, 130 interrupted, 141 a closed output pipe; `update` also 4 and 5.
The scraping stack is imported only by scrape, build, fetch, update and validate (pydantic).
Only `show CODE`, `show CODE --json` and a bare `list` skip argparse (and the gettext it
imports) so that they start fast: `--data`, `--debug` and any other word go through it.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace  # loaded already: by runpy, or by the script's `import re`

import vodspec
from vodspec.errors import STDIN, DataDirStateError, UpdateRefusedError, VodspecError, shown
from vodspec.record import (
    CATEGORIES,
    DESCRIPTION,
    MESSAGE,
    MODULE,
    REMEDY,
    RETRY_ADVICE,
    category_of,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any, TypeVar

    from vodspec.record import ErrorCode, Status
    from vodspec.registry import Registry

    T = TypeVar("T")

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# `update`'s, for what a person must look at (UpdateRefusedError, DataDirStateError).
EXIT_UPDATE_REFUSED, EXIT_UPDATE_DATA_DIR = 4, 5
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as the shell reports a command killed by it
EXIT_INTERRUPTED = 130  # 128 + SIGINT
#: The exit status of a refusal, where it is not EXIT_REFUSED.
REFUSAL_EXITS = {UpdateRefusedError: EXIT_UPDATE_REFUSED, DataDirStateError: EXIT_UPDATE_DATA_DIR}
#: Never 'vodspec[scrape]': on PyPI that name would fetch someone else's package.
SCRAPE_EXTRA_HINT = (
    "this command needs the scrape extra: pip install '.[scrape]' in a clone of vodspec, or"
    " pip install 'WHEEL[scrape]' with the wheel's path (vodspec is not on PyPI)"
)


def _out(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _json(value: object) -> None:
    from vodspec.reading import dump_json

    sys.stdout.flush()
    sys.stdout.buffer.write(dump_json(value))


def _err(text: str) -> None:
    sys.stderr.write(f"vodspec: {text}\n")


def _scraping(run: Callable[[], T], strict: bool = False) -> T:
    """``run()``, printing what vodspec accepted but wants a maintainer to know, one line
    each; under --strict, odd but clear content is refused rather than published (a warning)."""
    import warnings

    from vodspec.errors import VodspecWarning
    from vodspec.tools.scrape.pipeline import STRICT

    token = STRICT.set(strict)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", VodspecWarning)
        try:
            return run()
        finally:
            STRICT.reset(token)
            for warning in caught:
                if issubclass(warning.category, VodspecWarning):
                    _err(f"warning: {warning.message}")


def cmd_scrape(args: argparse.Namespace) -> int:
    """Scrape one page (FILE, or - for standard input) and print its dataset JSON.

    Writes nothing. A page that is a source of the manifest beside it (raw/sources.json) is
    read as that source (its id, url, service, kind), and the JSON's version is the one that
    publishes it, or "unpublished"."""
    from functools import partial

    from vodspec.reading import MAX_PAGE_BYTES
    from vodspec.tools.manifest import scrape_for_reading

    page = partial(_stdin, MAX_PAGE_BYTES)
    dataset, version = _scraping(
        lambda: scrape_for_reading(args.file, args.service, args.kind, page), args.strict
    )
    _json({**dataset.model_dump(mode="json"), "version": version})
    return EXIT_OK


def _stdin(cap: int) -> bytes:
    """Standard input (a FILE given as -), under the cap of a file of its kind."""
    from vodspec.errors import InputError, TooLargeError

    if sys.stdin is None:  # started with it closed (`<&-`)
        raise InputError("standard input is closed", file=STDIN)
    try:
        data = sys.stdin.buffer.read(cap + 1)
    except OSError as exc:  # opened for writing only (`0>file`): main would blame the output
        raise InputError(f"cannot read standard input: {exc.strerror or exc}", file=STDIN) from None
    if len(data) > cap:
        raise TooLargeError(f"input is over the cap of {cap:,} bytes", file=STDIN)
    return data


def _check_folders(args: argparse.Namespace, *options: str) -> None:
    """Refuse a folder option given as an empty path (which would be the current folder) or
    holding a control character or a byte that is not UTF-8."""
    for option in options:
        value = getattr(args, option)
        if not value.strip():
            raise VodspecError(f"--{option} is an empty path; expected a folder")
        if not value.isprintable():
            raise VodspecError(
                f"--{option} holds a control character or a byte that is not UTF-8; expected a"
                " folder name"
            )


def cmd_build(args: argparse.Namespace) -> int:
    """Scrape every source in the manifest, validate, and publish the data dir."""
    from pathlib import Path

    from vodspec.reading import folder_identity
    from vodspec.tools.changes import change_lines
    from vodspec.tools.publish.build import build

    _check_folders(args, "raw", "data")
    before = folder_identity(Path(args.data))
    try:
        report = _scraping(
            lambda: build(
                Path(args.raw),
                Path(args.data),
                allow_removals=args.allow_removals,
                force=args.force,
                reread=args.reread,
                seal_history=args.seal_history,
            ),
            args.strict,
        )
    except KeyboardInterrupt as exc:
        # Which outcome the interruption left: a signal may come after the swap too, which
        # puts a new folder in the data dir's place (told without reading the data twice).
        if str(exc):
            raise
        if folder_identity(Path(args.data)) == before:  # the swap had not come
            raise KeyboardInterrupt(f"{args.data} was not changed") from None
        after = _published_version(Path(args.data))
        raise KeyboardInterrupt(f"{args.data} is published as version {after}") from None
    if report.outcome == "unchanged":
        anew = f" ({', '.join(report.rerendered)} rendered anew)" if report.rerendered else ""
        _out(f"unchanged: {args.data} stays at version {report.version}{anew}")
        return EXIT_OK
    _out(f"published {args.data} version {report.version} ({report.level or 'first publication'})")
    if report.level:
        for kind, diff in report.diffs.items():
            for line in change_lines(kind, diff):
                _out(f"  {line}")
    return EXIT_OK


def _published_version(data_dir: Path) -> str | None:
    """The version a data dir publishes now, if it can be told (for an interrupted build)."""
    from vodspec.layout import PACKAGE_NAME
    from vodspec.reading import read_json

    try:
        version = read_json(data_dir / PACKAGE_NAME, 1 << 20).get("version")
    except (VodspecError, AttributeError):
        return None
    return version if isinstance(version, str) else None


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download the manifest's sources (or those named) into the raw dir, if they changed."""
    from pathlib import Path

    from vodspec.tools.fetch import fetch_each

    _check_folders(args, "raw")
    failed = False
    for source_id, result in fetch_each(Path(args.raw), list(args.ids)):  # said as each is done
        if isinstance(result, VodspecError):
            failed = True
            _err(f"{source_id}: error: {result}")
        else:
            _out(f"{source_id}: {result.status}")
    return EXIT_REFUSED if failed else EXIT_OK


def cmd_update(args: argparse.Namespace) -> int:
    """Fetch every source and build: the upstream watch, for a scheduled job.

    When a new version is published, write a pull request's summary of it to --summary FILE
    (only then: give a fresh path each run), or print it when no FILE is given. Exit 0 with
    nothing written when upstream did not change; 1 when a download failed or another build
    holds the data dir (try again), or the raw dir is refused (the message says why); 4 when
    vodspec refuses the new pages; 5 when the data dir is not as the last build left it
    (restore it). FILE is refused before anything is fetched when it is a link, lies in the
    data or raw dir, or cannot be written."""
    import os
    from pathlib import Path

    from vodspec.tools.update import update

    _check_folders(args, "raw", "data")
    summary = Path(args.summary) if args.summary else None
    if summary is not None:
        _check_summary_path(summary, Path(args.raw), Path(args.data))
    report = _scraping(lambda: update(Path(args.raw), Path(args.data)))
    for source_id, status in report.fetched:
        _out(f"{source_id}: {status}")
    if report.summary is None:
        stale = (
            f" ({summary} is not from this run)"
            if summary is not None and os.path.lexists(summary)
            else ""
        )
        _out(f"unchanged: {args.data} stays at version {report.version}; no summary written{stale}")
        return EXIT_OK
    bump = report.level or "its first publication"
    if summary is None:
        _out(f"published {args.data} version {report.version} ({bump}); its summary:\n")
        _out(report.summary)
        return EXIT_OK
    try:
        summary.write_text(report.summary, encoding="utf-8")
    except OSError as exc:
        raise VodspecError(
            f"{args.data} was published as version {report.version}, but the summary could"
            f" not be written: {exc.strerror or exc}",
            file=args.summary,
        ) from None
    _out(f"published {args.data} version {report.version} ({bump}); summary in {summary}")
    return EXIT_OK


def _check_summary_path(summary: Path, raw: Path, data: Path) -> None:
    """Refuse a summary path that cannot be written, or whose writing would change what it
    must not: a link (written through), a file of the data or raw dir (the dataset itself)."""
    import os

    from vodspec.reading import inside

    file = str(summary)
    try:  # a name too long, a folder that cannot be written… raise OSError anywhere here
        if summary.is_symlink():
            raise VodspecError("the summary path is a symbolic link; name a plain file", file=file)
        if summary.is_dir() or not summary.parent.is_dir():
            raise VodspecError("expected a file in an existing directory", file=file)
        for folder, what in ((data, "data"), (raw, "raw")):
            if inside(summary, folder):
                raise VodspecError(
                    f"the summary path lies in the {what} dir {folder}; name a file outside it"
                    " (e.g. in a temporary folder)",
                    file=file,
                )
        # What writing it will need: the file made (and removed again), or opened for writing.
        if os.path.lexists(summary):
            with open(summary, "ab"):
                pass
        else:
            os.close(os.open(summary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            os.unlink(summary)
    except OSError as exc:
        raise VodspecError(
            f"the summary cannot be written there: {exc.strerror or exc}; nothing was fetched",
            file=file,
        ) from None


def _registry(args: argparse.Namespace) -> Registry:
    """The shipped dataset, or the one ``--data DIR`` names (an empty DIR is refused)."""
    data = getattr(args, "data", None)
    return vodspec.open_dataset(data) if data is not None else vodspec.default_registry()


def cmd_show(args: argparse.Namespace) -> int:
    """Show status codes or error codes, each given as 404, "not found" or VOD.10053.

    A status code may be given as 404, "404 Not Found", "not found" or NOT_FOUND; an error
    code shows every record of it, one per HTTP status it is listed under. With several
    codes, each is shown in turn (--json: a list); an unknown one is refused in its own
    line and the others are still shown (exit 1)."""
    registry = _registry(args)
    found: list[object] = []
    for code in args.codes:
        try:
            as_json, text = _lookup(registry, code)
        except VodspecError as exc:
            _err(str(exc))
            continue
        if not args.json:
            _out(f"\n{text}" if found else text)  # a blank line between the records shown
        found.append(as_json)
    if args.json and len(args.codes) > 1:
        _json(found)
    elif args.json and found:
        _json(found[0])
    return EXIT_OK if len(found) == len(args.codes) else EXIT_REFUSED


def _lookup(registry: Registry, code: str) -> tuple[object, str]:
    """The JSON and the text of the status record ``code`` names, else of the records of the
    error code it names; a code neither knows is refused (a status-like one with the status
    lookup's words)."""
    text = " ".join(code.split())
    record = registry.get(text)
    if record is not None:
        return record.as_dict(), _status_text(record)
    errors = registry.get_error(text)
    if errors:
        return [r.as_dict() for r in errors], _error_text(errors)
    if text[:1].isdigit():
        registry.status(text)  # raises: no VOD status code matches … (and what the standard says)
    if not registry.error_codes():  # a data dir without error_codes.json: say so
        raise VodspecError(
            f"no VOD status code matches {shown(code)}, and no error-code dataset is published"
            " here to look it up in"
        )
    raise VodspecError(f"no VOD status code or error code matches {shown(code)}")


def _status_text(record: Status) -> str:
    lines = [
        f"{record.code} {record.reason or ''}".rstrip(),
        f"  category: {record.category}",
        f"  retry:    {record.retry} (the page's advice)",
    ]
    lines += ["", *(f"  {paragraph}" for paragraph in record.paragraphs), ""]
    lines.append(f"  source:   {_where(record)}")
    standard = record.standard_phrase or "not registered"
    lines.append(f"  standard: {standard} ({record.standard_reference or 'no reference'})")
    why = f" ({record.standard_retry_reference})" if record.standard_retry_reference else ""
    lines.append(f"  standard retry view: {record.standard_retry}{why}")
    return "\n".join(lines)


def _where(record: Status | ErrorCode) -> str:
    """``vod_04_0133, line 14, row row67486913112`` (no row where the table row had no id)."""
    row = f", row {record.source_row}" if record.source_row else ""
    return f"{record.doc_id}, line {record.source_line}{row}"


def _error_text(records: tuple[ErrorCode, ...]) -> str:
    blocks = []
    for record in records:
        status = f"HTTP {record.http_status_text}" if record.http_status_text else "no HTTP status"
        lines = [f"{record.error_code}  {status}"]
        for name in (MESSAGE, DESCRIPTION, REMEDY, MODULE):
            value = getattr(record, name)
            if value:
                lines += [f"  {name + ':':<13}{line}" for line in value.splitlines()[:1]]
                lines += [f"  {'':<13}{line}" for line in value.splitlines()[1:]]
        lines.append(f"  {'source:':<13}{_where(record)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def cmd_list(args: argparse.Namespace) -> int:
    """List every status code with its reason, category and retry advice.

    --errors lists the error codes instead; filter with --category and --retry, print JSON
    with --json."""
    if args.errors and args.retry:  # a usage error: said under the usage, exit 2
        args.command_parser.error("--retry filters status codes; error codes have no retry advice")
    registry = _registry(args)
    if args.errors:
        # --category: the category of the HTTP status they are listed under.
        errors = [
            r
            for r in registry.error_codes()
            if args.category is None
            or (r.http_status is not None and category_of(r.http_status) == args.category)
        ]
        if args.json:
            _json([r.as_dict() for r in errors])
            return EXIT_OK
        _out(f"# VOD error codes, dataset version {registry.data_version()}")
        for error in errors:
            message = " / ".join((error.message or "").splitlines())
            _out(f"{error.error_code}  {error.http_status or '-'}  {message}")
        return EXIT_OK
    records = [
        r
        for r in registry.statuses()
        if args.category in (None, r.category) and args.retry in (None, r.retry)
    ]
    if args.json:
        _json([r.as_dict() for r in records])
        return EXIT_OK
    width = max((len(record.reason or "") for record in records), default=1)
    _out(f"# VOD status codes, dataset version {registry.data_version()}")
    for record in records:
        _out(
            f"{record.code}  {(record.reason or '-'):<{width}}"
            f"  {record.category:<13}  {record.retry}"
        )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Check a published data dir: files, snapshot, hashes, history, and raw/ gives it.

    The last check (scraping raw/ again gives the same data) needs the scrape extra and a
    raw dir (DIR/../raw, or --raw); without them it is skipped, and validate says so."""
    import os
    from pathlib import Path

    from vodspec.reading import DataDir
    from vodspec.registry import NO_SUCH_DATA_DIR
    from vodspec.tools.validate import raw_notes, validate_dir

    if args.dir is not None and not args.dir.strip():  # not the shipped dataset's default
        raise VodspecError("DIR is an empty path; expected a data dir")
    directory = Path(args.dir) if args.dir else vodspec.data_dir()
    if args.raw and not Path(args.raw).is_dir():
        raise VodspecError(
            "not a directory; expected the raw dir the data was built from", file=args.raw
        )
    if args.dir and not os.path.lexists(args.dir):
        raise VodspecError(NO_SUCH_DATA_DIR, file=args.dir)
    if args.dir and not Path(args.dir).is_dir():  # a file, a device, a dangling link…
        raise VodspecError(
            "not a folder; expected a data dir (the folder `vodspec build` publishes)",
            file=args.dir,
        )
    raw = Path(args.raw) if args.raw else directory.parent / "raw"
    data = DataDir(directory)  # read once, for every check below
    problems = validate_dir(data)
    notes = []
    if not raw.is_dir():
        notes.append(
            f"no raw dir at {raw}: the check that raw/ gives this data was skipped (--raw DIR)"
        )
    elif not problems:
        newer, older = raw_notes(data, raw)
        problems += older
        try:
            from vodspec.tools.publish.build import rescrape_problems
        except ModuleNotFoundError:
            notes += newer
            notes.append(f"the check that raw/ gives this data was skipped: {SCRAPE_EXTRA_HINT}")
        else:
            again, skipped = rescrape_problems(data, raw)
            problems += again
            notes += skipped  # the pages it could not scrape again, and why
    for problem in problems:
        _err(str(problem))
    for note in notes:
        _err(f"note: {note}")
    if problems:
        return EXIT_REFUSED
    _out(f"ok: {directory} is a valid published dataset")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """Compare two datasets (JSON files or data dirs) and say which bump the changes demand.

    One of OLD and NEW may be - (a dataset JSON on standard input, e.g. from `git show`).
    Exit 0 same, 1 different, 2 trouble (as diff(1))."""
    from vodspec.tools.changes import diffs_as_json, diffs_as_text
    from vodspec.tools.diff import diff_packages

    if args.old == args.new == "-":
        _err("OLD and NEW are both - (standard input); name a file or a data dir for one of them")
        return EXIT_USAGE
    old, new = _same_kinds(_datasets(args.old), _datasets(args.new), args.old, args.new)
    diffs = diff_packages(old, new)
    versions = {"old_version": _versions(old), "new_version": _versions(new)}
    if args.json:
        _json({**versions, **diffs_as_json(diffs)})
    else:
        _out(f"version: {versions['old_version']} -> {versions['new_version']}")
        _out(diffs_as_text(diffs))
    same = all(diff.level is None and not diff.changes for diff in diffs.values())
    return EXIT_OK if same else EXIT_REFUSED


def _datasets(name: str) -> dict[str, dict[str, Any]]:
    """The datasets `diff` compares: a dataset JSON file's (- : standard input's), or those
    of a data dir."""
    from pathlib import Path

    from vodspec.layout import STATUS_CODES
    from vodspec.reading import MAX_JSON_BYTES, DataDir, dataset_document, load_json, read_dataset

    path = Path(name)
    try:
        if not _is_dir(name):
            if name == "-":
                dataset = dataset_document(load_json(_stdin(MAX_JSON_BYTES), STDIN), STDIN)
            else:
                dataset = read_dataset(path)
            return {str(dataset.get("kind", STATUS_CODES)): dataset}
        found = DataDir(path).datasets()
    except VodspecError as exc:
        exc.hint = "expected a vodspec dataset (a JSON file or a data dir)"  # diff's "expected"
        raise
    if not found:
        raise VodspecError(
            "no published dataset in this directory; expected a data dir or a dataset JSON",
            file=str(path),
        )
    return found


def _same_kinds(
    old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], old_name: str, new_name: str
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """What diff compares: two files of one kind, two dirs, or a file against the dataset of
    its kind in a dir (which may hold both kinds); anything else is refused."""
    old_is_file, new_is_file = not _is_dir(old_name), not _is_dir(new_name)
    old_name, new_name = (STDIN if name == "-" else name for name in (old_name, new_name))
    if old_is_file == new_is_file:
        if old_is_file and old.keys() != new.keys():
            raise VodspecError(
                f"holds {_kinds(new)}, {old_name} {_kinds(old)}; expected two datasets of one kind",
                file=new_name,
            )
        return old, new
    (kind,) = old if old_is_file else new
    folder, name = (new, new_name) if old_is_file else (old, old_name)
    if kind not in folder:
        raise VodspecError(
            f"holds {_kinds(folder)}, not {kind}; expected a dataset of the file's kind",
            file=name,
        )
    return (old, {kind: new[kind]}) if old_is_file else ({kind: old[kind]}, new)


def _is_dir(name: str) -> bool:
    """Whether diff's OLD or NEW names a data dir (- is standard input, as in diff(1))."""
    from pathlib import Path

    return name != "-" and Path(name).is_dir()


def _kinds(datasets: dict[str, dict[str, Any]]) -> str:
    return " and ".join(sorted(datasets))


def _versions(datasets: dict[str, dict[str, Any]]) -> str:
    versions = sorted({str(dataset.get("version", "unknown")) for dataset in datasets.values()})
    return "/".join(versions)


def cmd_lint(args: argparse.Namespace) -> int:
    """List where the pages depart from the HTTP standard or from each other.

    DIR lints its status and error codes; FILE one dataset. --rule RULE keeps one rule's
    findings, --summary prints how many each rule has. Exit 0 clean, 1 findings."""
    import os
    from collections import Counter
    from pathlib import Path

    from vodspec.layout import ERROR_CODES, STATUS_CODES, json_name
    from vodspec.reading import DataDir, dataset_document, read_json
    from vodspec.tools.lint import RULES, lint_datasets

    status_file = json_name(STATUS_CODES)
    expected = f"expected a data dir or a dataset JSON ({status_file}, {json_name(ERROR_CODES)})"
    if args.target is not None and not args.target.strip():  # not the shipped dataset's default
        raise VodspecError(f"DIR|FILE is an empty path; {expected}")
    target = Path(args.target) if args.target else vodspec.data_dir()
    if not os.path.lexists(target):
        raise VodspecError(f"no such file or folder; {expected}", file=str(target))
    if target.is_dir() and not (target / status_file).exists():
        raise VodspecError(f"no {status_file} in this folder; {expected}", file=str(target))
    if target.is_dir():
        datasets = DataDir(target).datasets()
    else:
        try:
            value = read_json(target)
        except VodspecError as exc:
            exc.hint = expected  # one "expected", the one of lint
            raise
        error_file = isinstance(value, dict) and value.get("kind") == ERROR_CODES
        kind = ERROR_CODES if error_file else STATUS_CODES
        datasets = {kind: dataset_document(value, str(target), kind)}
    findings = lint_datasets(datasets)
    if args.rule:
        if args.rule not in RULES:  # a usage error, as argparse's choices would make it
            args.command_parser.error(
                f"no lint rule {shown(args.rule)}; expected one of {', '.join(sorted(RULES))}"
            )
        findings = [finding for finding in findings if finding.rule == args.rule]
    counts = Counter(finding.rule for finding in findings)
    if args.json:
        _json(counts if args.summary else [f.as_dict() for f in findings])
    elif args.summary:
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            _out(f"{count:>5}  {rule}: {RULES[rule].summary}")
    else:
        for finding in findings:
            _out(
                f"{finding.code} {finding.rule}: {RULES[finding.rule].summary}"
                f" ({finding.reference})"
            )
            vendor = " / ".join((finding.vendor or "(not listed)").splitlines())
            _out(f"    vendor:   {vendor}")
            if finding.standard or isinstance(finding.code, int):  # error codes have none
                _out(f"    standard: {finding.standard or '(no registered phrase)'}")
    if not args.json:
        _out(f"{len(findings)} finding(s)")
    return EXIT_REFUSED if findings else EXIT_OK


def _parser() -> argparse.ArgumentParser:
    import argparse

    from vodspec.layout import KINDS

    # allow_abbrev=False: `--jso` is a usage error, not `--json`. Global options are
    # accepted after the subcommand too (a parent parser every subcommand shares).
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show tracebacks of internal errors",
    )
    parser = argparse.ArgumentParser(
        prog="vodspec",
        description="Huawei Cloud VOD's HTTP status codes and error codes, as data.",
        allow_abbrev=False,
        parents=[common],
    )
    parser.add_argument(
        "-V",
        "--version",
        action="version",
        version=_version_text(),
        help="the package and data version",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, function: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        doc = function.__doc__ or ""
        sub = commands.add_parser(
            name,
            help=doc.splitlines()[0],  # each command's docstring opens with a whole sentence
            description=doc,
            allow_abbrev=False,
            parents=[common],
        )
        sub.set_defaults(function=function, command_parser=sub)
        return sub

    # The options several commands take, each worded once.
    strict = "refuse odd but clear content (a status cell N/A, a note row) instead of a warning"
    raw_dir: dict[str, Any] = {
        "default": "raw",
        "metavar": "DIR",
        "help": "sources and their manifest (default raw)",
    }
    data_dir: dict[str, Any] = {
        "default": "data",
        "metavar": "DIR",
        "help": "where to publish (default data)",
    }
    shipped: dict[str, Any] = {
        "metavar": "DIR",
        "help": "a published data dir (default: the shipped)",
    }
    sub = add("scrape", cmd_scrape)
    sub.add_argument("file", metavar="FILE", help="a page (Markdown or HTML), or - for stdin")
    sub.add_argument("--strict", action="store_true", help=strict)
    sub.add_argument(
        "--service",
        metavar="NAME|any",
        help="service the page must document (default vod, or the manifest's for its source)",
    )
    sub.add_argument(
        "--kind",
        choices=KINDS,
        help="kind of codes the page must hold (default: detect it)",
    )
    sub = add("build", cmd_build)
    for flag, text in (
        ("--allow-removals", "accept removing records"),
        ("--strict", strict),
        ("--force", "accept even a page that lost its table or more than half of its rows"),
        ("--reread", "accept records that differ though their page did not (a new reader)"),
        (
            "--seal-history",
            "build on a changes.json whose newest entry has no history hash, and seal it",
        ),
    ):
        sub.add_argument(flag, action="store_true", help=text)
    sub.add_argument("--raw", **raw_dir)
    sub.add_argument("--data", **data_dir)
    sub = add("fetch", cmd_fetch)
    sub.add_argument("ids", nargs="*", metavar="ID", help="source ids (default: all)")
    sub.add_argument("--raw", **raw_dir)
    sub = add("update", cmd_update)
    sub.add_argument(
        "--summary", metavar="FILE", help="where to write the summary (default: print it)"
    )
    sub.add_argument("--raw", **raw_dir)
    sub.add_argument("--data", **data_dir)
    sub = add("show", cmd_show)
    sub.add_argument("codes", metavar="CODE", nargs="+")
    sub.add_argument("--json", action="store_true", help="print the record(s) as JSON")
    sub.add_argument("--data", **shipped)
    sub = add("list", cmd_list)
    sub.add_argument("--errors", action="store_true", help="list the error codes instead")
    sub.add_argument(
        "--category",
        choices=CATEGORIES,
        help="only this class of status (for --errors: of the status they are listed under)",
    )
    sub.add_argument(
        "--retry",
        choices=RETRY_ADVICE,
        help="only status codes with this retry advice of the page",
    )
    sub.add_argument("--json", action="store_true", help="print the records as JSON")
    sub.add_argument("--data", **shipped)
    sub = add("validate", cmd_validate)
    sub.add_argument(
        "dir", nargs="?", metavar="DIR", help="published dir (default: the shipped dataset)"
    )
    sub.add_argument(
        "--raw", metavar="DIR", help="the raw dir it was built from (default DIR/../raw)"
    )
    sub = add("lint", cmd_lint)
    sub.add_argument("target", nargs="?", metavar="DIR|FILE", help="default: the shipped dataset")
    sub.add_argument("--json", action="store_true", help="print the findings as JSON")
    sub.add_argument("--rule", metavar="RULE", help="only the findings of this rule")
    sub.add_argument("--summary", action="store_true", help="how many findings each rule has")
    sub = add("diff", cmd_diff)
    sub.set_defaults(refused=EXIT_USAGE)  # 1 says the datasets differ: trouble is 2, as in diff(1)
    sub.add_argument("old", metavar="OLD")
    sub.add_argument("new", metavar="NEW")
    sub.add_argument("--json", action="store_true", help="print the changes as JSON")
    return parser


def _version_text() -> str:
    try:
        data = vodspec.data_version()
    except VodspecError:
        data = "unavailable"
    return f"vodspec {data} (data version {data}; the package's version is its data's)"


def _fast_path(argv: list[str]) -> SimpleNamespace | None:
    """`show CODE [--json]` and `list`, parsed without argparse; None for anything else."""
    if argv == ["list"]:
        return SimpleNamespace(
            function=cmd_list, errors=False, category=None, retry=None, json=False
        )
    if argv[:1] != ["show"]:
        return None
    words = argv[1:]
    as_json = "--json" in words
    codes = [word for word in words if word != "--json"]
    # One code, and --json at most once beside it.
    if len(codes) == 1 and len(words) == 1 + as_json and not codes[0].startswith("-"):
        return SimpleNamespace(function=cmd_show, codes=codes, json=as_json)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stdout is None:  # started with stdout closed (`vodspec list >&-`)
        return EXIT_BROKEN_PIPE
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # Page text is Chinese: a terminal that cannot show it gets escapes, not a crash.
            stream.reconfigure(errors="backslashreplace")
    _on_terminate_clean_up()
    words = list(sys.argv[1:] if argv is None else argv)
    try:  # argparse's imports take a while: a signal may come before the command runs
        args: Any = _fast_path(words)
        if args is None:
            args, unknown = _parser().parse_known_args(words)
            if unknown:  # said under the command's own usage, as a missing argument is
                args.command_parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    args.debug = getattr(args, "debug", False)
    refused = getattr(args, "refused", EXIT_REFUSED)  # what a command exits with on trouble
    try:
        return int(args.function(args))
    except VodspecError as exc:
        _err(str(exc))
        return REFUSAL_EXITS.get(type(exc), refused)
    except ModuleNotFoundError as exc:
        scrape_extra = ("bs4", "lxml", "cmarkgfm", "pydantic", "pydantic_core", "httpx", "httpcore")
        if exc.name in scrape_extra:
            _err(f"{SCRAPE_EXTRA_HINT} (missing {exc.name})")
            return EXIT_USAGE
        return _internal(exc, args.debug)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): end as a tool killed by SIGPIPE does, never
        # with 0, which would hide findings or differences from `set -o pipefail`.
        sys.stderr.close()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.filename is None:  # writing our output failed (`> /dev/full`)
            _err(f"cannot write the output: {exc.strerror or exc}")
        else:  # a file the user named that cannot be read (permissions, a name too long…)
            _err(str(VodspecError(f"{exc.strerror or exc}", file=str(exc.filename))))
        return refused
    except KeyboardInterrupt as exc:
        _err(f"interrupted{f' ({exc})' if str(exc) else ''}")
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _internal(exc, args.debug)


def _on_terminate_clean_up() -> None:
    """SIGTERM ends the command as Ctrl-C does, so that a build removes its lock file."""
    # The C module: `signal` would import enum, and cost `vodspec show` its fast start.
    import _signal as signal  # type: ignore[import-not-found]

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        # A SIGTERM this process was started ignoring (or given a handler for, by a caller
        # of main()) is left as it is.
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (main() called from a library): leave it
        pass


def _internal(exc: BaseException, debug: bool) -> int:
    if debug:
        raise exc
    _err(
        f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
        " (this is a bug; please report it with --debug output)"
    )
    return EXIT_INTERNAL
