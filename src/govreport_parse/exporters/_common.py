"""What every exporter shares: the record row shape, the report identity and batch outcomes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeAlias

from ..models import Report

__all__ = [
    "ISSUE_COLUMNS",
    "RECORD_COLUMNS",
    "Failure",
    "Outcome",
    "Parsed",
    "Sink",
    "input_id",
    "iter_report_records",
    "report_id",
]

#: The long ("tidy") row shape of the output contract, in column order: one row per indicator
#: value, with the report's identifying fields repeated.
RECORD_COLUMNS: Final = (
    "report_id",
    "path",
    "url",
    "agency",
    "year",
    "format",
    "indicator",
    "column",
    "value",
    "status",
    "unit",
    "raw_label",
    "raw_value",
    "line",
)


def input_id(path: str | None, sha256: str) -> str:
    """The id of the input at ``path`` with that content: ``sha256(path + NUL + sha256)``."""
    key = f"{path or ''}\0{sha256}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def report_id(report: Report) -> str:
    """The identity of the input a report was parsed from: ``sha256(path + NUL + content sha256)``.

    Two different inputs never share an id: inputs at different locations differ in ``path``, and
    two versions of the file at one location differ in content. Parsing the same input again gives
    the same id, so database rows are updated rather than duplicated. The id can be recomputed from
    any report's ``source.path`` and ``source.sha256``; a report without a path hashes ``""``.

    >>> from govreport_parse.models import Source
    >>> report_id(Report(source=Source(path="a.html", sha256="00"))) == report_id(
    ...     Report(source=Source(path="b.html", sha256="00")))
    False
    """
    return input_id(report.source.path, report.source.sha256)


def iter_report_records(report: Report, rid: str | None = None) -> Iterator[dict[str, Any]]:
    """The report's records (:meth:`Report.iter_records`) keyed by :func:`report_id`."""
    key = rid if rid is not None else report_id(report)
    for row in report.iter_records():
        row["report_id"] = key
        yield row


#: Columns of the ``issues`` rows, after ``report_id``.
ISSUE_COLUMNS: Final = ("code", "severity", "message", "indicator", "column", "line", "rule")


def _report_row(report: Report, rid: str, fetched_at: str | None) -> dict[str, Any]:
    meta = report.metadata
    return {
        "report_id": rid,
        "path": report.source.path,
        "sha256": report.source.sha256,
        "url": report.source.url,
        "fetched_at": fetched_at,
        "title": report.title,
        "agency": report.agency,
        "year": report.year,
        "format": report.format,
        "kind": report.source.kind,
        "encoding": report.source.encoding,
        "index_number": meta.index_number,
        "category": meta.category,
        "publisher": meta.publisher,
        "document_number": meta.document_number,
        "written_date": meta.written_date.isoformat() if meta.written_date else None,
        "published_date": meta.published_date.isoformat() if meta.published_date else None,
        "n_indicators": len(report.indicators),
        "n_issues": len(report.issues),
        "n_errors": sum(1 for i in report.issues if i.severity == "error"),
        "schema_version": report.schema_version,
        "report_json": report.model_dump_json(),
    }


@dataclass(slots=True)
class Parsed:
    """A batch input that became a report, flattened into the rows every output needs.

    Built where the page is parsed (in a worker process), so that what travels back to the
    writer is plain strings, numbers and tuples: cheap to transfer, nothing left to compute.

    .. versionadded:: 0.1.0
    """

    report_id: str
    row: dict[str, Any]
    """The ``reports`` row: identity, metadata, counts and ``report_json`` (the Report as JSON)."""

    records: list[tuple[Any, ...]]
    """The long records, in :data:`RECORD_COLUMNS` order."""

    issues: list[tuple[Any, ...]]
    """The report's issues, in :data:`ISSUE_COLUMNS` order."""

    @classmethod
    def from_report(
        cls, report: Report, rid: str | None = None, fetched_at: str | None = None
    ) -> Parsed:
        """Flatten ``report``; ``rid`` defaults to :func:`report_id`."""
        key = rid if rid is not None else report_id(report)
        return cls(
            report_id=key,
            row=_report_row(report, key, fetched_at),
            records=[tuple(r[c] for c in RECORD_COLUMNS) for r in iter_report_records(report, key)],
            issues=[
                (i.code, i.severity, i.message, i.indicator, i.column, i.line, i.rule)
                for i in report.issues
            ],
        )

    @property
    def path(self) -> str | None:
        """Location of the input."""
        path: str | None = self.row["path"]
        return path


@dataclass(slots=True)
class Failure:
    """A batch input that could not be turned into a report.

    .. versionadded:: 0.1.0
    """

    path: str
    """Location of the input (see :mod:`govreport_parse.archive`)."""

    kind: str
    """``too_large``, ``unreadable``, ``timeout``, ``crash`` or ``error``."""

    error: str
    """What went wrong, for a person."""

    url: str | None = None
    sha256: str | None = None
    """SHA-256 of the input bytes, when they could be read."""

    def as_row(self) -> dict[str, Any]:
        """The failure as a flat dict (the ``failures`` table / sidecar JSONL row)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "error": self.error,
            "url": self.url,
            "sha256": self.sha256,
        }


#: What a batch produces per input: exactly one of these.
Outcome: TypeAlias = Parsed | Failure


class Sink(Protocol):
    """A destination of batch outcomes.

    ``write`` stores a batch of outcomes as one unit: after a crash either all of them are stored
    or none. ``close(complete=True)`` finishes the output; ``close(complete=False)`` keeps what
    was committed (databases) or discards the unfinished file (file outputs).
    """

    #: Where reports go, for people (a path or a URL with the password hidden).
    location: str

    #: Where failures go, for people.
    failures_location: str

    #: Whether :meth:`recorded` can answer (databases) — what ``--resume`` needs.
    resumable: bool

    def recorded(self, report_ids: list[str], paths: list[str]) -> set[str]:
        """Of the given inputs, those already recorded: report ids found, or failed paths."""
        ...

    def write(self, outcomes: list[Outcome]) -> None:
        """Store outcomes as one transaction."""
        ...

    def close(self, complete: bool) -> None:
        """Finish (``complete``) or abandon the output."""
        ...
