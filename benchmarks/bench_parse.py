"""Benchmark ``parse()`` against the bare parsers of the same bytes, in one process and one run.

For every generated page (``make_pages.py``: 50–150 KB, three table formats, UTF-8 and GBK) the
median time of several runs is taken for:

* HTML pages: ``govreport_parse.parse`` against ``lxml.html.fromstring`` (the floor: no parser
  of the page can be cheaper), ``BeautifulSoup(data, "lxml")`` and
  ``trafilatura.extract(data, include_tables=True)``;
* text pages: ``parse`` against a bare ``decode`` + ``splitlines`` + ``split("|")``.

The table gives per-page times and ratios, and the headline is the median ratio over the pages.
Peak memory is traced per call with :mod:`tracemalloc` (Python-heap allocations; memory that
libxml2 takes with ``malloc`` is not seen, so lxml's figure is a lower bound). A scaling section
times ``parse`` on inputs of 1×, 10× and 100× a base size, realistic and hostile, to show that
time grows linearly.

Run with ``make bench`` (installs the ``bench`` extra). Options: ``--repeat N``, ``--quick``
(fewer runs, no 100× step), ``--no-scaling``.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lxml.html
from bs4 import BeautifulSoup
from make_pages import BenchPage, benchmark_pages

from govreport_parse import parse
from govreport_parse.pipeline import clear_caches

#: Goals: parse() at most this many times lxml's bare parse, and at least this many times faster
#: than BeautifulSoup's parse alone (median ratios over the HTML pages).
GOAL_VS_LXML = 2.0
GOAL_VS_SOUP = 10.0


def _time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls (after one warm-up call), in seconds."""
    return _time_many({"fn": fn}, repeat)["fn"]


def _time_many(
    fns: dict[str, Callable[[], object]],
    repeat: int,
    before: Mapping[str, Callable[[], object]] | None = None,
) -> dict[str, float]:
    """Median wall time per call of each function, the calls interleaved round-robin.

    Interleaving keeps the ratios fair when the machine's load changes during the run.
    ``before`` maps a name to what runs, untimed, before each of its calls.
    """
    before = before or {}
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, fn in fns.items():
                if name in before:
                    before[name]()
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
            gc.collect()
    finally:
        if gc_was:
            gc.enable()
    return {name: statistics.median(values) for name, values in times.items()}


def _peak(fn: Callable[[], object]) -> int:
    """Peak traced Python-heap bytes during one call (the parser's memos emptied first)."""
    clear_caches()
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


#: ``parse()`` is timed on a page seen for the first time: its memos are emptied (untimed)
#: before each call.
_COLD = {"parse": clear_caches}


def _bare_text(data: bytes, codec: str) -> list[list[str]]:
    return [line.split("|") for line in data.decode(codec).splitlines()]


def _lxml_cells(data: bytes) -> list[str]:
    """lxml's parse plus the text of every table cell: the least any table reader does."""
    root: Any = lxml.html.fromstring(data)  # an HtmlElement (the stubs say _Element)
    return [cell.text_content() for cell in root.iter("td", "th")]


def _contenders_html(page: BenchPage) -> dict[str, Callable[[], object]]:
    data = page.html
    found: dict[str, Callable[[], object]] = {
        "parse": lambda: parse(data),
        "lxml": lambda: lxml.html.fromstring(data),
        "lxml+cells": lambda: _lxml_cells(data),
        "soup": lambda: BeautifulSoup(data, "lxml"),
    }
    try:
        import trafilatura

        found["trafilatura"] = lambda: trafilatura.extract(data, include_tables=True)
    except ImportError:  # pragma: no cover - the bench extra is not installed
        pass
    try:
        import pandas

        codec = "utf-8" if page.encoding == "utf-8" else "gb18030"
        # It reads text: the decode is part of its time, as it is part of parse()'s.
        found["read_html"] = lambda: pandas.read_html(io.StringIO(data.decode(codec)))
    except ImportError:  # pragma: no cover - the bench extra is not installed
        pass
    return found


def _lxml_reads_whole_page(page: BenchPage) -> bool:
    """Whether lxml's parse of the bytes holds the whole page (a bad charset cuts it short)."""
    text = lxml.html.fromstring(page.html).text_content()  # type: ignore[attr-defined]
    return "结转下年度" in text or "统计数" in text


def _fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f}"


