"""Every real revision in ../shared/corpus: read exactly as expected, or refused with its reason.

The expectations below were written from reading the pages (row counts, repeated codes,
doc typos such as 'DCS. 4855'); they are not produced by the code under test. Skipped
when ../shared is absent.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
import warnings
from typing import Any

import pytest
from conftest import CORPUS, corpus_file

from vodspec import cli
from vodspec.errors import VodspecError
from vodspec.tools.scrape.pipeline import scrape

KIND = {"status": "status_codes", "errors": "error_codes"}
#: Fields vodspec derives or takes from attributes: not page text.
DERIVED = ("category", "retry", "doc_id", "source_sha256", "source_row")

#: file -> (records, distinct keys) when read, or (error class, what the message says).
EXPECTED: dict[str, tuple[int, int] | tuple[str, str]] = {
    "aom/errors/e5e9eb3.md": (61, 47),
    "aom/errors/e6e1f52.md": (220, 207),
    "aom/status/d5f5739.md": ("ServiceError", "nothing on the page says"),
    "aom/status/e5e9eb3.md": (42, 42),
    "bms/errors/ad9e850.md": (104, 102),
    "bms/errors/6bdf310.md": (116, 115),
    "bms/errors/f441a1a.md": (118, 117),
    "bms/errors/7f9f34b.md": (132, 131),
    "bms/errors/9c20d26.md": (131, 131),
    "bms/status/6bdf310.md": ("ServiceError", "nothing on the page says"),
    "bms/status/f441a1a.md": ("ServiceError", "nothing on the page says"),
    "bms/status/9c20d26.md": (18, 18),
    "dcs/errors/ac48298.md": ("ServiceError", "nothing on the page says"),
    "dcs/errors/50f37f3.md": ("ServiceError", "nothing on the page says"),
    "dcs/errors/166e45e.md": ("ServiceError", "nothing on the page says"),
    "dcs/errors/1049bea.md": (138, 138),
    "dcs/errors/a652478.md": ("ServiceError", "nothing on the page says"),
    "dcs/errors/6e34f80.md": ("ServiceError", "nothing on the page says"),
    "dcs/errors/6143559.md": ("CellError", "expected one error code (letters and digits, "),
    "dcs/errors/16c99d7.md": ("CellError", "expected one error code (letters and digits, "),
    "dcs/status/ac48298.md": ("ServiceError", "nothing on the page says"),
    "dcs/status/1049bea.md": (41, 41),
    "dcs/status/a652478.md": ("ServiceError", "nothing on the page says"),
    "dcs/status/6e34f80.md": ("ServiceError", "nothing on the page says"),
    "dcs/status/a9b35f4.md": (41, 41),
    "dgc/errors/304659e.md": ("NoTableError", "no status-code or error-code table"),
    "dgc/status/eef6266.md": (42, 42),
    "dns/errors/9bac015.md": (138, 125),
    "dns/errors/ad8e8bf.md": (197, 180),
    "dns/errors/40668db.md": (195, 178),
    "dns/errors/760d79d.md": (198, 181),
    "dns/errors/a9519c6.md": (198, 181),
    "dns/errors/fd99242.md": (198, 181),
    "dns/errors/700938d.md": (198, 181),
    "dns/status/ad8e8bf.md": ("ServiceError", "nothing on the page says"),
    "dns/status/760d79d.md": (18, 18),
    "dns/status/a9519c6.md": (18, 18),
    "ecs/errors/0da88f7.md": (182, 181),
    "ecs/errors/3890760.md": (183, 182),
    "ecs/errors/1dee80d.md": (190, 189),
    "ecs/errors/f819eef.md": (199, 199),
    "ecs/errors/bd661ad.md": (200, 200),
    "ecs/status/3604de0.md": ("ServiceError", "nothing on the page says"),
    "ecs/status/3bbce8f.md": ("ServiceError", "nothing on the page says"),
    "ecs/status/4d92101.md": ("ServiceError", "nothing on the page says"),
    "ecs/status/0da88f7.md": ("ServiceError", "nothing on the page says"),
    "ecs/status/3890760.md": (15, 15),
    "ecs/status/1dee80d.md": (16, 16),
    "obs/errors/26c86a8.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/errors/94c70b1.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/errors/fb70c23.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/errors/72e9232.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/errors/94abd13.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/errors/68082f2.md": ("CellError", "expected one error code (letters and digits, "),
    "obs/status/5e78d36.md": ("ServiceError", "nothing on the page says"),
    "obs/status/26c86a8.md": ("ServiceError", "nothing on the page says"),
    "obs/status/94c70b1.md": ("ClassOnlyError", "status class"),
    "obs/status/68082f2.md": ("ClassOnlyError", "status class"),
    "vod/errors/eb36979.md": (65, 65),
    "vod/errors/27b3b04.md": (65, 65),
    "vod/errors/4ad2697.md": (65, 65),
    "vod/errors/033bfa7.md": (64, 64),
    "vod/errors/5143431.md": (92, 90),
    "vod/errors/a2387f9.md": ("ServiceError", "this is a live page"),
    "vod/errors/33a12ed.md": (92, 90),
    "vod/errors/1124c8d.md": (92, 90),
    "vod/errors/7381ebf.md": (92, 90),
    "vod/status/eb36979.md": (18, 18),
    "vod/status/27b3b04.md": (18, 18),
    "vod/status/a2387f9.md": ("ServiceError", "this is a live page"),
    "vod/status/1124c8d.md": (18, 18),
    "vpc/errors/3904bf9.md": (127, 76),
    "vpc/errors/43ca6c1.md": (137, 84),
    "vpc/errors/1a92fe7.md": (137, 84),
    "vpc/errors/01a6523.md": (160, 85),
    "vpc/errors/0a7a6be.md": (160, 85),
    "vpc/errors/af3dba8.md": (160, 85),
    "vpc/errors/1c6c07f.md": (114, 59),
    "vpc/errors/7bff1c2.md": (114, 59),
    "vpc/errors/e371260.md": ("MarkupError", "merge-conflict"),
    "vpc/errors/486a9d5.md": (112, 58),
    "vpc/errors/a89304d.md": (112, 58),
    "vpc/errors/08e392a.md": ("CellError", "row has 5 cell(s); the header has 6"),
    "vpc/errors/bedfaea.md": (114, 60),
    "vpc/errors/3135726.md": (124, 62),
    "vpc/status/1470a79.md": ("ServiceError", "nothing on the page says"),
    "vpc/status/a79ddae.md": ("ServiceError", "nothing on the page says"),
    "vpc/status/e652619.md": (17, 17),
    "vpc/status/bedfaea.md": (17, 17),
}


def manifest() -> list[dict[str, Any]]:
    path = corpus_file("manifest.json")
    entries: list[dict[str, Any]] = json.loads(path.read_bytes())
    return entries


def _entries() -> list[Any]:
    """The corpus's pages; without the corpus, one skipped case that says why (an empty
    parameter set would skip with pytest's own, puzzling words)."""
    path = CORPUS / "manifest.json"
    if not path.is_file():
        reason = "../shared/corpus/manifest.json is not available"
        return [pytest.param({"file": "none"}, marks=pytest.mark.skip(reason=reason))]
    entries: list[Any] = json.loads(path.read_bytes())
    return entries


