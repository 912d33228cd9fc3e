"""Dates as pages print them → :class:`datetime.date`.

Report pages print one calendar date in many ways: ``2019-01-16``, ``2019-1-16``, ``2019/1/16``,
``2019.1.16``, ``2019年1月16日``, with a time (``2019-01-16 10:01:22``), with the spaces of PDF
extraction (``2016 年 1 月 1 日``), in full-width digits (``２０１９年``) or in Chinese numerals
(``二〇一九年一月十六日``). :func:`find_dates` finds them all in a string, :func:`parse_date`
returns the first one.

A date printed next to a weekday (``2019年12月3日星期二``) is what a JavaScript clock in the page
banner shows: the day the page was scraped, not a date of the report. Such matches carry
``clock=True``; :func:`parse_date` skips them.

The patterns are linear (no nested quantifiers), so they are safe on untrusted text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .textnorm import cn_numeral

__all__ = ["DateMatch", "find_dates", "parse_date"]

#: Years outside this range are not report-era dates (index numbers, phone numbers, typos).
_MIN_YEAR = 1949
_MAX_YEAR = 2099

_SEP = r"\s*(?:[-/.．]|－)\s*"
_DIGIT_DATE = re.compile(
    r"(?<!\d)(?P<y>\d{4})(?:\s*年\s*|" + _SEP + r")(?P<m>\d{1,2})(?:\s*月\s*|" + _SEP + r")"
    r"(?P<d>\d{1,2})(?!\d)(?:\s*日)?"
)
_CN_DIGITS = "〇○零一二三四五六七八九"
_CN_DATE = re.compile(
    rf"(?P<y>[{_CN_DIGITS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,2}})\s*月\s*"
    r"(?P<d>[一二三四五六七八九十]{1,3})\s*日"
)
_CLOCK_AFTER = re.compile(r"\s*(?:[(（]\s*)?(?:星期|礼拜|周)[一二三四五六日天]")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in a string."""

    value: date
    """The calendar date."""

    start: int
    """Offset of the first character of the date in the NFKC form of the searched string
    (the string itself when it is already folded, as the stages pass it)."""

    end: int
    """Offset just after the date (after ``日`` if printed), in the same string."""

    clock: bool
    """True when a weekday follows: a banner clock, not a date of the document."""


def _cn_year(text: str) -> int | None:
    digits = [cn_numeral("〇" if ch == "○" else ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _make(year: int | None, month: int | None, day: int | None) -> date | None:
    if year is None or month is None or day is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[DateMatch]:
    """Every valid date printed in ``text``, in order.

    >>> [(str(m.value), m.clock) for m in find_dates("2019年12月3日星期二 发布:2019-01-16")]
    [('2019-12-03', True), ('2019-01-16', False)]
    >>> [str(m.value) for m in find_dates("自2019年2月30日至2019年13月1日")]
    []
    """
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text) if not text.isascii() else text
    found: list[DateMatch] = []
    for m in _DIGIT_DATE.finditer(text):
        value = _make(int(m["y"]), int(m["m"]), int(m["d"]))
        if value is not None:
            clock = _CLOCK_AFTER.match(text, m.end()) is not None
            found.append(DateMatch(value, m.start(), m.end(), clock))
    if "年" in text and any(ch in text for ch in "〇○零"):
        for m in _CN_DATE.finditer(text):
            value = _make(_cn_year(m["y"]), cn_numeral(m["m"]), cn_numeral(m["d"]))
            if value is not None:
                clock = _CLOCK_AFTER.match(text, m.end()) is not None
                found.append(DateMatch(value, m.start(), m.end(), clock))
        found.sort(key=lambda d: d.start)
    return found


def parse_date(text: str) -> date | None:
    """The first date printed in ``text`` that is not a banner clock, or ``None``.

    >>> [str(parse_date(s)) for s in ("2019-01-16", "2019年1月16日", "2019/1/16", "2019.1.16")]
    ['2019-01-16', '2019-01-16', '2019-01-16', '2019-01-16']
    >>> str(parse_date("2016 年 1 月 1 日")), str(parse_date("2021-01-23 19:13:02"))
    ('2016-01-01', '2021-01-23')
    >>> str(parse_date("二〇二三年一月十六日")), str(parse_date("２０２２年０４月０６日"))
    ('2023-01-16', '2022-04-06')
    >>> parse_date("2019年12月3日星期二") is None, parse_date("〔〕号") is None
    (True, True)
    """
    for match in find_dates(text):
        if not match.clock:
            return match.value
    return None
