"""The output models: what :func:`govreport_parse.parse` returns (the binding output contract).

This is the only module that imports pydantic. ``report.model_dump(mode="json")`` gives the JSON
described in the project's output contract; numbers stay JSON numbers (integers stay integers).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer

from .settings import SCHEMA_VERSION

__all__ = [
    "Format",
    "IndicatorValue",
    "Issue",
    "Metadata",
    "Number",
    "Report",
    "Section",
    "Severity",
    "Source",
    "Status",
    "UnmappedRow",
]

Format = Literal["legacy2014", "fmt2019", "fmt2021", "unknown"]
Severity = Literal["info", "warning", "error"]
Status = Literal["number", "blank", "not_applicable", "text"]


def _number_to_json(value: int | Decimal | None) -> int | float | None:
    if isinstance(value, Decimal):
        return (
            int(value) if value == value.to_integral_value() and value.is_finite() else float(value)
        )
    return value


#: A printed number: ``int`` for counts, ``Decimal`` for amounts; a JSON number when dumped.
Number = Annotated[
    int | Decimal | None,
    PlainSerializer(_number_to_json, return_type=int | float | None, when_used="json"),
]

_CONFIG = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


class Source(BaseModel):
    """Where the input came from and how it was read."""

    model_config = _CONFIG

    path: str | None = Field(None, description="The path as given, if the input was a file.")
    url: str | None = Field(None, description="Page URL: argument, <meta name='Url'>, canonical.")
    kind: Literal["html", "text"] = Field("text", description="What the input was sniffed as.")
    encoding: str | None = Field(None, description="Codec used to decode bytes.")
    sha256: str = Field("", description="SHA-256 of the input bytes (UTF-8 for str input).")


class Metadata(BaseModel):
    """The page's metadata header (信息公开目录 fields) and HTML meta tags."""

    model_config = _CONFIG

    index_number: str | None = Field(None, description="索引号")
    category: str | None = Field(None, description="公开目录 / 分类 / 主题分类")
    publisher: str | None = Field(None, description="发布机构 / 发文机关 / 发文单位 / 公开主体")
    document_number: str | None = Field(None, description="文号 / 发文字号")
    written_date: date | None = Field(None, description="成文日期 / 生成日期")
    published_date: date | None = Field(None, description="发布日期 / 发文日期 / 发布时间")
    fields: dict[str, str] = Field(
        default_factory=dict, description="Every header label found → raw value (labels unspaced)."
    )
    meta_tags: dict[str, str] = Field(
        default_factory=dict, description="<meta name=…> tags of HTML input."
    )


class Section(BaseModel):
    """A numbered narrative section (一、总体情况 …)."""

    model_config = _CONFIG

    number: str = Field(description="The section numeral as printed: 一, 二 …")
    title: str = Field(description="Heading text without the numeral.")
    kind: str | None = Field(None, description="Canonical key of a standard section, else null.")
    text: str = Field("", description="The section's text up to the next section heading.")
    line: int | None = Field(None, description="Line of the heading.")


class IndicatorValue(BaseModel):
    """One statistical-table cell mapped onto the taxonomy."""

    model_config = _CONFIG

    id: str = Field(description="Taxonomy id, e.g. requests.outcome.granted.")
    column: str | None = Field(None, description="Dimension member (natural_person, total …).")
    value: Number = Field(None, description="The number; null when the cell holds no number.")
    status: Status = Field("number", description="number, blank, not_applicable or text.")
    unit: str | None = Field(None, description="Unit as printed or as the taxonomy gives it.")
    raw_label: str = Field("", description="The row label as found.")
    raw_value: str = Field("", description="The cell text as found.")
    line: int | None = Field(None, description="Line the cell came from.")


class UnmappedRow(BaseModel):
    """A table row with values whose label matched nothing (or could not be placed)."""

    model_config = _CONFIG

    label: str = Field(description="The row label as found.")
    cells: list[str] = Field(description="The row's value cells as found, blanks included.")
    line: int | None = Field(None, description="Line of the row.")


class Issue(BaseModel):
    """Something odd about the page: a content problem, never an exception."""

    model_config = _CONFIG

    code: str = Field(description="Stable machine-readable code, e.g. sum_mismatch.")
    severity: Severity = Field("warning", description="info, warning or error.")
    message: str = Field("", description="What was found, for a person to read.")
    indicator: str | None = Field(None, description="Taxonomy id concerned, if any.")
    column: str | None = Field(None, description="Dimension member concerned, if any.")
    line: int | None = Field(None, description="Line concerned, if any.")
    rule: str | None = Field(None, description="Id of the arithmetic rule, for sum checks.")


