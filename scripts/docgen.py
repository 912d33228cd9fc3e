"""Generate the parts of the documentation that must follow the code.

The pages in ``docs/`` (and ``README.md``) carry cog blocks that call the functions below; the
text between ``[[[cog`` and ``[[[end]]]`` is their output, committed with the page. Two commands
keep it honest::

    make docs-gen    # rewrite every generated block from the current code (cog -r)
    make test        # fails when a generated block is stale (cog --check)

Everything here reads the installed package and the repository only: no network, nothing
outside the project, so a fresh clone regenerates the same text.

Examples (the quickstart, the README) run in a scratch folder holding a copy of the project's
example pages, ``examples/``; :class:`Session` executes them the way a reader would, and
``tests/test_docs.py`` runs the same blocks again and compares.
"""

from __future__ import annotations

import ast
import atexit
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import click
from click.testing import CliRunner

from govreport_parse import models
from govreport_parse.cli import cli
from govreport_parse.state import Document
from govreport_parse.taxonomy import FORMATS, layouts, taxonomy

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "govreport_parse"
EXAMPLES = ROOT / "examples"

#: Width the CLI help is rendered at (click wraps to the terminal otherwise).
HELP_WIDTH = 88

FORMAT_NAMES = {
    "legacy2014": "2014 统计表",
    "fmt2019": "2019 试行",
    "fmt2021": "2021",
}


def _cell(text: object) -> str:
    """Text safe inside a markdown table cell."""
    if text is None or text == "":
        return ""
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", " ")
    )


_ROLE = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")


def _md(text: str) -> str:
    """Docstring text → markdown: Sphinx roles become code, double backticks single."""
    return _ROLE.sub(r"`\1`", text).replace("``", "`")


def _code(text: object) -> str:
    return f"`{text}`" if text not in (None, "") else ""


# ----------------------------------------------------------------------------------------------
# CLI reference


def commands() -> dict[str, click.Command]:
    """The subcommands of ``govreport-parse``, in the order the CLI lists them."""
    return dict(cli.commands)


def help_text(args: list[str]) -> str:
    """The ``--help`` output of ``govreport-parse ARGS``, as a reader's terminal shows it."""
    result = CliRunner().invoke(
        cli, [*args, "--help"], prog_name="govreport-parse", terminal_width=HELP_WIDTH
    )
    if result.exit_code != 0:
        raise RuntimeError(f"govreport-parse {' '.join(args)} --help failed: {result.output}")
    return result.output.rstrip() + "\n"


def cli_reference() -> str:
    """One section per command: its name, then its ``--help`` verbatim."""
    out = ["```text", "$ govreport-parse --help", help_text([]).rstrip(), "```", ""]
    for name in commands():
        out += [
            f"## govreport-parse {name}",
            "",
            "```text",
            f"$ govreport-parse {name} --help",
            help_text([name]).rstrip(),
            "```",
            "",
        ]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# Taxonomy reference


def _raw_data(name: str) -> dict[str, Any]:
    text = resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def label_variants() -> dict[str, list[str]]:
    """Indicator id → the label variants ``layouts.toml`` lists for its row, in file order.

    表二 variants name a row (``proactive.rules``); they are given to every cell id of the row.
    """
    tax = taxonomy()
    out: dict[str, list[str]] = {}

    def add(ident: str, labels: list[str]) -> None:
        seen = out.setdefault(ident, [])
        seen.extend(label for label in labels if label not in seen)

    data = _raw_data("layouts.toml")
    for block in data["t2"]:
        for spec in block["rows"]:
            for ident in tax.indicators:
                if ident.startswith(spec["row"] + "."):
                    add(ident, spec["labels"])
    for spec in data["t3"]["rows"]:
        add(spec["id"], list(spec.get("labels", [])) + list(spec.get("exact", [])))
    for spec in data["legacy"]["sections"]:
        if "id" in spec:
            add(spec["id"], spec["labels"])
    for spec in data["legacy"]["rows"]:
        column = spec.get("column")
        labels = list(spec.get("labels", []))
        if column and column != "total":
            labels = [f"{label} → {column}" for label in labels]
        add(spec["id"], labels)
    return out


