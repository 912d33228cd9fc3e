"""The documentation matches the code: commands, issue codes, examples and paths.

Generated blocks are checked by ``cog --check`` in ``make test``; these tests cover what cog
cannot see: a command or an issue code that nobody documented, an example whose output changed,
a documented path that is gone. When one fails, the message says what to edit, and
``make docs-gen`` regenerates whatever is generated.
"""

from __future__ import annotations

import doctest
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import docgen  # noqa: E402  (lives in scripts/, shared with the cog blocks)
import evaluate  # noqa: E402

DOCS = ROOT / "docs"
CLI_PAGE = DOCS / "cli.md"

#: Pages whose pycon and console blocks are run. The API page is left out: it is generated
#: from the docstrings, whose examples pytest already runs (--doctest-modules).
EXECUTED_PAGES = sorted(
    p
    for p in [ROOT / "README.md", *DOCS.rglob("*.md")]
    if p != DOCS / "api.md" and re.search(r"^\s*```(pycon|console)\s*$", p.read_text("utf-8"), re.M)
)


#: Paths the docs name that other work is adding; each xfails until it exists, then fails so
#: that it is taken off this list.
def _id(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# ----------------------------------------------------------------------------------------------
# Command line


class TestCommandLine:
    """Every command is in the CLI reference and explains itself."""

    @pytest.mark.parametrize("name", list(docgen.commands()))
    def test_command_is_documented(self, name: str) -> None:
        """docs/cli.md has a section for the command (run make docs-gen to add it)."""
        assert f"## govreport-parse {name}\n" in CLI_PAGE.read_text("utf-8"), (
            f"`govreport-parse {name}` is not in docs/cli.md: run `make docs-gen`"
        )

    @pytest.mark.parametrize("name", list(docgen.commands()))
    def test_command_has_help(self, name: str) -> None:
        """The command and each of its options have help text."""
        command = docgen.commands()[name]
        assert (command.help or "").strip(), f"`{name}` has no docstring (its --help)"
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert (param.help or "").strip(), f"`{name} {param.opts[0]}` has no help"

    def test_group_has_help(self) -> None:
        """The top-level ``--help`` says what the program does."""
        assert "Usage: govreport-parse" in docgen.help_text([])


# ----------------------------------------------------------------------------------------------
# Issue codes


class TestIssueCodes:
    """docs/issues.md explains exactly the codes the source can emit."""

    def test_every_emitted_code_is_documented(self) -> None:
        """A new issue code needs a section in docs/issues.md."""
        missing = sorted(set(docgen.emitted_codes()) - set(docgen.documented_codes()))
        where = {c: [f"{e.module}:{e.line}" for e in docgen.emitted_codes()[c]] for c in missing}
        assert not missing, f"add a '### `code`' section to docs/issues.md for: {where}"

    def test_every_documented_code_is_emitted(self) -> None:
        """A code the parser no longer emits is taken out of docs/issues.md."""
        stale = sorted(set(docgen.documented_codes()) - set(docgen.emitted_codes()))
        assert not stale, f"docs/issues.md explains codes that nothing emits: {stale}"

    def test_codes_are_documented_once(self) -> None:
        """Each code has one section (its anchor must be unique)."""
        codes = docgen.documented_codes()
        assert len(codes) == len(set(codes)), sorted({c for c in codes if codes.count(c) > 1})

    def test_every_issue_call_is_understood(self) -> None:
        """An ``issue(...)`` call whose code is not a literal must be registered in docgen."""
        _, unknown = docgen.scan_source()
        assert not unknown, (
            "issue codes passed through a variable cannot be documented automatically; "
            f"register where they come from in scripts/docgen.py INDIRECT_SITES: {unknown}"
        )

    def test_scanner_finds_each_form(self, tmp_path: Path) -> None:
        """The scanner sees literal calls, tokenizer notes, rule codes and dynamic calls."""
        pkg = tmp_path / "pkg"
        pkg.mkdir()
        (pkg / "mod.py").write_text(
            "def stage(doc, notes, name):\n"
            "    doc.issue('literal_code', 'm', 'error')\n"
            "    notes.append(('note_code', 'm'))\n"
            "    make(notes=[('listed_note', 'm')])\n"
            "    Rule('r', code='rule_code')\n"
            "    doc.issue(name, 'm')\n",
            encoding="utf-8",
        )
        emissions, unknown = docgen.scan_source(pkg)
        found = {(e.code, e.severity) for e in emissions}
        assert found == {
            ("literal_code", "error"),
            ("note_code", "warning"),
            ("listed_note", "warning"),
            ("rule_code", "warning"),
        }
        assert unknown == ["pkg.mod:6: issue(name, …)"]


# ----------------------------------------------------------------------------------------------
# Executed examples


@dataclass
class Block:
    """A fenced ``pycon`` or ``console`` block of a page."""

    kind: str
    text: str
    line: int


def read_blocks(path: Path) -> list[Block]:
    """The runnable blocks of a markdown page, in order (indented blocks included)."""
    blocks: list[Block] = []
    lines = path.read_text("utf-8").splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r"^(\s*)```(pycon|console)\s*$", lines[i])
        if not match:
            i += 1
            continue
        indent, kind, start = match.group(1), match.group(2), i + 1
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i].removeprefix(indent))
            i += 1
        blocks.append(Block(kind, "\n".join(body) + "\n", start))
        i += 1
    return blocks


