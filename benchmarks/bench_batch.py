"""Batch throughput and memory: pages/s with 1 and N workers, peak RSS of the process tree.

Builds a zip archive of realistic pages (the bundled examples, table numbers scaled) under
``benchmarks/data/`` and runs ``govreport-parse batch`` on it into a fresh SQLite database, once
per worker count, sampling the resident memory of the whole process tree (parent, workers,
fork server) every 50 ms, and the CPU time the tree used (a figure that holds when other work
shares the machine, unlike pages/s). No network.

    python benchmarks/bench_batch.py                 # 10,000 pages, 1 and all-CPU workers
    python benchmarks/bench_batch.py --pages 2000 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

#: A number standing alone in a cell: between separators, tags or line ends.
_CELL_NUMBER = re.compile(r"(?<=[|>\n ])(\d{1,5})(?=[ |<\r\n])")


def _vary(text: str, rng: random.Random) -> str:
    """Scale the page's table numbers by one random factor; years stay as they are.

    One factor per page keeps every sum rule of the tables true, as on a real page.
    """
    factor = rng.randint(1, 40)

    def repl(match: re.Match[str]) -> str:
        value = int(match.group(1))
        if 1990 <= value <= 2030:
            return match.group(1)
        return str(value * factor)

    return _CELL_NUMBER.sub(repl, text)


def _load_examples() -> list[tuple[str, str, str]]:
    """(file name, text, encoding to write it back in) for each example page."""
    pages = []
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix not in (".txt", ".html"):
            continue
        raw = path.read_bytes()
        encoding = "gbk" if b"charset=gb2312" in raw[:2000] else "utf-8"
        pages.append((path.name, raw.decode(encoding), encoding))
    return pages


def build_archive(pages: int, seed: int = 20240501) -> Path:
    """Write (or reuse) a zip of ``pages`` varied example pages."""
    target = DATA / f"pages-{pages}-v2.zip"
    if target.exists():
        return target
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    examples = _load_examples()
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(pages):
            name, text, encoding = examples[i % len(examples)]
            archive.writestr(f"site/{i:06d}_{name}", _vary(text, rng).encode(encoding))
    partial.replace(target)
    return target


@dataclass
class Run:
    workers: int
    seconds: float
    peak_rss: int
    cpu_seconds: float
    exit_code: int

    def pages_per_second(self, pages: int) -> float:
        return pages / self.seconds


def _tree_sample(process: psutil.Process, cpu: dict[int, float]) -> int:
    """RSS of the process tree now; record each process's CPU seconds so far in ``cpu``."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
            times = proc.cpu_times()
            cpu[proc.pid] = times.user + times.system
    return total


def run_batch(archive: Path, workers: int) -> Run:
    """Time one batch run and sample the memory of its process tree."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.sqlite"
        command = [
            sys.executable,
            "-m",
            "govreport_parse",
            "batch",
            str(archive),
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--quiet",
        ]
        start = time.perf_counter()
        child = subprocess.Popen(command)
        peak = 0
        cpu: dict[int, float] = {}
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            process = psutil.Process(child.pid)
            while not done.is_set():
                try:
                    peak = max(peak, _tree_sample(process, cpu))
                except psutil.Error:
                    return
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = child.wait()
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    return Run(
        workers=workers,
        seconds=seconds,
        peak_rss=peak,
        cpu_seconds=sum(cpu.values()),
        exit_code=code,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000, help="pages in the archive")
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=sorted({1, len(os.sched_getaffinity(0))}),
        help="worker counts to measure (default: 1 and the number of CPUs)",
    )
    args = parser.parse_args()
    archive = build_archive(args.pages)
    size = archive.stat().st_size / 1e6
    print(f"archive: {archive.relative_to(ROOT)} ({args.pages:,} pages, {size:.1f} MB)")
    load = os.getloadavg()[0]
    print(f"cpus: {len(os.sched_getaffinity(0))}, load average before the runs: {load:.2f}")
    print(
        f"{'workers':>7}  {'seconds':>8}  {'pages/s':>8}  {'CPU ms/page':>11}  "
        f"{'peak RSS (tree)':>15}  exit"
    )
    for workers in args.workers:
        run = run_batch(archive, workers)
        print(
            f"{run.workers:>7}  {run.seconds:>8.1f}  {run.pages_per_second(args.pages):>8.1f}  "
            f"{run.cpu_seconds / args.pages * 1000:>11.1f}  "
            f"{run.peak_rss / 2**20:>11.0f} MiB  {run.exit_code:>4}",
            flush=True,
        )


if __name__ == "__main__":
    main()