def _family(ident: str) -> str:
    head = ident.split(".")[0]
    return head


FAMILY_TITLES = {
    "proactive": "proactive — 主动公开 (表二, 2019 and 2021)",
    "proactive_legacy": "proactive_legacy — 主动公开情况 (2014 统计表 一)",
    "response": "response — 回应解读情况 (2014 统计表 二)",
    "requests": "requests — 依申请公开 (表三; 2014 统计表 三)",
    "review": "review — 行政复议",
    "litigation": "litigation — 行政诉讼",
    "complaints": "complaints — 被举报投诉 (2014 统计表 六)",
    "archive_submission": "archive_submission — 向查阅场所报送 (2014 统计表 七)",
    "websites": "websites — 政府信息公开网站 (2014 统计表 八)",
    "gazette": "gazette — 政府公报 (2014 统计表 九)",
    "reading_points": "reading_points — 查阅点 (2014 统计表 十)",
    "reading_points_visitors": "reading_points_visitors — 查阅点接待 (2014 统计表 十一)",
    "organization": "organization — 机构建设和保障经费 (2014 统计表 十二)",
    "training": "training — 会议和培训 (2014 统计表 十三)",
}


def dimensions_table() -> str:
    """The dimensions and their member keys (the ``column`` of a value)."""
    out = ["| dimension | column key | 中文 | used for |", "|---|---|---|---|"]
    for dim in taxonomy().dimensions.values():
        for key, label in dim.members:
            out.append(f"| `{dim.name}` | `{key}` | {_cell(label)} | {_cell(dim.description)} |")
    return "\n".join(out) + "\n"


def taxonomy_reference() -> str:
    """Every indicator, grouped by family: id, label, unit, columns, parent, formats, variants."""
    tax = taxonomy()
    variants = label_variants()
    families: dict[str, list[str]] = {}
    for ident in tax.indicators:
        families.setdefault(_family(ident), []).append(ident)
    out = [
        f"{len(tax.indicators)} indicators in {len(families)} families. "
        "**derived** marks a group sum that the 2019 and 2021 tables do not print as a cell of "
        "its own (不予公开, 行政诉讼合计): it exists so that its parts can name a parent, and a "
        "value is reported only where a table prints one (the 2014 统计表's 五、行政诉讼数量).",
        "",
    ]
    for family, idents in families.items():
        out += [
            f"### {FAMILY_TITLES.get(family, family)}",
            "",
            "| id | 中文 label | unit | columns | parent | formats | printed as |",
            "|---|---|---|---|---|---|---|",
        ]
        for ident in idents:
            ind = tax.indicators[ident]
            columns = f"`{ind.dims}`" if ind.dims else ""
            parent = _code(ind.parent)
            if ind.parent and ind.relation and ind.relation != "partition":
                parent += f" ({ind.relation})"
            fmts = ", ".join(FORMAT_NAMES[f] for f in FORMATS if f in ind.formats)
            if ind.derived:
                fmts = f"**derived** ({fmts})" if fmts else "**derived**"
            unit = ind.unit or ""
            if ind.value_type != "count":
                unit = f"{unit} ({ind.value_type})" if unit else ind.value_type
            shown = [v for v in variants.get(ident, []) if v != ind.label]
            out.append(
                f"| `{ident}` | {_cell(ind.label)} | {_cell(unit)} | {columns} | {parent} "
                f"| {fmts} | {_cell(' · '.join(shown))} |"
            )
        out.append("")
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------
# Formats


def detection_cues() -> str:
    """The cue strings that decide the format, per format, from ``layouts.toml``."""
    cues = layouts().detect
    out = ["| format | cues looked for in the table region |", "|---|---|"]
    out += [
        f"| `{fmt}` ({FORMAT_NAMES[fmt]}) | {_cell(' · '.join(cues.get(fmt, ())))} |"
        for fmt in FORMATS
    ]
    return "\n".join(out) + "\n"


