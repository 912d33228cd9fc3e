"""HTML → lines of cells, with lxml (never BeautifulSoup on the hot path).

Each table row becomes one ``ROW`` line with its cells in source order (``colspan`` kept on the
cell; a ``rowspan`` cell appears only in its first row, exactly as text flattening shows it).
Block elements (``p``, ``div``, ``li``, headings, ``br`` …) end a text line. Scripts, styles,
forms and navigation are dropped; ``<meta name>`` tags, ``<title>`` and the canonical link are
kept on the :class:`~govreport_parse.tokens.Page`. Layout tables (a row whose cells hold other
tables or many blocks) are walked as containers, not as data rows.

The parser is configured for untrusted input: no network, no entity resolution, no DTD loading
(libxml2's HTML parser never expands entities declared in a document type), and one parser per
thread. Limits of :mod:`~govreport_parse.settings` that are hit become notes on the page.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Any

from lxml import etree

from ..settings import (
    MAX_CELLS_PER_LINE,
    MAX_HTML_DEPTH,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_TABLE_ROWS,
)
from ..tokens import Cell, Line, LineKind, Page
from .text_tokenizer import split_row_text

__all__ = ["parse_html", "tokenize_element", "tokenize_html"]


_DROP = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "nav",
        "map",
        "audio",
        "video",
        "head",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "header",
        "footer",
        "aside",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "form",
        "fieldset",
        "address",
        "center",
        "hr",
        "caption",
        "figure",
        "figcaption",
        "html",
        "body",
        "title",
    ]
)
_CELL_TAGS = frozenset(["td", "th"])
# Elements that end a line of the text rendering. Rows are not among them: a data row is a
# line of its own and a layout row's cells are blocks (see _Rows).
_BREAKS = tuple(_BLOCK - {"tr", "tbody", "thead", "tfoot"})
# Marks a table row's place in the text rendering: a noncharacter, removed from the input first.
_ROW_MARK = "\ufdd0"
# Characters that the parser lets through but lxml refuses in text it is given.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LOCAL = threading.local()
# Layout rows: a cell holds another table, so the row is a container, not a row of data.
_LAYOUT_ROWS = etree.XPath("descendant-or-self::tr[td//table or th//table]")


def _parser() -> etree.HTMLParser:
    """This thread's parser (a parser's error log belongs to its last parse)."""
    parser: etree.HTMLParser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = _LOCAL.parser = etree.HTMLParser(
            no_network=True,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=False,
            recover=True,
            huge_tree=False,
        )
    return parser


def _parse(text: str) -> tuple[Any, list[tuple[str, str]]]:
    """Parse markup; return the root (``None`` if nothing parses) and notes on limits hit."""
    if text.lstrip().startswith("<?xml"):
        text = text[text.find("?>") + 2 :]
    parser = _parser()
    try:
        root = etree.fromstring(text, parser)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None, []
    notes: list[tuple[str, str]] = []
    for entry in parser.error_log:
        message = str(entry.message).strip()
        if "Excessive depth" in message:
            notes.append(
                (
                    "markup_too_deep",
                    f"tags nested deeper than {MAX_HTML_DEPTH} levels; what lies below is lost",
                )
            )
            break
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "huge" in message:
            notes.append(("markup_limit", f"the markup parser stopped at a limit: {message}"))
            break
    return root, notes


def parse_html(text: str) -> Any:
    """Parse markup into an lxml root element (never raises on content; ``None`` if empty)."""
    return _parse(text)[0]


def _attr_int(el: Any, name: str) -> int:
    raw = el.get(name)
    if not raw:
        return 1
    if len(raw) < 4 and raw.isascii() and raw.isdigit():
        return max(1, int(raw))
    digits = "".join(ch for ch in raw[:6] if ch.isdigit())
    return max(1, min(int(digits), 1000)) if digits else 1


def _text(el: Any) -> str:
    """All text inside ``el`` (not its tail), read by libxml2's serializer."""
    text: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return text


def _as_block(el: Any) -> None:
    """Make ``el`` start and end a line of the text rendering."""
    text, tail = el.text, el.tail
    try:
        el.text = "\n" + text if text else "\n"
        el.tail = "\n" + tail if tail else "\n"
    except ValueError:
        # Control characters from the page: lxml refuses them in new text; they become spaces.
        el.text = "\n" + _REFUSED.sub(" ", text or "")
        el.tail = "\n" + _REFUSED.sub(" ", tail or "")


def _end_line(el: Any) -> None:
    """Make ``el``'s tail start on a new line of the text rendering."""
    tail = el.tail
    try:
        el.tail = "\n" + tail if tail else "\n"
    except ValueError:
        el.tail = "\n" + _REFUSED.sub(" ", tail)


class _Rows:
    """Turns every data row of a tree into a marker line and keeps its cells aside.

    A row's cells are read where they are; the row itself is emptied and left holding the line
    ``_ROW_MARK`` + its index, so that the text rendering of the whole tree, done in one call to
    libxml2, shows each row in its place. Layout rows (a cell holding another table) become
    containers instead: each of their cells starts and ends a line.
    """

    __slots__ = ("cells", "cut_cells", "cut_rows")

    def __init__(self, top: Any) -> None:
        self.cells: list[list[tuple[str, int]]] = []
        self.cut_cells = 0
        self.cut_rows = 0
        trs = list(top.iter("tr"))
        if not trs:
            return
        found: Any = _LAYOUT_ROWS(top)
        layout = set(found)
        per_table: dict[Any, int] = {}
        count = len(trs) > MAX_TABLE_ROWS
        for tr in trs:
            if count:
                table = next(tr.iterancestors("table"), None)
                if table is not None:
                    n = per_table[table] = per_table.get(table, 0) + 1
                    if n > MAX_TABLE_ROWS:
                        self.cut_rows += 1
                        tr.clear(keep_tail=True)
                        continue
            if tr in layout:
                for cell in tr.iterchildren("td", "th"):
                    _as_block(cell)
                continue
            cells = list(tr.iterchildren("td", "th"))
            if len(cells) > MAX_CELLS_PER_LINE:
                self.cut_cells += 1
                cells = cells[:MAX_CELLS_PER_LINE]
            self.cells.append(
                [(" ".join(_text(c).split()), _attr_int(c, "colspan")) for c in cells]
            )
            tr.clear(keep_tail=True)
            tr.text = f"\n{_ROW_MARK}{len(self.cells) - 1}\n"