class Report(BaseModel):
    """Everything recovered from one page."""

    model_config = _CONFIG

    schema_version: str = Field(SCHEMA_VERSION, description="Version of the output contract.")
    source: Source = Field(default_factory=Source, description="Where the input came from.")
    title: str | None = Field(None, description="The report's title as the page prints it.")
    agency: str | None = Field(None, description="The body whose report this is.")
    year: int | None = Field(None, description="The year the report covers.")
    format: Format = Field(
        "unknown", description="Table format, detected from the tables, not from the year."
    )
    metadata: Metadata = Field(default_factory=Metadata, description="The page header.")
    sections: list[Section] = Field(
        default_factory=list, description="Numbered narrative sections, in page order."
    )
    indicators: list[IndicatorValue] = Field(
        default_factory=list, description="Every table cell that maps onto the taxonomy."
    )
    unmapped: list[UnmappedRow] = Field(
        default_factory=list, description="Table rows with values whose label matched nothing."
    )
    issues: list[Issue] = Field(default_factory=list, description="What was odd about the page.")

    def get(self, id: str, column: str | None = None) -> IndicatorValue | None:  # noqa: A002
        """The :class:`IndicatorValue` for ``(id, column)``, or ``None`` when not printed.

        For an indicator with columns (a dimension), ``column=None`` means ``"total"``. The
        result keeps the cell's text and line, so every number can be traced to the page:

        >>> from govreport_parse import parse
        >>> page = "统计指标 | 单位 | 统计数\\n三、依申请公开情况 | |\\n（一）收到申请数 | 件 | 12"
        >>> r = parse(page)
        >>> cell = r.get("requests.received")
        >>> cell.column, cell.value, cell.unit, cell.raw_label, cell.line
        ('total', 12, '件', '（一）收到申请数', 3)
        >>> r.get("requests.closed.total") is None
        True
        """
        fallback = None
        for item in self.indicators:
            if item.id != id:
                continue
            if item.column == column:
                return item
            if column is None and item.column == "total":
                fallback = item
        return fallback

    def value(self, id: str, column: str | None = None) -> int | Decimal | None:  # noqa: A002
        """The number printed for ``(id, column)``, or ``None`` (blank, n/a, absent).

        Counts are ``int``, amounts ``Decimal``; a blank or not-applicable cell is ``None``,
        never 0 (:meth:`get` tells them apart by ``status``).

        >>> from govreport_parse import parse
        >>> page = "统计指标 | 单位 | 统计数\\n三、依申请公开情况 | |\\n（一）收到申请数 | 件 | 12"
        >>> r = parse(page)
        >>> r.value("requests.received")
        12
        >>> r.value("requests.received", "total")
        12
        >>> r.value("review", "total") is None
        True
        """
        item = self.get(id, column)
        return None if item is None else item.value

    def iter_records(self) -> Iterator[dict[str, Any]]:
        """Yield the long ("tidy") rows of :meth:`to_records` one at a time."""
        head = {
            "report_id": self.source.sha256,
            "path": self.source.path,
            "url": self.source.url,
            "agency": self.agency,
            "year": self.year,
            "format": self.format,
        }
        for item in self.indicators:
            yield {
                **head,
                "indicator": item.id,
                "column": item.column,
                "value": _number_to_json(item.value),
                "status": item.status,
                "unit": item.unit,
                "raw_label": item.raw_label,
                "raw_value": item.raw_value,
                "line": item.line,
            }

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per indicator value, with the report's identifying fields repeated.

        Keys: ``report_id`` (the sha256), ``path``, ``url``, ``agency``, ``year``, ``format``,
        ``indicator``, ``column``, ``value``, ``status``, ``unit``, ``raw_label``,
        ``raw_value``, ``line``. Values are JSON numbers (``int`` or ``float``), ready for
        pandas, CSV or SQL.

        >>> from govreport_parse import parse
        >>> page = "第二十条第（五）项 | | |\\n信息内容 | 本年处理决定数量\\n行政许可 | 3970"
        >>> rows = parse(page).to_records()
        >>> len(rows)
        1
        >>> {k: rows[0][k] for k in ("format", "indicator", "column", "value", "status")}
        {'format': 'fmt2021', 'indicator': 'proactive.licensing.decisions', 'column': None, \
'value': 3970, 'status': 'number'}
        """
        return list(self.iter_records())

    def errors(self) -> list[Issue]:
        """The issues of severity ``error``.

        >>> from govreport_parse import parse
        >>> [issue.code for issue in parse(b"").errors()]
        ['empty_input']
        """
        return [i for i in self.issues if i.severity == "error"]
