"""Whole pages through the whole pipeline: ``fixtures/reports/<case>/``.

Each case folder holds one page (``input.txt`` or ``input.html``, kept as the bytes a scraper
stores, GBK included) and ``expected.json``, written by hand from the page:

``source``
    how the input must be read: ``kind`` (html / text) and the ``encoding`` used;
``format``
    the table format the labels show;
``indicators``
    every number the tables print, as ``{"id", "column", "value"}``: the cells that hold a
    number, no more and no fewer (blank and n/a cells are not listed here);
``statuses``
    a few cells that are printed but hold no number, with the status they must get
    (``blank``, ``not_applicable``);
``issues``
    every issue of severity ``warning`` or ``error``, as ``{"code"}`` plus ``indicator`` and
    ``column`` where the issue names a cell (always for the sum rules);
``unmapped``
    the labels of the rows that must end up in ``report.unmapped``;
``xfail`` (optional)
    check name → reason, for a check the parser is known to fail (``strict``: a fix is noticed).

Besides these hand-written expectations, the whole ``Report`` of each page is kept as a golden
file under ``tests/test_reports/`` (pytest-regressions); after an intended change of the output,
regenerate them with ``pytest tests/test_reports.py --force-regen`` and review the diff.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govreport_parse import Report, parse

from .conftest import FIXTURES

REPORTS = FIXTURES / "reports"
CASES = sorted(p.name for p in REPORTS.iterdir() if (p / "expected.json").is_file())
CHECKS = ("source", "format", "indicators", "statuses", "issues", "unmapped")
_RULE_CODES = frozenset(["sum_mismatch", "subset_exceeds_total", "channels_below_total"])


def expected(case: str) -> dict[str, Any]:
    """The hand-written expectations of a case."""
    data: dict[str, Any] = json.loads((REPORTS / case / "expected.json").read_text("utf-8"))
    return data


def page_bytes(case: str) -> bytes:
    """The page of a case, as stored (its one ``input.*`` file)."""
    (path,) = (REPORTS / case).glob("input.*")
    return path.read_bytes()


@cache
def report(case: str) -> Report:
    """The parsed page (parsed once per test session)."""
    return parse(page_bytes(case))


def cases_for(check: str) -> list[Any]:
    """The cases as pytest params, with the known failures of ``check`` marked xfail."""
    params = []
    for case in CASES:
        reason = expected(case).get("xfail", {}).get(check)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(case, id=case, marks=marks))
    return params


def printed_numbers(rep: Report) -> list[tuple[str, str | None, Any]]:
    """``(id, column, value)`` of every cell that holds a number, as JSON gives the value."""
    return sorted(
        (item["id"], item["column"] or "", item["value"])
        for item in rep.model_dump(mode="json")["indicators"]
        if item["status"] == "number"
    )


def issue_key(issue: dict[str, Any]) -> tuple[str, str, str]:
    return (issue["code"], issue.get("indicator") or "", issue.get("column") or "")


def test_every_case_is_complete() -> None:
    """Every case folder has exactly one page and states every check."""
    assert len(CASES) >= 20
    for case in CASES:
        assert len(list((REPORTS / case).glob("input.*"))) == 1, case
        data = expected(case)
        assert set(CHECKS) - {"statuses"} <= set(data), case
        assert set(data.get("xfail", {})) <= set(CHECKS), case


@pytest.mark.parametrize("case", cases_for("source"))
def test_source(case: str) -> None:
    """The page is sniffed as HTML or text and decoded with the right codec."""
    source = report(case).source
    assert {"kind": source.kind, "encoding": source.encoding} == expected(case)["source"]


@pytest.mark.parametrize("case", cases_for("format"))
def test_format(case: str) -> None:
    """The format is detected from the labels the tables print."""
    assert report(case).format == expected(case)["format"]


@pytest.mark.parametrize("case", cases_for("indicators"))
def test_indicators(case: str) -> None:
    """Exactly the printed numbers, each on its indicator and column, with its value."""
    want = sorted((i["id"], i["column"] or "", i["value"]) for i in expected(case)["indicators"])
    assert printed_numbers(report(case)) == want


@pytest.mark.parametrize("case", cases_for("statuses"))
def test_statuses(case: str) -> None:
    """Blank and n/a cells keep their status; they never become 0."""
    rep = report(case)
    want = expected(case).get("statuses", [])
    got = []
    for item in want:
        found = [i for i in rep.indicators if i.id == item["id"] and i.column == item["column"]]
        got.append({**item, "status": found[0].status if found else None})
    assert got == want


@pytest.mark.parametrize("case", cases_for("issues"))
def test_issues(case: str) -> None:
    """Exactly the expected warnings (sum rules naming their total cell), nothing else."""
    rep = report(case)
    got = sorted(
        issue_key(i.model_dump()) if i.code in _RULE_CODES or i.indicator else (i.code, "", "")
        for i in rep.issues
        if i.severity in ("warning", "error")
    )
    assert got == sorted(issue_key(i) for i in expected(case)["issues"])


@pytest.mark.parametrize("case", cases_for("unmapped"))
def test_unmapped(case: str) -> None:
    """Rows with numbers that could not be placed are kept, by label, in ``unmapped``."""
    assert [u.label for u in report(case).unmapped] == expected(case)["unmapped"]


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, data_regression: Any) -> None:
    """The whole report, as JSON, is unchanged (``--force-regen`` after intended changes)."""
    data_regression.check(report(case).model_dump(mode="json"))


def test_case_names_are_folders() -> None:
    """Case names are plain folder names (they name the golden files)."""
    for case in CASES:
        assert Path(case).name == case
        assert case.replace("_", "").isalnum()
