"""Batch runs: many inputs → reports and failures in one output, in parallel, resumable.

The flow, one stage per module::

    archive.iter_members ─ chunks ─ _pool.TaskPool(parse_member) ─ commit batches ─ exporters sink

Guarantees:

- every input ends as exactly one report or one failure (a page that runs past the timeout, or
  crashes its worker process, is a failure and the run goes on);
- outcomes are stored in transactions of whole reports: killing the run at any moment leaves
  complete reports only (database outputs), or the previous output (file outputs);
- ``resume=True`` skips inputs whose report (same location, same content) or failure is already
  recorded; without it, re-running replaces earlier rows instead of adding to them.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from .archive import DEFAULT_MAX_MEMBER_BYTES, Member, iter_members
from .exporters import Failure, Outcome, Parsed, Sink, input_id, open_sink
from .pipeline import parse

__all__ = [
    "DEFAULT_TIMEOUT",
    "BatchSummary",
    "member_report_id",
    "parse_member",
    "run_batch",
]

#: Seconds one page may take before its worker is stopped and the page recorded as a failure.
DEFAULT_TIMEOUT: Final = 60.0

#: Pages sent to a worker at a time: large enough to amortise the round trip, small enough
#: to spread the work evenly and lose little to a crash.
CHUNK_PAGES: Final = 16

#: A chunk is closed early once its pages hold this many bytes (bounds memory in flight).
CHUNK_BYTES: Final = 8 * 1024 * 1024

#: Outcomes stored per transaction, and the longest time (seconds) an outcome waits to be stored.
COMMIT_OUTCOMES: Final = 256
COMMIT_SECONDS: Final = 2.0

#: Batches of outcomes that may wait for the writer thread.
WRITE_QUEUE: Final = 2

#: How many failures the summary keeps to show.
FAILURE_EXAMPLES: Final = 5


def member_report_id(member: Member) -> str | None:
    """The :func:`~govreport_parse.exporters.report_id` a member's report will have."""
    if member.data is None:
        return None
    return input_id(member.path, hashlib.sha256(member.data).hexdigest())


def parse_member(member: Member) -> Parsed:
    """Parse one member (in a worker process): the report, its id and fetch date."""
    report = parse(member.data or b"", url=member.url, encoding=member.encoding)
    report.source.path = member.path
    return Parsed.from_report(report, fetched_at=member.date)


@dataclass(slots=True)
class BatchSummary:
    """What a batch run did, for the closing summary and the exit status.

    .. versionadded:: 0.1.0
    """

    output: str = ""
    failures_location: str = ""
    parsed: int = 0
    failed: int = 0
    resumed: int = 0
    """Inputs skipped because they were already recorded (``resume``)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Files or members that are not inputs (not pages), by reason."""
    formats: Counter[str] = field(default_factory=Counter)
    issue_codes: Counter[str] = field(default_factory=Counter)
    failure_kinds: Counter[str] = field(default_factory=Counter)
    failure_examples: list[Failure] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def pages(self) -> int:
        """Inputs handled in this run (parsed, failed or skipped as already recorded)."""
        return self.parsed + self.failed + self.resumed

    @property
    def pages_per_second(self) -> float:
        """Pages parsed or failed per second of the run."""
        elapsed = self.elapsed or (time.monotonic() - self.started)
        return (self.parsed + self.failed) / elapsed if elapsed > 0 else 0.0

    def add(self, outcome: Outcome) -> None:
        """Count one outcome."""
        if isinstance(outcome, Parsed):
            self.parsed += 1
            self.formats[outcome.row["format"]] += 1
            self.issue_codes.update(issue[0] for issue in outcome.issues)
        else:
            self.failed += 1
            self.failure_kinds[outcome.kind] += 1
            if len(self.failure_examples) < FAILURE_EXAMPLES:
                self.failure_examples.append(outcome)


#: Called after each stored batch and on each outcome: the summary so far.
ProgressHook = Callable[[BatchSummary], None]


def _member_failure(member: Member, kind: str, error: str) -> Failure:
    sha = hashlib.sha256(member.data).hexdigest() if member.data is not None else None
    return Failure(path=member.path, kind=kind, error=error, url=member.url, sha256=sha)


