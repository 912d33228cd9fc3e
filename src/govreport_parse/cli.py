"""The ``govreport-parse`` command line: thin commands over the library.

Commands print JSON Lines to stdout and human messages to stderr. Exit status: 0 when every
input was read, 1 when some input could not be read at all, 2 for usage errors.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import click

from . import __version__
from .models import Report
from .pipeline import parse as parse_page
from .taxonomy import layouts, taxonomy

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govreport-parse")
def cli() -> None:
    """Parse scraped 政府信息公开工作年度报告 pages into structured, traceable data."""


@cli.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--encoding", default=None, help="Decode every input with this codec.")
@click.option("--url", default=None, help="Page URL to record (for a single input).")
@click.option("--indent", type=int, default=None, help="Pretty-print (one input only).")
def parse_command(
    files: tuple[str, ...], encoding: str | None, url: str | None, indent: int | None
) -> None:
    """Parse FILES and print one JSON object (a Report) per line, in input order.

    Every input gives exactly one line, even an unreadable one (then ``format`` is
    ``"unknown"`` and ``issues`` holds an error).

    Example:

        govreport-parse parse report.html page.txt > reports.jsonl
    """
    unreadable = 0
    out = sys.stdout
    for name in files:
        report = parse_page(Path(name), encoding=encoding, url=url)
        report.source.path = name
        if any(i.code == "unreadable_input" for i in report.issues):
            unreadable += 1
        out.write(report.model_dump_json(indent=indent) + "\n")
        out.flush()
    if unreadable:
        raise SystemExit(1)


@cli.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a Report.

    Example:

        govreport-parse schema > report.schema.json
    """
    click.echo(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2))


@cli.command("taxonomy")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "tsv"]),
    default="json",
    show_default=True,
    help="Output format.",
)
def taxonomy_command(fmt: str) -> None:
    """Print the indicator ids with their labels, units, dimensions, parents and formats.

    Example:

        govreport-parse taxonomy --format tsv
    """
    tax = taxonomy()
    rows: list[dict[str, Any]] = []
    for ind in tax.indicators.values():
        dims = tax.dimensions[ind.dims].keys if ind.dims else ()
        rows.append(
            {
                "id": ind.id,
                "label": ind.label,
                "unit": ind.unit,
                "dimension": ind.dims,
                "columns": list(dims),
                "parent": ind.parent,
                "relation": ind.relation,
                "derived": ind.derived,
                "value_type": ind.value_type,
                "formats": list(ind.formats),
            }
        )
    if fmt == "tsv":
        click.echo("id\tlabel\tunit\tdimension\tparent\tformats")
        for r in rows:
            click.echo(
                "\t".join(
                    [
                        r["id"],
                        r["label"],
                        r["unit"] or "",
                        r["dimension"] or "",
                        r["parent"] or "",
                        ",".join(r["formats"]),
                    ]
                )
            )
        return
    layouts()
    for r in rows:
        click.echo(json.dumps(r, ensure_ascii=False))


F = TypeVar("F", bound=Callable[..., Any])


def output_options(fn: F) -> F:
    """The options of every command that writes reports: where they go."""
    return click.option(
        "-o",
        "--out",
        default="reports.sqlite",
        show_default=True,
        metavar="OUT",
        help="Output: a .jsonl, .csv, .parquet or .sqlite file, or a sqlite:/// or "
        "postgresql:// URL. The form of the name selects the format.",
    )(fn)


def batch_options(fn: F) -> F:
    """The options of a batch run: parallelism, resumption and limits."""
    for option in reversed(
        [
            click.option(
                "-j",
                "--workers",
                type=click.IntRange(min=1),
                default=None,
                help="Worker processes. [default: the number of CPUs]",
            ),
            click.option(
                "--resume",
                is_flag=True,
                help="Skip inputs already recorded in OUT (database outputs).",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=0),
                default=60.0,
                show_default=True,
                help="Seconds one page may take before it is recorded as a failure (0: no limit).",
            ),
            click.option(
                "--max-bytes",
                type=click.IntRange(min=1),
                default=32 * 1024 * 1024,
                show_default=True,
                help="Larger inputs and archive members are recorded as failures, not read.",
            ),
            click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary."),
        ]
    ):
        fn = option(fn)
    return fn


