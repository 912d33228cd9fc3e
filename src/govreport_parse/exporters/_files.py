"""File outputs written whole: a temporary file next to the target, renamed over it when complete.

A run that is killed leaves the previous output (or none) in place, never a half-written file.
Inputs that fail go to a JSON Lines sidecar next to the output (``reports.failures.jsonl`` for
``reports.csv``), written the same way.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

from ._common import Failure, Outcome, Parsed

__all__ = ["AtomicFile", "FileSink", "failures_path"]


def failures_path(out: str | os.PathLike[str]) -> Path:
    """Where a file output's failures go: ``<stem>.failures.jsonl`` beside it.

    >>> str(failures_path("out/reports.parquet"))
    'out/reports.failures.jsonl'
    """
    path = Path(out)
    return path.with_name(f"{path.stem}.failures.jsonl")


class AtomicFile:
    """A file written under a temporary name and renamed into place by :meth:`commit`."""

    def __init__(self, target: str | os.PathLike[str], mode: str = "w") -> None:
        self.target = Path(target)
        self.partial = self.target.with_name(f".{self.target.name}.partial")
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if "b" in mode:
            self.fp: IO[Any] = open(self.partial, mode)  # noqa: SIM115 - closed in commit/abort
        else:
            self.fp = open(self.partial, mode, encoding="utf-8", newline="")  # noqa: SIM115

    def commit(self) -> None:
        """Flush to disk and move the file into place."""
        self.fp.flush()
        os.fsync(self.fp.fileno())
        self.fp.close()
        os.replace(self.partial, self.target)

    def abort(self) -> None:
        """Drop the unfinished file."""
        self.fp.close()
        self.partial.unlink(missing_ok=True)


class FileSink:
    """Base of the file outputs: reports go to :meth:`write_reports`, failures to the sidecar."""

    resumable = False

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.location = os.fspath(out)
        sidecar = failures_path(out)
        self.failures_location = str(sidecar)
        self._failures = AtomicFile(sidecar)
        self._failure_count = 0

    def recorded(self, report_ids: list[str], paths: list[str]) -> set[str]:
        """File outputs are written whole; nothing is ever recorded before a run."""
        return set()

    def write(self, outcomes: list[Outcome]) -> None:
        parsed = [o for o in outcomes if isinstance(o, Parsed)]
        if parsed:
            self.write_reports(parsed)
        for outcome in outcomes:
            if isinstance(outcome, Failure):
                self._failure_count += 1
                line = json.dumps(outcome.as_row(), ensure_ascii=False)
                self._failures.fp.write(line + "\n")

    def write_reports(self, parsed: list[Parsed]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def finish_reports(self, complete: bool) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self, complete: bool) -> None:
        self.finish_reports(complete)
        if complete and self._failure_count:
            self._failures.commit()
        else:
            self._failures.abort()
            if complete:  # a clean run: a sidecar left by an earlier run no longer applies
                Path(self.failures_location).unlink(missing_ok=True)
