"""The public API: every kind of source, the options of parse(), strict mode, records."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup

from govreport_parse import (
    DecodeError,
    GovReportError,
    Report,
    SumMismatchError,
    parse,
)

TEXT = (
    "河东区民政局2019年度政府信息公开工作年度报告\n"
    "二、主动公开政府信息情况\n"
    "第二十条第（五）项 | |\n信息内容 | 本年处理决定数量\n行政许可 | 3970\n"
    "第二十条第（八）项 | |\n信息内容 | 本年收费金额（单位：万元）\n行政事业性收费 | 12.50\n"
)
HTML = (
    '<html><head><meta charset="gb2312"><title>报告_某某网</title>'
    '<meta name="ArticleTitle" content="河东区民政局2019年度政府信息公开工作年度报告">'
    '<meta name="Url" content="http://example.gov.cn/a.html"></head><body>'
    "<h1>河东区民政局2019年度政府信息公开工作年度报告</h1><table>"
    "<tr><td>第二十条第（五）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
    "<tr><td>行政许可</td><td>3970</td></tr></table></body></html>"
)


def _licensing(report: Report) -> object:
    return report.value("proactive.licensing.decisions")


class TestSources:
    def test_text(self) -> None:
        """A str of flattened text is read as text; amounts stay Decimal."""
        report = parse(TEXT)
        assert (report.source.kind, report.source.encoding) == ("text", None)
        assert _licensing(report) == 3970
        assert report.value("proactive.admin_fees.amount") == Decimal("12.50")

    def test_gbk_bytes(self) -> None:
        """Bytes are decoded (gb2312 widened to gb18030) and sniffed as HTML."""
        report = parse(HTML.encode("gbk"))
        assert (report.source.kind, report.source.encoding) == ("html", "gb18030")
        assert _licensing(report) == 3970
        assert report.source.url == "http://example.gov.cn/a.html"
        assert report.metadata.meta_tags["ArticleTitle"].startswith("河东区民政局")

    def test_path(self, tmp_path: Path) -> None:
        """A path is read from disk and recorded as given."""
        page = tmp_path / "page.html"
        page.write_bytes(HTML.encode("gbk"))
        report = parse(page)
        assert report.source.path == str(page)
        assert _licensing(report) == 3970

    def test_soup_and_lxml(self) -> None:
        """A BeautifulSoup object and an lxml element give the same numbers."""
        soup = BeautifulSoup(HTML, "html.parser")
        root = lxml.html.fromstring(HTML)
        assert _licensing(parse(soup)) == 3970
        assert _licensing(parse(root)) == 3970
        assert parse(root).source.kind == "html"

    def test_url_and_encoding_arguments(self) -> None:
        """url= is recorded; encoding= overrides detection."""
        data = TEXT.encode("big5hkscs", errors="replace")
        report = parse(TEXT.encode("gb18030"), url="http://x.gov.cn/1", encoding="gbk")
        assert (report.source.url, report.source.encoding) == ("http://x.gov.cn/1", "gb18030")
        assert _licensing(report) == 3970
        assert parse(data, encoding="big5").source.encoding == "big5hkscs"

    def test_sha256_of_input(self) -> None:
        """sha256 is of the input bytes (of the UTF-8 encoding for str input)."""
        import hashlib

        assert parse(TEXT).source.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()

    def test_wrong_type(self) -> None:
        """Misuse raises the built-in TypeError naming the type."""
        with pytest.raises(TypeError, match="int"):
            parse(42)


class TestStrict:
    def test_content_problems_do_not_raise(self) -> None:
        """Without strict, an empty input is an error issue, not an exception."""
        report = parse(b"")
        assert [(i.code, i.severity) for i in report.issues] == [("empty_input", "error")]
        assert report.format == "unknown"

    def test_strict_raises_typed_errors(self) -> None:
        """strict=True raises the GovReportError subclass of the first error issue."""
        with pytest.raises(DecodeError) as caught:
            parse(b"", strict=True)
        assert caught.value.code == "empty_input"
        assert isinstance(caught.value, GovReportError)

    def test_strict_sum_mismatch(self) -> None:
        """A broken sum rule is an error only in strict mode, as SumMismatchError."""
        page = (
            "统计指标 | 单位 | 统计数\n四、行政复议数量 | 件 | 5\n"
            "（一）维持具体行政行为数 | 件 | 1\n（二）被依法纠错数 | 件 | 1\n"
            "（三）其他情形数 | 件 | 1\n"
        )
        report = parse(page)
        assert [(i.code, i.indicator, i.column) for i in report.issues] == [
            ("sum_mismatch", "review", "total")
        ]
        assert report.value("review", "total") == 5  # the printed number is kept
        with pytest.raises(SumMismatchError):
            parse(page, strict=True)


class TestRecords:
    def test_records_have_the_contract_shape(self) -> None:
        """One row per indicator value, with the report's identifying fields."""
        report = parse(TEXT)
        records = report.to_records()
        assert list(records[0]) == [
            "report_id", "path", "url", "agency", "year", "format", "indicator", "column",
            "value", "status", "unit", "raw_label", "raw_value", "line",
        ]  # fmt: skip
        fee = next(r for r in records if r["indicator"] == "proactive.admin_fees.amount")
        assert (fee["value"], fee["unit"], fee["raw_value"], fee["line"]) == (
            12.5,
            "万元",
            "12.50",
            8,
        )
        assert {r["agency"] for r in records} == {"河东区民政局"}
        assert {r["year"] for r in records} == {2019}

    def test_json_dump_keeps_numbers_numbers(self) -> None:
        """model_dump(mode='json') gives integers as int and amounts as float."""
        dumped = parse(TEXT).model_dump(mode="json")
        values = {i["id"]: i["value"] for i in dumped["indicators"]}
        assert values == {
            "proactive.licensing.decisions": 3970,
            "proactive.admin_fees.amount": 12.5,
        }
        assert isinstance(values["proactive.licensing.decisions"], int)
