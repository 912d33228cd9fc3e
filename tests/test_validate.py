"""The ``validate`` stage: the sum rules of FORMATS.md §7, reported as issues, never applied.

Pages under ``fixtures/reports/sums_*`` print numbers that break given rules; other pages print
every cell the rules need and keep every rule (no false alarm). The synthetic documents below pin
down the rule mechanics: which cells a rule needs, when it is skipped, the tolerance of amounts,
the direction of the soft rules.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

import pytest

from govreport_parse import SumMismatchError, parse
from govreport_parse.models import Format, IndicatorValue
from govreport_parse.pipeline import STAGES
from govreport_parse.state import Document
from govreport_parse.validate import check, rules_for

from .test_reports import REPORTS, expected, page_bytes, printed_numbers, report


class Broken(NamedTuple):
    """One rule a page breaks: the total cell that disagrees and both sides."""

    rule: str
    code: str
    indicator: str
    column: str | None
    line: int
    total: int
    parts: int


_SM = "sum_mismatch"
_PART, _SUBSET, _CHANNELS = (
    "legacy.footnote_partitions",
    "legacy.subsets",
    "legacy.channels_overlap",
)
_BAL, _OUT, _ROW, _BLOCK = "t3.column_balance", "t3.outcome_total", "t3.row_total", "t4.block_total"
BROKEN = {
    "sums_legacy2014_broken": [
        Broken(_PART, _SM, "requests.received", "total", 28, 20, 19),
        Broken(_PART, _SM, "requests.closed.total", None, 34, 18, 17),
        Broken(_PART, _SM, "requests.replies.total", None, 37, 18, 17),
        Broken(_PART, _SM, "requests.replies.denied", None, 41, 3, 2),
        Broken(_PART, _SM, "review", "total", 52, 2, 1),
        Broken(_PART, _SM, "complaints", "total", 60, 0, 1),
        Broken(_PART, _SM, "websites", "total", 67, 3, 2),
        Broken(_PART, _SM, "reading_points_visitors", "total", 76, 120, 130),
        Broken(_PART, _SM, "organization.staff.total", None, 82, 4, 3),
        Broken(_SUBSET, "subset_exceeds_total", "proactive_legacy.items_total", None, 8, 35, 40),
        Broken(_SUBSET, "subset_exceeds_total", "response.press_conferences.total", None, 20, 2, 3),
        Broken(_CHANNELS, "channels_below_total", "proactive_legacy.items_total", None, 8, 35, 32),
    ],
    "sums_fmt2021_broken": [
        Broken(_BAL, _SM, "requests.received", "commercial", 25, 6, 5),
        Broken(_BAL, _SM, "requests.received", "total", 25, 48, 47),
        Broken(_OUT, _SM, "requests.outcome.total", "natural_person", 48, 37, 38),
        Broken(_OUT, _SM, "requests.outcome.total", "total", 48, 43, 44),
        Broken(_ROW, _SM, "requests.outcome.granted", "total", 27, 18, 19),
        Broken(_ROW, _SM, "requests.outcome.other.misc", "total", 47, 3, 2),
        Broken(_BLOCK, _SM, "review", "total", 54, 3, 2),
        Broken(_BLOCK, _SM, "litigation.after_review", "total", 54, 0, 1),
    ],
    "sums_fmt2019_broken": [
        Broken(_BAL, _SM, "requests.received", "total", 49, 59, 58),
        Broken(_OUT, _SM, "requests.outcome.total", "commercial", 70, 3, 4),
        Broken(_ROW, _SM, "requests.outcome.other", "total", 69, 3, 4),
        Broken(_ROW, _SM, "requests.carried_forward", "total", 71, 6, 7),
        Broken(_BLOCK, _SM, "litigation.direct", "total", 81, 1, 0),
    ],
}

#: Pages that print every cell every rule of their format needs, and keep every rule.
HOLDING = [
    "sums_legacy2014_hold",
    "fmt2019_pdf_text_wrapped",
    "fmt2019_template_in_2022_report",
    "fmt2021_html_split_tables",
    "fmt2021_pdf_vertical_headers",
    "fmt2021_subtotal_column",
]


def _number_in(text: str, number: int) -> bool:
    return re.search(rf"(?<![\d.]){number}(?![\d.])", text) is not None


def _rule_issues(case: str) -> list[tuple[str | None, str, str | None, str | None, int | None]]:
    return sorted(
        (i.rule, i.code, i.indicator, i.column, i.line)
        for i in report(case).issues
        if i.rule is not None
    )


def _before_validate(case: str) -> Document:
    """The working document of a page after every stage but ``validate``."""
    doc = Document(data=page_bytes(case))
    for name, stage in STAGES:
        if name == "validate":
            break
        stage(doc)
    return doc


def _checked_rules(case: str) -> tuple[int, int]:
    """(rules of the page's format whose cells are all printed numbers, all rules)."""
    rep = report(case)
    numbers = {(i.id, i.column) for i in rep.indicators if i.status == "number"}
    rules = rules_for(rep.format)
    checked = [r for r in rules if all(c in numbers for c in (r.total, *r.plus, *r.minus))]
    return len(checked), len(rules)


class TestBrokenPages:
    """Pages whose printed numbers break rules: one issue per broken rule, numbers untouched."""

    @pytest.mark.parametrize("case", sorted(BROKEN))
    def test_exact_issues(self, case: str) -> None:
        """Each broken rule, and nothing else, names its total cell, its rule and its line."""
        want = sorted((b.rule, b.code, b.indicator, b.column, b.line) for b in BROKEN[case])
        assert _rule_issues(case) == want

    @pytest.mark.parametrize("case", sorted(BROKEN))
    def test_messages_give_both_sides(self, case: str) -> None:
        """The message states the rule and both sides of it."""
        issues = {(i.rule, i.indicator, i.column): i for i in report(case).issues if i.rule}
        for b in BROKEN[case]:
            issue = issues[(b.rule, b.indicator, b.column)]
            assert issue.severity == "warning"
            assert issue.message.startswith(b.rule)
            head, _, tail = issue.message.partition("but it should be")
            assert _number_in(head, b.total), issue.message
            assert tail.rstrip().endswith(f"= {b.parts}"), issue.message

    @pytest.mark.parametrize("case", sorted(BROKEN))
    def test_numbers_kept_as_printed(self, case: str) -> None:
        """Checking the rules changes no number: the page's numbers are all there, unchanged."""
        doc = _before_validate(case)
        before = [i.model_copy() for i in doc.indicators]
        check(doc)
        assert doc.indicators == before
        want = sorted(
            (i["id"], i["column"] or "", i["value"]) for i in expected(case)["indicators"]
        )
        assert printed_numbers(report(case)) == want

    @pytest.mark.parametrize("case", sorted(BROKEN))
    def test_every_rule_was_checkable(self, case: str) -> None:
        """The broken pages print every cell, so the rules that hold were checked too."""
        checked, total = _checked_rules(case)
        assert checked == total

    def test_expected_json_agrees(self) -> None:
        """The cases' expected.json list the same sum issues as this table."""
        for case, broken in BROKEN.items():
            listed = sorted(
                (i["code"], i["indicator"], i["column"]) for i in expected(case)["issues"]
            )
            assert listed == sorted((b.code, b.indicator, b.column) for b in broken), case


class TestHoldingPages:
    """Pages where every rule holds: every rule is checked, no false alarm."""

    @pytest.mark.parametrize("case", HOLDING)
    def test_every_rule_checked(self, case: str) -> None:
        """Every cell of every rule is a printed number, so every rule was really checked."""
        checked, total = _checked_rules(case)
        assert checked == total > 0

    @pytest.mark.parametrize("case", HOLDING)
    def test_no_rule_issue(self, case: str) -> None:
        """Not one sum issue."""
        assert _rule_issues(case) == []

    def test_holding_pages_exist(self) -> None:
        """Every listed page is a case."""
        assert all((REPORTS / case / "expected.json").is_file() for case in HOLDING)

    def test_empty_total_is_not_checked(self) -> None:
        """An empty 总计 beside filled cells: the rules that need it are skipped, not failed."""
        rep = report("fmt2021_cell_lines_empty_total")
        granted = rep.get("requests.outcome.granted", "total")
        assert granted is not None
        assert (granted.status, granted.value) == ("blank", None)
        assert rep.value("requests.outcome.granted", "natural_person") == 26
        assert _rule_issues("fmt2021_cell_lines_empty_total") == []


# ------------------------------------------------------------------------------------------------
# Rule mechanics on synthetic documents.

Cells = dict[tuple[str, str | None], int | Decimal | str]


def _doc(fmt: Format, cells: Cells) -> Document:
    """A document holding the given cells (a ``str`` value is a status: blank, n/a …)."""
    doc = Document(data=b"")
    doc.format = fmt
    for (ident, column), value in cells.items():
        if isinstance(value, str):
            item = IndicatorValue(id=ident, column=column, value=None, status=value)
        else:
            item = IndicatorValue(id=ident, column=column, value=value, raw_value=str(value))
        doc.indicators.append(item)
    return doc


def _review(total: int | Decimal | str, *parts: int | Decimal | str) -> Cells:
    cells: Cells = {("review", "total"): total}
    for col, value in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
        cells[("review", col)] = value
    return cells


def _codes(doc: Document) -> list[tuple[str, str | None, str | None]]:
    return [(i.code, i.indicator, i.column) for i in doc.issues]


class TestRuleMechanics:
    """How a rule decides: needed cells, skipping, tolerance, direction."""

    def test_block_total_holds(self) -> None:
        """表四: 总计 = 维持 + 纠正 + 其他 + 尚未审结."""
        doc = _doc("fmt2021", _review(4, 1, 1, 1, 1))
        check(doc)
        assert doc.issues == []

    def test_block_total_broken(self) -> None:
        """A block total one too high is reported on the block's total cell."""
        doc = _doc("fmt2019", _review(5, 1, 1, 1, 1))
        check(doc)
        assert _codes(doc) == [("sum_mismatch", "review", "total")]
        assert doc.issues[0].rule == "t4.block_total"

    @pytest.mark.parametrize("status", ["blank", "not_applicable", "text"])
    def test_cell_without_number_skips_the_rule(self, status: str) -> None:
        """A rule is checked only when every cell it needs is a printed number."""
        doc = _doc("fmt2021", _review(9, 1, status, 1, 1))
        check(doc)
        assert doc.issues == []

    def test_missing_cell_skips_the_rule(self) -> None:
        """A cell the page does not print at all does not count as 0."""
        cells = _review(9, 1, 1, 1, 1)
        del cells[("review", "pending")]
        doc = _doc("fmt2021", cells)
        check(doc)
        assert doc.issues == []

    def test_legacy_rules_do_not_apply_to_modern_formats(self) -> None:
        """A legacy partition is not checked on a 2021 page (and the reverse)."""
        legacy: Cells = {
            ("organization.staff.total", None): 5,
            ("organization.staff.full_time", None): 1,
            ("organization.staff.part_time", None): 1,
        }
        doc = _doc("fmt2021", legacy)
        check(doc)
        assert doc.issues == []
        # 四、行政复议数量 = （一）+（二）+（三) holds; 表四's block rule (with 尚未审结) would not.
        doc = _doc("legacy2014", _review(3, 1, 1, 1, 1))
        check(doc)
        assert doc.issues == []

    def test_unknown_format_checks_nothing(self) -> None:
        """Without a detected format there are no rules."""
        assert rules_for("unknown") == ()
        doc = _doc("unknown", _review(5, 1, 1, 1, 1))
        check(doc)
        assert doc.issues == []

    def test_amounts_within_tolerance(self) -> None:
        """Decimal amounts may be rounded by a cent by the issuer; integers must add up exactly."""
        doc = _doc("fmt2021", _review(Decimal("1.00"), *[Decimal("0.33")] * 3, Decimal("0")))
        check(doc)
        assert doc.issues == []
        doc = _doc("fmt2021", _review(Decimal("1.00"), *[Decimal("0.32")] * 3, Decimal("0")))
        check(doc)
        assert _codes(doc) == [("sum_mismatch", "review", "total")]

    def test_subset_equal_to_total_holds(self) -> None:
        """其中 rows are subsets: equal to the total is fine, more is not."""
        for principal, issues in ((3, []), (4, ["subset_exceeds_total"])):
            doc = _doc(
                "legacy2014",
                {
                    ("response.press_conferences.total", None): 3,
                    ("response.press_conferences.principal", None): principal,
                },
            )
            check(doc)
            assert [i.code for i in doc.issues] == issues

    def test_overlapping_channels_may_exceed_total(self) -> None:
        """一（二） channels overlap: their sum may exceed 一（一）, never fall below it."""
        channels = ("gazette", "website", "weibo", "wechat", "other")
        for total, issues in ((10, []), (15, []), (16, ["channels_below_total"])):
            cells: Cells = {("proactive_legacy.items_total", None): total}
            for c, v in zip(channels, (1, 8, 0, 5, 1), strict=True):
                cells[(f"proactive_legacy.channel.{c}", None)] = v
            doc = _doc("legacy2014", cells)
            check(doc)
            assert [i.code for i in doc.issues] == issues

    def test_row_total_names_the_row(self) -> None:
        """表三 row rule: the row's 总计 is the sum of the six applicant columns."""
        members = ("natural_person", "commercial", "research", "public_welfare")
        cells: Cells = {("requests.outcome.partial", m): 1 for m in members}
        cells[("requests.outcome.partial", "legal_service")] = 0
        cells[("requests.outcome.partial", "other_org")] = 0
        cells[("requests.outcome.partial", "total")] = 5
        doc = _doc("fmt2021", cells)
        check(doc)
        assert _codes(doc) == [("sum_mismatch", "requests.outcome.partial", "total")]

    def test_indicators_untouched_by_check(self) -> None:
        """A failed rule changes no value."""
        doc = _doc("fmt2021", _review(7, 1, 1, 1, 1))
        before = [i.model_copy() for i in doc.indicators]
        check(doc)
        assert doc.indicators == before
        assert doc.indicators[0].value == 7


class TestRuleSets:
    """Which rules each format has."""

    def test_outcome_rows_of_2019_and_2021(self) -> None:
        """2019 counts （六）其他处理 as one row; 2021 counts its three sub-rows instead."""

        def outcome_parts(fmt: str) -> set[str]:
            (rule,) = [
                r
                for r in rules_for(fmt)
                if r.rule == "t3.outcome_total" and r.total[1] == "natural_person"
            ]
            return {ident for ident, _ in rule.plus}

        parts19, parts21 = outcome_parts("fmt2019"), outcome_parts("fmt2021")
        assert "requests.outcome.other" in parts19
        assert not {p for p in parts19 if p.startswith("requests.outcome.other.")}
        assert "requests.outcome.other" not in parts21
        assert {p for p in parts21 if p.startswith("requests.outcome.other.")} == {
            "requests.outcome.other.no_correction",
            "requests.outcome.other.fee_unpaid",
            "requests.outcome.other.misc",
        }
        assert len(parts19) == 19
        assert len(parts21) == 21

    def test_rule_counts(self) -> None:
        """7 balances + 7 outcome totals + 25 (2021) or 23 (2019) row totals + 3 blocks."""
        ids19 = [r.rule for r in rules_for("fmt2019")]
        ids21 = [r.rule for r in rules_for("fmt2021")]
        assert ids19.count("t3.column_balance") == ids21.count("t3.column_balance") == 7
        assert ids19.count("t3.outcome_total") == ids21.count("t3.outcome_total") == 7
        assert ids19.count("t3.row_total") == 23
        assert ids21.count("t3.row_total") == 25
        assert ids19.count("t4.block_total") == ids21.count("t4.block_total") == 3

    def test_legacy_rules(self) -> None:
        """The footnote partitions, the 其中 subsets and the overlapping channels."""
        ids = [r.rule for r in rules_for("legacy2014")]
        assert ids.count("legacy.footnote_partitions") == 12
        assert ids.count("legacy.subsets") == 3
        assert ids.count("legacy.channels_overlap") == 1


def test_strict_mode_raises_on_broken_sums() -> None:
    """A broken sum is a warning, kept in the report; ``strict=True`` raises it instead."""
    rep = parse(page_bytes("sums_fmt2021_broken"))
    assert {i.code for i in rep.issues if i.severity != "info"} == {"sum_mismatch"}
    with pytest.raises(SumMismatchError) as caught:
        parse(page_bytes("sums_fmt2021_broken"), strict=True)
    assert caught.value.code == "sum_mismatch"
