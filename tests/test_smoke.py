"""The public API answers at all: one page in, one report out."""

from __future__ import annotations

from govreport_parse import Report, parse


def test_parse_returns_report() -> None:
    """A tiny legacy table yields a report with its one number."""
    report = parse("统计指标 | 单位 | 统计数\n三、依申请公开情况 | |\n（一）收到申请数 | 件 | 12\n")
    assert isinstance(report, Report)
    assert report.format == "legacy2014"
    assert report.value("requests.received", "total") == 12