#: Columns of the HTML table: each contender's time, then the ratios (numerator, denominator).
_HTML_NAMES = ["parse", "lxml", "lxml+cells", "soup", "trafilatura", "read_html"]
_HTML_RATIOS = [
    ("parse", "lxml"),
    ("lxml+cells", "lxml"),
    ("soup", "parse"),
    ("trafilatura", "parse"),
    ("read_html", "parse"),
]


def bench_html(pages: list[BenchPage], repeat: int) -> dict[str, float]:
    print("\nHTML pages: median ms per call, and ratios of those times")
    print(
        f"{'page':26} {'KB':>4} "
        + " ".join(f"{n:>11}" for n in _HTML_NAMES)
        + " "
        + " ".join(f"{a + '/' + b:>18}" for a, b in _HTML_RATIOS)
    )
    ratios: dict[str, list[float]] = {f"{a}/{b}": [] for a, b in _HTML_RATIOS}
    for page in pages:
        t = _time_many(_contenders_html(page), repeat, _COLD)
        whole = _lxml_reads_whole_page(page)
        row = []
        for a, b in _HTML_RATIOS:
            r = t[a] / t[b] if a in t and b in t else float("nan")
            ratios[f"{a}/{b}"].append(r)
            row.append(f"{r:17.2f}x")
        print(
            f"{page.name:26.26} {len(page.html) // 1024:4d} "
            + " ".join(_fmt_ms(t[n]) + "   " if n in t else f"{'-':>11}" for n in _HTML_NAMES)
            + " "
            + " ".join(row)
            + ("" if whole else "   (lxml read only part of the page)")
        )
    summary = {name: statistics.median(values) for name, values in ratios.items()}
    print(
        f"{'median ratio':26} {'':4} {'':71} "
        + " ".join(f"{summary[f'{a}/{b}']:17.2f}x" for a, b in _HTML_RATIOS)
    )
    return summary


def bench_steady(pages: list[BenchPage], repeat: int) -> dict[str, float]:
    """``parse()`` as a batch runs it: memos warm from earlier pages, but never this page.

    Each round empties the memos, parses the pages of another seed (what a batch would have
    seen before), then times one parse of each benchmark page, in order: no page is timed with
    its own cells already memoized. lxml is timed on the same pages in the same rounds.
    """
    warm = [p.html for p in benchmark_pages(seed=7)]
    parse_times: dict[str, list[float]] = {p.name: [] for p in pages}
    lxml_times: dict[str, list[float]] = {p.name: [] for p in pages}
    for _ in range(repeat):
        clear_caches()
        for data in warm:
            parse(data)
        gc.collect()
        gc.disable()
        try:
            for page in pages:
                start = time.perf_counter()
                parse(page.html)
                parse_times[page.name].append(time.perf_counter() - start)
                start = time.perf_counter()
                lxml.html.fromstring(page.html)
                lxml_times[page.name].append(time.perf_counter() - start)
        finally:
            gc.enable()
    print("\nHTML pages in a batch's steady state (memos warm from other pages): median ms")
    print(f"{'page':26} {'parse':>11} {'lxml':>11} {'parse/lxml':>11}")
    ratios = []
    for page in pages:
        t_parse = statistics.median(parse_times[page.name])
        t_lxml = statistics.median(lxml_times[page.name])
        ratios.append(t_parse / t_lxml)
        print(f"{page.name:26.26} {_fmt_ms(t_parse)}    {_fmt_ms(t_lxml)}    {ratios[-1]:10.2f}x")
    median = statistics.median(ratios)
    print(f"{'median ratio':26} {'':11} {'':11} {median:10.2f}x")
    return {"parse/lxml": median}


def bench_text(pages: list[BenchPage], repeat: int) -> dict[str, float]:
    print("\nText pages: median ms per call, and parse() / bare splitlines + split('|')")
    print(f"{'page':34} {'KB':>5} {'parse':>11} {'bare':>11} {'parse/bare':>11}")
    ratios = []
    for page in pages:
        data = page.text
        codec = "utf-8" if page.encoding == "utf-8" else "gb18030"
        t = _time_many(
            {
                "parse": lambda data=data: parse(data),  # type: ignore[misc]
                "bare": lambda data=data, codec=codec: _bare_text(data, codec),  # type: ignore[misc]
            },
            repeat,
            _COLD,
        )
        t_parse, t_bare = t["parse"], t["bare"]
        ratios.append(t_parse / t_bare)
        print(
            f"{page.name:34} {len(data) // 1024:5d} {_fmt_ms(t_parse)}    {_fmt_ms(t_bare)}    "
            f"{t_parse / t_bare:10.1f}x"
        )
    median = statistics.median(ratios)
    print(f"{'median ratio':34} {'':5} {'':11} {'':11} {median:10.1f}x")
    return {"parse/bare": median}


