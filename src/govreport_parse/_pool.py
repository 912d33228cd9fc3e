"""A process pool that survives its tasks: per-task timeouts and crashed workers become results.

:class:`concurrent.futures.ProcessPoolExecutor` cannot stop a task that runs too long, and one
crashed worker breaks the whole executor. Here each worker is a process of its own with a pipe;
the parent sends it a chunk of tasks and receives one result per task. A task whose result is not
back ``timeout`` seconds after the previous one gets its worker killed and is reported as a
``timeout``; a worker that dies is reported as a ``crash`` for the task it was on. Either way a
fresh worker takes the rest of the chunk, and the run goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, Final, Generic, Literal, TypeVar

__all__ = ["PoolResult", "TaskPool"]

T = TypeVar("T")
R = TypeVar("R")

#: Consecutive workers that may die before saying they are ready, before the pool gives up.
MAX_START_FAILURES: Final = 3

#: Seconds a worker may take to start (import the parser) before it counts as failed.
START_TIMEOUT: Final = 60.0

#: Seconds given to workers to exit after the last task before they are killed.
STOP_GRACE: Final = 5.0

FailureKind = Literal["timeout", "crash", "error"]


@dataclass(slots=True)
class PoolResult(Generic[T, R]):
    """The result of one task: its value, or why there is none."""

    task: T
    value: R | None = None
    failure: FailureKind | None = None
    error: str | None = None


def _worker_main(fn: Callable[[Any], Any], conn: Connection) -> None:
    """Worker loop: receive chunks of tasks, send one ``(ok, value)`` per task, in order.

    A thread of its own receives the chunks, so the pipe towards the worker is always drained:
    the parent never blocks sending the next chunk while this process blocks sending results.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    inbox: queue.SimpleQueue[list[Any] | None] = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                chunk = conn.recv()
            except (EOFError, OSError):  # the parent is gone
                chunk = None
            inbox.put(chunk)
            if chunk is None:
                return

    threading.Thread(target=receive, name="receive-chunks", daemon=True).start()
    conn.send("ready")
    while True:
        chunk = inbox.get()
        if chunk is None:
            return
        for task in chunk:
            try:
                message: tuple[bool, Any] = (True, fn(task))
            except Exception as exc:
                message = (False, f"{type(exc).__name__}: {exc}")
            try:
                conn.send(message)
            except (EOFError, OSError):
                return
            except Exception as exc:  # an unpicklable result
                conn.send((False, f"result could not be sent: {type(exc).__name__}: {exc}"))


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    pending: deque[Any] = field(default_factory=deque)
    ends: deque[int] = field(default_factory=deque)
    """Task counts at which each sent chunk ends (to know how many chunks are in flight)."""
    done: int = 0
    deadline: float = float("inf")

    @property
    def chunks(self) -> int:
        """Chunks sent and not yet finished."""
        while self.ends and self.ends[0] <= self.done:
            self.ends.popleft()
        return len(self.ends)


