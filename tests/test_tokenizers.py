"""The tokenizers, case by case, from the fixture files ``fixtures/tokenize/*.txt``.

Each file groups the cases of one family of flattening; the notation of the expected lines is
documented at the top of each file (kind letter, cells separated by ``¦``, ``∅`` for an empty cell,
``~`` for a loose cell, ``@N`` for its column, ``×N`` for an HTML colspan).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from govreport_parse.tokenizers import sniff_kind, tokenize
from govreport_parse.tokens import Cell, Page

from ._fixtures import read_fixture_file
from .conftest import FIXTURES

FILES = sorted((FIXTURES / "tokenize").glob("*.txt"))
_XFAIL = re.compile(r"\[xfail: (?P<reason>[^\]]+)\]\s*$")


def render_cell(cell: Cell) -> str:
    """One cell in the fixture notation."""
    text = cell.text if cell.text.strip() else "∅"
    if cell.loose:
        text = "~" + text
    if cell.offset >= 0:
        text = f"{text}@{cell.offset}"
    if cell.span > 1:
        text = f"{text}×{cell.span}"
    return text


def render(page: Page) -> str:
    """A tokenized page in the fixture notation, one line per line."""
    out = []
    for line in page.lines:
        head = f"{line.number} {line.kind.name[0]}"
        out.append(" ".join([head, " ¦ ".join(render_cell(c) for c in line.cells)]).rstrip())
    return "\n".join(out)


def _params() -> list[Any]:
    params = []
    for path in FILES:
        for case in read_fixture_file(path):
            found = _XFAIL.search(case.title)
            marks = [pytest.mark.xfail(strict=True, reason=found["reason"])] if found else []
            title = _XFAIL.sub("", case.title).strip()
            params.append(pytest.param(case, id=f"{path.stem}:L{case.line}: {title}", marks=marks))
    return params


def test_fixture_files_have_cases() -> None:
    """Every family of flattening has its file, and each file holds cases."""
    assert {p.stem for p in FILES} >= {"pipes", "lines", "spaces", "html"}
    for path in FILES:
        assert len(read_fixture_file(path)) >= 5, path


@pytest.mark.parametrize("case", _params())
def test_tokenize(case: Any) -> None:
    """The input tokenizes into exactly the expected lines of cells."""
    page, _ = tokenize(case.input)
    assert render(page) == case.expected


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_kind_is_sniffed(path: Path) -> None:
    """The HTML file's cases are sniffed as HTML, the others as text."""
    for case in read_fixture_file(path):
        assert sniff_kind(case.input) == ("html" if path.stem == "html" else "text"), case.id


class TestNotation:
    """The rendering used by the fixture files."""

    def test_cell_marks(self) -> None:
        """Empty, loose, positioned and spanning cells."""
        assert render_cell(Cell("", 1)) == "∅"
        assert render_cell(Cell("\u00a0 ", 1)) == "∅"
        assert render_cell(Cell("12", 1, loose=True, offset=7)) == "~12@7"
        assert render_cell(Cell("合计", 1, span=2)) == "合计×2"

    def test_render_a_page(self) -> None:
        """Line number, kind letter, cells."""
        page, kind = tokenize("规章 | 0 | |\n\n||")
        assert kind == "text"
        assert render(page) == "1 R 规章 ¦ 0 ¦ ∅\n2 E\n3 B ∅ ¦ ∅"


class TestElementInput:
    """An lxml tree of the caller's is read as it is, and never changed."""

    def test_tree_is_not_changed(self) -> None:
        from lxml import etree

        from govreport_parse.tokenizers import tokenize_element

        root = etree.HTML("<p>前言</p><table><tr><td>规章</td><td>1</td></tr></table>")
        before = etree.tostring(root)
        page = tokenize_element(root)
        assert [(line.kind.name, [c.text for c in line.cells]) for line in page.lines] == [
            ("TEXT", ["前言"]),
            ("ROW", ["规章", "1"]),
        ]
        assert etree.tostring(root) == before

    def test_tree_deeper_than_xslt_recurses(self) -> None:
        from lxml import etree

        from govreport_parse.tokenizers import tokenize_element

        root = etree.Element("div")
        leaf = root
        for _ in range(5000):
            leaf = etree.SubElement(leaf, "div")
        leaf.text = "最深处"
        tail = etree.SubElement(root, "p")
        tail.text = "收尾"
        page = tokenize_element(root)
        # Its text is kept, without the line breaks of blocks.
        assert [c.text for line in page.lines for c in line.cells] == ["最深处收尾"]
        assert [code for code, _ in page.notes] == ["markup_too_deep"]
