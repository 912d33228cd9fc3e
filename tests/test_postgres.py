"""PostgreSQL output against a real server (``GOVREPORT_TEST_POSTGRES_URL``).

The tests skip when the variable is unset, unless ``GOVREPORT_REQUIRE_POSTGRES`` is set (as CI
does), in which case a missing server fails them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_parse import Report, parse
from govreport_parse.batch import run_batch
from govreport_parse.exporters import database_url, read_records, report_id, write_sql
from govreport_parse.exporters._common import iter_report_records
from govreport_parse.exporters.to_sql import metadata

from ._batch_helpers import page
from .test_exporters import HOSTILE, reports


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The test server's URL, with the four tables dropped before and after each test."""
    url = os.environ.get("GOVREPORT_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("GOVREPORT_REQUIRE_POSTGRES"):
            pytest.fail("GOVREPORT_REQUIRE_POSTGRES is set but GOVREPORT_TEST_POSTGRES_URL is not")
        pytest.skip("GOVREPORT_TEST_POSTGRES_URL is not set")
    engine = sa.create_engine(database_url(url) or url)
    metadata.drop_all(engine)
    yield url
    metadata.drop_all(engine)
    engine.dispose()


def _query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(database_url(url) or url)
    try:
        with engine.connect() as conn:
            return sorted(tuple(r) for r in conn.execute(sa.text(sql), params))
    finally:
        engine.dispose()


def _report(path: str, received: int = 3) -> Report:
    report = parse(page(received))
    report.source.path = path
    return report


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(reports(), max_size=3))
def test_round_trip(pg_url: str, items: list[Report]) -> None:
    """Records written to PostgreSQL read back the same."""
    engine = sa.create_engine(database_url(pg_url) or pg_url)
    metadata.drop_all(engine)
    engine.dispose()
    last = {r.source.path if r.source.path is not None else report_id(r): r for r in items}
    write_sql(items, pg_url)
    expected = [row for r in last.values() for row in iter_report_records(r)]

    def key(row: dict[str, Any]) -> str:
        return repr(sorted((k, str(v)) for k, v in row.items()))

    assert sorted(read_records(pg_url), key=key) == sorted(expected, key=key)


def test_hostile_strings(pg_url: str) -> None:
    """Injection-shaped strings are stored verbatim and the tables survive."""
    items = []
    for text in HOSTILE:
        report = _report(text)
        report.agency = text
        items.append(report)
    assert write_sql(items, pg_url) == len(HOSTILE)
    assert _query(pg_url, "SELECT agency FROM reports") == sorted((t,) for t in HOSTILE)
    assert _query(pg_url, "SELECT count(*) FROM indicator_values") == [(10,)]


def test_batch_resume_and_jsonb(pg_url: str, tmp_path: Path) -> None:
    """A batch into PostgreSQL: re-run updates, resume skips, report_json is queryable JSONB."""
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(12):
            zf.writestr(f"{i}.txt", page(i))
    summary = run_batch([archive], pg_url, workers=2)
    assert (summary.parsed, summary.failed) == (12, 0)
    again = run_batch([archive], pg_url, workers=2)
    assert again.parsed == 12
    resumed = run_batch([archive], pg_url, workers=2, resume=True)
    assert (resumed.parsed, resumed.resumed) == (0, 12)
    assert _query(pg_url, "SELECT count(*) FROM reports") == [(12,)]
    assert _query(pg_url, "SELECT count(*) FROM indicator_values") == [(24,)]
    rows = _query(
        pg_url,
        "SELECT report_json->'source'->>'path', jsonb_typeof(report_json) FROM reports "
        "WHERE report_json->>'format' = :fmt AND path LIKE :pattern",
        fmt="legacy2014",
        pattern="%!1%",
    )
    assert rows == [
        (f"{archive}!1.txt", "object"),
        (f"{archive}!10.txt", "object"),
        (f"{archive}!11.txt", "object"),
    ]


def test_cli_into_postgres(pg_url: str, tmp_path: Path) -> None:
    """The command line writes to a postgresql:// URL and hides the password in its summary."""
    (tmp_path / "a.txt").write_text(page(8), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "govreport_parse", "batch", str(tmp_path), "--out", pg_url],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    url = sa.make_url(database_url(pg_url) or pg_url)
    assert f"  reports:  1 → {url.render_as_string(hide_password=True)}" in result.stderr
    if url.password:
        assert f":{url.password}@" not in result.stderr
    assert _query(pg_url, "SELECT path, year, format FROM reports") == [
        (str(tmp_path / "a.txt"), None, "legacy2014")
    ]