class _Chunker:
    """Group members into chunks for the pool; unreadable members become failures on the side."""

    def __init__(self, sink: Sink, resume: bool, summary: BatchSummary) -> None:
        self.sink = sink
        self.resume = resume
        self.summary = summary
        self.side: deque[Outcome] = deque()

    def chunks(self, members: Iterable[Member]) -> Iterator[list[Member]]:
        batch: list[Member] = []
        size = 0
        for member in members:
            batch.append(member)
            size += len(member.data or b"")
            if len(batch) >= CHUNK_PAGES or size >= CHUNK_BYTES:
                chunk = self._admit(batch)
                batch, size = [], 0
                if chunk:
                    yield chunk
        chunk = self._admit(batch)
        if chunk:
            yield chunk

    def _admit(self, batch: list[Member]) -> list[Member]:
        """Drop what is recorded already (resume); divert unreadable members to failures."""
        if self.resume and batch:
            ids = {m.path: member_report_id(m) for m in batch}
            found = self.sink.recorded(
                [i for i in ids.values() if i is not None], [m.path for m in batch]
            )
            kept = [m for m in batch if ids[m.path] not in found and m.path not in found]
            self.summary.resumed += len(batch) - len(kept)
            batch = kept
        chunk = []
        for member in batch:
            if member.error is not None:
                self.side.append(_member_failure(member, member.kind or "unreadable", member.error))
            else:
                chunk.append(member)
        return chunk


def run_batch(
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str] | Sink = "reports.sqlite",
    *,
    workers: int | None = None,
    resume: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
    progress: ProgressHook | None = None,
    worker_fn: Callable[[Member], Parsed] = parse_member,
) -> BatchSummary:
    """Parse every page of ``inputs`` into ``out`` with ``workers`` processes.

    ``inputs`` are files, directories, archives, WARC and JSONL files (see
    :mod:`govreport_parse.archive`); ``out`` is an output spec (``.jsonl``, ``.csv``,
    ``.parquet``, ``.sqlite``, ``sqlite:///…``, ``postgresql://…``) or a sink. ``timeout`` is
    per page, in seconds (``None`` or 0: no limit). ``worker_fn`` replaces :func:`parse_member`
    (it must be picklable).

    ``KeyboardInterrupt`` stores the outcomes already complete (databases), then propagates with
    ``summary.interrupted`` set; the summary is on the exception's ``summary`` attribute.

    .. versionadded:: 0.1.0
    """
    from ._pool import TaskPool

    sink = open_sink(out) if isinstance(out, str | os.PathLike) else out
    if resume and not sink.resumable:
        sink.close(False)
        raise ValueError(
            f"--resume needs a database output; {sink.location} is a file written whole"
        )
    summary = BatchSummary(output=sink.location, failures_location=sink.failures_location)
    chunker = _Chunker(sink, resume, summary)
    members = iter_members(
        dict.fromkeys(os.fspath(i) for i in inputs),
        max_bytes=max_bytes,
        on_skip=lambda _path, reason: summary.skipped.update([reason]),
    )
    pool: TaskPool[Member, Parsed] = TaskPool(
        worker_fn, workers=workers or _cpu_count(), timeout=timeout
    )
    writer = _Writer(sink)
    buffer: list[Outcome] = []
    last_commit = time.monotonic()

    def store() -> None:
        nonlocal buffer, last_commit
        writer.put(buffer)
        buffer = []
        last_commit = time.monotonic()

    def take(outcome: Outcome) -> None:
        buffer.append(outcome)
        summary.add(outcome)
        if progress is not None:
            progress(summary)

    complete = False
    try:
        for result in pool.run(chunker.chunks(members)):
            while chunker.side:
                take(chunker.side.popleft())
            if result.value is not None:
                take(result.value)
            else:
                take(_member_failure(result.task, result.failure or "error", result.error or ""))
            if len(buffer) >= COMMIT_OUTCOMES or time.monotonic() - last_commit > COMMIT_SECONDS:
                store()
        while chunker.side:
            take(chunker.side.popleft())
        store()
        writer.finish()
        complete = True
    except KeyboardInterrupt as exc:
        summary.interrupted = True
        if sink.resumable:
            store()
        writer.finish()
        exc.summary = summary  # type: ignore[attr-defined]
        raise
    finally:
        writer.finish(raise_error=False)
        sink.close(complete)
        summary.elapsed = time.monotonic() - summary.started
    return summary


class _Writer:
    """Store batches of outcomes in a thread of their own, so parsing goes on meanwhile.

    Database drivers release the GIL while they write, so the main thread keeps receiving and
    dispatching pages. At most :data:`WRITE_QUEUE` batches wait; an error in the thread is
    raised in the main thread at the next :meth:`put` or at :meth:`finish`.
    """

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self.queue: queue.Queue[list[Outcome] | None] = queue.Queue(maxsize=WRITE_QUEUE)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="batch-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            batch = self.queue.get()
            if batch is None:
                return
            if self.error is None:
                try:
                    self.sink.write(batch)
                except BaseException as exc:  # handed to the main thread
                    self.error = exc

    def _check(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def put(self, batch: list[Outcome]) -> None:
        """Queue a batch (waits while the queue is full)."""
        self._check()
        if batch:
            self.queue.put(batch)

    def finish(self, raise_error: bool = True) -> None:
        """Wait until every queued batch is stored."""
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if raise_error:
            self._check()


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1
