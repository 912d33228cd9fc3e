"""Batch runs: nothing lost, nothing doubled — through timeouts, crashes, kills and re-runs."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govreport_parse.batch import run_batch
from govreport_parse.cli import cli
from govreport_parse.exporters import read_csv, read_jsonl, read_parquet, report_id

from ._batch_helpers import bulky_parse, misbehaving_parse, page

ROOT = Path(__file__).resolve().parents[1]


def _pages(directory: Path, count: int, start: int = 0) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = directory / f"p{i:05d}.txt"
        path.write_text(page(i, i + 1), encoding="utf-8")
        paths.append(path)
    return paths


def _rows(db: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(query).fetchall())


def _snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Everything stored, without the times of writing."""
    return {
        "reports": _rows(db, "SELECT report_id, path, sha256, format, n_indicators FROM reports"),
        "values": _rows(
            db,
            'SELECT report_id, path, indicator, "column", value, status, raw_value, line '
            "FROM indicator_values",
        ),
        "issues": _rows(db, "SELECT report_id, code, message FROM issues"),
        "failures": _rows(db, "SELECT path, kind, error FROM failures"),
    }


class TestRun:
    def test_every_page_once(self, tmp_path: Path) -> None:
        """Directory and zip pages each end as one report with their numbers."""
        _pages(tmp_path / "in", 5)
        archive = tmp_path / "more.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("a/x.txt", page(100))
            zf.writestr("a/y.html", page(101))
        db = tmp_path / "out.sqlite"
        summary = run_batch([tmp_path / "in", archive], db, workers=2)
        assert (summary.parsed, summary.failed, summary.resumed) == (7, 0, 0)
        assert summary.formats == {"legacy2014": 7}
        rows = _rows(
            db,
            "SELECT r.path, v.value FROM reports r JOIN indicator_values v USING (report_id) "
            "WHERE v.indicator = 'requests.received'",
        )
        expected = [(str(tmp_path / "in" / f"p{i:05d}.txt"), float(i)) for i in range(5)]
        expected += [(f"{archive}!a/x.txt", 100.0), (f"{archive}!a/y.html", 101.0)]
        assert rows == sorted(expected)

    def test_timeout_crash_and_error_are_failures(self, tmp_path: Path) -> None:
        """A hanging page, a crashing page and a raising page fail alone; the rest parse."""
        inputs = _pages(tmp_path / "in", 6)
        for name, marker in [("hang", "HANG"), ("crash", "CRASH"), ("raise", "RAISE")]:
            (tmp_path / "in" / f"{name}.txt").write_text(page(1) + marker, encoding="utf-8")
        db = tmp_path / "out.sqlite"
        summary = run_batch(
            [tmp_path / "in"], db, workers=2, timeout=1.5, worker_fn=misbehaving_parse
        )
        assert (summary.parsed, summary.failed) == (len(inputs), 3)
        assert _rows(db, "SELECT path, kind, error FROM failures") == [
            (
                str(tmp_path / "in" / "crash.txt"),
                "crash",
                "the worker process died (exit code 7)",
            ),
            (
                str(tmp_path / "in" / "hang.txt"),
                "timeout",
                "no result within 1.5 s; the worker was stopped",
            ),
            (
                str(tmp_path / "in" / "raise.txt"),
                "error",
                "RuntimeError: the parser gave up",
            ),
        ]
        assert _rows(db, "SELECT path FROM reports") == [(str(p),) for p in inputs]

    def test_big_pages_and_big_results_do_not_block(self, tmp_path: Path) -> None:
        """Megabytes of pages one way and of results the other never fill both pipes at once."""
        archive = tmp_path / "big.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for i in range(30):
                zf.writestr(f"{i}.txt", page(i) + "\n" + "数" * 200_000)
        outcome: dict[str, Any] = {}

        def run() -> None:
            outcome["summary"] = run_batch(
                [archive], tmp_path / "o.jsonl", workers=1, worker_fn=bulky_parse
            )

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(120)
        assert not thread.is_alive(), "the batch run is stuck"
        assert (outcome["summary"].parsed, outcome["summary"].failed) == (30, 0)

    def test_too_large_member_is_a_failure(self, tmp_path: Path) -> None:
        """A member over the size cap is recorded with its size, never parsed."""
        _pages(tmp_path / "in", 2)
        (tmp_path / "in" / "big.html").write_text("x" * 5000, encoding="utf-8")
        db = tmp_path / "o.sqlite"
        summary = run_batch([tmp_path / "in"], db, workers=1, max_bytes=4000)
        assert (summary.parsed, summary.failed) == (2, 1)
        assert _rows(db, "SELECT kind, error FROM failures") == [
            ("too_large", "member of 5000 bytes exceeds the cap of 4000 bytes")
        ]

    def test_rerun_updates_and_resume_skips(self, tmp_path: Path) -> None:
        """Re-running replaces rows; --resume skips recorded inputs and parses only new ones."""
        _pages(tmp_path / "in", 20)
        db = tmp_path / "o.sqlite"
        run_batch([tmp_path / "in"], db, workers=2)
        first = _snapshot(db)
        again = run_batch([tmp_path / "in"], db, workers=2)
        assert (again.parsed, again.resumed) == (20, 0)
        assert _snapshot(db) == first
        _pages(tmp_path / "in", 3, start=20)
        resumed = run_batch([tmp_path / "in"], db, workers=2, resume=True)
        assert (resumed.parsed, resumed.resumed, resumed.failed) == (3, 20, 0)
        assert len(_snapshot(db)["reports"]) == 23

    def test_changed_file_replaces_its_row(self, tmp_path: Path) -> None:
        """A file edited between runs keeps one row: the new content under a new report_id."""
        (path,) = _pages(tmp_path / "in", 1)
        db = tmp_path / "o.sqlite"
        run_batch([path], db, workers=1)
        path.write_text(page(555), encoding="utf-8")
        run_batch([path], db, workers=1, resume=True)
        rows = _rows(
            db,
            "SELECT r.path, v.value FROM reports r JOIN indicator_values v USING (report_id) "
            "WHERE indicator = 'requests.received'",
        )
        assert rows == [(str(path), 555.0)]

    def test_file_outputs(self, tmp_path: Path) -> None:
        """JSONL holds the reports, CSV and Parquet their records, in any order."""
        inputs = _pages(tmp_path / "in", 4)
        results = {}
        for name in ("r.jsonl", "r.csv", "r.parquet"):
            summary = run_batch(inputs, tmp_path / name, workers=2)
            assert (summary.parsed, summary.failed) == (4, 0)
        reports = read_jsonl(tmp_path / "r.jsonl")
        assert sorted(r.source.path or "" for r in reports) == [str(p) for p in inputs]
        results["csv"] = list(read_csv(tmp_path / "r.csv"))
        results["parquet"] = read_parquet(tmp_path / "r.parquet")
        expected = sorted(
            (report_id(r), row["indicator"], row["value"])
            for r in reports
            for row in r.iter_records()
        )
        for rows in results.values():
            assert sorted((r["report_id"], r["indicator"], r["value"]) for r in rows) == expected
        assert not (tmp_path / "r.failures.jsonl").exists()

    def test_resume_needs_a_database(self, tmp_path: Path) -> None:
        """Resuming into a file output is refused: files are written whole."""
        with pytest.raises(ValueError) as info:
            run_batch([], tmp_path / "r.csv", resume=True)
        assert str(info.value) == (
            f"--resume needs a database output; {tmp_path / 'r.csv'} is a file written whole"
        )