def run_console(session: docgen.Session, block: Block, where: str) -> None:
    """Run each ``$ command`` and compare its output with the lines under it."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        else:
            pytest.fail(f"{where}: output before the first `$ command`")
    for command, shown in steps:
        got = session.run_shell(command).rstrip("\n").splitlines()
        assert got == shown, (
            f"{where}: `{command}` prints something else now; run `make docs-gen`.\n"
            f"page:\n{chr(10).join(shown)}\n\nnow:\n{chr(10).join(got)}"
        )


def run_pycon(session: docgen.Session, block: Block, path: Path) -> None:
    """Run a ``pycon`` block as a doctest in the page's namespace."""
    test = doctest.DocTestParser().get_doctest(
        block.text, session.globals, _id(path), str(path), block.line
    )
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with docgen._chdir(session.dir):
        runner.run(test, out=out.write, clear_globs=False)
    session.globals.update(test.globs)  # DocTest works on a copy; the next block sees its names
    assert not runner.failures, f"run `make docs-gen` if the new output is right:\n{out.getvalue()}"


@pytest.mark.parametrize("page", EXECUTED_PAGES, ids=_id)
def test_examples_run_and_match(page: Path) -> None:
    """Every pycon and console block of the page runs, in order, and prints what it shows."""
    blocks = read_blocks(page)
    assert blocks
    session = docgen.Session()
    try:
        for block in blocks:
            where = f"{_id(page)}:{block.line}"
            if block.kind == "console":
                run_console(session, block, where)
            else:
                run_pycon(session, block, page)
    finally:
        session.close()


def test_quickstart_pages_are_executed() -> None:
    """The quickstart, its Chinese version and the README are among the executed pages."""
    for name in ("README.md", "docs/quickstart.md", "docs/zh/index.md"):
        assert ROOT / name in EXECUTED_PAGES


def test_pending_steps_are_refreshed_when_ready() -> None:
    """Steps written ahead of the batch command are refreshed once it exists.

    They are marked ``pending-refresh`` and shown as ``bash`` blocks, which are not run. When
    ``govreport-parse batch`` exists, turn them into ``console``/``pycon`` cog blocks with real
    output and drop the markers.
    """
    marked = [
        _id(p)
        for p in [ROOT / "README.md", *DOCS.rglob("*.md")]
        if "pending-refresh" in p.read_text("utf-8")
    ]
    if "batch" in docgen.commands():
        assert not marked, f"`batch` exists now: refresh the pending steps in {marked}"


# ----------------------------------------------------------------------------------------------
# Reference pages and paths


def test_taxonomy_page_lists_every_indicator() -> None:
    """Every indicator id is on the taxonomy page, next to its Chinese label."""
    from govreport_parse.taxonomy import taxonomy

    page = (DOCS / "taxonomy.md").read_text("utf-8")
    for ind in taxonomy().indicators.values():
        row = re.search(rf"^\| `{re.escape(ind.id)}` \| ([^|]*)\|", page, re.M)
        assert row, f"{ind.id} is not on docs/taxonomy.md: run `make docs-gen`"
        assert ind.label.replace("|", "\\|") in row.group(1)


def test_data_file_keys_are_documented() -> None:
    """Every key an indicator may have in taxonomy.toml is in the key table of data-files.md."""
    from govreport_parse import taxonomy as taxonomy_module

    page = (DOCS / "data-files.md").read_text("utf-8")
    keys: frozenset[str] = getattr(taxonomy_module, "_INDICATOR_KEYS", frozenset())
    missing = sorted(k for k in keys if f"| `{k}` |" not in page)
    assert not missing, f"document these taxonomy.toml keys in docs/data-files.md: {missing}"


def _named_paths() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *DOCS.rglob("*.md")]
    found = set()
    for page in pages:
        for match in re.finditer(
            r"`((?:src|tests|fixtures|scripts|docs|examples)/[^`\s*<>…]*)`", page.read_text("utf-8")
        ):
            found.add((match.group(1), _id(page)))
    return sorted(found)


@pytest.mark.parametrize(("path", "page"), _named_paths())
def test_named_path_exists(path: str, page: str) -> None:
    """A file or folder the docs name is in the repository."""
    assert (ROOT / path).exists(), f"{page} names `{path}`, which does not exist"


# ----------------------------------------------------------------------------------------------
# The evaluation script


def test_evaluate_scores_and_times_a_corpus(tmp_path: Path) -> None:
    """scripts/evaluate.py scores a gold folder and writes the markdown the docs include."""
    (tmp_path / "pages").mkdir()
    page = tmp_path / "pages" / "lixia.txt"
    page.write_bytes((ROOT / "examples" / "2020_fmt2019_markdown_rows.txt").read_bytes())
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "lixia.json").write_text(
        '{"file": "pages/lixia.txt", "expect": {"format": "fmt2019"},'
        ' "indicators": [{"id": "requests.received", "column": "total", "value": 38},'
        ' {"id": "requests.received", "column": "natural_person", "value": 999}],'
        ' "indicators_complete": false}',
        encoding="utf-8",
    )
    out = tmp_path / "evaluation.md"
    assert evaluate.main([str(gold), "--out", str(out), "--repeat", "1"]) == 0
    text = out.read_text("utf-8")
    assert "Accuracy by corpus folder" in text
    assert "| 1 | 1.000 (1/1) | 0.500 | 0.500 | **0.500** |" in text
    assert "| text | 1 |" in text
