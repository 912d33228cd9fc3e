"""One archive as scraped: hundreds of pages and a few bad members, every one accounted for."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from govreport_parse.batch import run_batch

from ._batch_helpers import page

PAGES = 300


def _archive(path: Path) -> int:
    """A zip of report pages, random bytes, an empty member and a 6 MB page of pipes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(PAGES):
            zf.writestr(f"pages/{i:04d}.txt", page(i, i + 1))
        zf.writestr("junk/random.html", os.urandom(4096))
        zf.writestr("junk/empty.txt", b"")
        zf.writestr("junk/pipes.txt", b"|" * (6 * 1024 * 1024))
    return PAGES + 3


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        (n,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(n)


def test_every_member_ends_as_one_row_and_resume_adds_none(tmp_path: Path) -> None:
    """reports + failures = inputs; a resumed run over the same archive adds no row."""
    archive = tmp_path / "crawl.zip"
    inputs = _archive(archive)
    db = tmp_path / "out.sqlite"

    first = run_batch([archive], db, workers=2)
    assert first.parsed + first.failed == inputs
    assert _count(db, "reports") + _count(db, "failures") == inputs
    with sqlite3.connect(db) as conn:
        received = conn.execute(
            "SELECT count(*), sum(value) FROM indicator_values "
            "WHERE indicator = 'requests.received' AND status = 'number'"
        ).fetchone()
    assert received == (PAGES, sum(range(PAGES)))

    counts = {t: _count(db, t) for t in ("reports", "failures", "indicator_values", "issues")}
    again = run_batch([archive], db, workers=2, resume=True)
    assert (again.parsed, again.resumed) == (0, inputs)
    assert {t: _count(db, t) for t in counts} == counts


def test_parquet_has_one_row_per_value_and_reads_in_pyarrow_and_duckdb(tmp_path: Path) -> None:
    """The Parquet records match the database's indicator_values, row for row."""
    archive = tmp_path / "crawl.zip"
    _archive(archive)
    db, parquet = tmp_path / "out.sqlite", tmp_path / "records.parquet"
    run_batch([archive], db, workers=2)
    run_batch([archive], parquet, workers=2)

    table = pq.read_table(parquet)
    assert table.num_rows == _count(db, "indicator_values")
    # duckdb.sql returns None only for statements that produce no result set, never a SELECT.
    relation = duckdb.sql(
        f"SELECT count(*), sum(value) FROM read_parquet('{parquet}') "
        "WHERE indicator = 'requests.received' AND status = 'number'"
    )
    assert relation is not None
    found = relation.fetchall()
    assert found == [(PAGES, sum(range(PAGES)))]
