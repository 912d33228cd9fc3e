"""Date normalisation: every printed form of a date gives the same ISO date."""

from __future__ import annotations

from datetime import date

import pytest

from govreport_parse.dates import find_dates, parse_date


class TestParseDate:
    """:func:`parse_date` reads the first non-clock date of a string."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2019-01-16", date(2019, 1, 16)),
            ("2019-1-6", date(2019, 1, 6)),
            ("2019/1/16", date(2019, 1, 16)),
            ("2019.1.16", date(2019, 1, 16)),
            ("2019年1月16日", date(2019, 1, 16)),
            ("2019年01月16日", date(2019, 1, 16)),
            ("2016 年 1 月 1 日", date(2016, 1, 1)),
            ("2021-01-23 19:13", date(2021, 1, 23)),
            ("2021-01-23 19:13:02", date(2021, 1, 23)),
            ("２０２２年０４月０６日", date(2022, 4, 6)),
            ("二〇二三年一月十六日", date(2023, 1, 16)),
            ("二○一九年十二月三十一日", date(2019, 12, 31)),
            ("发布时间:2017-01-12 10:01 浏览量:3", date(2017, 1, 12)),
            ("2012-3-30    连平县人民政府办公室", date(2012, 3, 30)),
        ],
    )
    def test_printed_forms(self, text: str, expected: date) -> None:
        """Dashes, slashes, dots, 年月日, times, PDF spaces, full-width and Chinese numerals."""
        assert parse_date(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "〔〕号",
            "2019年",
            "2019年12月",
            "2019-02-30",
            "2019-13-01",
            "12345-01-01",
            "1800-01-01",
        ],
    )
    def test_no_date(self, text: str) -> None:
        """Incomplete, impossible and out-of-range dates give ``None``."""
        assert parse_date(text) is None

    @pytest.mark.parametrize(
        "text",
        ["2019年12月3日星期二", "2017年2月13日 星期一", "2019-11-28 (周四)", "2020年10月3日礼拜六"],
    )
    def test_clock_is_skipped(self, text: str) -> None:
        """A date printed with its weekday is a banner clock, not a document date."""
        assert parse_date(text) is None

    def test_clock_then_date(self) -> None:
        """After a clock, the next date is taken."""
        assert parse_date("今天是2019年12月3日星期二 发布日期:2020-01-20") == date(2020, 1, 20)


def test_find_dates_offsets() -> None:
    """Each match keeps its place and whether it is a clock."""
    found = find_dates("自2019年1月1日至2019年12月31日 2019年12月3日星期二")
    assert [(m.value, m.start, m.end, m.clock) for m in found] == [
        (date(2019, 1, 1), 1, 10, False),
        (date(2019, 12, 31), 11, 22, False),
        (date(2019, 12, 3), 23, 33, True),
    ]
