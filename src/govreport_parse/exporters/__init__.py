"""Exporters: stream reports to JSON Lines, CSV, Parquet or a SQL database.

Each ``to_*`` module has a ``write_*`` function taking an ``Iterable[Report]`` and a destination,
and a sink class used by batch runs. :func:`open_sink` picks the sink from the form of the output:

==================================  ==========================================================
``reports.jsonl``                   one Report (JSON) per line
``reports.csv``                     the long records, one row per indicator value
``reports.parquet``                 the same records (needs the ``parquet`` extra)
``reports.sqlite``, ``sqlite:///…``  tables reports, indicator_values, issues, failures
``postgresql://…``                  the same tables (needs the ``postgres`` extra)
==================================  ==========================================================
"""

from __future__ import annotations

import os

from ._common import RECORD_COLUMNS, Failure, Outcome, Parsed, Sink, input_id, report_id
from .to_csv import read_csv, write_csv
from .to_jsonl import read_jsonl, write_jsonl
from .to_parquet import read_parquet, write_parquet
from .to_sql import database_url, read_records, write_sql

__all__ = [
    "FORMATS",
    "RECORD_COLUMNS",
    "Failure",
    "Outcome",
    "Parsed",
    "Sink",
    "database_url",
    "input_id",
    "open_sink",
    "output_format",
    "read_csv",
    "read_jsonl",
    "read_parquet",
    "read_records",
    "report_id",
    "write_csv",
    "write_jsonl",
    "write_parquet",
    "write_sql",
]

#: The output formats, by the suffix or URL scheme that selects them.
FORMATS = ("jsonl", "csv", "parquet", "sqlite", "postgresql")


def output_format(out: str | os.PathLike[str]) -> str:
    """The format an output spec selects; ``ValueError`` naming the valid forms otherwise.

    >>> output_format("out/r.parquet"), output_format("sqlite:///x.db"), output_format("a.JSONL")
    ('parquet', 'sqlite', 'jsonl')
    """
    spec = os.fspath(out)
    url = database_url(spec)
    if url is not None:
        return "postgresql" if url.startswith("postgresql") else "sqlite"
    lower = spec.lower()
    for suffix in ("jsonl", "csv", "parquet"):
        if lower.endswith("." + suffix):
            return suffix
    raise ValueError(
        f"cannot tell the output format of {spec!r}: use a name ending in .jsonl, .csv, "
        ".parquet or .sqlite, or a sqlite:/// or postgresql:// URL"
    )


def open_sink(out: str | os.PathLike[str]) -> Sink:
    """The batch sink for an output spec (a file name or a database URL)."""
    spec = os.fspath(out)
    fmt = output_format(spec)
    if fmt == "jsonl":
        from .to_jsonl import JsonlSink

        return JsonlSink(spec)
    if fmt == "csv":
        from .to_csv import CsvSink

        return CsvSink(spec)
    if fmt == "parquet":
        from .to_parquet import ParquetSink

        return ParquetSink(spec)
    from .to_sql import SqlSink

    return SqlSink(database_url(spec) or spec)