def _visible(text: str) -> str:
    """The page's text with markup, Markdown markers and all whitespace removed (an oracle)."""
    text = re.sub(r"<[^>]*>", "", text)
    text = unicodedata.normalize("NFC", html.unescape(text))
    return re.sub(r"[\s*`|\\]", "", text)


def _squash(value: str) -> str:
    return re.sub(r"[\s*`|\\]", "", value)


def test_expectations_cover_the_whole_corpus() -> None:
    assert sorted(EXPECTED) == sorted(entry["file"] for entry in manifest())


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: entry["file"])
def test_page_is_read_exactly_or_refused(entry: dict[str, Any]) -> None:
    expected = EXPECTED[entry["file"]]
    path = CORPUS / entry["file"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(expected[0], str):
            with pytest.raises(VodspecError) as info:
                scrape(path, service=entry["service"], kind=KIND[entry["kind"]])
            assert type(info.value).__name__ == expected[0]
            assert str(expected[1]) in str(info.value)
            return
        dataset = scrape(path, service=entry["service"], kind=KIND[entry["kind"]])
    keys = {
        getattr(record, "code", None) or getattr(record, "error_code", None)
        for record in dataset.records
    }
    assert (len(dataset.records), len(keys)) == expected
    assert dataset.source.doc_id == entry["doc_id"]
    # Never a record whose text is not in the page.
    visible = _visible(path.read_text(encoding="utf-8"))
    for record in dataset.records:
        for name, value in record.model_dump(mode="json").items():
            derived = name.startswith("standard_") or name in DERIVED
            if isinstance(value, str) and not derived:
                assert _squash(value) in visible, (name, value)


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: entry["file"])
def test_any_service_never_crashes(
    entry: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """`vodspec scrape PAGE --service any`: exit 0 or 1, one-line refusals, never a traceback."""
    status = cli.main(["scrape", str(CORPUS / entry["file"]), "--service", "any"])
    out, err = capsys.readouterr()
    assert status in (0, 1)
    assert "Traceback" not in err
    if status == 0:
        dataset = json.loads(out)
        assert dataset["kind"] == KIND[entry["kind"]]
        visible = _visible((CORPUS / entry["file"]).read_text(encoding="utf-8"))
        for record in dataset["records"]:
            texts = [
                record.get(name)
                for name in ("reason", "description", "message", "remedy", "module", "error_code")
            ]
            assert all(_squash(text) in visible for text in texts if text), record
    else:
        assert len([line for line in err.splitlines() if "warning" not in line]) == 1
        assert "nothing on the page says" not in err  # --service any lifts the service check


def test_current_vod_error_page() -> None:
    path = corpus_file("vod/errors/7381ebf.md")
    dataset = scrape(path)
    assert len(dataset.records) == 92
    codes = [record.error_code for record in dataset.records]
    assert len(set(codes)) == 90
    twice = sorted(code for code in set(codes) if codes.count(code) == 2)
    assert all(
        len({r.http_status for r in dataset.records if r.error_code == code}) == 2 for code in twice
    )
    assert len(twice) == 2
    first = dataset.records[0].model_dump(mode="json")
    assert {
        k: first[k] for k in ("error_code", "http_status", "message", "description", "remedy")
    } == {
        "error_code": "VOD.10053",
        "http_status": 400,
        "message": "请求参数非法",
        "description": "请求参数非法，字段填写错误",
        "remedy": "请检查字段填写是否和接口定义一致",
    }


@pytest.mark.parametrize("relative", ["vod/status/a2387f9.md", "vod/errors/a2387f9.md"])
def test_live_page_in_vods_history_is_refused_as_vod(relative: str) -> None:
    path = corpus_file(relative)
    with pytest.raises(VodspecError, match="this is a live page"):
        scrape(path)
    assert scrape(path, service="live").source.service == "live"


def test_ecs_reason_phrases_in_the_description_column() -> None:
    path = corpus_file("ecs/status/1dee80d.md")
    dataset = scrape(path, service="ecs")
    by_code = {record.code: record for record in dataset.records}
    assert (by_code[429].reason, by_code[429].paragraphs) == (
        "Too Many Requests",
        ["Too Many Requests"],
    )


def _cell_texts(root: Any) -> list[str]:
    from vodspec.tools.scrape.text import normalize

    if root is None:
        return []
    return [normalize("".join(cell.itertext())) for cell in root.iter("td", "th")]


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: entry["file"])
def test_the_readers_cells_are_what_cmark_gfm_shows(entry: dict[str, Any]) -> None:
    """GitHub's renderer on its own (cmark-gfm, raw HTML kept) and the reader's one tree hold
    the same table cells, in the same order, on every page."""
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from lxml import etree

    from vodspec.tools.scrape.decode import decode
    from vodspec.tools.scrape.document import read_document

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = decode((CORPUS / entry["file"]).read_bytes())
    github = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    reference = etree.fromstring(github, etree.HTMLParser()) if github.strip() else None
    assert _cell_texts(read_document(text).root) == _cell_texts(reference)
