"""SQL databases through SQLAlchemy: SQLite (the default output) and PostgreSQL.

Four tables (created when missing):

``reports``
    One row per parsed input, keyed by ``report_id`` (see
    :func:`~govreport_parse.exporters.report_id`): identifying and metadata fields, counts, and
    the full Report JSON (``report_json``; JSONB on PostgreSQL).
``indicator_values``
    The long records of the output contract, one row per indicator value.
``issues``
    One row per issue of a report.
``failures``
    One row per input that could not be turned into a report, keyed by its ``path``.

Every input location has at most one row in ``reports`` and ``failures`` together: storing an
outcome for a location first deletes whatever an earlier run stored for it (and the report's
indicator values and issues), in the same transaction. Each :meth:`SqlSink.write` is one
transaction, so a killed run leaves whole reports or none. Values travel only as bound
parameters.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from .. import __version__
from ..models import Report
from ._common import ISSUE_COLUMNS, RECORD_COLUMNS, Failure, Outcome, Parsed

__all__ = [
    "SqlSink",
    "database_url",
    "metadata",
    "read_records",
    "write_sql",
]

#: Keys looked up per statement when asking what is already recorded.
_LOOKUP_CHUNK: Final = 500

metadata = sa.MetaData()

_Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_Float = sa.Float(precision=53)

reports_table = sa.Table(
    "reports",
    metadata,
    sa.Column("report_id", sa.String(64), primary_key=True),
    sa.Column("path", sa.Text, index=True, unique=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("fetched_at", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("agency", sa.Text, index=True),
    sa.Column("year", sa.Integer, index=True),
    sa.Column("format", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("encoding", sa.String(32)),
    sa.Column("index_number", sa.Text),
    sa.Column("category", sa.Text),
    sa.Column("publisher", sa.Text),
    sa.Column("document_number", sa.Text),
    sa.Column("written_date", sa.Date),
    sa.Column("published_date", sa.Date),
    sa.Column("n_indicators", sa.Integer, nullable=False),
    sa.Column("n_issues", sa.Integer, nullable=False),
    sa.Column("n_errors", sa.Integer, nullable=False),
    sa.Column("schema_version", sa.String(16), nullable=False),
    sa.Column("parser_version", sa.String(32), nullable=False),
    sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("report_json", _Json, nullable=False),
)

indicator_values_table = sa.Table(
    "indicator_values",
    metadata,
    sa.Column("report_id", sa.String(64), nullable=False, index=True),
    sa.Column("path", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("agency", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("format", sa.String(16)),
    sa.Column("indicator", sa.Text, nullable=False),
    sa.Column("column", sa.Text),
    sa.Column("value", _Float),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("unit", sa.Text),
    sa.Column("raw_label", sa.Text, nullable=False),
    sa.Column("raw_value", sa.Text, nullable=False),
    sa.Column("line", sa.Integer),
    sa.Index("ix_indicator_values_indicator", "indicator", "column"),
)

issues_table = sa.Table(
    "issues",
    metadata,
    sa.Column("report_id", sa.String(64), nullable=False, index=True),
    sa.Column("code", sa.Text, nullable=False, index=True),
    sa.Column("severity", sa.String(8), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("indicator", sa.Text),
    sa.Column("column", sa.Text),
    sa.Column("line", sa.Integer),
    sa.Column("rule", sa.Text),
)

failures_table = sa.Table(
    "failures",
    metadata,
    sa.Column("path", sa.Text, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("sha256", sa.String(64)),
    sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
)


def database_url(out: str) -> str | None:
    """The SQLAlchemy URL for an output spec, or ``None`` when ``out`` is not a database.

    >>> database_url("runs/2024.sqlite")
    'sqlite:///runs/2024.sqlite'
    >>> database_url("postgresql://u@localhost/gov")
    'postgresql+psycopg://u@localhost/gov'
    >>> database_url("reports.csv") is None
    True
    """
    lower = out.lower()
    if lower.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + out.split("://", 1)[1]
    if lower.startswith(("sqlite:", "postgresql+")):
        return out
    if lower.endswith((".sqlite", ".sqlite3", ".db")):
        return f"sqlite:///{out}"
    return None


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` with the settings batch writes need (SQLite: WAL, foreign keys)."""
    if url.startswith("postgresql"):
        from .._extras import require

        require("psycopg", "postgres", "writing to PostgreSQL")
    engine = sa.create_engine(url, json_serializer=_json_serializer)
    if engine.dialect.name == "sqlite":
        path = engine.url.database
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


class _PreSerialized(str):
    """JSON text that the engine must store as is (the report's own ``model_dump_json``)."""

    __slots__ = ()


def _json_serializer(value: Any) -> str:
    if isinstance(value, _PreSerialized):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _now() -> datetime:
    return datetime.now(UTC)


def _report_row(item: Parsed, parsed_at: datetime) -> dict[str, Any]:
    row = dict(item.row)
    for key in ("written_date", "published_date"):
        if row[key] is not None:
            row[key] = date.fromisoformat(row[key])
    row["report_json"] = _PreSerialized(row["report_json"])
    row["parser_version"] = __version__
    row["parsed_at"] = parsed_at
    return row