def format_counts() -> str:
    """How many indicators each format prints, per family."""
    tax = taxonomy()
    counts: dict[str, dict[str, int]] = {}
    for ind in tax.indicators.values():
        if ind.derived:
            continue
        row = counts.setdefault(_family(ind.id), dict.fromkeys(FORMATS, 0))
        for fmt in ind.formats:
            row[fmt] += 1
    head = " | ".join(f"`{f}`" for f in FORMATS)
    out = [f"| family | {head} |", "|---|" + "---:|" * len(FORMATS)]
    for family, row in counts.items():
        cells = " | ".join(str(row[f]) if row[f] else "—" for f in FORMATS)
        out.append(f"| `{family}` | {cells} |")
    return "\n".join(out) + "\n"


def table2_mapping() -> str:
    """表二: each block's rows × columns, in 2019 and 2021, with the ids they map to."""
    tax = taxonomy()
    data = _raw_data("layouts.toml")
    out = [
        "| block | row (as printed) | 2019 试行 columns → id | 2021 columns → id |",
        "|---|---|---|---|",
    ]
    for block in data["t2"]:
        for spec in block["rows"]:
            cells = []
            for fmt in ("fmt2019", "fmt2021"):
                ids = [
                    f"`{spec['row']}.{c}`"
                    for c in block.get(fmt, [])
                    if f"{spec['row']}.{c}" in tax.indicators
                    and fmt in tax.indicators[f"{spec['row']}.{c}"].formats
                ]
                cells.append("<br>".join(ids) or "—")
            label = _cell(spec["labels"][0])
            out.append(f"| {_cell(block['block'])} | {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(out) + "\n"


def table3_mapping() -> str:
    """表三: each row label and its id, with the formats that print it."""
    tax = taxonomy()
    data = _raw_data("layouts.toml")
    out = ["| row (as printed) | id | 2019 试行 | 2021 |", "|---|---|:-:|:-:|"]
    for spec in data["t3"]["rows"]:
        ind = tax.indicators[spec["id"]]
        label = (spec.get("labels") or spec.get("exact") or [ind.label])[0]
        marks = [
            ("group heading" if fmt in spec.get("group_in", ()) else "✓")
            if fmt in ind.formats
            else "—"
            for fmt in ("fmt2019", "fmt2021")
        ]
        out.append(f"| {_cell(label)} | `{ind.id}` | {marks[0]} | {marks[1]} |")
    columns = ", ".join(f"`{c}`" for c in layouts().t3_columns)
    out += ["", f"Columns, left to right: {columns} (dimension `applicant`)."]
    return "\n".join(out) + "\n"


def table4_mapping() -> str:
    """表四: the 15 data columns and the (id, column) each one fills."""
    out = ["| # | id | column |", "|--:|---|---|"]
    for n, (ident, col) in enumerate(layouts().t4_columns, 1):
        out.append(f"| {n} | `{ident}` | `{col}` |")
    return "\n".join(out) + "\n"


def legacy_mapping() -> str:
    """The 2014 统计表: section headings and rows with their ids."""
    data = _raw_data("layouts.toml")
    sections = {s["section"]: s for s in data["legacy"]["sections"]}
    out = ["| section | row (as printed) | id | column |", "|---|---|---|---|"]
    for key, spec in sections.items():
        ident = spec.get("id")
        out.append(
            f"| **{_cell(spec['labels'][0])}** | *(heading)* | {_code(ident)} "
            f"| {_code(spec.get('column'))} |"
        )
        for row in data["legacy"]["rows"]:
            if (row.get("section") or _section_by_id(row["id"])) != key:
                continue
            label = (row.get("labels") or [f"pattern `{row['patterns'][0]}`"])[0]
            out.append(f"| | {_cell(label)} | `{row['id']}` | {_code(row.get('column'))} |")
    return "\n".join(out) + "\n"


def _section_by_id(ident: str) -> str:
    """The 2014 统计表 section of a legacy row that does not name one (by its id's family)."""
    prefixes = {
        "proactive_legacy": "s1",
        "response": "s2",
        "requests": "s3",
        "review": "s4",
        "litigation": "s5",
        "complaints": "s6",
        "archive_submission": "s7",
        "websites": "s8",
        "gazette": "s9",
        "reading_points_visitors": "s11",
        "reading_points": "s10",
        "organization": "s12",
        "training": "s13",
    }
    for prefix, section in prefixes.items():
        if ident.startswith(prefix):
            return section
    return ""


# ----------------------------------------------------------------------------------------------
# Output schema


def _type_of(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in prop:
        return " or ".join(_type_of(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " / ".join(f'"{v}"' for v in prop["enum"])
    if "const" in prop:
        return f'"{prop["const"]}"'
    kind = prop.get("type", "any")
    if kind == "array":
        return f"list of {_type_of(prop.get('items', {}))}"
    if kind == "object":
        extra = prop.get("additionalProperties")
        return f"object of {_type_of(extra)}" if isinstance(extra, dict) else "object"
    if kind == "string" and prop.get("format"):
        return f"string ({prop['format']})"
    return str(kind)


def schema() -> dict[str, Any]:
    """The JSON Schema of :class:`~govreport_parse.models.Report` (``govreport-parse schema``)."""
    return models.Report.model_json_schema()


def schema_tables() -> str:
    """One table per model: field, JSON type, default, description."""
    doc = schema()
    parts = [("Report", doc), *sorted(doc.get("$defs", {}).items())]
    order = ["Report", "Source", "Metadata", "Section", "IndicatorValue", "UnmappedRow", "Issue"]
    parts.sort(key=lambda p: order.index(p[0]) if p[0] in order else len(order))
    out: list[str] = []
    for name, model in parts:
        out += [f"### {name}", ""]
        if model.get("description"):
            out += [model["description"], ""]
        out += ["| field | type | default | description |", "|---|---|---|---|"]
        required = set(model.get("required", ()))
        for field, prop in model.get("properties", {}).items():
            default = "*required*" if field in required else _code(json.dumps(prop.get("default")))
            if field not in required and "default" not in prop:
                default = ""
            out.append(
                f"| `{field}` | {_type_of(prop).replace('|', '&#124;')} | {default} "
                f"| {_cell(prop.get('description', ''))} |"
            )
        out.append("")
    return "\n".join(out)


def schema_json() -> str:
    """The full JSON Schema, pretty-printed as ``govreport-parse schema`` prints it."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"


def schema_block() -> str:
    """The JSON Schema as a fenced block (fences cannot be written inside the cog comment)."""
    return "```json\n" + schema_json() + "```\n"


# ----------------------------------------------------------------------------------------------
# Issue codes: found by reading the source, never listed by hand


@dataclass(frozen=True)
class Emission:
    """One place in ``src/`` that can emit an issue code."""

    code: str
    severity: str
    module: str
    line: int


#: Calls to ``.issue(...)`` whose code is not a literal, and where their codes come from.
#: A new indirect call site must be added here (tests/test_docs.py fails until it is).
INDIRECT_SITES = {
    "code": "notes",  # pipeline: the (code, message) notes of a tokenized page
    "rule.code": "rules",  # validate: the code of a failed arithmetic rule
}

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


def _severity(call: ast.Call) -> str | None:
    node: ast.expr | None = call.args[2] if len(call.args) > 2 else None
    for kw in call.keywords:
        if kw.arg == "severity":
            node = kw.value
    if node is None:
        return "warning"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _is_notes(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "notes") or (
        isinstance(node, ast.Attribute) and node.attr == "notes"
    )


def _note_codes(node: ast.expr) -> Iterator[tuple[str, int]]:
    """Codes of ``(code, message)`` tuples in a notes expression."""
    items = node.elts if isinstance(node, ast.List | ast.Tuple) else []
    candidates = [node] if isinstance(node, ast.Tuple) else items
    for item in candidates:
        if (
            isinstance(item, ast.Tuple)
            and len(item.elts) == 2
            and isinstance(item.elts[0], ast.Constant)
            and isinstance(item.elts[0].value, str)
            and _CODE.match(item.elts[0].value)
        ):
            yield item.elts[0].value, item.lineno


def scan_source(src: Path = SRC) -> tuple[list[Emission], list[str]]:
    """Every issue code the package can emit, and the unexplained indirect call sites.

    Recognised forms: ``doc.issue("code", message, severity)``; ``(code, message)`` tuples put
    on a page's ``notes`` (reported as warnings by the pipeline); ``code="…"`` given to an
    arithmetic rule, and the default ``code`` of the rule class (reported as warnings).
    """
    direct: list[Emission] = []
    indirect: dict[str, str] = {}
    unknown: list[str] = []
    pending: list[tuple[str, str, str, int]] = []  # (kind, code, module, line)
    for path in sorted(src.rglob("*.py")):
        module = path.relative_to(src.parent).with_suffix("").as_posix().replace("/", ".")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "issue" and node.args:
                    first = node.args[0]
                    severity = _severity(node) or "warning"
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        direct.append(Emission(first.value, severity, module, node.lineno))
                    else:
                        expr = ast.unparse(first)
                        if expr in INDIRECT_SITES:
                            indirect[INDIRECT_SITES[expr]] = severity
                        else:
                            unknown.append(f"{module}:{node.lineno}: issue({expr}, …)")
                if node.func.attr == "append" and _is_notes(node.func.value) and node.args:
                    for code, line in _note_codes(node.args[0]):
                        pending.append(("notes", code, module, line))
            if isinstance(node, ast.Call):
                for kw in node.keywords:
                    if kw.arg == "notes":
                        for code, line in _note_codes(kw.value):
                            pending.append(("notes", code, module, line))
                    if (
                        kw.arg == "code"
                        and isinstance(kw.value, ast.Constant)
                        and isinstance(kw.value.value, str)
                    ):
                        pending.append(("rules", kw.value.value, module, node.lineno))
            if isinstance(node, ast.ClassDef) and not node.name.endswith(("Error", "Warning")):
                pending.extend(
                    ("rules", stmt.value.value, module, stmt.lineno)
                    for stmt in node.body
                    if isinstance(stmt, ast.AnnAssign)
                    and isinstance(stmt.target, ast.Name)
                    and stmt.target.id == "code"
                    and isinstance(stmt.value, ast.Constant)
                    and isinstance(stmt.value.value, str)
                )
    emissions = list(direct)
    for kind, code, module, line in pending:
        emissions.append(Emission(code, indirect.get(kind, "warning"), module, line))
    return emissions, unknown


def emitted_codes() -> dict[str, list[Emission]]:
    """Issue code → where it is emitted."""
    out: dict[str, list[Emission]] = {}
    for em in scan_source()[0]:
        out.setdefault(em.code, []).append(em)
    return dict(sorted(out.items()))


def documented_codes(page: Path = ROOT / "docs" / "issues.md") -> list[str]:
    """The codes that ``docs/issues.md`` explains (its ``### `code``` headings)."""
    text = page.read_text(encoding="utf-8")
    return re.findall(r"^### `([a-z0-9_]+)`", text, flags=re.MULTILINE)


def _strict_exception(code: str, severity: str) -> str:
    from govreport_parse import pipeline
    from govreport_parse.exceptions import GovReportError, TableError

    if severity != "error" and code not in getattr(pipeline, "_STRICT_ALWAYS", ()):
        return ""

    table: dict[str, type[GovReportError]] = getattr(pipeline, "_STRICT_ERRORS", {})
    exc = table.get(code)
    if exc is None:
        exc = TableError if "table" in code else GovReportError
    return f"`{exc.__name__}`"


def issues_table() -> str:
    """Code, severity, emitting module(s), and the exception ``strict=True`` raises."""
    out = [
        "| code | severity | emitted by | `strict=True` raises |",
        "|---|---|---|---|",
    ]
    for code, places in emitted_codes().items():
        severities = sorted({p.severity for p in places})
        modules = sorted({p.module.removeprefix("govreport_parse.") for p in places})
        severity = " / ".join(severities)
        strict = _strict_exception(code, severities[0]) if len(severities) == 1 else ""
        out.append(
            f"| [`{code}`](#{code}) | {severity} | {', '.join(f'`{m}`' for m in modules)} "
            f"| {strict} |"
        )
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# Architecture


def stages_table() -> str:
    """The pipeline stages in order, each with its function and the first line of its doc."""
    from govreport_parse import pipeline

    out = ["| # | stage | function | what it does |", "|--:|---|---|---|"]
    # A stage returns nothing; the final step returns the Report: both are documented the same.
    rows: list[tuple[str, Callable[[Document], object]]] = list(pipeline.STAGES)
    from govreport_parse import build

    rows.append(("build", build.report))
    for n, (name, func) in enumerate(rows, 1):
        where = f"{func.__module__.removeprefix('govreport_parse.')}.{func.__name__}"
        doc = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else ""
        out.append(f"| {n} | **{name}** | `{where}` | {_cell(_md(doc))} |")
    return "\n".join(out) + "\n"


def modules_table() -> str:
    """Every module of the package with the first line of its docstring."""
    out = ["| module | role |", "|---|---|"]
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = doc.strip().splitlines()[0] if doc.strip() else ""
        out.append(f"| `{rel}` | {_cell(_md(first))} |")
    return "\n".join(out) + "\n"


def data_files_table() -> str:
    """The package's data files with the first comment line of each."""
    out = ["| file | what it holds |", "|---|---|"]
    for path in sorted((SRC / "data").iterdir()):
        if path.name.startswith((".", "_")) or path.suffix not in (".toml", ".tsv"):
            continue
        comment: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#") or not line.strip("# "):
                break
            comment.append(line.lstrip("# ").strip())
        first = re.split(r"(?<=\.)\s", " ".join(comment), maxsplit=1)[0]
        out.append(f"| `data/{path.name}` | {_cell(first)} |")
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------------------------------------
# Executed examples


def _bin_dir() -> Path:
    return Path(sys.executable).parent


class Session:
    """Run a page's examples in order in one scratch folder, as a reader would.

    The folder holds a copy of ``examples/``, so commands and code use the same relative paths
    as a reader at the root of a clone (``examples/2021_fmt2021_pipe_text.txt``). Python
    examples share one namespace; files written by one example are there for the next.
    """

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="govreport-docs-"))
        shutil.copytree(EXAMPLES, self.dir / EXAMPLES.name)
        self.globals: dict[str, Any] = {"__name__": "__main__"}
        atexit.register(self.close)

    # -- shell --------------------------------------------------------------------------------

    def run_shell(self, command: str) -> str:
        """Run one command line in the scratch folder; return its standard output."""
        env = dict(os.environ)
        env["PATH"] = f"{_bin_dir()}{os.pathsep}{env.get('PATH', '')}"
        env["COLUMNS"] = str(HELP_WIDTH)
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=self.dir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{command!r} exited {proc.returncode}: {proc.stderr[-2000:]}")
        return proc.stdout

    def console(self, *commands: str) -> str:
        """A ``console`` block: each ``$ command`` followed by its output."""
        out = ["```console"]
        for command in commands:
            out.append(f"$ {command}")
            text = self.run_shell(command)
            out += text.rstrip("\n").splitlines() if text.strip() else []
        out.append("```")
        return "\n".join(out) + "\n"

    # -- python -------------------------------------------------------------------------------

    def run_python(self, source: str) -> list[tuple[str, str]]:
        """Execute ``source`` statement by statement; return (statement, output) pairs."""
        source = _dedent(source)
        tree = ast.parse(source)
        lines = source.splitlines()
        pairs: list[tuple[str, str]] = []
        for stmt in tree.body:
            end = stmt.end_lineno or stmt.lineno
            text = "\n".join(lines[stmt.lineno - 1 : end])
            buffer = io.StringIO()
            with _chdir(self.dir), contextlib.redirect_stdout(buffer):
                code = compile(text + "\n", "<docs>", "single")
                saved = sys.displayhook
                sys.displayhook = _displayhook(buffer)
                try:
                    exec(code, self.globals)
                finally:
                    sys.displayhook = saved
            pairs.append((text, buffer.getvalue()))
        return pairs

    def pycon(self, source: str) -> str:
        """A ``pycon`` block: each statement at the ``>>>`` prompt followed by its output."""
        out = ["```pycon"]
        for statement, output in self.run_python(source):
            first, *rest = statement.splitlines()
            out.append(f">>> {first}")
            out += [f"... {line}" if line else "..." for line in rest]
            if rest and isinstance(ast.parse(statement).body[0], ast.For | ast.With | ast.If):
                out.append("...")
            for line in output.rstrip("\n").splitlines() if output.strip() else []:
                out.append(line.rstrip() if line.strip() else "<BLANKLINE>")
        out.append("```")
        return "\n".join(out) + "\n"

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _dedent(source: str) -> str:
    import textwrap

    return textwrap.dedent(source).strip("\n")


@contextlib.contextmanager
def _chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _displayhook(buffer: io.StringIO) -> Any:
    def hook(value: object) -> None:
        if value is None:
            return
        buffer.write(repr(value) + "\n")

    return hook


# ----------------------------------------------------------------------------------------------
# Python API


def _docstring_md(doc: str | None) -> str:
    """A docstring as markdown: doctest runs become pycon blocks, Sphinx markup plain."""
    import inspect

    text = inspect.cleandoc(doc or "")
    out: list[str] = []
    in_code = False
    literal = False
    for line in text.splitlines():
        if line.startswith(">>>") and not in_code:
            out += ["```pycon"]
            in_code = True
        elif in_code and not line.strip():
            out += ["```"]
            in_code = False
        if in_code:
            out.append(line)
            continue
        if literal and line and not line.startswith(" "):
            out.append("```")
            literal = False
        version = re.match(r"\.\. version(added|changed):: (\S+)", line.strip())
        if version:
            word = "New" if version.group(1) == "added" else "Changed"
            out.append(f"*{word} in {version.group(2)}.*")
            continue
        if line.rstrip().endswith("::") and not literal:
            out += [_md(line.rstrip()[:-1]), "", "```text"]
            literal = True
            continue
        out.append(line[4:] if literal and line.startswith("    ") else _md(line))
    if in_code:
        out.append("```")
    if literal:
        out.append("```")
    return "\n".join(out).strip() + "\n"


def _signature(func: Any) -> str:
    """The signature as written in the source (annotations unquoted)."""
    import inspect

    return re.sub(r"'([^']*)'", r"\1", str(inspect.signature(func)))


def api_reference() -> str:
    """The public API: ``parse``, the models' public methods and the exceptions."""
    import govreport_parse as pkg

    out: list[str] = []
    func = pkg.parse
    out += [
        "## parse",
        "",
        f"```python\n{func.__name__}{_signature(func)}\n```",
        "",
        _docstring_md(func.__doc__),
    ]
    out += ["## Report", "", _docstring_md(pkg.Report.__doc__)]
    for name, member in vars(pkg.Report).items():
        if name.startswith("_") or not callable(member):
            continue
        sig = _signature(member).replace("(self, ", "(").replace("(self)", "()")
        out += [f"### Report.{name}", "", f"```python\nreport.{name}{sig}\n```", ""]
        out += [_docstring_md(member.__doc__)]
    out += [
        "The parts of a report (`Source`, `Metadata`, `Section`, `IndicatorValue`, "
        "`UnmappedRow`, `Issue`) are pydantic models too; their fields are listed in the "
        "[output schema](schema.md).",
        "",
        "## Exceptions",
        "",
        "Content problems never raise: they are [issues](issues.md). Exceptions are raised by "
        "`parse(..., strict=True)` on the first error-severity issue, and by a malformed data "
        "file of the package.",
        "",
    ]
    for name in sorted(pkg.__all__):
        obj = getattr(pkg, name)
        if isinstance(obj, type) and issubclass(obj, Exception | Warning):
            base = obj.__mro__[1].__name__
            out += [f"### {name}({base})", "", _docstring_md(obj.__doc__)]
    return "\n".join(out)
