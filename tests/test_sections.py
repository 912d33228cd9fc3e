"""The sections stage: numbered headings, their kinds and text (``fixtures/sections/*.txt``).

Each fixture's expected block is a JSON list with one object per section, naming only the keys
the case checks (``number``, ``title``, ``kind``, ``line``, ``text``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from govreport_parse import parse
from govreport_parse.sections import heading_kind, split_heading

from ._fixtures import Case, read_fixture_file
from .conftest import FIXTURES

CASES = [
    case
    for path in sorted((FIXTURES / "sections").glob("*.txt"))
    for case in read_fixture_file(path)
]


def test_fixture_files_are_found() -> None:
    """The fixture directory holds cases, so the parametrized test below is not empty."""
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_sections_fixture(case: Case) -> None:
    """Each fixture page gives exactly the expected sections."""
    expected: list[dict[str, Any]] = json.loads(case.expected)
    sections = parse(case.input).model_dump(mode="json")["sections"]
    got = [{k: section[k] for k in want} for section, want in zip(sections, expected, strict=False)]
    assert (len(sections), got) == (len(expected), expected)


class TestHeadingKind:
    """Heading titles → canonical kinds from ``data/sections.toml``."""

    @pytest.mark.parametrize(
        ("title", "kind"),
        [
            ("概述", "overview"),
            ("总体情况", "overview"),
            ("主动公开政府信息情况", "proactive"),
            ("依申请公开政府信息和不予公开政府信息情况", "requests"),
            ("政府信息公开的收费及减免情况", "fees"),
            ("政府信息公开行政复议、行政诉讼情况", "review_litigation"),
            ("存在的不足和下一步打算", "problems"),
            ("其他需要报告的事项", "other"),
            ("公文类政府信息基本情况", "documents"),
            ("工作人员和政府收支情况", "staff_budget"),
            ("咨询处理情况", "consultations"),
            ("回应解读情况", "responses"),
            ("附注", "notes"),
            ("加强督查落实,建立交办机制", None),
        ],
    )
    def test_kinds(self, title: str, kind: str | None) -> None:
        """Standard titles of every format and regional template get their kind."""
        assert heading_kind(title) == kind


class TestSplitHeading:
    """Separating a heading's title from text on the same line."""

    @pytest.mark.parametrize(
        ("rest", "expected"),
        [
            ("总体情况", ("总体情况", "")),
            ("概 述", ("概述", "")),
            (
                "总体情况 2023年,全年主动公开信息一百二十条。",
                ("总体情况", "2023年,全年主动公开信息一百二十条。"),
            ),
            ("总体情况。本年度无变化", ("总体情况", "本年度无变化")),
            ("强化组织领导 工作机制", ("强化组织领导 工作机制", "")),
        ],
    )
    def test_split(self, rest: str, expected: tuple[str, str]) -> None:
        """A sentence end or a space before long text ends the title; letter spacing does not."""
        assert split_heading(rest) == expected


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "一、",
                "二、",
                "十三、",
                "㈠",
                "1、",
                "总体情况",
                "。",
                " ",
                "\n",
                "|",
                "12",
                "条",
                "主动公开",
                "**",
                "(一)",
                "、",
                "概 述",
            ]
        ),
        max_size=80,
    )
)
def test_numbers_only_go_up(parts: list[str]) -> None:
    """Whatever the page, accepted top-level numbers increase and every section has a title."""
    from govreport_parse.textnorm import cn_numeral

    sections = parse("".join(parts) or "x").sections
    values = [cn_numeral(s.number) or int(s.number) for s in sections]
    assert values == sorted(set(values))
    assert all(s.title for s in sections)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["一", "十", "1", "２", "㈠", "、", ".", "。", "；", "*", "#", " "])
            | st.sampled_from(["\u3000", "\n", "x"]),
            max_size=10,
        ).map("".join),
        max_size=6,
    )
)
@example(["x。**一、y", "**二**、总体", "# 十 、z", "x；三**、y"])
@example(["a\n。四、b", "五、c"])
def test_heading_prefilter_keeps_every_candidate(texts: list[str]) -> None:
    """The page-wide search picks every line the per-line heading patterns would take."""
    from govreport_parse.sections import _INLINE, _QUICK_HEAD, _maybe_headings, _unmark

    lines = dict(enumerate(texts))
    maybe = _maybe_headings(lines)
    for idx, raw in lines.items():
        unmarked = _unmark(raw)
        if _QUICK_HEAD.match(unmarked) or _INLINE.search(unmarked):
            assert idx in maybe, raw
