"""JSON Lines: one Report (``model_dump_json``) per line."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import IO

from ..models import Report
from ._common import Parsed
from ._files import AtomicFile, FileSink

__all__ = ["JsonlSink", "read_jsonl", "write_jsonl"]


def write_jsonl(reports: Iterable[Report], fp: IO[str]) -> int:
    """Write one JSON object per report to a text stream; return how many were written."""
    count = 0
    for report in reports:
        fp.write(report.model_dump_json() + "\n")
        count += 1
    return count


def read_jsonl(path: str | os.PathLike[str]) -> list[Report]:
    """Read reports back from a JSON Lines file."""
    with open(path, encoding="utf-8") as fp:
        return [Report.model_validate_json(line) for line in fp if line.strip()]


class JsonlSink(FileSink):
    """Batch output to a ``.jsonl`` file, in completion order."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        super().__init__(out)
        self._file = AtomicFile(out)

    def write_reports(self, parsed: list[Parsed]) -> None:
        self._file.fp.writelines(p.row["report_json"] + "\n" for p in parsed)

    def finish_reports(self, complete: bool) -> None:
        if complete:
            self._file.commit()
        else:
            self._file.abort()
