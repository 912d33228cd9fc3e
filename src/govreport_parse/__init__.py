"""govreport-parse: scraped 政府信息公开工作年度报告 pages → structured, traceable data."""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version

from .exceptions import (
    DecodeError,
    GovReportError,
    GovReportWarning,
    InputTooLargeError,
    SumMismatchError,
    TableError,
    TaxonomyError,
    UnknownLabelWarning,
)
from .models import IndicatorValue, Issue, Metadata, Report, Section, Source, UnmappedRow
from .pipeline import parse

try:
    __version__ = version("govreport-parse")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "DecodeError",
    "GovReportError",
    "GovReportWarning",
    "IndicatorValue",
    "InputTooLargeError",
    "Issue",
    "Metadata",
    "Report",
    "Section",
    "Source",
    "SumMismatchError",
    "TableError",
    "TaxonomyError",
    "UnknownLabelWarning",
    "UnmappedRow",
    "__version__",
    "parse",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
