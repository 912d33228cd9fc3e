"""Exporters: what is written reads back as the same rows, in every format."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_parse import IndicatorValue, Issue, Report, Source, parse
from govreport_parse._extras import MissingExtraError
from govreport_parse.exporters import (
    RECORD_COLUMNS,
    Failure,
    Parsed,
    open_sink,
    output_format,
    read_csv,
    read_jsonl,
    read_parquet,
    read_records,
    report_id,
    write_csv,
    write_jsonl,
    write_parquet,
    write_sql,
)
from govreport_parse.exporters._common import iter_report_records

from ._batch_helpers import page

HOSTILE = [
    "'; DROP TABLE reports; --",
    'x" OR "1"="1',
    "Robert'); DELETE FROM indicator_values;--",
    "\\x00\\ud800? %s %(name)s :name ?",
    '行政许可\n| 0 |,"',
]

_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=20
)
_nonempty = _text.filter(bool)
_opt = st.none() | _nonempty


@st.composite
def reports(draw: Any) -> Report:
    """Reports with arbitrary identifying fields and indicator values."""
    indicators = draw(
        st.lists(
            st.builds(
                IndicatorValue,
                id=_nonempty,
                column=_opt,
                value=st.none()
                | st.integers(-(10**12), 10**12)
                | st.decimals(places=2, min_value=-(10**6), max_value=10**6).map(
                    lambda d: d if d != d.to_integral_value() else d + Decimal("0.5")
                ),
                status=st.sampled_from(["number", "blank", "not_applicable", "text"]),
                unit=_opt,
                raw_label=_text,
                raw_value=_text,
                line=st.none() | st.integers(1, 10**6),
            ),
            max_size=6,
        )
    )
    return Report(
        source=Source(path=draw(_opt), url=draw(_opt), sha256=draw(st.text("0123456789abcdef"))),
        agency=draw(_opt),
        year=draw(st.none() | st.integers(1990, 2100)),
        format=draw(st.sampled_from(["legacy2014", "fmt2019", "fmt2021", "unknown"])),
        indicators=indicators,
        issues=[Issue(code=draw(_nonempty), message=draw(_text))],
    )


def _expected(items: list[Report]) -> list[dict[str, Any]]:
    return [row for r in items for row in iter_report_records(r)]


def _sorted(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))


_HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class TestRoundTrip:
    @_HYPOTHESIS
    @given(items=st.lists(reports(), max_size=4))
    def test_csv(self, tmp_path: Path, items: list[Report]) -> None:
        """CSV → read_csv gives the records back, types restored."""
        path = tmp_path / "r.csv"
        with open(path, "w", encoding="utf-8", newline="") as fp:
            write_csv(items, fp)
        assert list(read_csv(path)) == _expected(items)

    @_HYPOTHESIS
    @given(items=st.lists(reports(), max_size=4))
    def test_parquet(self, tmp_path: Path, items: list[Report]) -> None:
        """Parquet → read_parquet gives the records back."""
        path = tmp_path / "r.parquet"
        assert write_parquet(items, path) == len(_expected(items))
        assert read_parquet(path) == _expected(items)

    @_HYPOTHESIS
    @given(items=st.lists(reports(), max_size=4))
    def test_sqlite(self, tmp_path: Path, items: list[Report]) -> None:
        """SQLite → read_records gives the records back (same set of rows)."""
        url = f"sqlite:///{tmp_path}/r.sqlite"
        Path(f"{tmp_path}/r.sqlite").unlink(missing_ok=True)
        # Reports at one location (or, without one, with one id) replace each other.
        last = {r.source.path if r.source.path is not None else report_id(r): r for r in items}
        assert write_sql(items, url) == len(items)
        assert _sorted(read_records(url)) == _sorted(_expected(list(last.values())))

    @_HYPOTHESIS
    @given(items=st.lists(reports(), max_size=4))
    def test_jsonl(self, tmp_path: Path, items: list[Report]) -> None:
        """JSON Lines → read_jsonl gives equal reports."""
        path = tmp_path / "r.jsonl"
        with open(path, "w", encoding="utf-8") as fp:
            assert write_jsonl(items, fp) == len(items)
        back = read_jsonl(path)
        assert [r.model_dump(mode="json") for r in back] == [
            r.model_dump(mode="json") for r in items
        ]


class TestSql:
    def _report(self, path: str, received: int = 3) -> Report:
        report = parse(page(received))
        report.source.path = path
        return report

    def test_hostile_strings_are_stored_verbatim(self, tmp_path: Path) -> None:
        """Quotes, comment markers and placeholders travel as bound parameters, stored as is."""
        url = f"sqlite:///{tmp_path}/h.sqlite"
        items = []
        for text in HOSTILE:
            report = self._report(text)
            report.agency = text
            report.indicators[0].raw_label = text
            items.append(report)
        assert write_sql(items, url) == len(HOSTILE)
        conn = sqlite3.connect(tmp_path / "h.sqlite")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert tables == {"reports", "indicator_values", "issues", "failures"}
        assert sorted(r[0] for r in conn.execute("SELECT agency FROM reports")) == sorted(HOSTILE)
        labels = conn.execute(
            "SELECT raw_label FROM indicator_values WHERE indicator = 'requests.received'"
        ).fetchall()
        assert sorted(r[0] for r in labels) == sorted(HOSTILE)
        assert conn.execute("SELECT count(*) FROM indicator_values").fetchone() == (10,)

    def test_rewriting_updates_instead_of_duplicating(self, tmp_path: Path) -> None:
        """The same report written twice is one row; a new version of a location replaces it."""
        url = f"sqlite:///{tmp_path}/u.sqlite"
        write_sql([self._report("a.html"), self._report("b.html")], url)
        write_sql([self._report("a.html")], url)
        write_sql([self._report("b.html", received=99)], url)
        conn = sqlite3.connect(tmp_path / "u.sqlite")
        rows = conn.execute(
            "SELECT r.path, v.value FROM reports r JOIN indicator_values v USING (report_id) "
            "WHERE v.indicator = 'requests.received' ORDER BY r.path"
        ).fetchall()
        assert rows == [("a.html", 3.0), ("b.html", 99.0)]
        assert conn.execute("SELECT count(*) FROM indicator_values").fetchone() == (4,)
        assert conn.execute("SELECT count(*) FROM issues").fetchone() == (0,)

    def test_failure_and_report_replace_each_other(self, tmp_path: Path) -> None:
        """A location is in reports or failures, never both: the latest outcome wins."""
        sink = open_sink(tmp_path / "f.sqlite")
        report = self._report("p.html")
        sink.write([Failure(path="p.html", kind="timeout", error="slow")])
        sink.write([Parsed.from_report(report)])
        conn = sqlite3.connect(tmp_path / "f.sqlite")
        assert conn.execute("SELECT count(*) FROM failures").fetchone() == (0,)
        assert conn.execute("SELECT path FROM reports").fetchall() == [("p.html",)]
        sink.write([Failure(path="p.html", kind="crash", error="died")])
        assert conn.execute("SELECT count(*) FROM reports").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM indicator_values").fetchone() == (0,)
        assert conn.execute("SELECT path, kind, error FROM failures").fetchall() == [
            ("p.html", "crash", "died")
        ]
        sink.close(True)

    def test_report_row_fields(self, tmp_path: Path) -> None:
        """The reports row carries identity, metadata, counts and the full JSON."""
        report = self._report("x/y.html")
        sink = open_sink(f"sqlite:///{tmp_path}/m.sqlite")
        sink.write([Parsed.from_report(report, fetched_at="2020-01-02")])
        sink.close(True)
        conn = sqlite3.connect(tmp_path / "m.sqlite")
        row = conn.execute(
            "SELECT report_id, path, sha256, fetched_at, format, n_indicators, n_issues, "
            "json_extract(report_json, '$.source.path') FROM reports"
        ).fetchone()
        assert row == (
            report_id(report),
            "x/y.html",
            report.source.sha256,
            "2020-01-02",
            "legacy2014",
            2,
            0,
            "x/y.html",
        )
        assert json.loads(conn.execute("SELECT report_json FROM reports").fetchone()[0]) == (
            report.model_dump(mode="json")
        )


class TestFiles:
    def test_file_output_appears_only_when_complete(self, tmp_path: Path) -> None:
        """Until close(complete=True) the target does not exist; abandoning leaves nothing."""
        for name in ("r.jsonl", "r.csv", "r.parquet"):
            report = parse(page(4))
            sink = open_sink(tmp_path / name)
            sink.write([Parsed.from_report(report)])
            assert not (tmp_path / name).exists()
            sink.close(False)
            assert sorted(p.name for p in tmp_path.iterdir()) == []

    def test_failures_go_to_a_sidecar(self, tmp_path: Path) -> None:
        """A file output's failures are JSON lines in ``<stem>.failures.jsonl``."""
        sink = open_sink(tmp_path / "r.csv")
        sink.write([Failure(path="a.zip!b.html", kind="too_large", error="big", url="u")])
        sink.close(True)
        lines = (tmp_path / "r.failures.jsonl").read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == [
            {
                "path": "a.zip!b.html",
                "kind": "too_large",
                "error": "big",
                "url": "u",
                "sha256": None,
            }
        ]
        assert (tmp_path / "r.csv").read_bytes() == (",".join(RECORD_COLUMNS) + "\r\n").encode()

    def test_csv_of_a_parsed_page(self) -> None:
        """The CSV of one page: header plus one row per indicator value, in contract order."""
        report = parse(page(12, 11))
        report.source.path = "p.txt"
        out = io.StringIO()
        assert write_csv([report], out) == 2
        rid = report_id(report)
        assert out.getvalue().splitlines() == [
            "report_id,path,url,agency,year,format,indicator,column,value,status,unit,"
            "raw_label,raw_value,line",
            f"{rid},p.txt,,,,legacy2014,requests.received,total,12,number,件,（一）收到申请数,12,4",
            f"{rid},p.txt,,,,legacy2014,requests.closed.total,,11,number,件,（二）申请办结数,11,5",
        ]