@cli.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=str))
@output_options
@batch_options
def batch_command(
    inputs: tuple[str, ...],
    out: str,
    workers: int | None,
    resume: bool,
    timeout: float,
    max_bytes: int,
    quiet: bool,
) -> None:
    """Parse many pages in parallel into one output: a database or a file.

    INPUTS are page files, directories (searched recursively), .zip and .tar(.gz) archives,
    WARC files (.warc, .warc.gz) and JSON Lines files with url plus html or text per line.
    Archives are read in place. Every page ends as one row of table reports or of table
    failures (file outputs: a .failures.jsonl file beside OUT). Exit status: 0 when every page
    was parsed, 1 when some failed, 2 on usage errors, 130 when interrupted.

    Example:

    \b
        govreport-parse batch crawl.warc.gz pages/ --out reports.sqlite --workers 4
        govreport-parse batch crawl.zip --out reports.sqlite --resume
        govreport-parse batch scraped.jsonl --out records.parquet
    """
    from . import archive, batch
    from ._extras import MissingExtraError
    from .exporters import open_sink

    try:
        sink = open_sink(out)
    except (ValueError, MissingExtraError) as exc:
        raise click.UsageError(str(exc)) from exc
    except Exception as exc:  # the database cannot be reached or created
        raise click.UsageError(f"cannot open {out}: {type(exc).__name__}: {exc}") from exc
    if resume and not sink.resumable:
        sink.close(False)
        raise click.UsageError(
            "--resume needs a database output (.sqlite, sqlite:///…, postgresql://…); "
            f"{out} is a file written whole at the end of a run"
        )

    bar = _progress_bar(disable=quiet or not sys.stderr.isatty())
    if not bar.disable:

        def count() -> None:
            # Only for the ETA: any problem with an input is reported by the run itself.
            with contextlib.suppress(Exception):
                bar.total = archive.count_members(inputs, max_bytes=max_bytes)

        threading.Thread(target=count, daemon=True, name="count-inputs").start()

    def progress(summary: batch.BatchSummary) -> None:
        bar.update(summary.pages - bar.n)
        if summary.failed:
            bar.set_postfix(errors=summary.failed, refresh=False)

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = batch.run_batch(
            inputs,
            sink,
            workers=workers,
            resume=resume,
            timeout=timeout or None,
            max_bytes=max_bytes,
            progress=progress,
        )
    except MissingExtraError as exc:
        bar.close()
        raise click.UsageError(str(exc)) from exc
    except KeyboardInterrupt as exc:
        bar.close()
        interrupted: batch.BatchSummary | None = getattr(exc, "summary", None)
        if interrupted is not None and not quiet:
            click.echo(_summary_text(interrupted, workers), err=True)
        click.echo("Interrupted: run again with --resume to continue.", err=True)
        raise SystemExit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    bar.close()
    if not quiet:
        click.echo(_summary_text(summary, workers), err=True)
    if summary.failed:
        raise SystemExit(1)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops a batch like Ctrl-C: store what is complete, then exit."""
    raise KeyboardInterrupt


def _progress_bar(disable: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=None,
        unit="page",
        file=sys.stderr,
        disable=disable,
        dynamic_ncols=True,
        smoothing=0.05,
        desc="parsing",
    )


def _top(counter: Any, n: int = 5) -> str:
    return ", ".join(f"{key} {count:,}" for key, count in counter.most_common(n))


def _summary_text(summary: Any, workers: int | None) -> str:
    """The closing summary of a batch run, for people."""
    from .batch import _cpu_count

    workers_text = f"{workers or _cpu_count()} workers"
    rate = (
        f"{summary.pages_per_second:.1f} pages/s, {workers_text}"
        if summary.parsed + summary.failed
        else workers_text
    )
    lines = [
        f"{summary.pages:,} pages in {summary.elapsed:.1f} s ({rate})",
        f"  reports:  {summary.parsed:,} → {summary.output}",
    ]
    if summary.formats:
        lines.append(f"            by format: {_top(summary.formats)}")
    if summary.issue_codes:
        lines.append(f"  issues:   {_top(summary.issue_codes)}")
    if summary.failed:
        lines.append(
            f"  failures: {summary.failed:,} ({_top(summary.failure_kinds)})"
            f" → {summary.failures_location}"
        )
        lines.extend(f"            {f.path}: {f.error}" for f in summary.failure_examples)
    else:
        lines.append("  failures: none")
    if summary.resumed:
        lines.append(f"  resumed:  {summary.resumed:,} already recorded, skipped")
    if summary.skipped:
        lines.append(f"  ignored:  {sum(summary.skipped.values()):,} ({_top(summary.skipped)})")
    return "\n".join(lines)


def main() -> None:
    """Entry point of the ``govreport-parse`` script."""
    cli(prog_name="govreport-parse")