class _Lines:
    """Collects the page's lines from its text rendering."""

    __slots__ = ("cut_lines", "lines", "truncated")

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.truncated = False
        self.cut_lines = 0

    def add_text(self, text: str) -> None:
        lines = self.lines
        if len(lines) >= MAX_LINES:
            self.truncated = True
            return
        number = len(lines) + 1
        if len(text) > MAX_LINE_CHARS:
            text = text[:MAX_LINE_CHARS].rstrip()
            self.cut_lines += 1
        if " " in text or "\u3000" in text or "\u00a0" in text or "\t" in text:
            lines.append(split_row_text(text, number))
        else:
            lines.append(Line(number, LineKind.TEXT, [Cell(text, number)]))

    def add_row(self, cells: list[tuple[str, int]]) -> None:
        lines = self.lines
        if len(lines) >= MAX_LINES:
            self.truncated = True
            return
        number = len(lines) + 1
        row = [Cell(text, number, span) for text, span in cells]
        if not any(text for text, _ in cells):
            lines.append(Line(number, LineKind.BREAK))
        elif len(row) == 1:
            lines.append(Line(number, LineKind.TEXT, row))
        else:
            lines.append(Line(number, LineKind.ROW, row))


def _notes(rows: _Rows, lines: _Lines) -> list[tuple[str, str]]:
    """Issues for the limits hit while reading the tree."""
    notes: list[tuple[str, str]] = []
    if lines.truncated:
        notes.append(("too_many_lines", f"only the first {MAX_LINES} lines of the page were read"))
    if lines.cut_lines:
        notes.append(
            (
                "line_truncated",
                f"{lines.cut_lines} line(s) longer than {MAX_LINE_CHARS} characters were cut",
            )
        )
    if rows.cut_cells:
        notes.append(
            (
                "cells_truncated",
                f"{rows.cut_cells} table row(s) had more than {MAX_CELLS_PER_LINE} cells; "
                "the rest were dropped",
            )
        )
    if rows.cut_rows:
        notes.append(
            (
                "table_truncated",
                f"{rows.cut_rows} row(s) beyond the first {MAX_TABLE_ROWS} of a table were dropped",
            )
        )
    return notes


def _read_lines(top: Any) -> tuple[list[Line], list[tuple[str, str]]]:
    """The lines of the tree below ``top`` (which this changes: pass a tree of your own)."""
    if top.tag in _DROP:
        return [], []
    etree.strip_elements(top, *_DROP, with_tail=False)
    rows = _Rows(top)
    for el in top.iter(*_BREAKS):
        _as_block(el)
    for el in top.iter("br"):
        _end_line(el)
    lines = _Lines()
    for part in _text(top).split("\n"):
        text = part.strip()
        if not text:
            continue
        if text[0] == _ROW_MARK:
            lines.add_row(rows.cells[int(text[1:])])
        else:
            lines.add_text(text)
    return lines.lines, _notes(rows, lines)


def tokenize_element(root: Any) -> Page:
    """Tokenize an already parsed lxml element (an ``lxml.html`` or ``etree`` tree).

    The caller's tree is left as it is: a copy is read.
    """
    root = copy.deepcopy(root)
    if _ROW_MARK in etree.tostring(root, method="text", encoding=str):
        for el in root.iter():
            for name in ("text", "tail"):
                value = getattr(el, name)
                if value and _ROW_MARK in value:
                    setattr(el, name, value.replace(_ROW_MARK, ""))
    return _tokenize_root(root, [])


def _tokenize_root(root: Any, notes: list[tuple[str, str]]) -> Page:
    meta: dict[str, str] = {}
    html_title: str | None = None
    canonical: str | None = None
    for el in root.iter("meta", "title", "link"):
        if el.tag == "meta":
            name = el.get("name") or el.get("property")
            content = el.get("content")
            if name and content is not None:
                meta[name.strip()] = content.strip()
        elif el.tag == "title" and html_title is None:
            html_title = " ".join(_text(el).split()) or None
        elif el.tag == "link" and (el.get("rel") or "").lower() == "canonical":
            canonical = el.get("href")
    body = root.find("body") if root.tag == "html" else None
    lines, limits = _read_lines(body if body is not None else root)
    return Page(
        kind="html",
        lines=lines,
        meta_tags=meta,
        html_title=html_title,
        canonical_url=canonical,
        notes=notes + limits,
    )


def tokenize_html(text: str) -> Page:
    """Tokenize HTML markup into a :class:`~govreport_parse.tokens.Page`."""
    if _ROW_MARK in text:
        text = text.replace(_ROW_MARK, "")
    root, notes = _parse(text)
    if root is None:
        return Page(
            kind="html", lines=[], notes=[("unreadable_html", "the markup could not be parsed")]
        )
    return _tokenize_root(root, notes)
