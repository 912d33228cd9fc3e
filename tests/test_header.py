"""The header stage: metadata fields, title, agency and year (``fixtures/header/*.txt``).

Each fixture's expected block is JSON naming only what the case checks: top-level ``title``,
``agency``, ``year`` and a ``metadata`` object whose keys are compared one by one (``fields``
as a whole). Dates are ISO strings.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govreport_parse import Report, parse
from govreport_parse.header import compact, is_placeholder, read_labels, split_title
from govreport_parse.state import Document
from govreport_parse.tokens import Cell, Line, LineKind, Page

from ._fixtures import Case, read_fixture_file
from .conftest import FIXTURES

CASES = [
    case for path in sorted((FIXTURES / "header").glob("*.txt")) for case in read_fixture_file(path)
]


def _project(report: Report, expected: dict[str, Any]) -> dict[str, Any]:
    """The parts of ``report`` that ``expected`` names, in the same JSON shape."""
    dumped = report.model_dump(mode="json")
    got: dict[str, Any] = {k: dumped[k] for k in expected if k != "metadata"}
    if "metadata" in expected:
        got["metadata"] = {k: dumped["metadata"][k] for k in expected["metadata"]}
    return got


def test_fixture_files_are_found() -> None:
    """The fixture directory holds cases, so the parametrized test below is not empty."""
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_header_fixture(case: Case) -> None:
    """Each fixture page gives exactly the expected header values."""
    expected = json.loads(case.expected)
    assert _project(parse(case.input), expected) == expected


class TestReadLabels:
    """Attaching values to labels."""

    def test_adjacent_empty_labels(self) -> None:
        """A value goes to the nearest label before it; earlier labels stay empty."""
        hits = read_labels(
            [(1, ["文 号", "有 效 性"]), (2, ["成文日期", "发布日期", "2022-04-06"])]
        )
        assert [(h.raw, h.field, h.value) for h in hits] == [
            ("文号", "document_number", None),
            ("有效性", "validity", None),
            ("成文日期", "written_date", None),
            ("发布日期", "published_date", "2022-04-06"),
        ]

    def test_label_alone_takes_no_prose(self) -> None:
        """A sentence on the next line is not the value of an empty label."""
        hits = read_labels(
            [(1, ["文 号:"]), (2, ["依照《条例》规定,现将本机关年度报告公布如下。"])]
        )
        assert [(h.raw, h.value) for h in hits] == [("文号", None)]

    def test_chrome_label_ends_value(self) -> None:
        """``浏览量:`` ends the date before it and is not recorded."""
        hits = read_labels([(1, ["日期: 2015-07-09 浏览量:354"])])
        assert [(h.raw, h.value) for h in hits] == [("日期", "2015-07-09")]


class TestHelpers:
    """Small public helpers of the header stage."""

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("〔〕号", True), ("[ ]号", True), ("无", True), ("****", True), ("  ", True)],
    )
    def test_placeholders(self, value: str, expected: bool) -> None:
        """Template and masked values count as empty."""
        assert is_placeholder(value) is expected

    @pytest.mark.parametrize("value", ["厦湖府〔2019〕1号", "014416330/2018-04736", "市政府办"])
    def test_real_values(self, value: str) -> None:
        """Real values are not placeholders."""
        assert is_placeholder(value) is False

    @pytest.mark.parametrize(
        ("title", "expected"),
        [
            ("泰州市人民政府2017年政府信息公开工作年度报告", ("泰州市人民政府", 2017)),
            ("2020年兴庆区大新镇人民政府政府信息公开工作年度报告", ("兴庆区大新镇人民政府", 2020)),
            ("高新区(新市区)政府2020年信息公开工作年度报告", ("高新区(新市区)政府", 2020)),
            ("2022年政府信息公开工作年度报告", (None, 2022)),
            ("关于河东区民政局2019年度政府信息公开工作年度报告", ("河东区民政局", 2019)),
        ],
    )
    def test_split_title(self, title: str, expected: tuple[str | None, int | None]) -> None:
        """The body before or after the year, the year itself."""
        assert split_title(title) == expected

    def test_compact(self) -> None:
        """Letter spacing and PDF spaces go; spaces between latin words stay."""
        assert compact("長 橋 鄉 2019 年 報 告 Annual Report") == "长桥乡2019年报告Annual Report"


def _doc(text: str) -> Document:
    lines = [
        Line(n, LineKind.TEXT, [Cell(t, n)]) if t else Line(n, LineKind.EMPTY)
        for n, t in enumerate(text.split("\n"), 1)
    ]
    return Document(data=text.encode(), text=text, page=Page("text", lines))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    """The stage reads any text without raising and leaves well-typed values."""
    from govreport_parse import header

    doc = _doc(text)
    header.extract(doc)
    head = doc.header
    assert head.year is None or isinstance(head.year, int)
    assert head.published_date is None or isinstance(head.published_date, date)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in head.fields.items())


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "索 引 号:",
                "文 号",
                "|",
                "成文日期",
                "2022-04-06",
                "〔〕号",
                "發布機構:",
                " ",
                "\n",
                "2019年12月3日星期二",
                "•",
                "报告",
                "2019年",
                "政府信息公开",
                "(hào)",
                "：",
                "**",
            ]
        ),
        max_size=60,
    )
)
def test_never_raises_on_header_like_text(parts: list[str]) -> None:
    """Shuffled header vocabulary (labels, pipes, dates, bullets) never makes the stage raise."""
    report = parse("".join(parts) or "x")
    assert not [i for i in report.issues if i.code == "internal_error"]


def test_no_header_search_beyond_limit() -> None:
    """A header printed far below the top of the page is not read as the page's header."""
    page = "\n".join(["正文。"] * 120 + ["索引号:000014349/2017-00110"])
    assert parse(page).metadata.index_number is None


def test_stale_clock_is_not_a_date_or_year() -> None:
    """The banner clock next to the site name gives neither the publication date nor the year."""
    report = parse("天津市河东区人民政府 2019年12月3日星期二\n\n一、总体情况\n本年度工作平稳。\n")
    assert (report.metadata.published_date, report.year) == (None, None)
