"""The ``validate`` stage: the arithmetic of each format, reported as issues, never applied.

A rule is checked only when every cell it needs is a printed number. A failed partition rule
(a total that is not the sum of its parts) is an issue ``sum_mismatch`` whose ``indicator`` and
``column`` name the total cell that disagrees, with the rule and both sides in the message;
softer rules have their own codes (``subset_exceeds_total``, ``channels_below_total``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .settings import SUM_TOLERANCE
from .state import Document
from .taxonomy import layouts, taxonomy

__all__ = ["Rule", "check", "rules_for"]

CellKey = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class Rule:
    """``total <relation> Σ plus − Σ minus``."""

    rule: str
    """Stable rule id (as in the taxonomy's checks), e.g. ``t3.row_total``."""

    text: str
    """The rule as the format states it."""

    total: CellKey
    plus: tuple[CellKey, ...]
    minus: tuple[CellKey, ...] = ()
    relation: str = "eq"
    """``eq``; ``ge`` (the total is at least the part: a subset); ``le`` (the total is at most
    the sum: overlapping channels)."""

    code: str = "sum_mismatch"


def _legacy_rules() -> Iterator[Rule]:
    def part(rule_text: str, total: CellKey, parts: list[CellKey]) -> Rule:
        return Rule("legacy.footnote_partitions", rule_text, total, tuple(parts))

    yield part(
        "三（一）收到申请数 = 1–5",
        ("requests.received", "total"),
        [
            (f"requests.received_channel.{c}", None)
            for c in ("in_person", "fax", "online", "mail", "other")
        ],
    )
    yield part(
        "三（二）申请办结数 = 按时 + 延期",
        ("requests.closed.total", None),
        [("requests.closed.on_time", None), ("requests.closed.extended", None)],
    )
    yield part(
        "三（三）申请答复数 = 1–8",
        ("requests.replies.total", None),
        [
            (f"requests.replies.{c}", None)
            for c in (
                "already_public",
                "granted",
                "partial",
                "denied",
                "not_this_agency",
                "not_exist",
                "asked_to_amend",
                "redirected",
            )
        ],
    )
    yield part(
        "三（三）4 不同意公开 = 其中各项",
        ("requests.replies.denied", None),
        [(i.id, None) for i in taxonomy().children("requests.replies.denied")],
    )
    for ident, text in (("review", "四"), ("litigation.all", "五"), ("complaints", "六")):
        yield part(
            f"{text} = （一）+（二）+（三）",
            (ident, "total"),
            [(ident, c) for c in ("upheld", "corrected", "other")],
        )
    yield part(
        "七 = 纸质 + 电子",
        ("archive_submission.total", None),
        [("archive_submission.paper", None), ("archive_submission.electronic", None)],
    )
    for ident, text in (
        ("websites", "八"),
        ("reading_points", "十"),
        ("reading_points_visitors", "十一"),
    ):
        yield part(
            f"{text} = （一）+（二）",
            (ident, "total"),
            [(ident, "gov_and_departments"), (ident, "township_subdistrict")],
        )
    yield part(
        "十二（三）= 专职 + 兼职",
        ("organization.staff.total", None),
        [("organization.staff.full_time", None), ("organization.staff.part_time", None)],
    )
    for total, sub in (
        ("proactive_legacy.items_total", "proactive_legacy.items_normative_docs"),
        ("response.press_conferences.total", "response.press_conferences.principal"),
        ("response.online_interviews.total", "response.online_interviews.principal"),
    ):
        yield Rule(
            "legacy.subsets",
            "其中 ≤ 总数",
            (total, None),
            ((sub, None),),
            relation="ge",
            code="subset_exceeds_total",
        )
    yield Rule(
        "legacy.channels_overlap",
        "一（二）各渠道之和 ≥ 一（一）（不同渠道公开相同信息计1条）",
        ("proactive_legacy.items_total", None),
        tuple(
            (i.id, None)
            for i in taxonomy().children("proactive_legacy.items_total")
            if i.relation == "overlapping_breakdown"
        ),
        relation="le",
        code="channels_below_total",
    )


def _modern_rules(fmt: str) -> Iterator[Rule]:
    tax = taxonomy()
    members = layouts().t3_columns
    outcome = ["requests.outcome.granted", "requests.outcome.partial"]
    for group in ("denied", "unable", "not_processed"):
        outcome += [i.id for i in tax.children(f"requests.outcome.{group}")]
    if fmt == "fmt2021":
        outcome += [i.id for i in tax.children("requests.outcome.other")]
    else:
        outcome.append("requests.outcome.other")
    for m in members:
        yield Rule(
            "t3.column_balance",
            "第一项加第二项之和，等于第三项加第四项之和",
            ("requests.received", m),
            (("requests.outcome.total", m), ("requests.carried_forward", m)),
            (("requests.carried_over", m),),
        )
        yield Rule(
            "t3.outcome_total",
            "（七）总计 = 各办理结果之和",
            ("requests.outcome.total", m),
            tuple((r, m) for r in outcome),
        )
    parts = [m for m in members if m != "total"]
    for r in (
        "requests.received",
        "requests.carried_over",
        *outcome,
        "requests.outcome.total",
        "requests.carried_forward",
    ):
        yield Rule(
            "t3.row_total", "总计 = 各类申请人之和", (r, "total"), tuple((r, m) for m in parts)
        )
    for block in ("review", "litigation.direct", "litigation.after_review"):
        yield Rule(
            "t4.block_total",
            "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            (block, "total"),
            tuple((block, c) for c in ("upheld", "corrected", "other", "pending")),
        )


@cache
def rules_for(fmt: str) -> tuple[Rule, ...]:
    """The rules checked for a table format."""
    if fmt == "legacy2014":
        return tuple(_legacy_rules())
    if fmt in ("fmt2019", "fmt2021"):
        return tuple(_modern_rules(fmt))
    return ()


@dataclass(frozen=True, slots=True)
class _Check:
    """A rule as :func:`check` runs it: the cells it needs, and its right side as text."""

    rule: Rule
    needed: frozenset[CellKey]
    expr: str
    symbol: str


@cache
def _checks(fmt: str) -> tuple[_Check, ...]:
    """The rules of a format that have parts, ready to check."""
    checks = []
    for rule in rules_for(fmt):
        if not rule.plus:
            continue
        expr = " + ".join(_label(c) for c in rule.plus)
        if rule.minus:
            expr += " − " + " − ".join(_label(c) for c in rule.minus)
        symbol = {"eq": "=", "ge": "≥", "le": "≤"}[rule.relation]
        needed = frozenset((rule.total, *rule.plus, *rule.minus))
        checks.append(_Check(rule, needed, expr, symbol))
    return tuple(checks)


_TOLERANCE = Decimal(str(SUM_TOLERANCE))


def _label(cell: CellKey) -> str:
    return f"{cell[0]}[{cell[1]}]" if cell[1] else cell[0]


def _holds(relation: str, diff: int | Decimal, tol: int | Decimal) -> bool:
    if relation == "eq":
        return -tol <= diff <= tol
    if relation == "ge":
        return diff >= -tol
    return diff <= tol


def check(doc: Document) -> None:
    """Check the rules of the page's format against its printed numbers."""
    numbers: dict[CellKey, int | Decimal] = {}
    lines: dict[CellKey, int | None] = {}
    for i in doc.indicators:
        cell = (i.id, i.column)
        lines[cell] = i.line
        if i.status == "number" and i.value is not None:
            numbers[cell] = i.value
    if not numbers:
        return
    printed = numbers.keys()
    amounts = {cell for cell, value in numbers.items() if isinstance(value, Decimal)}
    for item in _checks(doc.format):
        if not printed >= item.needed:
            continue
        rule = item.rule
        left = numbers[rule.total]
        right = sum(map(numbers.__getitem__, rule.plus), start=0) - sum(
            map(numbers.__getitem__, rule.minus), start=0
        )
        if amounts and not amounts.isdisjoint(item.needed):
            holds = _holds(rule.relation, Decimal(left) - Decimal(right), _TOLERANCE)
        else:
            holds = _holds(rule.relation, left - right, 0)  # counts add up exactly
        if holds:
            continue
        doc.issue(
            rule.code,
            f"{rule.rule} ({rule.text}): {_label(rule.total)} is {left}, "
            f"but it should be {item.symbol} {item.expr} = {right}",
            "warning",
            indicator=rule.total[0],
            column=rule.total[1],
            line=lines.get(rule.total),
            rule=rule.rule,
        )