class TaskPool(Generic[T, R]):
    """Run ``fn`` over tasks in ``workers`` processes, with a per-task ``timeout`` in seconds.

    ``fn`` must be picklable (a module-level function). Tasks arrive in chunks; results come
    back in completion order, one :class:`PoolResult` per task, whatever happens to the workers.
    """

    def __init__(
        self,
        fn: Callable[[T], R],
        *,
        workers: int,
        timeout: float | None = None,
        context: BaseContext | None = None,
        preload: Iterable[str] = (),
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.fn = fn
        self.workers = workers
        self.timeout = timeout if timeout and timeout > 0 else None
        self.context: Any = context or _default_context(preload)
        self._start_failures = 0

    def _spawn(self) -> _Worker:
        parent, child = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main, args=(self.fn, child), daemon=True, name="govreport-worker"
        )
        process.start()
        child.close()
        return _Worker(process=process, conn=parent, started=time.monotonic())

    def run(self, chunks: Iterable[list[T]]) -> Iterator[PoolResult[T, R]]:
        """Yield one result per task of ``chunks``, pulling chunks only as workers free up."""
        source = iter(chunks)
        requeued: deque[list[T]] = deque()
        exhausted = False
        pool = [self._spawn() for _ in range(self.workers)]
        try:
            while True:
                for worker in pool:
                    # Up to two chunks per worker: the next one waits in the pipe while the
                    # parent is busy storing results, so workers never idle.
                    while worker.ready and worker.chunks < 2:
                        chunk: list[T] | None = None
                        if requeued:
                            chunk = requeued.popleft()
                        elif not exhausted:
                            chunk = next(source, None)
                            exhausted = chunk is None
                        if not chunk:
                            break
                        self._assign(worker, chunk)
                if exhausted and not requeued and not any(w.pending for w in pool):
                    return
                yield from self._step(pool, requeued)
        finally:
            self._stop(pool)

    def _assign(self, worker: _Worker, chunk: list[T]) -> None:
        if not worker.pending:
            worker.deadline = time.monotonic() + self.timeout if self.timeout else float("inf")
        worker.pending.extend(chunk)
        worker.ends.append(worker.done + len(worker.pending))
        worker.conn.send(chunk)

    def _step(self, pool: list[_Worker], requeued: deque[list[T]]) -> Iterator[PoolResult[T, R]]:
        """Wait for messages, deaths or deadlines once; yield the results that came in."""
        now = time.monotonic()
        deadlines = [w.deadline for w in pool if w.pending] + [
            w.started + START_TIMEOUT for w in pool if not w.ready
        ]
        wait_for = max(0.0, min(deadlines, default=1.0) - now)
        handles: list[Any] = [w.conn for w in pool] + [w.process.sentinel for w in pool]
        wait(handles, timeout=min(wait_for, 1.0))
        for index, worker in enumerate(pool):
            alive = True
            try:
                while worker.conn.poll():
                    message = worker.conn.recv()
                    if message == "ready":
                        worker.ready = True
                        self._start_failures = 0
                        continue
                    yield self._result(worker, message)
            except (EOFError, OSError):
                alive = False
            now = time.monotonic()
            if alive and worker.process.is_alive():
                if worker.pending and now > worker.deadline:
                    result = self._replace(pool, index, requeued, "timeout")
                    if result is not None:
                        yield result
                elif not worker.ready and now > worker.started + START_TIMEOUT:
                    self._replace(pool, index, requeued, None)
                continue
            yield from self._replace_dead(pool, index, requeued)

    def _result(self, worker: _Worker, message: tuple[bool, Any]) -> PoolResult[T, R]:
        task = worker.pending.popleft()
        worker.done += 1
        timeout = self.timeout
        worker.deadline = time.monotonic() + timeout if timeout else float("inf")
        ok, value = message
        if ok:
            return PoolResult(task=task, value=value)
        return PoolResult(task=task, failure="error", error=str(value))

    def _replace_dead(
        self, pool: list[_Worker], index: int, requeued: deque[list[T]]
    ) -> Iterator[PoolResult[T, R]]:
        worker = pool[index]
        worker.process.join(STOP_GRACE)
        if not worker.ready:
            self._start_failures += 1
            if self._start_failures >= MAX_START_FAILURES:
                raise RuntimeError(
                    f"{self._start_failures} worker processes died while starting "
                    f"(exit code {worker.process.exitcode})"
                )
        result = self._replace(pool, index, requeued, "crash")
        if result is not None:
            yield result

    def _replace(
        self,
        pool: list[_Worker],
        index: int,
        requeued: deque[list[T]],
        failure: FailureKind | None,
    ) -> PoolResult[T, R] | None:
        """Kill worker ``index`` and start another; the task it was on fails as ``failure``."""
        worker = pool[index]
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(STOP_GRACE)
        worker.conn.close()
        result: PoolResult[T, R] | None = None
        if worker.pending and failure is not None:
            task = worker.pending.popleft()
            if failure == "timeout":
                error = f"no result within {self.timeout:g} s; the worker was stopped"
            else:
                error = f"the worker process died ({_exit_reason(worker.process.exitcode)})"
            result = PoolResult(task=task, failure=failure, error=error)
        if worker.pending:
            requeued.appendleft(list(worker.pending))
        pool[index] = self._spawn()
        return result

    def _stop(self, pool: list[_Worker]) -> None:
        for worker in pool:
            with contextlib.suppress(EOFError, OSError):
                worker.conn.send(None)
        deadline = time.monotonic() + STOP_GRACE
        for worker in pool:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "exit code unknown"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _default_context(preload: Iterable[str]) -> BaseContext:
    """``forkserver`` where available (cheap restarts, no fork of a threaded parent), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["govreport_parse.pipeline", *preload])
        return context
    return multiprocessing.get_context("spawn")
