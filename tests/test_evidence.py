"""Rows whose cell count differs from the table's: placed by evidence, or left unplaced."""

from __future__ import annotations

from govreport_parse import Report, parse

HEAD = "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人 | 法人或其他组织 | 总计\n"


def _cells(report: Report, ident: str) -> dict[str | None, object]:
    return {i.column: i.value for i in report.indicators if i.id == ident}


def test_short_row_ending_in_its_sum_is_not_guessed() -> None:
    """Two printed numbers, the second the sum of the first: 总计 or a second applicant?"""
    report = parse(HEAD + "（一）予以公开 |\n5 |\n5 |\n（七）总计 |\n2 |\n")
    assert _cells(report, "requests.outcome.granted") == {}
    assert [u.label for u in report.unmapped] == ["（一）予以公开"]
    assert [i.code for i in report.issues if i.code == "ambiguous_row"] == ["ambiguous_row"]
    # A short row whose last number is not the sum of the others lost only its empty tail.
    assert _cells(report, "requests.outcome.total")["natural_person"] == 2


def test_short_row_of_one_number_is_its_first_column() -> None:
    """One number right after the label, the rest of the row not printed."""
    report = parse(HEAD + "四、结转下年度继续办理 |\n1 |\n五、存在的主要问题及改进情况\n")
    assert _cells(report, "requests.carried_forward") == {
        "natural_person": 1,
        "commercial": None,
        "research": None,
        "public_welfare": None,
        "legal_service": None,
        "other_org": None,
        "total": None,
    }


def test_eighth_column_equal_to_its_parts_is_a_subtotal() -> None:
    """An issuer's own 法人或其他组织 subtotal after 自然人 is recognised by its sum."""
    row = "一、本年新收政府信息公开申请数量 | 10 | 5 | 2 | 1 | 1 | 0 | 1 | 15"
    report = parse(HEAD + row + "\n")
    assert _cells(report, "requests.received") == {
        "natural_person": 10,
        "commercial": 2,
        "research": 1,
        "public_welfare": 1,
        "legal_service": 0,
        "other_org": 1,
        "total": 15,
    }
    assert any(i.code == "row_reinterpreted" for i in report.issues)
