"""Dask integration on a real multi-process local cluster."""

from __future__ import annotations

import pickle
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from govreport_parse import parse
from govreport_parse.exporters import RECORD_COLUMNS, Failure, report_id

from ._batch_helpers import page

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
from govreport_parse.dask_support import read_outcomes, read_reports, records_frame  # noqa: E402


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
    reports = read_reports(inputs, max_bytes=4000).compute()
    assert sorted(r.source.path or "" for r in reports) == sorted(
        [f"{inputs[0]}!{i}.txt" for i in range(5)] + [str(inputs[1])]
    )
    frame = records_frame(read_reports(inputs, max_bytes=4000)).compute()
    assert tuple(frame.columns) == RECORD_COLUMNS
    received = frame[frame["indicator"] == "requests.received"]
    assert sorted(zip(received["path"], received["value"], strict=True)) == sorted(
        [(f"{inputs[0]}!{i}.txt", float(i)) for i in range(5)] + [(str(inputs[1]), 42.0)]
    )
    by_path = {r.source.path: report_id(r) for r in reports}
    assert all(by_path[p] == rid for p, rid in zip(frame["path"], frame["report_id"], strict=True))
    records_frame(read_reports(inputs, max_bytes=4000)).to_parquet(tmp_path / "records")
    import pandas as pd

    assert len(pd.read_parquet(tmp_path / "records")) == len(frame)


def test_failures_are_kept(client: object, tmp_path: Path) -> None:
    """Members that cannot be read come back as Failure values, not lost."""
    inputs = _inputs(tmp_path)
    failures = (
        read_outcomes(inputs, max_bytes=4000).filter(lambda o: isinstance(o, Failure)).compute()
    )
    assert [(f.path, f.kind) for f in failures] == [(f"{inputs[0]}!big.txt", "too_large")]
