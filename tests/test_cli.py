"""The command line: parse (one JSON line per input, always), schema, taxonomy, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from govreport_parse.cli import cli

PAGE = "统计指标 | 单位 | 统计数\n三、依申请公开情况 | |\n（一）收到申请数 | 件 | 12\n"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout


def test_parse_prints_one_line_per_input_in_order(tmp_path: Path) -> None:
    """Each input gives one JSON object, with source.path exactly as given."""
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(PAGE, encoding="utf-8")
    second.write_text(PAGE.replace("12", "34"), encoding="utf-8")
    code, out = _run("parse", str(first), str(second))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["source"]["path"] for r in lines] == [str(first), str(second)]
    received = [
        next(i["value"] for i in r["indicators"] if i["id"] == "requests.received") for r in lines
    ]
    assert received == [12, 34]


def test_parse_unreadable_input_still_prints_a_line(tmp_path: Path) -> None:
    """A missing file gives a line with format unknown and an error issue; exit status 1."""
    good = tmp_path / "a.txt"
    good.write_text(PAGE, encoding="utf-8")
    missing = tmp_path / "missing.html"
    code, out = _run("parse", str(missing), str(good))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert len(lines) == 2
    assert lines[0]["format"] == "unknown"
    assert [(i["code"], i["severity"]) for i in lines[0]["issues"]] == [
        ("unreadable_input", "error")
    ]
    assert lines[1]["format"] == "legacy2014"


def test_parse_usage_error_exits_two() -> None:
    """No file at all is a usage error."""
    code, _ = _run("parse")
    assert code == 2


def test_schema_is_the_report_json_schema() -> None:
    """schema prints the JSON Schema of Report with the contract's fields."""
    code, out = _run("schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["title"] == "Report"
    contract = {"schema_version", "source", "title", "agency", "year", "format", "metadata"}
    contract |= {"sections", "indicators", "unmapped", "issues"}
    assert contract <= set(schema["properties"])


def test_taxonomy_lists_every_indicator() -> None:
    """taxonomy prints one JSON object per indicator; --format tsv a table."""
    code, out = _run("taxonomy")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    granted = next(r for r in rows if r["id"] == "requests.outcome.granted")
    assert (granted["label"], granted["dimension"], granted["parent"]) == (
        "予以公开",
        "applicant",
        "requests.outcome.total",
    )
    assert len(rows) == 123
    code, out = _run("taxonomy", "--format", "tsv")
    assert out.splitlines()[0] == "id\tlabel\tunit\tdimension\tparent\tformats"
    assert len(out.splitlines()) == 124
