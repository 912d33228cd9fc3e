"""The ``govreport-parse`` command line: thin commands over the library.

Commands print JSON Lines to stdout and human messages to stderr. Exit status: 0 when every
input was read, 1 when some input could not be read at all, 2 for usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

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


def main() -> None:
    """Entry point of the ``govreport-parse`` script."""
    cli(prog_name="govreport-parse")
