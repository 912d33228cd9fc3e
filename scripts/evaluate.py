"""Measure accuracy and speed on a corpus of pages with expected answers (gold files).

Usage::

    python scripts/evaluate.py GOLD_DIR [GOLD_DIR ...] [--out FILE] [--repeat N]

Each ``GOLD_DIR`` holds ``*.json`` gold files in the format of the project's scorer
(``tools/score.py`` in the shared corpus): ``file`` names the page relative to the gold
folder's parent, ``expect`` the header fields, ``indicators`` the printed numbers,
``indicators_complete`` whether extra numbers count against the parser, and ``expect_issues``
the sum rules the page's numbers break. Only what a gold file names is scored, the same way
the scorer scores it; the difference is that pages are parsed in this process, so each parse
can be timed.

The result is a markdown report (accuracy per folder and per format, then speed per input
kind) printed to standard output or written to ``--out``; ``docs/evaluation.md`` includes
the copy in ``docs/_snippets/evaluation.md`` (``make evaluate`` refreshes it). The corpus
itself is not part of the project.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from govreport_parse import __version__, parse

ROOT = Path(__file__).resolve().parents[1]


def norm_text(value: object) -> object:
    """Compare text fields as the scorer does: NFKC, whitespace removed."""
    if isinstance(value, str):
        return "".join(unicodedata.normalize("NFKC", value).split())
    return value


def same_number(a: object, b: object) -> bool:
    """Numbers are equal when they are the same number, whatever their type."""
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return False


@dataclass
class Score:
    """Counts for one set of pages."""

    pages: int = 0
    failed: int = 0
    fields_ok: int = 0
    fields_all: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    issues_want: int = 0
    issues_found: int = 0
    false_alarms: int = 0

    def add(self, other: Score) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def field_accuracy(self) -> float:
        return self.fields_ok / self.fields_all if self.fields_all else 1.0


@dataclass
class Timing:
    """Parse times of one kind of input."""

    seconds: list[float] = field(default_factory=list)
    size: int = 0


def score_page(gold: dict[str, Any], got: dict[str, Any]) -> Score:
    """Score one parsed page against its gold file, as the project's scorer does."""
    s = Score(pages=1)
    expect = gold.get("expect", {})
    checks = [
        (k, expect[k], got.get(k)) for k in ("year", "format", "agency", "title") if k in expect
    ]
    meta = got.get("metadata") or {}
    checks += [(k, v, meta.get(k)) for k, v in expect.get("metadata", {}).items()]
    for _, want, have in checks:
        s.fields_all += 1
        s.fields_ok += norm_text(want) == norm_text(have)
    want_vals = {(i["id"], i.get("column")): i["value"] for i in gold.get("indicators", [])}
    have_vals = {
        (i.get("id"), i.get("column")): i.get("value")
        for i in got.get("indicators") or []
        if i.get("value") is not None
    }
    complete = gold.get("indicators_complete", True)
    for key, want in want_vals.items():
        if key in have_vals and same_number(want, have_vals[key]):
            s.tp += 1
        else:
            s.fn += 1
    for key, have in have_vals.items():
        if key in want_vals:
            s.fp += not same_number(want_vals[key], have)
        elif complete:
            s.fp += 1
    if "expect_issues" in gold:
        found = {
            (i.get("indicator"), i.get("column"))
            for i in got.get("issues") or []
            if i.get("code") == "sum_mismatch"
        }
        wanted = {
            (i.get("indicator"), i.get("column"))
            for i in gold["expect_issues"]
            if i.get("code") == "sum_mismatch"
        }
        s.issues_want += len(wanted)
        for ind, col in wanted:
            if (ind, col) in found or (col is None and any(g[0] == ind for g in found)):
                s.issues_found += 1
        if not wanted and complete:
            s.false_alarms += len(found)
    return s


