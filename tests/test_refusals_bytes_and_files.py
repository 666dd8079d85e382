"""Pages refused, or read clean, for their bytes and files: encodings, sizes, cuts, odd files,
control characters. Each refusal is one line naming where and what was expected."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from conftest import SEED, one_line, one_line_refusal, run_cli, scrape_text, write

from vodspec.errors import (
    EncodingError,
    TooLargeError,
    TruncatedError,
    VodspecWarning,
)
from vodspec.reading import MAX_PAGE_BYTES
from vodspec.tools.scrape.pipeline import scrape

ROW_404 = "zh-cn_topic_0170279165_row5782639793230"
ROW_404_TEXT = "所请求的资源不存在。"


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_file(seed_text: str, cut: float) -> None:
    with pytest.raises(TruncatedError, match=r"cut off|ends inside"):
        scrape_text(seed_text[: int(len(seed_text) * cut)])


def test_truncated_just_before_the_closing_tag(seed_text: str) -> None:
    with pytest.raises(TruncatedError):
        scrape_text(seed_text.rstrip()[: -len("</table>")])


@pytest.mark.parametrize(
    "cut_after",
    ['width="', "width=", "width= ", 'width="2', "<td ", "<td", "<", "</", "<!-", "<!--"],
)
def test_a_page_cut_inside_a_tag_of_its_last_row_is_refused(seed_text: str, cut_after: str) -> None:
    # Cut right after an "=", the page took the quote put after it for a value's start: the
    # end mark went into the value and was lost with the cut tag (the rows before were read).
    last_row = seed_text.rindex("<tr ")
    at = seed_text.index('width="' if cut_after.startswith("width") else "<td ", last_row)
    with pytest.raises(TruncatedError):
        scrape_text(seed_text[:at] + cut_after)


def test_non_utf8_bytes(seed_text: str) -> None:
    with pytest.raises(EncodingError, match=r"not UTF-8.*GB18030"):
        scrape(seed_text.encode("gb18030"), file="page.md")


@pytest.mark.parametrize("end", [b"\n", b"\r\n", b"\r"])
@pytest.mark.parametrize("bad", [b"\xff", b"\x00", b"\xe7\x8a"])
def test_a_byte_refused_before_the_decode_is_named_on_its_line(end: bytes, bad: bytes) -> None:
    # Lines end at CRLF, a lone CR or LF, in the refusal as in the text (a page of lone
    # CRs was refused "at line 1" wherever the byte stood).
    page = end.join([b"# x", b"", b"a", b"b" + bad])
    with pytest.raises((EncodingError, TruncatedError)) as refused:
        scrape(page, file="page.md")
    assert str(refused.value).startswith("page.md:4: "), refused.value


def test_random_bytes() -> None:
    with pytest.raises(EncodingError):
        scrape(bytes(range(256)) * 4, file="page.md")


def test_a_binary_file_is_named_by_its_nul_bytes_not_by_a_guessed_encoding() -> None:
    # Bytes that are no UTF-8 and hold NULs (an executable, UTF-16): named as such, never as
    # "it decodes as GB18030", which bs4 offers for bytes no encoding reads whole.
    binary = b"\x7fELF\x02\x01\x01\x00\xd0\x61\x00\x00\xff\xfe" * 50
    with pytest.raises(EncodingError, match="NUL byte") as refused:
        scrape(binary, file="bin.md")
    assert "decodes as" not in str(refused.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_page_is_told_to_be_saved_as_utf8(encoding: str) -> None:
    page = SEED.read_text(encoding="utf-8").encode(encoding)
    with pytest.raises(EncodingError, match="NUL byte") as refused:
        scrape(page, file="page.md")
    told = str(refused.value)
    assert "re-save the page as UTF-8" in told
    assert ("starts as UTF-16 does" in told) == (encoding == "utf-16")  # with its BOM


def test_too_large() -> None:
    with pytest.raises(TooLargeError, match="cap"):
        scrape(b" " * (MAX_PAGE_BYTES + 1), file="page.md")


def test_bom_crlf_and_mixed_endings_read_the_same(seed_text: str) -> None:
    plain = scrape_text(seed_text).records  # type: ignore[attr-defined]
    crlf = seed_text.replace("\n", "\r\n")
    mixed = "".join(
        line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(seed_text.split("\n"))
    )
    # CRLF ends with lone CRs among them (a lone CR before an empty line ending in LF would
    # be a CRLF: kept before text only).
    lines = seed_text.split("\n")
    with_cr = "".join(
        line + ("\r" if i % 2 and i + 1 < len(lines) and lines[i + 1] else "\r\n")
        for i, line in enumerate(lines)
    )
    variants = (
        b"\xef\xbb\xbf" + seed_text.encode(),
        crlf.encode(),
        mixed.encode(),
        with_cr.encode(),
    )
    for variant in variants:
        records = scrape(variant, file="page.md").records
        assert [r.model_dump(exclude={"source_sha256"}) for r in records] == [
            r.model_dump(exclude={"source_sha256"}) for r in plain
        ]


def test_declared_charset_is_named_in_the_refusal(seed_text: str) -> None:
    page = ('<meta charset="gbk">\n' + seed_text).encode("gbk")
    with pytest.raises(EncodingError, match="declares charset=gbk"):
        scrape(page, file="page.md")


def test_truncated_seed(tmp_path: Path) -> None:
    for cut in (3000, 7777, len(SEED.read_bytes()) - 10):
        one_line_refusal(write(tmp_path, f"cut{cut}.md", SEED.read_bytes()[:cut]), "cut")


def test_gbk_copy(tmp_path: Path) -> None:
    page = write(tmp_path, "gbk.md", SEED.read_text(encoding="utf-8").encode("gbk"))
    one_line_refusal(page, "not UTF-8")


def test_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk is used
    one_line_refusal(huge, "the cap is")


def test_control_characters_are_removed_and_reported() -> None:
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, "所请求的\x07资源\x1b不存在。")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = scrape(text.encode(), file="ctl.md")
    assert next(r for r in dataset.records if r.code == 404).paragraphs[0] == ROW_404_TEXT
    messages = [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)]
    assert messages == [
        "ctl.md:53: removed control character U+0007",
        "ctl.md:53: removed control character U+001B",
    ]


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        directory = tmp_path / "dir.md"
        directory.mkdir()
        one_line_refusal(directory, "not a regular file")
    else:
        locked = write(tmp_path, "locked.md", b"x")
        locked.chmod(0)
        one_line_refusal(locked, "cannot read")


@pytest.mark.parametrize("command", ["scrape", "lint", "diff", "validate"])
def test_devices_are_refused_before_they_are_read(command: str) -> None:
    args = {"diff": ["/dev/zero", "/dev/zero"], "validate": ["/dev"]}.get(command, ["/dev/zero"])
    result = run_cli(command, *args)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_fifo_does_not_hang_scrape(tmp_path: Path) -> None:
    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    assert "not a regular file (a FIFO)" in one_line(run_cli("scrape", str(fifo)))


def test_a_warning_names_the_page_as_a_refusal_does() -> None:
    # The page's name was printed raw in warnings: a terminal escape or a newline in a file
    # name reached the terminal (refusals escape it).
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, "所请求的\x07资源不存在。")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scrape(text.encode(), file="we\x1b[31mird\nname.md")
    (message,) = [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)]
    assert message == "we\\x1b[31mird\\nname.md:53: removed control character U+0007"


@pytest.mark.parametrize(
    "data",
    [b"# x\n", b"\xef\xbb\xbf# x\n", b"# x\r\ny\rz\n", "# 状态\x07码\n".encode(), b""],
    ids=["plain", "bom", "cr", "control", "empty"],
)
def test_the_utf8_decode_hands_on_is_the_texts_own(data: bytes) -> None:
    # The reader renders these bytes instead of encoding the text again: they must be it.
    from vodspec.tools.scrape.decode import decode_with_utf8

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text, utf8 = decode_with_utf8(data)
    assert utf8 is None or utf8 == text.encode()
    # Handed on but where a control character was removed (CR and CRLF are line ends).
    assert (utf8 is None) == (b"\x07" in data)
