"""Parquet: the long records of the output contract, written in row groups as they come.

Needs the ``parquet`` extra (pyarrow). Memory stays bounded by one row group.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

from .._extras import require
from ..models import Report
from ._common import RECORD_COLUMNS, Parsed
from ._files import AtomicFile, FileSink

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.parquet as pq

__all__ = ["ParquetSink", "read_parquet", "records_schema", "write_parquet"]

#: Rows buffered before a row group is written.
ROW_GROUP_ROWS: Final = 65_536


def _pyarrow() -> tuple[Any, Any]:
    pa_mod = require("pyarrow", "parquet", "writing Parquet")
    pq_mod = require("pyarrow.parquet", "parquet", "writing Parquet")
    return pa_mod, pq_mod


def records_schema() -> pa.Schema:
    """The Arrow schema of the records (``value`` is float64: counts and 万元 amounts alike)."""
    pa_mod, _ = _pyarrow()
    types = {"year": pa_mod.int32(), "line": pa_mod.int32(), "value": pa_mod.float64()}
    return pa_mod.schema([(c, types.get(c, pa_mod.string())) for c in RECORD_COLUMNS])


class _Writer:
    """Buffer records and write them as row groups of one Parquet file."""

    def __init__(self, where: Any) -> None:
        pa_mod, pq_mod = _pyarrow()
        self._pa = pa_mod
        self.schema = records_schema()
        self._writer: pq.ParquetWriter = pq_mod.ParquetWriter(
            where, self.schema, compression="zstd"
        )
        self._columns: dict[str, list[Any]] = {c: [] for c in RECORD_COLUMNS}
        self._buffered = 0
        self.rows = 0

    def add(self, records: list[tuple[Any, ...]]) -> None:
        columns = list(self._columns.values())
        for record in records:
            for values, value in zip(columns, record, strict=True):
                values.append(value)
        self._buffered += len(records)
        if self._buffered >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self._buffered:
            return
        table = self._pa.Table.from_pydict(self._columns, schema=self.schema)
        self._writer.write_table(table)
        self.rows += self._buffered
        self._columns = {c: [] for c in RECORD_COLUMNS}
        self._buffered = 0

    def close(self) -> None:
        self.flush()
        self._writer.close()


def write_parquet(reports: Iterable[Report], path: str | os.PathLike[str]) -> int:
    """Write the records of ``reports`` to a Parquet file; return the number of rows."""
    writer = _Writer(os.fspath(path))
    for report in reports:
        writer.add(Parsed.from_report(report).records)
    writer.close()
    return writer.rows


def read_parquet(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read records back from a Parquet file written by :func:`write_parquet`."""
    _, pq_mod = _pyarrow()
    rows: list[dict[str, Any]] = pq_mod.read_table(os.fspath(path)).to_pylist()
    return rows


class ParquetSink(FileSink):
    """Batch output to a ``.parquet`` file of records."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        _pyarrow()  # fail on a missing extra before anything is created
        super().__init__(out)
        self._file = AtomicFile(out, "wb")
        self._writer = _Writer(self._file.fp)

    def write_reports(self, parsed: list[Parsed]) -> None:
        for item in parsed:
            self._writer.add(item.records)

    def finish_reports(self, complete: bool) -> None:
        self._writer.close()  # also when abandoning: the writer must let go of the file
        if complete:
            self._file.commit()
        else:
            self._file.abort()