def evaluate(
    gold_dir: Path, repeat: int, by_format: dict[str, Score], timings: dict[str, Timing]
) -> Score:
    """Parse and score every page of one gold folder."""
    total = Score()
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        page = (gold_path.parent.parent / gold["file"]).resolve()
        data = page.read_bytes()
        best = math.inf
        got: dict[str, Any] = {}
        try:
            for _ in range(repeat):
                start = time.perf_counter()
                report = parse(data)
                best = min(best, time.perf_counter() - start)
            got = report.model_dump(mode="json")
        except Exception as exc:  # a crash is a page without a result, as for the scorer
            print(f"{gold_path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            s = score_page(gold, {})
            s.failed = 1
        else:
            s = score_page(gold, got)
            timing = timings.setdefault(got["source"]["kind"], Timing())
            timing.seconds.append(best)
            timing.size += len(data)
        total.add(s)
        fmt = gold.get("expect", {}).get("format") or "(not scored)"
        by_format.setdefault(fmt, Score()).add(s)
    return total


def _row(name: str, s: Score) -> str:
    issues = f"{s.issues_found}/{s.issues_want}" if s.issues_want else "—"
    return (
        f"| {name} | {s.pages} | {s.field_accuracy:.3f} ({s.fields_ok}/{s.fields_all}) "
        f"| {s.precision:.3f} | {s.recall:.3f} | **{s.f1:.3f}** | {issues} | {s.false_alarms} "
        f"| {s.failed} |"
    )


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


def report(
    sets: list[tuple[str, Score]], by_format: dict[str, Score], timings: dict[str, Timing]
) -> str:
    """The markdown report."""
    head = (
        "| {first} | pages | header fields | precision | recall | F1 | sum issues found "
        "| false alarms | no result |\n|---|--:|---|--:|--:|--:|--:|--:|--:|"
    )
    lines = [
        f"Measured {date.today().isoformat()} on govreport-parse {__version__} "
        f"(commit `{_commit()}`), Python {platform.python_version()}, "
        f"{platform.machine()}.",
        "",
        "**Accuracy by corpus folder**",
        "",
        head.format(first="corpus folder"),
    ]
    total = Score()
    for name, s in sets:
        lines.append(_row(f"`{name}`", s))
        total.add(s)
    if len(sets) > 1:
        lines.append(_row("**all**", total))
    lines += ["", "**Accuracy by table format**", "", head.format(first="expected format")]
    for name, s in sorted(by_format.items()):
        lines.append(_row(f"`{name}`", s))
    lines += [
        "",
        "**Speed** (one process, best of the repeats per page)",
        "",
        "| input | pages | median ms/page | 95th percentile ms | pages/s | MB/s |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for kind, t in sorted(timings.items()):
        secs = sorted(t.seconds)
        p95 = secs[min(len(secs) - 1, math.ceil(0.95 * len(secs)) - 1)]
        total_s = sum(secs)
        lines.append(
            f"| {kind} | {len(secs)} | {statistics.median(secs) * 1000:.1f} | {p95 * 1000:.1f} "
            f"| {len(secs) / total_s:.0f} | {t.size / total_s / 1e6:.2f} |"
        )
    return "\n".join(lines) + "\n"


def _set_name(path: Path) -> str:
    """A readable name for a gold folder: ``real/gold`` rather than ``gold``."""
    parts = path.resolve().parts
    return "/".join(parts[-2:]) if parts[-1] == "gold" and len(parts) > 1 else parts[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("gold", type=Path, nargs="+", help="folders of gold *.json files")
    ap.add_argument("--out", type=Path, help="write the markdown here instead of stdout")
    ap.add_argument("--repeat", type=int, default=3, help="parses per page for timing")
    args = ap.parse_args(argv)
    by_format: dict[str, Score] = {}
    timings: dict[str, Timing] = {}
    sets: list[tuple[str, Score]] = []
    for folder in args.gold:
        if not folder.is_dir():
            ap.error(f"{folder} is not a folder")
        sets.append((_set_name(folder), evaluate(folder, max(1, args.repeat), by_format, timings)))
    text = report(sets, by_format, timings)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