def bench_memory(pages: list[BenchPage]) -> None:
    print("\nPeak traced memory per call (KB; Python heap only), largest HTML and text page")
    html_page = max(pages, key=lambda p: len(p.html))
    text_page = max(pages, key=lambda p: len(p.text))
    row = {name: _peak(fn) for name, fn in _contenders_html(html_page).items()}
    row["parse(text)"] = _peak(lambda: parse(text_page.text))
    codec = "utf-8" if text_page.encoding == "utf-8" else "gb18030"
    row["bare(text)"] = _peak(lambda: _bare_text(text_page.text, codec))
    for name, peak in row.items():
        print(f"  {name:14} {peak / 1024:10.0f}")


def _scaled_html(page: BenchPage, factor: int) -> bytes:
    """The page with its article body repeated ``factor`` times."""
    html = page.html.decode("utf-8")
    start = html.index('<div class="TRS_Editor"')
    end = html.index('<div class="print">')
    return (html[:start] + html[start:end] * factor + html[end:]).encode("utf-8")


def _hostile_inputs() -> dict[str, Callable[[int], bytes]]:
    return {
        "pipes on one line": lambda n: b"|" * (10_000 * n),
        "lines of pipes": lambda n: b"|\n" * (10_000 * n),
        "HTML table rows": lambda n: (
            b"<html><body><table>"
            + b"<tr><td>\xe8\xa7\x84\xe7\xab\xa0</td><td>1</td><td>2</td></tr>" * (1_000 * n)
            + b"</table></body></html>"
        ),
        "text table rows": lambda n: ("规章 | 1 | 0 | 2 |\n" * (1_000 * n)).encode("utf-8"),
        "nested tags": lambda n: b"<html><body>" + b"<div><span>x" * (1_000 * n),
        "random bytes": lambda n: bytes((i * 7919 + 13) % 251 for i in range(10_000 * n)),
    }


def bench_scaling(pages: list[BenchPage], factors: list[int]) -> None:
    print("\nScaling: parse() time at each multiple of the base input; linear growth keeps")
    print("time/(factor × base time) near 1")
    base_page = next(p for p in pages if p.encoding == "utf-8")
    inputs: dict[str, Callable[[int], bytes]] = {
        "report page body": lambda n: _scaled_html(base_page, n)
    }
    inputs.update(_hostile_inputs())
    print(
        f"{'input':22}"
        + "".join(f"{f'{f}x KB':>10} {f'{f}x ms':>10} {'ratio':>6}" for f in factors)
    )
    for name, make in inputs.items():
        base = None
        cells = []
        for factor in factors:
            data = make(factor)
            t = _time(lambda data=data: parse(data), 3 if factor < 100 else 1)  # type: ignore[misc]
            if base is None:
                base = t
            cells.append(f"{len(data) // 1024:10d} {t * 1000:10.1f} {t / (base * factor):6.2f}")
        print(f"{name:22}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per contender")
    parser.add_argument("--quick", action="store_true", help="fewer runs, no 100x step")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling section")
    args = parser.parse_args(argv)
    repeat = 5 if args.quick else args.repeat
    pages = benchmark_pages()
    print(
        f"{len(pages)} generated pages; {repeat} timed runs each; Python {sys.version.split()[0]}"
    )
    html = bench_html(pages, repeat)
    steady = bench_steady(pages, repeat)
    text = bench_text(pages, repeat)
    bench_memory(pages)
    if not args.no_scaling:
        bench_scaling(pages, [1, 10] if args.quick else [1, 10, 100])
    print("\nSummary (median over pages of the per-page ratio)")
    goal_lxml, goal_soup = f"(goal <= {GOAL_VS_LXML}x)", f"(goal >= {GOAL_VS_SOUP}x)"
    print(f"  parse / lxml.html.fromstring   {html['parse/lxml']:6.2f}x   {goal_lxml}")
    print(f"    the same, batch steady state {steady['parse/lxml']:6.2f}x")
    print(f"  lxml + cell texts / lxml       {html['lxml+cells/lxml']:6.2f}x")
    print(f"  BeautifulSoup / parse          {html['soup/parse']:6.1f}x   {goal_soup}")
    print(f"  trafilatura / parse            {html['trafilatura/parse']:6.1f}x")
    print(f"  pandas.read_html / parse       {html['read_html/parse']:6.1f}x")
    print(f"  parse / bare split (text)      {text['parse/bare']:6.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
