"""Dask integration: archives → a bag of Reports → a dataframe of records, on any cluster.

Needs the ``dask`` extra. The same code runs on the local scheduler, a
``dask.distributed.LocalCluster`` and a real cluster: connect a
:class:`distributed.Client` first and every computation goes there::

    from dask.distributed import Client
    from govreport_parse.dask_support import read_reports, records_frame

    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster())
    reports = read_reports(["s3://bucket/crawl-00.warc.gz", ...])  # paths the workers can open
    frame = records_frame(reports)
    frame.to_parquet("s3://bucket/records/")

Each input path is one task, read where the task runs: the workers need the paths (a shared
file system, or the same mount on every machine) and this package with its extras installed.
Split big crawls into many archives for parallelism. Per-page timeouts are not enforced here
(use :func:`govreport_parse.batch.run_batch` on each machine for that); inputs that cannot be
read are kept as :class:`~govreport_parse.exporters.Failure` values by :func:`read_outcomes`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._extras import require
from .archive import DEFAULT_MAX_MEMBER_BYTES, iter_members
from .exporters import RECORD_COLUMNS, Failure
from .exporters._common import iter_report_records
from .models import Report
from .pipeline import parse

if TYPE_CHECKING:
    import dask.bag as db
    import dask.dataframe as dd

__all__ = ["parse_path", "read_outcomes", "read_reports", "records_frame"]


def _bag_module() -> Any:
    return require("dask.bag", "dask", "the Dask integration")


def parse_path(
    path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_MEMBER_BYTES
) -> list[Report | Failure]:
    """Every page of one input (file, directory or archive) as a report or a failure."""
    outcomes: list[Report | Failure] = []
    for member in iter_members([path], max_bytes=max_bytes):
        if member.error is not None:
            outcomes.append(
                Failure(path=member.path, kind=member.kind or "unreadable", error=member.error)
            )
            continue
        try:
            report = parse(member.data or b"", url=member.url, encoding=member.encoding)
            report.source.path = member.path
            outcomes.append(report)
        except Exception as exc:  # the parser is not supposed to raise; keep the page anyway
            outcomes.append(
                Failure(path=member.path, kind="error", error=f"{type(exc).__name__}: {exc}")
            )
    return outcomes


def read_outcomes(
    paths: Sequence[str | os.PathLike[str]] | db.Bag,
    *,
    max_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
) -> db.Bag:
    """A bag of :class:`~govreport_parse.models.Report` and ``Failure`` values, one per page.

    ``paths`` is a list of input paths (one partition each) or a bag of them.
    """
    bag_mod = _bag_module()
    bag: Any
    if isinstance(paths, bag_mod.Bag):
        bag = paths
    else:
        names = [os.fspath(p) for p in paths]
        bag = bag_mod.from_sequence(names, npartitions=max(1, len(names)))
    outcomes: db.Bag = bag.map(parse_path, max_bytes=max_bytes).flatten()
    return outcomes


def read_reports(
    paths: Sequence[str | os.PathLike[str]] | db.Bag,
    *,
    max_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
) -> db.Bag:
    """A bag of :class:`~govreport_parse.models.Report`, one per page that could be read."""
    outcomes: Any = read_outcomes(paths, max_bytes=max_bytes)
    reports: db.Bag = outcomes.filter(lambda o: isinstance(o, Report))
    return reports


def _records(reports: Iterable[Report]) -> list[dict[str, Any]]:
    return [row for report in reports for row in iter_report_records(report)]


def records_frame(reports: db.Bag) -> dd.DataFrame:
    """The long records (one row per indicator value) of a bag of reports, as a Dask dataframe.

    Columns and ``report_id`` are those of every other output (see
    :data:`~govreport_parse.exporters.RECORD_COLUMNS`).
    """
    pd = require("pandas", "dask", "the Dask integration")
    types = {"year": "Int64", "line": "Int64", "value": "float64"}
    meta = pd.DataFrame(
        {column: pd.Series(dtype=types.get(column, "string")) for column in RECORD_COLUMNS}
    )
    bag: Any = reports
    frame: dd.DataFrame = bag.map_partitions(_records).to_dataframe(meta=meta)
    return frame