class TestFormats:
    @pytest.mark.parametrize(
        ("spec", "expected"),
        [
            ("a.jsonl", "jsonl"),
            ("dir/a.CSV", "csv"),
            ("a.parquet", "parquet"),
            ("a.sqlite", "sqlite"),
            ("a.db", "sqlite"),
            ("sqlite:///tmp/x", "sqlite"),
            ("postgresql://u:p@h/db", "postgresql"),
            ("postgresql+psycopg://u@h/db", "postgresql"),
        ],
    )
    def test_output_format(self, spec: str, expected: str) -> None:
        """The form of OUT selects the format."""
        assert output_format(spec) == expected

    def test_unknown_format_names_the_valid_ones(self) -> None:
        """An unknown suffix is a ValueError listing what works."""
        with pytest.raises(ValueError) as info:
            output_format("out.xlsx")
        assert str(info.value) == (
            "cannot tell the output format of 'out.xlsx': use a name ending in .jsonl, .csv, "
            ".parquet or .sqlite, or a sqlite:/// or postgresql:// URL"
        )

    def test_missing_pyarrow_names_the_extra(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without pyarrow, Parquet output fails in one line naming the extra, creating nothing."""
        monkeypatch.setitem(sys.modules, "pyarrow", None)
        with pytest.raises(MissingExtraError) as info:
            open_sink(tmp_path / "r.parquet")
        assert str(info.value) == (
            "writing Parquet needs the parquet extra: pip install 'govreport-parse[parquet]'"
        )
        assert list(tmp_path.iterdir()) == []
