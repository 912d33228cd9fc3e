"""Dask integration on a real multi-process local cluster."""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from govreport_parse import Report, parse
from govreport_parse.exporters import RECORD_COLUMNS, Failure, report_id

from ._batch_helpers import page

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
from govreport_parse.dask_support import read_outcomes, read_reports, records_frame  # noqa: E402

if TYPE_CHECKING:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

# Dask leaves the methods of its collections (compute, filter, to_parquet) unannotated: the
# helpers below are the tests' only calls into them, and give each result its type.


def _compute_bag(bag: db.Bag) -> list[Any]:
    lazy: Any = bag
    items: list[Any] = lazy.compute()
    return items


def _compute_frame(frame: dd.DataFrame) -> pd.DataFrame:
    lazy: Any = frame
    computed: pd.DataFrame = lazy.compute()
    return computed


def _filter(bag: db.Bag, predicate: Callable[[Any], bool]) -> db.Bag:
    lazy: Any = bag
    kept: db.Bag = lazy.filter(predicate)
    return kept


def _to_parquet(frame: dd.DataFrame, path: Path) -> None:
    lazy: Any = frame
    lazy.to_parquet(path)


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A two-process LocalCluster, as a real cluster would run the tasks (pickled, remote)."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def _inputs(tmp_path: Path) -> list[Path]:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(5):
            zf.writestr(f"{i}.txt", page(i))
        zf.writestr("big.txt", "x" * 5000)
    loose = tmp_path / "loose.txt"
    loose.write_text(page(42), encoding="utf-8")
    return [archive, loose]


def test_parse_is_picklable() -> None:
    """``parse`` pickles by reference, so tasks can ship it to any worker."""
    assert pickle.loads(pickle.dumps(parse)) is parse


def test_reports_and_records_on_a_local_cluster(client: object, tmp_path: Path) -> None:
    """Paths → bag of Reports → dataframe of records, computed on the cluster's processes."""
    inputs = _inputs(tmp_path)
    reports: list[Report] = _compute_bag(read_reports(inputs, max_bytes=4000))
    assert sorted(r.source.path or "" for r in reports) == sorted(
        [f"{inputs[0]}!{i}.txt" for i in range(5)] + [str(inputs[1])]
    )
    frame = _compute_frame(records_frame(read_reports(inputs, max_bytes=4000)))
    assert tuple(frame.columns) == RECORD_COLUMNS
    received = frame[frame["indicator"] == "requests.received"]
    assert sorted(zip(received["path"], received["value"], strict=True)) == sorted(
        [(f"{inputs[0]}!{i}.txt", float(i)) for i in range(5)] + [(str(inputs[1]), 42.0)]
    )
    by_path = {r.source.path: report_id(r) for r in reports}
    assert all(by_path[p] == rid for p, rid in zip(frame["path"], frame["report_id"], strict=True))
    _to_parquet(records_frame(read_reports(inputs, max_bytes=4000)), tmp_path / "records")
    import pandas as pd

    assert len(pd.read_parquet(tmp_path / "records")) == len(frame)


def test_failures_are_kept(client: object, tmp_path: Path) -> None:
    """Members that cannot be read come back as Failure values, not lost."""
    inputs = _inputs(tmp_path)
    failures: list[Failure] = _compute_bag(
        _filter(read_outcomes(inputs, max_bytes=4000), lambda o: isinstance(o, Failure))
    )
    assert [(f.path, f.kind) for f in failures] == [(f"{inputs[0]}!big.txt", "too_large")]
