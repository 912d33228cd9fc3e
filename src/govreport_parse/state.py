"""The working state handed from stage to stage of the pipeline.

Each stage of :mod:`govreport_parse.pipeline` reads what earlier stages put on a
:class:`Document` and adds its own part; :mod:`govreport_parse.build` turns the finished state into
the output :class:`~govreport_parse.models.Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .models import Format, IndicatorValue, Issue, Section, Severity, UnmappedRow
from .taxonomy import RowDef
from .tokens import Cell, Page, PageKind

__all__ = ["Document", "HeaderInfo", "RawRow"]


@dataclass(slots=True)
class HeaderInfo:
    """What the header stage found: metadata fields and the report's identity."""

    fields: dict[str, str] = field(default_factory=dict)
    index_number: str | None = None
    category: str | None = None
    publisher: str | None = None
    document_number: str | None = None
    written_date: date | None = None
    published_date: date | None = None
    title: str | None = None
    agency: str | None = None
    year: int | None = None


@dataclass(slots=True)
class RawRow:
    """A table row as assembled by the tables stage, before its cells become values."""

    table: str
    """Table key of the layout (``legacy``, ``t2``, ``t3``, ``t4``)."""

    row_def: RowDef | None
    """The layout row, or ``None`` when the label matched nothing."""

    label_cells: list[Cell]
    """The cells that make up the row label (group label cells included)."""

    values: list[Cell]
    """The value cells in column order (blanks included)."""

    line: int
    """Line of the first label cell (or of the first value for a row without label)."""

    header: list[Cell] | None = None
    """The value part of the header row printed above (表二), to align shifted columns."""

    glued: str | None = None
    """The digits of a cell whose values were printed without separators, if so."""

    unreadable: bool = False
    """True when the tables stage could not split the row's cells (ambiguous glued digits)."""

    columns: list[str] | None = None
    """Column keys assigned to ``values`` (same length), once the layout is known."""

    note: str | None = None
    """Why the row was placed as it was, when evidence rather than position decided."""

    @property
    def raw_label(self) -> str:
        return " ".join(c.text for c in self.label_cells if c.text)


@dataclass(slots=True)
class Document:
    """Everything known about one input while it goes through the pipeline."""

    data: bytes
    text: str = ""
    kind: PageKind = "text"
    encoding: str | None = None
    path: str | None = None
    url: str | None = None
    sha256: str = ""
    page: Page | None = None
    header: HeaderInfo = field(default_factory=HeaderInfo)
    sections: list[Section] = field(default_factory=list)
    format: Format = "unknown"
    rows: list[RawRow] = field(default_factory=list)
    indicators: list[IndicatorValue] = field(default_factory=list)
    unmapped: list[UnmappedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    preparsed: object | None = None
    """An lxml element or soup given by the caller instead of markup."""

    def issue(
        self,
        code: str,
        message: str,
        severity: Severity = "warning",
        *,
        indicator: str | None = None,
        column: str | None = None,
        line: int | None = None,
        rule: str | None = None,
    ) -> None:
        """Record an :class:`~govreport_parse.models.Issue`."""
        self.issues.append(
            Issue.model_construct(
                code=code,
                severity=severity,
                message=message,
                indicator=indicator,
                column=column,
                line=line,
                rule=rule,
            )
        )
