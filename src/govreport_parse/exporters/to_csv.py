"""CSV: the long records of the output contract, one row per indicator value.

Empty fields stand for null: a string column written as ``""`` reads back as ``None`` (as in
pandas and DuckDB). Numbers are written as printed by Python (``12``, ``3.5``).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, Final

from ..models import Report
from ._common import RECORD_COLUMNS, Parsed
from ._files import AtomicFile, FileSink

__all__ = ["CsvSink", "read_csv", "write_csv"]

_INT_COLUMNS: Final = frozenset({"year", "line"})
_TEXT_COLUMNS: Final = frozenset({"raw_label", "raw_value"})


def _cell(value: Any) -> Any:
    return "" if value is None else value


def _write_records(writer: Any, records: Iterable[tuple[Any, ...]]) -> int:
    rows = 0
    for record in records:
        writer.writerow([_cell(v) for v in record])
        rows += 1
    return rows


def write_csv(reports: Iterable[Report], fp: IO[str], *, header: bool = True) -> int:
    """Write the records of ``reports`` as CSV rows; return the number of rows."""
    writer = csv.writer(fp)
    if header:
        writer.writerow(RECORD_COLUMNS)
    return sum(_write_records(writer, Parsed.from_report(r).records) for r in reports)


def _typed(column: str, text: str) -> Any:
    if text == "":
        return "" if column in _TEXT_COLUMNS else None
    if column in _INT_COLUMNS:
        return int(text)
    if column == "value":
        return float(text) if any(c in text for c in ".eEn") else int(text)
    return text


def read_csv(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Read records back from a CSV file written by :func:`write_csv`, with their types."""
    with open(path, encoding="utf-8", newline="") as fp:
        reader = csv.reader(fp)
        columns = next(reader)
        for row in reader:
            yield {c: _typed(c, v) for c, v in zip(columns, row, strict=True)}


class CsvSink(FileSink):
    """Batch output to a ``.csv`` file of records."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        super().__init__(out)
        self._file = AtomicFile(out)
        csv.writer(self._file.fp).writerow(RECORD_COLUMNS)

    def write_reports(self, parsed: list[Parsed]) -> None:
        writer = csv.writer(self._file.fp)
        for item in parsed:
            _write_records(writer, item.records)

    def finish_reports(self, complete: bool) -> None:
        if complete:
            self._file.commit()
        else:
            self._file.abort()
