"""`vodspec validate`: a published dir proves itself (it re-scrapes raw/), and changes.json
is a chain.

A forger who edits the data, however carefully the hashes are recomputed with vodspec's
own renderers, is caught by validate (raw/ gives other records) and by the build (the page
did not change, the records did). An entry of the history deleted, reordered or edited is
caught by the next entry's hash, and the first chained entry seals the older ones.
Versions only go forward; a broken file is one line, exit 1.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, RAW, edit, frozen_raw, one_line, publish_seed, run_cli

from vodspec.reading import dump_json
from vodspec.tools.changes import render_changelog

PAGE = "vod_04_0133.md"


def tree(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(raw, data) after three publications by this vodspec: 1.0.0, 1.0.1, 1.0.2."""
    root = tmp_path_factory.mktemp("history")
    raw, data = frozen_raw(root / "raw"), root / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    edit(raw / PAGE, "网关超时。", "网关超时了。")
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    edit(raw / PAGE, "网关超时了。", "网关超时啦。")
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    return raw, data


def copy(history: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    raw, data = history
    shutil.copytree(raw, tmp_path / "raw")
    shutil.copytree(data, tmp_path / "data")
    return tmp_path / "raw", tmp_path / "data"


def refused_everywhere(raw: Path, data: Path, expected: str) -> None:
    """validate fails naming ``expected``; the build refuses and changes nothing."""
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1 and expected in result.stderr, result.stderr
    before = tree(data)
    edit(raw / PAGE, "网关超时啦。", "网关超时喽。")  # a real update comes in
    build = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert build.returncode == 1, build.stdout
    assert tree(data) == before


def entries(data: Path) -> list[dict[str, Any]]:
    value: list[dict[str, Any]] = json.loads((data / "changes.json").read_bytes())
    return value


def write_entries(data: Path, value: list[dict[str, Any]]) -> None:
    """changes.json and CHANGELOG.md as a careful forger writes them (vodspec's renderer)."""
    from vodspec.tools.changes import render_changelog

    (data / "changes.json").write_bytes(dump_json(value))
    (data / "CHANGELOG.md").write_text(render_changelog(value), encoding="utf-8")


def test_every_new_entry_seals_the_history_before_it(history: tuple[Path, Path]) -> None:
    _, data = history
    found = entries(data)
    assert [entry["version"] for entry in found] == ["1.0.2", "1.0.1", "1.0.0"]
    for number, entry in enumerate(found[:-1]):
        older = dump_json(found[number + 1 :])
        assert entry["history_sha256"] == hashlib.sha256(older).hexdigest()


@pytest.mark.parametrize("damage", ["delete", "reorder", "edit-record", "edit-version-bump"])
def test_an_edited_history_is_refused(
    history: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    raw, data = copy(history, tmp_path)
    found = entries(data)
    if damage == "delete":
        del found[1]
    elif damage == "reorder":
        found[1], found[2] = found[2], found[1]
    elif damage == "edit-record":
        found[-1]["changes"][0]["record"]["description"] = "改过"
    else:
        found[1]["bump"] = "minor"
    write_entries(data, found)
    refused_everywhere(raw, data, "changes.json")


@pytest.mark.parametrize("strip", ["history_sha256", "files"])
def test_the_newest_entry_cannot_shed_its_hashes(
    history: tuple[Path, Path], tmp_path: Path, strip: str
) -> None:
    raw, data = copy(history, tmp_path)
    found = entries(data)
    del found[0][strip]
    write_entries(data, found)
    refused_everywhere(raw, data, f"has no {strip}")


def test_the_shipped_history_is_sealed_by_its_first_chained_entry(tmp_path: Path) -> None:
    """Whatever data/ holds today: an entry older than the newest one deleted or edited."""
    found = entries(DATA)
    chained = [n for n, entry in enumerate(found) if "history_sha256" in entry]
    if not chained or chained[-1] + 1 >= len(found):
        pytest.skip("the shipped history has no entry older than its first chained one")
    for damage in ("delete", "edit"):
        data = tmp_path / damage / "data"
        shutil.copytree(DATA, data)
        edited = entries(data)
        if damage == "delete":
            del edited[chained[-1] + 1]
        else:  # what only the chain can tell: a detail of an older entry
            older = edited[chained[-1] + 1]
            for source in older["sources"].values():
                source["date"] = "2000-01-01T00:00:00Z"
        write_entries(data, edited)
        result = run_cli("validate", str(data), "--raw", str(RAW))
        assert result.returncode == 1 and "changes.json" in result.stderr, result.stderr


def forge(data: Path, change: str, **source: str) -> None:
    """Edit the first record's description (and the ``source`` facts given) and re-render
    every file with vodspec's own renderers: datasets, CSV, datapackage hashes, lint, snapshot
    and the newest entry's file hashes (raw/ untouched)."""
    from vodspec.tools.publish.render import render_all
    from vodspec.tools.scrape.models import StatusDataset

    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["source"].update(source)
    dataset["records"][0]["description"] = change
    dataset["records"][0]["paragraphs"] = [change]
    files = render_all({"status_codes": StatusDataset.model_validate(dataset)})
    for name, content in files.items():
        (data / name).write_bytes(content)
    found = entries(data)
    found[0]["files"] = {name: hashlib.sha256(files[name]).hexdigest() for name in sorted(files)}
    write_entries(data, found)


def test_a_carefully_forged_dataset_fails_validate_and_build(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, data = copy(history, tmp_path)
    forge(data, "伪造的说明。")
    # Everything but raw/ agrees with the forgery: without raw/ beside it, validate passes.
    alone = tmp_path / "alone" / "data"
    shutil.copytree(data, alone)
    assert run_cli("validate", str(alone)).returncode == 0
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1, result.stdout
    assert "is not what" in result.stderr and PAGE in result.stderr
    # The build publishes what raw/ says, never the forgery as the base of a change.
    before = tree(data)
    build = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert build.returncode == 1 and "--reread" in build.stderr and "edited" in build.stderr
    assert tree(data) == before


def test_a_forgery_without_the_history_hashes_is_refused_by_the_build(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    """Edit the JSON and CSV, recompute the datapackage hashes (not changes.json): refused."""
    from vodspec.tools.publish.render import render_all
    from vodspec.tools.scrape.models import StatusDataset

    raw, data = copy(history, tmp_path)
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["records"][0]["description"] = "伪造的说明。"
    dataset["records"][0]["paragraphs"] = ["伪造的说明。"]
    files = render_all({"status_codes": StatusDataset.model_validate(dataset)})
    for name in ("status_codes.json", "status_codes.csv", "datapackage.json"):
        (data / name).write_bytes(files[name])
    refused_everywhere(raw, data, "not the bytes the last build wrote")


def test_a_page_newer_than_the_data_is_a_note_not_a_failure(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    """After a fetch, before the build (or after a build killed before its swap)."""
    raw, data = copy(history, tmp_path)
    edit(raw / PAGE, "网关超时啦。", "网关超时喽。")
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 0, result.stderr
    assert "changed since version 1.0.2 was published" in result.stderr


def test_a_page_that_cannot_be_read_is_said_so_not_said_changed(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    # A lost page was noted as "changed since version … was published".
    raw, data = copy(history, tmp_path)
    (raw / PAGE).unlink()
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 0, result.stderr
    assert f"{raw / PAGE}: cannot read the source (" in result.stderr
    assert "changed since" not in result.stderr


def test_a_new_reader_is_published_only_when_asked(
    history: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records that change though the page did not: --reread publishes them, and says so."""
    from vodspec.tools import manifest  # the build scrapes each page as its entry says

    raw, data = copy(history, tmp_path)
    real = manifest.scrape

    def rereading(*args: Any, **kwargs: Any) -> Any:
        dataset = real(*args, **kwargs)
        first = dataset.records[0].model_copy(update={"description": "读法变了。"})
        first = first.model_copy(update={"paragraphs": ["读法变了。"]})
        return dataset.model_copy(update={"records": [first, *dataset.records[1:]]})

    monkeypatch.setattr(manifest, "scrape", rereading)
    refused = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert refused.returncode == 1 and "--reread" in refused.stderr
    result = run_cli("build", "--raw", str(raw), "--data", str(data), "--reread")
    assert result.returncode == 0, result.stderr
    assert "reads it differently" in entries(data)[0]["schema_changes"][0]
    assert run_cli("validate", str(data)).returncode == 0


def test_validate_without_the_scrape_extra_is_refused_in_one_line(tmp_path: Path) -> None:
    """validate loads the datasets through the pydantic models: without them it says what
    to install rather than check less."""
    from conftest import package_copy, run_in_site

    site = package_copy(tmp_path, data=True)
    shutil.copytree(RAW, site / "raw")
    # -S: no site-packages, so no pydantic, lxml or bs4: the standard library alone.
    result = run_in_site(site, "-S", "-m", "vodspec", "validate")
    assert result.returncode == 2 and not result.stdout
    assert result.stderr.count("\n") == 1 and "scrape extra" in result.stderr


def test_a_forged_source_hash_does_not_hide_the_data_from_the_re_scrape(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    """The forger also changes the recorded page hash, so that raw/ looks newer: raw/ is
    then the page of an older entry, which no fetch can explain."""
    raw, data = copy(history, tmp_path)
    edit(raw / PAGE, "网关超时啦。", "网关超时了。")  # raw/ is now 1.0.1's page again
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1 and "is the page of version 1.0.1" in result.stderr


def test_stripping_the_newest_hash_to_edit_older_entries_is_refused(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, data = copy(history, tmp_path)
    found = entries(data)
    for entry in found:
        entry.pop("history_sha256")
    found[-1]["changes"] = found[-1]["changes"][1:]
    write_entries(data, found)
    refused_everywhere(raw, data, "has no history_sha256")
    # A history an older vodspec published is built upon when its owner says so.
    sealed = run_cli("build", "--raw", str(raw), "--data", str(data), "--seal-history")
    assert sealed.returncode == 0, sealed.stderr
    assert run_cli("validate", str(data), "--raw", str(raw)).returncode == 0


def test_a_change_without_its_fields_is_refused_by_the_entrys_model(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    # The changelog is rendered from the entries: one it cannot render is refused as such.
    raw, data = copy(history, tmp_path)
    found = entries(data)
    change = next(c for c in found[0]["changes"] if c["kind"] == "changed")
    del change["fields"]
    (data / "changes.json").write_bytes(dump_json(found))
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1, result.stderr
    assert "changed record gives its fields" in result.stderr
    assert "internal error" not in result.stderr


def test_sealing_a_history_publishes_an_entry_that_seals_it_when_nothing_else_changed(
    tmp_path: Path,
) -> None:
    # With the pages and the data unchanged, the build said "unchanged" and sealed nothing:
    # validate still asked for the --seal-history that had just run.
    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    found = entries(data)
    for entry in found:  # as a vodspec older than the chain published them
        entry.pop("history_sha256")
    write_entries(data, found)
    unsealed = run_cli("validate", str(data), "--raw", str(raw))
    assert unsealed.returncode == 1 and "has no history_sha256" in unsealed.stderr
    sealed = run_cli("build", "--raw", str(raw), "--data", str(data), "--seal-history")
    assert sealed.returncode == 0 and "1.0.1 (patch)" in sealed.stdout, sealed.stderr
    assert "history_sha256" in entries(data)[0]
    assert run_cli("validate", str(data), "--raw", str(raw)).returncode == 0
    again = run_cli("build", "--raw", str(raw), "--data", str(data), "--seal-history")
    assert again.returncode == 0 and again.stdout.startswith("unchanged"), again.stderr


@pytest.mark.parametrize("damage", ["duplicate-key", "newest-change"])
def test_the_newest_entry_is_checked_against_the_data(
    history: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    raw, data = copy(history, tmp_path)
    if damage == "duplicate-key":  # a second "version" that json.loads keeps silently
        text = (data / "changes.json").read_text(encoding="utf-8")
        text = text.replace(
            '"version": "1.0.2",', '"version": "9.9.9",\n    "version": "1.0.2",', 1
        )
        (data / "changes.json").write_text(text, encoding="utf-8")
        expected = "not as vodspec writes it"
    else:
        found = entries(data)
        (change,) = found[0]["changes"]
        (field,) = change["fields"].values()
        field["after"] = "编造的新说明。"
        write_entries(data, found)
        expected = "is not what the data holds"
    refused_everywhere(raw, data, expected)


def test_a_manifest_that_names_another_page_says_the_re_scrape_was_skipped(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    raw, data = copy(history, tmp_path)
    shutil.copy(raw / PAGE, raw / "other.md")
    with open(raw / "other.md", "a", encoding="utf-8") as page:
        page.write("\n")
    manifest = json.loads((raw / "sources.json").read_bytes())
    manifest[0]["file"] = "other.md"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert "the manifest names" in result.stderr and "skipped" in result.stderr, result.stderr


def test_a_forged_source_file_name_does_not_hide_the_data_from_the_re_scrape(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    """The page the manifest names has the published bytes: it is scraped again, as it was
    published, whatever file name the data gives it."""
    raw, data = copy(history, tmp_path)
    forge(data, "伪造的说明。", file="elsewhere.md")
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1 and f"is not what {raw / PAGE} gives" in result.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [("url", "https://example.com/moved.html"), ("id", "renamed"), ("file", "renamed.md")],
)
def test_a_manifest_edited_since_the_build_is_a_note_not_a_failure(
    history: tuple[Path, Path], tmp_path: Path, key: str, value: str
) -> None:
    """The page is the published one; what the manifest says of it since is the next
    build's to publish (a new url was "not the bytes this vodspec renders": edited)."""
    raw, data = copy(history, tmp_path)
    manifest = json.loads((raw / "sources.json").read_bytes())
    if key == "file":
        (raw / PAGE).rename(raw / value)
    manifest[0][key] = value
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 0, result.stderr
    assert f"changed since version 1.0.2 was published ({key};" in result.stderr


def test_a_published_dataset_the_manifest_no_longer_lists_is_said_unchecked(tmp_path: Path) -> None:
    """Its re-scrape is skipped, as for a page changed since: said, not passed in silence."""
    raw, data = tmp_path / "raw", tmp_path / "data"
    shutil.copytree(RAW, raw)
    shutil.copytree(DATA, data)
    manifest = json.loads((raw / "sources.json").read_bytes())
    kept = [entry for entry in manifest if entry["kind"] != "error_codes"]
    (raw / "sources.json").write_text(json.dumps(kept), encoding="utf-8")
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 0, result.stderr
    assert "lists no source of error_codes" in result.stderr and "skipped" in result.stderr


@pytest.mark.parametrize("damage", ["source-id", "doc-id", "source-change", "key", "dataset"])
def test_what_the_newest_entry_says_of_its_sources_is_the_data(
    history: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    raw, data = copy(history, tmp_path)
    found = entries(data)
    newest = found[0]
    if damage == "source-id":
        newest["sources"]["status_codes"]["id"] = "evil"
    elif damage == "doc-id":
        newest["sources"]["status_codes"]["doc_id"] = "evil_doc"
    elif damage == "source-change":
        newest["source_changes"]["status_codes"]["sha256"]["after"] = "0" * 64
    elif damage == "key":
        newest["signed_by"] = "someone"
    else:
        newest["changes"].append({"dataset": "nonsense", "key": [1], "kind": "added"})
    write_entries(data, found)
    refused_everywhere(raw, data, "the newest entry")


@pytest.mark.parametrize("damage", ["null-date", "bytes-as-text", "extra-key"])
def test_changes_and_package_load_through_their_models(
    history: tuple[Path, Path], tmp_path: Path, damage: str
) -> None:
    raw, data = copy(history, tmp_path)
    if damage == "null-date":  # an older entry may lack its date, but not hold null
        found = entries(data)
        found[1]["date"] = None
        write_entries(data, found)
        expected = "changes.json: entry 2: invalid date"
    else:
        package = json.loads((data / "datapackage.json").read_bytes())
        if damage == "bytes-as-text":
            package["resources"][0]["bytes"] = str(package["resources"][0]["bytes"])
            expected = "datapackage.json: invalid resources.0."
        else:
            package["signed_by"] = "someone"
            expected = "datapackage.json: invalid signed_by"
        (data / "datapackage.json").write_bytes(dump_json(package))
    refused_everywhere(raw, data, expected)


def test_a_long_forged_history_is_refused_without_delay(
    history: tuple[Path, Path], tmp_path: Path
) -> None:
    """Thousands of tiny entries: the checks stop at the first lie (no quadratic re-hash)."""
    import subprocess
    import sys

    raw, data = copy(history, tmp_path)
    found = entries(data)
    tiny = {"version": "1.0.0", "bump": "initial", "sources": {}, "changes": []}
    found += [{**tiny, "history_sha256": "0" * 64} for _ in range(3000)]
    write_entries(data, found)
    result = subprocess.run(
        [sys.executable, "-m", "vodspec", "validate", str(data), "--raw", str(raw)],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard, not a speed target
    )
    assert result.returncode == 1 and "changes.json" in result.stderr


@pytest.mark.parametrize("name", ["a\x00b", "\x1b[2J\nvodspec: ok", "x" * 5000])
def test_an_odd_source_file_name_is_one_short_line(
    history: tuple[Path, Path], tmp_path: Path, name: str
) -> None:
    raw, data = copy(history, tmp_path)
    forge(data, "伪造的说明。")
    dataset = json.loads((data / "status_codes.json").read_bytes())
    dataset["source"]["file"] = name
    (data / "status_codes.json").write_bytes(dump_json(dataset))
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1 and "internal error" not in result.stderr
    assert all(len(line) < 400 and "\x1b" not in line for line in result.stderr.splitlines())


def test_links_inside_a_data_dir_are_refused(history: tuple[Path, Path], tmp_path: Path) -> None:
    raw, data = copy(history, tmp_path)
    moved = tmp_path / "elsewhere.json"
    (data / "status_codes.json").rename(moved)
    (data / "status_codes.json").symlink_to(moved)
    result = run_cli("validate", str(data), "--raw", str(raw))
    assert result.returncode == 1 and "symbolic link" in result.stderr


def test_validate_checks_that_versions_only_go_forward(tmp_path: Path) -> None:
    _, data = publish_seed(tmp_path)
    entries = json.loads((data / "changes.json").read_bytes())
    backwards = [{**entries[0], "version": "1.0.0", "bump": "patch"}, *entries]
    (data / "changes.json").write_text(json.dumps(backwards, ensure_ascii=False), "utf-8")
    (data / "CHANGELOG.md").write_text(render_changelog(backwards), "utf-8")
    result = run_cli("validate", str(data))
    assert result.returncode == 1 and "versions only go forward" in result.stderr


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("status_codes.json", lambda d: "[" * 100_000),
        ("status_codes.schema.json", lambda d: "true"),
        ("status_codes.schema.json", lambda d: "[]"),
        ("status_codes.json", lambda d: json.dumps({**d, "records": 5})),
        ("datapackage.json", lambda d: json.dumps({**d, "resources": [1]})),
    ],
    ids=["nested", "schema-true", "schema-list", "records-5", "resources-1"],
)
def test_validate_refuses_broken_files_in_one_line(
    tmp_path: Path, name: str, change: object
) -> None:
    _, data = publish_seed(tmp_path)
    value = json.loads((data / name).read_bytes())
    (data / name).write_text(change(value), "utf-8")  # type: ignore[operator]
    result = run_cli("validate", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_validate_raw_must_exist(tmp_path: Path) -> None:
    _, data = publish_seed(tmp_path)
    assert "not a directory" in one_line(run_cli("validate", str(data), "--raw", "/nonexistent"))


def test_defaults_do_not_depend_on_the_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()  # an unrelated ./data
    shipped = run_cli("validate")
    here = run_cli("validate", cwd=tmp_path)
    assert shipped.returncode == 0 and here.returncode == 0
    assert shipped.stdout == here.stdout


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"reason": "Not Found"', '"reason": "Gone", "reason": "Not Found"'),  # a key twice
        ('"reason": "Not Found"', '"reason":"Not Found"'),  # respaced
    ],
)
def test_a_dataset_resealed_in_another_json_form_is_refused(
    history: tuple[Path, Path], tmp_path: Path, old: str, new: str
) -> None:
    """Every hash recomputed, the values unchanged for a reader that keeps the last key: the
    file still says something else to a reader that keeps the first."""
    raw, data = copy(history, tmp_path)
    edit(data / "status_codes.json", old, new)
    body = (data / "status_codes.json").read_bytes()
    package = json.loads((data / "datapackage.json").read_bytes())
    for resource in package["resources"]:
        if resource["path"] == "status_codes.json":
            resource["bytes"], resource["hash"] = len(body), f"sha256:{sha(body)}"
    (data / "datapackage.json").write_bytes(dump_json(package))
    found = entries(data)
    for name in ("status_codes.json", "datapackage.json"):
        found[0]["files"][name] = sha((data / name).read_bytes())
    write_entries(data, found)
    refused_everywhere(raw, data, "status_codes.json: not as vodspec writes JSON")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