def _records_insert(dialect: sa.Dialect) -> str:
    """``INSERT INTO indicator_values`` with positional placeholders, for plain tuples.

    The records are only strings, numbers and nulls, which every driver binds natively, so
    they skip SQLAlchemy's per-row parameter processing: the bulk of a batch's rows.
    Placeholders only: the values are always bound by the driver.
    """
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(c) for c in RECORD_COLUMNS)
    markers = ", ".join(marker for _ in RECORD_COLUMNS)
    return f"INSERT INTO indicator_values ({columns}) VALUES ({markers})"


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SqlSink:
    """Batch output to a database: one transaction per :meth:`write`.

    .. versionadded:: 0.1.0
    """

    resumable = True

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.location = self.engine.url.render_as_string(hide_password=True)
        self.failures_location = f"table failures in {self.location}"
        metadata.create_all(self.engine)

    def recorded(self, report_ids: list[str], paths: list[str]) -> set[str]:
        """Of ``report_ids``, those in ``reports``; of ``paths``, those in ``failures``."""
        found: set[str] = set()
        with self.engine.connect() as conn:
            for chunk in _chunks(report_ids, _LOOKUP_CHUNK):
                query = sa.select(reports_table.c.report_id).where(
                    reports_table.c.report_id.in_(chunk)
                )
                found.update(conn.execute(query).scalars())
            for chunk in _chunks(paths, _LOOKUP_CHUNK):
                query = sa.select(failures_table.c.path).where(failures_table.c.path.in_(chunk))
                found.update(conn.execute(query).scalars())
        return found

    def write(self, outcomes: list[Outcome]) -> None:
        """Store ``outcomes`` in one transaction, replacing what earlier runs stored for them."""
        if not outcomes:
            return
        now = _now()
        # Later outcomes for the same location win (an input named twice in one run).
        by_path: dict[str | None, Outcome] = {}
        unkeyed: list[Parsed] = []
        for outcome in outcomes:
            path = outcome.path
            if path is None and isinstance(outcome, Parsed):
                unkeyed.append(outcome)
            else:
                by_path[path] = outcome
        # Without a location, a report is known by its id (its content) alone.
        parsed = list(
            {
                p.report_id: p
                for p in unkeyed + [o for o in by_path.values() if isinstance(o, Parsed)]
            }.values()
        )
        failed = [o for o in by_path.values() if isinstance(o, Failure)]
        paths = [p for p in by_path if p is not None]
        ids = list({item.report_id for item in parsed})
        with self.engine.begin() as conn:
            self._delete(conn, paths, ids)
            if parsed:
                conn.execute(reports_table.insert(), [_report_row(p, now) for p in parsed])
                values = [r for p in parsed for r in p.records]
                if values:
                    conn.exec_driver_sql(_records_insert(conn.dialect), values)
                issues = [
                    {"report_id": p.report_id, **dict(zip(ISSUE_COLUMNS, i, strict=True))}
                    for p in parsed
                    for i in p.issues
                ]
                if issues:
                    conn.execute(issues_table.insert(), issues)
            if failed:
                conn.execute(
                    failures_table.insert(), [{**f.as_row(), "failed_at": now} for f in failed]
                )

    def _delete(self, conn: sa.Connection, paths: list[str], ids: list[str]) -> None:
        """Remove every row stored for these locations or report ids."""
        for chunk in _chunks(paths, _LOOKUP_CHUNK):
            old = sa.select(reports_table.c.report_id).where(reports_table.c.path.in_(chunk))
            old_ids = list(conn.execute(old).scalars())
            ids = ids + old_ids
            conn.execute(failures_table.delete().where(failures_table.c.path.in_(chunk)))
        for chunk in _chunks(list(set(ids)), _LOOKUP_CHUNK):
            for table in (indicator_values_table, issues_table, reports_table):
                conn.execute(table.delete().where(table.c.report_id.in_(chunk)))

    def close(self, complete: bool) -> None:
        """Release the connections (every committed write stays)."""
        self.engine.dispose()


def write_sql(reports: Iterable[Report], url: str, *, batch_size: int = 200) -> int:
    """Write ``reports`` to the database at ``url``; return how many were written.

    Rows are keyed by :func:`~govreport_parse.exporters.report_id`: writing the same report again
    replaces its rows.
    """
    sink = SqlSink(database_url(url) or url)
    count = 0
    batch: list[Outcome] = []
    try:
        for report in reports:
            batch.append(Parsed.from_report(report))
            if len(batch) >= batch_size:
                sink.write(batch)
                count += len(batch)
                batch = []
        sink.write(batch)
        count += len(batch)
    finally:
        sink.close(True)
    return count


def read_records(url: str) -> list[dict[str, Any]]:
    """Read the ``indicator_values`` rows back as records (ordered by report, then line)."""
    engine = create_engine(database_url(url) or url)
    try:
        table = indicator_values_table
        query = sa.select(*(table.c[c] for c in RECORD_COLUMNS)).order_by(
            table.c.report_id, table.c.line, table.c.indicator, table.c.column
        )
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]
    finally:
        engine.dispose()