class TestCli:
    def test_summary_and_exit_zero(self, tmp_path: Path) -> None:
        """All parsed: exit 0 and a summary on stderr naming the output and the formats."""
        _pages(tmp_path / "in", 3)
        db = tmp_path / "o.sqlite"
        result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in"), "-o", str(db), "-j", "1"])
        assert result.exit_code == 0, result.output
        lines = result.stderr.splitlines()
        assert lines[0].startswith("3 pages in ")
        assert lines[1:] == [
            f"  reports:  3 → sqlite:///{db}",
            "            by format: legacy2014 3",
            "  failures: none",
        ]
        assert result.stdout == ""

    def test_failures_exit_one_and_show_where(self, tmp_path: Path) -> None:
        """Some failed: exit 1, failure count by kind, where they are, and examples."""
        _pages(tmp_path / "in", 2)
        big = tmp_path / "in" / "big.txt"
        big.write_text("x" * 300, encoding="utf-8")
        out = tmp_path / "o.jsonl"
        args = ["batch", str(tmp_path / "in"), "--out", str(out), "--max-bytes", "200"]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines()[3:] == [
            f"  failures: 1 (too_large 1) → {tmp_path / 'o.failures.jsonl'}",
            f"            {big}: member of 300 bytes exceeds the cap of 200 bytes",
        ]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--out", "x.xlsx"], "cannot tell the output format of 'x.xlsx'"),
            (["--out", "x.csv", "--resume"], "--resume needs a database output"),
            (["--workers", "0"], "0 is not in the range x>=1"),
            (["--timeout", "-1"], "-1.0 is not in the range x>=0"),
        ],
    )
    def test_usage_errors_exit_two(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
    ) -> None:
        """Bad options are usage errors: exit 2 with the reason."""
        _pages(tmp_path / "in", 1)
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["batch", str(tmp_path / "in"), *args])
        assert result.exit_code == 2
        assert message in result.stderr

    def test_missing_input_is_a_usage_error(self, tmp_path: Path) -> None:
        """An input that does not exist: exit 2."""
        result = CliRunner().invoke(cli, ["batch", str(tmp_path / "nope")])
        assert result.exit_code == 2
        assert "does not exist" in result.stderr

    def test_default_output_in_working_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --out the reports go to reports.sqlite in the working directory."""
        (page_path,) = _pages(tmp_path / "in", 1)
        monkeypatch.chdir(tmp_path)
        result = CliRunner().invoke(cli, ["batch", str(page_path), "-q"])
        assert result.exit_code == 0
        assert result.stderr == ""
        assert _rows(tmp_path / "reports.sqlite", "SELECT path FROM reports") == [(str(page_path),)]

    def test_hostile_member_names(self, tmp_path: Path) -> None:
        """SQL-like and ../ member names are stored as data; nothing lands outside OUT."""
        names = ["x'; DROP TABLE reports; --.html", "../../../escape.html", "/abs/evil.txt"]
        archive = tmp_path / "in" / "evil.zip"
        archive.parent.mkdir()
        with zipfile.ZipFile(archive, "w") as zf:
            for i, name in enumerate(names):
                zf.writestr(name, page(i))
        out_dir = tmp_path / "out"
        before = sorted(tmp_path.rglob("*"))
        result = CliRunner().invoke(cli, ["batch", str(archive), "-o", str(out_dir / "r.sqlite")])
        assert result.exit_code == 0, result.output
        created = sorted(set(tmp_path.rglob("*")) - set(before))
        assert all(p == out_dir or p.parent == out_dir for p in created)
        assert _rows(out_dir / "r.sqlite", "SELECT path FROM reports") == sorted(
            (f"{archive}!{n}",) for n in names
        )


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "govreport_parse", "batch", *args]


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as conn:
            return int(conn.execute("SELECT count(*) FROM reports").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killed_run_resumes_to_the_same_database(tmp_path: Path, sig: signal.Signals) -> None:
    """Kill a real batch process mid-way, resume it: the database equals an uninterrupted run."""
    archive = tmp_path / "pages.zip"
    total = 1500
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(total):
            zf.writestr(f"site/{i:05d}.txt", page(i, i % 7))
        zf.writestr("site/big.txt", "x" * 3000)
    limit = "2000"
    reference = tmp_path / "reference.sqlite"
    done = subprocess.run(
        _cli(str(archive), "-o", str(reference), "-j", "2", "--max-bytes", limit, "-q"),
        check=False,
    )
    assert done.returncode == 1  # the one oversized member

    db = tmp_path / "killed.sqlite"
    process = subprocess.Popen(
        _cli(str(archive), "-o", str(db), "-j", "2", "--max-bytes", limit, "-q")
    )
    deadline = time.monotonic() + 60
    while _count(db) == 0 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    os.kill(process.pid, sig)
    code = process.wait(30)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130)
    stored = _count(db)
    assert 0 < stored < total  # really interrupted mid-way

    resumed = subprocess.run(
        _cli(str(archive), "-o", str(db), "-j", "2", "--max-bytes", limit, "--resume"),
        check=False,
        capture_output=True,
        text=True,
    )
    assert resumed.returncode in (0, 1), resumed.stderr
    assert f"  resumed:  {stored:,} already recorded, skipped" in resumed.stderr.splitlines()
    assert _snapshot(db) == _snapshot(reference)
    assert len(_snapshot(db)["reports"]) == total
    assert json.loads(json.dumps(_snapshot(db)["failures"])) == [
        [
            f"{archive}!site/big.txt",
            "too_large",
            "member of 3000 bytes exceeds the cap of 2000 bytes",
        ]
    ]
