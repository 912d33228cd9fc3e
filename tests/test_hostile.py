"""Hostile input: parse() never raises (outside strict mode), never hangs, and says what it cut.

Each test runs under a generous deadline that only a hang would reach; how time grows with input
size is measured by ``benchmarks/bench_parse.py``, not here.
"""

from __future__ import annotations

import random
import signal
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from govreport_parse import DecodeError, Report, parse, pipeline
from govreport_parse.settings import (
    MAX_CELLS_PER_LINE,
    MAX_INPUT_BYTES,
    MAX_ISSUES_PER_CODE,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_TABLE_ROWS,
)

#: Seconds after which a test counts as hung (a hundred times what any of them takes).
HANG = 60


@contextmanager
def deadline(seconds: int = HANG) -> Iterator[None]:
    """Fail instead of hanging forever."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"parse() ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def checked_parse(data: bytes | str) -> Report:
    """parse() under the deadline, with the report's invariants checked."""
    with deadline():
        report = parse(data)
    keys = [(i.id, i.column) for i in report.indicators]
    assert len(keys) == len(set(keys))
    assert all(i.line is not None and i.line >= 1 for i in report.indicators)
    report.model_dump_json()  # the output must serialise
    return report


def issues(report: Report, *codes: str) -> list[tuple[str, str, str]]:
    return [(i.code, i.severity, i.message) for i in report.issues if i.code in codes]


class TestNothingToRead:
    @pytest.mark.parametrize("data", [b"", "", b" \n\t ", "\u3000\n"])
    def test_empty(self, data: bytes | str) -> None:
        """Empty or blank input gives an error issue and an empty report."""
        report = checked_parse(data)
        assert report.format == "unknown"
        assert [i.code for i in report.issues] == ["empty_input"]
        assert report.issues[0].severity == "error"

    def test_empty_strict(self) -> None:
        """strict=True turns the empty input into DecodeError."""
        with pytest.raises(DecodeError, match="empty"):
            parse(b"", strict=True)

    def test_binary_file(self) -> None:
        """Compressed bytes are junk, not a page: one error, nothing parsed."""
        data = zlib.compress(bytes(range(256)) * 400 + "政府信息公开".encode() * 500)
        report = checked_parse(data)
        assert [(i.code, i.severity) for i in report.issues] == [("binary_input", "error")]
        assert report.indicators == []
        with pytest.raises(DecodeError):
            parse(data, strict=True)

    def test_junk_count(self) -> None:
        """The junk characters are counted as the junk pattern finds them."""
        rng = random.Random(0)
        alphabet = [chr(c) for c in range(300)] + ["\ufffd", "\ud800", "政", "\U0001f600"]
        for _ in range(500):
            text = "".join(rng.choices(alphabet, k=rng.randint(0, 60)))
            assert pipeline._junk_count(text) == len(pipeline._JUNK_CHAR.findall(text))

    def test_nul_bytes(self) -> None:
        """A file of NUL bytes is binary."""
        report = checked_parse(b"\x00" * 5000)
        assert [i.code for i in report.issues] == ["binary_input"]

    @pytest.mark.parametrize("seed", range(8))
    def test_arbitrary_bytes(self, seed: int) -> None:
        """Random bytes of random length never make parse() raise."""
        rng = random.Random(seed)
        data = rng.randbytes(rng.randint(1, 50_000))
        report = checked_parse(data)
        assert report.format == "unknown"


