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
# Children that the walk must look at closely; any other childless element is plain inline
# text (a span, a link, a font tag) and is read without a recursive call.
_SPECIAL = _DROP | _BLOCK | {"tr", "br", "table"}
_STRING = etree.XPath("string()")
_LOCAL = threading.local()


def _TEXT_OF(el: Any) -> str:  # noqa: N802 - reads as the XPath it wraps
    return str(_STRING(el))


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
    digits = "".join(ch for ch in raw[:6] if ch.isdigit())
    return max(1, min(int(digits), 1000)) if digits else 1


class _Walker:
    """Collects lines while walking the tree."""

    __slots__ = ("buffer", "cut_cells", "cut_lines", "cut_rows", "lines", "table_rows", "truncated")

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.truncated = False
        self.cut_lines = 0
        self.cut_cells = 0
        self.cut_rows = 0
        self.table_rows: list[int] = []

    def flush(self) -> None:
        buffer = self.buffer
        if not buffer:
            return
        text = "".join(buffer)
        buffer.clear()
        if not text.strip():
            return
        if len(text) > MAX_LINE_CHARS:
            text = text[:MAX_LINE_CHARS]
            self.cut_lines += 1
        for part in text.split("\n"):
            if part.strip():
                self.add_text(part)

    def add_text(self, text: str) -> None:
        lines = self.lines
        if len(lines) >= MAX_LINES:
            self.truncated = True
            return
        number = len(lines) + 1
        stripped = text.strip()
        if " " in stripped or "\u3000" in stripped or "\u00a0" in stripped or "\t" in stripped:
            lines.append(split_row_text(stripped, number))
        else:
            lines.append(Line(number, LineKind.TEXT, [Cell(stripped, number)]))

    def add_row(self, cells: list[tuple[str, int]]) -> None:
        lines = self.lines
        if len(lines) >= MAX_LINES:
            self.truncated = True
            return
        number = len(lines) + 1
        row = [Cell(" ".join(text.split()), number, span) for text, span in cells]
        if not any(c.text for c in row):
            lines.append(Line(number, LineKind.BREAK))
        elif len(row) == 1:
            lines.append(Line(number, LineKind.TEXT, row))
        else:
            lines.append(Line(number, LineKind.ROW, row))

    def walk(self, el: Any, depth: int) -> None:
        tag = el.tag
        if tag.__class__ is not str:
            tag = ""
        if tag in _DROP:
            return
        if depth > MAX_HTML_DEPTH:
            self.buffer.append(_TEXT_OF(el))
            return
        if tag == "tr":
            self.flush()
            self.row(el, depth)
            return
        buffer = self.buffer
        block = tag in _BLOCK
        if block or tag == "br":
            self.flush()
        if tag != "br":
            text = el.text
            if text:
                buffer.append(text)
        table = tag == "table"
        if table:
            self.table_rows.append(0)
        child_depth = depth + 1
        for child in el:
            if child.tag in _SPECIAL or len(child) or child_depth > MAX_HTML_DEPTH:
                self.walk(child, child_depth)
            else:
                # A childless inline element: its text, exactly as the recursive call reads it.
                text = child.text
                if text:
                    buffer.append(text)
            tail = child.tail
            if tail:
                buffer.append(tail)
        if table:
            self.table_rows.pop()
        if block:
            self.flush()

    def row(self, tr: Any, depth: int) -> None:
        if self.table_rows:
            self.table_rows[-1] += 1
            if self.table_rows[-1] > MAX_TABLE_ROWS:
                self.cut_rows += 1
                return
        cells = [c for c in tr if c.tag in _CELL_TAGS]
        if tr.find(".//table") is not None and any(c.find(".//table") is not None for c in cells):
            # A layout row: walk its cells as containers.
            for cell in cells:
                self.walk(cell, depth + 1)
                self.flush()
            return
        if len(cells) > MAX_CELLS_PER_LINE:
            self.cut_cells += 1
            cells = cells[:MAX_CELLS_PER_LINE]
        self.add_row([(_cell_text(c), _attr_int(c, "colspan")) for c in cells])

    def notes(self) -> list[tuple[str, str]]:
        """Issues for the limits hit while walking."""
        notes: list[tuple[str, str]] = []
        if self.truncated:
            notes.append(
                ("too_many_lines", f"only the first {MAX_LINES} lines of the page were read")
            )
        if self.cut_lines:
            notes.append(
                (
                    "line_truncated",
                    f"{self.cut_lines} line(s) longer than {MAX_LINE_CHARS} characters were cut",
                )
            )
        if self.cut_cells:
            notes.append(
                (
                    "cells_truncated",
                    f"{self.cut_cells} table row(s) had more than {MAX_CELLS_PER_LINE} cells; "
                    "the rest were dropped",
                )
            )
        if self.cut_rows:
            notes.append(
                (
                    "table_truncated",
                    f"{self.cut_rows} row(s) beyond the first {MAX_TABLE_ROWS} of a table "
                    "were dropped",
                )
            )
        return notes


def _cell_text(cell: Any) -> str:
    for bad in cell.iter("script", "style"):
        bad.text = None
    text: str = _TEXT_OF(cell)
    return text.replace("\u00a0", " ")


def tokenize_element(root: Any) -> Page:
    """Tokenize an already parsed lxml element (an ``lxml.html`` or ``etree`` tree)."""
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
            html_title = " ".join(_TEXT_OF(el).split()) or None
        elif el.tag == "link" and (el.get("rel") or "").lower() == "canonical":
            canonical = el.get("href")
    walker = _Walker()
    body = root.find("body") if root.tag == "html" else None
    walker.walk(body if body is not None else root, 0)
    walker.flush()
    return Page(
        kind="html",
        lines=walker.lines,
        meta_tags=meta,
        html_title=html_title,
        canonical_url=canonical,
        notes=notes + walker.notes(),
    )


def tokenize_html(text: str) -> Page:
    """Tokenize HTML markup into a :class:`~govreport_parse.tokens.Page`."""
    root, notes = _parse(text)
    if root is None:
        return Page(
            kind="html", lines=[], notes=[("unreadable_html", "the markup could not be parsed")]
        )
    return _tokenize_root(root, notes)
