"""Where ``parse()`` spends its time on the benchmark pages: per pipeline stage, and per function.

Prints the median milliseconds per page of each stage of :data:`govreport_parse.pipeline.STAGES`
(plus building the output model), then the functions with most own time under cProfile, or a
pyinstrument call tree with ``--pyinstrument`` (``bench`` extra).

Usage::

    python benchmarks/profile_parse.py [--html | --text] [--pyinstrument] [--top N]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_pages import benchmark_pages

from govreport_parse import build, parse, pipeline
from govreport_parse.state import Document


def stage_times(inputs: list[bytes], rounds: int, warm: bool) -> dict[str, float]:
    """Median ms per page of each stage, over ``rounds`` passes (memos emptied unless warm)."""
    samples: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for data in inputs:
            if not warm:
                pipeline.clear_caches()
            doc = Document(data=data)
            doc.sha256 = hashlib.sha256(data).hexdigest()
            for name, stage in pipeline.STAGES:
                start = time.perf_counter()
                stage(doc)
                samples[name].append(time.perf_counter() - start)
            start = time.perf_counter()
            build.report(doc)
            samples["build"].append(time.perf_counter() - start)
    return {name: statistics.median(times) * 1000 for name, times in samples.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument("--html", action="store_true", help="HTML pages only (the default)")
    kind.add_argument("--text", action="store_true", help="flattened-text pages only")
    parser.add_argument("--pyinstrument", action="store_true", help="pyinstrument call tree")
    parser.add_argument("--warm", action="store_true", help="keep the memos between pages")
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the pages")
    args = parser.parse_args(argv)
    pages = benchmark_pages()
    inputs = [p.text if args.text else p.html for p in pages]
    for data in inputs:
        parse(data)  # warm the data-file caches

    memos = "warm memos" if args.warm else "memos emptied before each page"
    what = "text" if args.text else "HTML"
    print(f"Median ms per page, by stage ({len(inputs)} {what} pages, {memos})")
    times = stage_times(inputs, args.rounds, args.warm)
    total = sum(times.values())
    for name, ms in times.items():
        print(f"  {name:10} {ms:8.2f}  {ms / total:6.1%}")
    print(f"  {'total':10} {total:8.2f}")

    if args.pyinstrument:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.rounds):
            for data in inputs:
                parse(data)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return 0
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.rounds):
        for data in inputs:
            parse(data)
    profile.disable()
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