class TestSize:
    def test_fifty_megabyte_page(self) -> None:
        """A 50 MB page is cut to the input limit, with a warning saying so."""
        body = "政府信息公开".encode() * (50 * 1024 * 1024 // 18)
        data = b"<html><body><p>" + body + b"</p></body></html>"
        report = checked_parse(data)
        assert issues(report, "input_truncated") == [
            ("input_truncated", "warning", f"input of {len(data)} bytes cut to {MAX_INPUT_BYTES}")
        ]
        assert issues(report, "mojibake") == []

    def test_fifty_megabyte_text(self) -> None:
        """The same limit holds for text given as str (counted in characters)."""
        text = "规章 | 1 | 2 | 3\n" * (50 * 1024 * 1024 // 16)
        report = checked_parse(text)
        assert issues(report, "input_truncated")[0][2] == (
            f"input of {len(text)} characters cut to {MAX_INPUT_BYTES}"
        )
        assert ("too_many_lines", "warning") in [(i.code, i.severity) for i in report.issues]

    def test_million_pipes_on_one_line(self) -> None:
        """A line of a million pipes is cut to the line limit."""
        report = checked_parse(b"|" * 1_000_000)
        assert issues(report, "line_truncated", "cells_truncated") == [
            (
                "line_truncated",
                "warning",
                f"1 line(s) longer than {MAX_LINE_CHARS} characters were cut",
            ),
            (
                "cells_truncated",
                "warning",
                f"1 line(s) had more than {MAX_CELLS_PER_LINE} cells; the rest were dropped",
            ),
        ]

    def test_million_lines_of_pipes(self) -> None:
        """A million lines of pipes stop at the line limit."""
        report = checked_parse(b"|\n" * 1_000_000)
        assert issues(report, "too_many_lines") == [
            (
                "too_many_lines",
                "warning",
                f"only the first {MAX_LINES} of 1000001 lines were read",
            )
        ]

    def test_html_table_of_100000_rows(self) -> None:
        """Rows beyond the table limit are dropped; repeated problems are listed once each."""
        rows = b"".join(
            b"<tr><td>\xe8\xa7\x84\xe7\xab\xa0</td><td>%d</td></tr>" % i for i in range(100_000)
        )
        report = checked_parse(b"<html><body><table>" + rows + b"</table></body></html>")
        assert issues(report, "table_truncated") == [
            (
                "table_truncated",
                "warning",
                f"{100_000 - MAX_TABLE_ROWS} row(s) beyond the first {MAX_TABLE_ROWS} of a table "
                "were dropped",
            )
        ]
        codes = [i.code for i in report.issues]
        assert codes.count("conflicting_values") == MAX_ISSUES_PER_CODE
        assert codes[-1] == "issues_truncated"

    def test_text_table_of_100000_rows(self) -> None:
        """The row limit holds for flattened tables too."""
        text = "\n".join(f"规章 | {i} | 0 | 0" for i in range(100_000))
        report = checked_parse(text)
        assert issues(report, "table_truncated")[0][2] == (
            f"{100_000 - MAX_TABLE_ROWS} line(s) beyond the first {MAX_TABLE_ROWS} of a "
            "flattened table were dropped"
        )

    def test_row_of_100000_cells(self) -> None:
        """A table row with 100,000 cells keeps the cell limit."""
        data = b"<html><body><table><tr>" + b"<td>1</td>" * 100_000 + b"</tr></table>"
        report = checked_parse(data)
        assert issues(report, "cells_truncated") == [
            (
                "cells_truncated",
                "warning",
                f"1 table row(s) had more than {MAX_CELLS_PER_LINE} cells; the rest were dropped",
            )
        ]


class TestMarkup:
    def test_deeply_nested_tags(self) -> None:
        """100,000 nested elements: the parser's depth limit is reported."""
        data = b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000
        report = checked_parse(data)
        assert issues(report, "markup_too_deep") == [
            (
                "markup_too_deep",
                "warning",
                "tags nested deeper than 256 levels; what lies below is lost",
            )
        ]

    def test_nested_tables(self) -> None:
        """Tables nested in table cells 20,000 deep."""
        report = checked_parse(b"<html><body>" + b"<table><tr><td>" * 20_000 + b"x")
        assert "markup_too_deep" in [i.code for i in report.issues]

    def test_unclosed_everything(self) -> None:
        """Markup that never closes a tag still tokenizes."""
        report = checked_parse("<html><body><table><tr><td>规章<td>1<td>2<tr><td>行政许可<td>3")
        assert isinstance(report, Report)

    def test_lone_surrogates_in_str(self) -> None:
        """Lone surrogates in str input become U+FFFD and the report serialises."""
        report = checked_parse("规章 | 1 | \ud800 | 3\n")
        assert "\ud800" not in report.model_dump_json()


#: Label text written to make regular expressions backtrack: runs of parentheses, enumerators,
#: digits with separators, pinyin-like annotations, pipes and glued digits.
HOSTILE_LABELS = [
    "（" * 5000 + "规章" + "）" * 5000,
    "(" * 10_000,
    "(" * 5000 + "a" * 5000,
    "一、" * 5000 + "规章",
    "1." * 5000 + "规章",
    "(一)" * 3000,
    "報(" + "a" * 10_000,
    "報(" + "ā" * 10_000 + ")",
    "a" + "1." * 5000 + "x",
    "规章" + "1" * 10_000 + "x",
    "规章" + "1" * 30,
    "x+1" * 5000,
    "第二十条第" * 2000,
    "*" * 10_000 + "政府信息数",
    "\u200b" * 10_000,
    "档案" * 5000,
    "本年新收政府信息公开申请数量" * 500,
]


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=lambda s: repr(s[:12]))
@pytest.mark.parametrize("layout", ["pipes", "html", "cell per line"])
def test_regex_hostile_labels(label: str, layout: str) -> None:
    """Label text built to make regular expressions backtrack parses without hanging."""
    if layout == "pipes":
        data: str = f"第二十条第（一）项 | |\n信息内容 | 本年制发件数\n{label} | 1 | 2 | 3\n"
    elif layout == "html":
        data = (
            "<html><body><table><tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>"
            f"<tr><td>{label}</td><td>件</td><td>12</td></tr></table></body></html>"
        )
    else:
        data = f"统计指标 |\n单位 |\n统计数 |\n{label} |\n件 |\n12 |\n|\n"
    report = checked_parse(data)
    assert isinstance(report, Report)
