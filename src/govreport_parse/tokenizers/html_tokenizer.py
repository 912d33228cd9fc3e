"""HTML → lines of cells, with lxml (never BeautifulSoup on the hot path).

Each table row becomes one ``ROW`` line with its cells in source order (``colspan`` kept on the
cell; a ``rowspan`` cell appears only in its first row, exactly as text flattening shows it).
Block elements (``p``, ``div``, ``li``, headings, ``br`` …) end a text line. Scripts, styles,
forms and navigation are dropped; ``<meta name>`` tags, ``<title>`` and the canonical link are
kept on the :class:`~govreport_parse.tokens.Page`. Layout tables (a row whose cell holds another
table) are read as containers, not as data rows.

No Python code walks the tree: one XSLT transform (libxslt, in C) renders it as text with the
table structure marked by noncharacters (:func:`_stylesheet`), and :class:`_Lines` reads that
text line by line. The tree is not changed, so a caller's own tree can be read as it is.

The parser is configured for untrusted input: no network, no entity resolution, no DTD loading
(libxml2's HTML parser never expands entities declared in a document type), and one parser per
thread. Limits of :mod:`~govreport_parse.settings` that are hit become notes on the page.
"""

from __future__ import annotations

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

__all__ = ["tokenize_element", "tokenize_html"]


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
# The text rendering marks table structure with noncharacters (removed from the input first):
# a data row starts with _ROW, each of its cells ends with _CELL, a cell's colspan is written
# between two _SPAN; a layout row is a _LAYOUT line before its cells; a table's rows lie between
# _TABLE_OPEN and _TABLE_CLOSE lines.
_ROW, _CELL, _SPAN, _LAYOUT = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
_TABLE_OPEN, _TABLE_CLOSE = "\ufdd4", "\ufdd5"
_MARKS = re.compile("[\ufdd0-\ufdd5]")
_LOCAL = threading.local()
_TOO_DEEP = f"tags nested deeper than {MAX_HTML_DEPTH} levels; what lies below is lost"


def _stylesheet() -> str:
    """XSLT that renders a tree as text: one line per block, one marked line per table row.

    Block elements start and end a line, ``br`` ends one, dropped elements vanish (their tails
    stay). A data row becomes one line holding its cells' text (newlines made spaces); a layout
    row, whose cell holds another table, is a container whose cells are blocks.

    Templates match bare element names only: libxslt matches a pattern with a predicate
    (``tr[td//table]``) in time that grows with the square of the number of siblings, which a
    table of 100,000 rows turns into minutes. Conditions go inside the template instead.
    """
    blocks = " | ".join(sorted(_BLOCK - {"table", "tr", "tbody", "thead", "tfoot"}))
    dropped = " | ".join(sorted(_DROP))
    return f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{dropped}"/>
<xsl:template match="{dropped}" mode="cell"/>
<xsl:template match="text()" mode="cell">
  <xsl:value-of select="translate(., '&#10;&#13;', '  ')"/>
</xsl:template>
<xsl:template match="{blocks}">
  <xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>
</xsl:template>
<xsl:template match="br"><xsl:text>&#10;</xsl:text></xsl:template>
<xsl:template match="table">
  <xsl:text>&#10;{_TABLE_OPEN}&#10;</xsl:text><xsl:apply-templates/>
  <xsl:text>&#10;{_TABLE_CLOSE}&#10;</xsl:text>
</xsl:template>
<xsl:template match="tr">
  <xsl:choose>
    <xsl:when test="td//table or th//table">
      <xsl:text>&#10;{_LAYOUT}&#10;</xsl:text>
      <xsl:for-each select="td | th">
        <xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>
      </xsl:for-each>
    </xsl:when>
    <xsl:otherwise>
      <xsl:text>&#10;{_ROW}</xsl:text>
      <xsl:for-each select="td | th">
        <xsl:if test="@colspan">
          <xsl:value-of
            select="concat('{_SPAN}', translate(@colspan, '&#10;&#13;', '  '), '{_SPAN}')"/>
        </xsl:if>
        <xsl:apply-templates mode="cell"/><xsl:text>{_CELL}</xsl:text>
      </xsl:for-each>
      <xsl:text>&#10;</xsl:text>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
</xsl:stylesheet>"""


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
            notes.append(("markup_too_deep", _TOO_DEEP))
            break
        if entry.type_name == "ERR_RESOURCE_LIMIT" or "huge" in message:
            notes.append(("markup_limit", f"the markup parser stopped at a limit: {message}"))
            break
    return root, notes


def _span(raw: str) -> int:
    """A ``colspan`` value as browsers read it: its digits, at least 1, at most 1000."""
    if len(raw) < 4 and raw.isascii() and raw.isdigit():
        return max(1, int(raw))
    digits = "".join(ch for ch in raw[:6] if ch.isdigit())
    return max(1, min(int(digits), 1000)) if digits else 1


def _text(el: Any) -> str:
    """All text inside ``el`` (not its tail), read by libxml2's serializer."""
    text: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return text


def _render(top: Any) -> str:
    """The text rendering of the tree below ``top`` (see :func:`_stylesheet`)."""
    transform: etree.XSLT | None = getattr(_LOCAL, "transform", None)
    if transform is None:
        transform = _LOCAL.transform = etree.XSLT(
            etree.XML(_stylesheet()),
            regexp=False,
            # No file or network access (the stubs lack the constant).
            access_control=etree.XSLTAccessControl.DENY_ALL,  # type: ignore[attr-defined]
        )
    return str(transform(top))


class _Lines:
    """Collects the page's lines from its text rendering, within the limits of the settings."""

    __slots__ = ("cut_cells", "cut_lines", "cut_rows", "lines", "tables", "truncated")

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.tables: list[int] = []
        self.truncated = False
        self.cut_lines = 0
        self.cut_cells = 0
        self.cut_rows = 0

    def read(self, rendering: str) -> None:
        tables = self.tables
        for part in rendering.split("\n"):
            text = part.strip()
            if not text:
                continue
            first = text[0]
            if first in (_ROW, _LAYOUT):
                if tables:
                    tables[-1] += 1
                    if tables[-1] > MAX_TABLE_ROWS:
                        self.cut_rows += 1
                        continue
                if first == _ROW:
                    self.add_row(text[1:].split(_CELL)[:-1])
            elif first == _TABLE_OPEN:
                tables.append(0)
            elif first == _TABLE_CLOSE:
                if tables:
                    tables.pop()
            else:
                self.add_text(text)

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

    def add_row(self, texts: list[str]) -> None:
        lines = self.lines
        if len(lines) >= MAX_LINES:
            self.truncated = True
            return
        number = len(lines) + 1
        if len(texts) > MAX_CELLS_PER_LINE:
            self.cut_cells += 1
            texts = texts[:MAX_CELLS_PER_LINE]
        row = []
        for text in texts:
            span = 1
            if text and text[0] == _SPAN:
                raw, _, text = text[1:].partition(_SPAN)
                span = _span(raw)
            row.append(Cell(" ".join(text.split()), number, span))
        if not any(cell.text for cell in row):
            lines.append(Line(number, LineKind.BREAK))
        elif len(row) == 1:
            lines.append(Line(number, LineKind.TEXT, row))
        else:
            lines.append(Line(number, LineKind.ROW, row))


def _notes(lines: _Lines) -> list[tuple[str, str]]:
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
    if lines.cut_cells:
        notes.append(
            (
                "cells_truncated",
                f"{lines.cut_cells} table row(s) had more than {MAX_CELLS_PER_LINE} cells; "
                "the rest were dropped",
            )
        )
    if lines.cut_rows:
        notes.append(
            (
                "table_truncated",
                f"{lines.cut_rows} row(s) beyond the first {MAX_TABLE_ROWS} of a table "
                "were dropped",
            )
        )
    return notes


def _has_marks(text: str) -> bool:
    """Whether ``text`` holds a structure mark (substring tests: faster than a class search)."""
    return any(mark in text for mark in (_ROW, _CELL, _SPAN, _LAYOUT, _TABLE_OPEN, _TABLE_CLOSE))


def tokenize_element(root: Any) -> Page:
    """Tokenize an already parsed lxml element (an ``lxml.html`` or ``etree`` tree)."""
    if _has_marks(_text(root)):
        return tokenize_html(etree.tostring(root, encoding=str))  # which drops the marks
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
    top = body if body is not None else root
    lines = _Lines()
    try:
        lines.read(_render(top))
    except etree.XSLTApplyError:
        # Nested deeper than XSLT recurses (only a tree built by the caller can be, and it
        # holds no marks): keep its text, line by line as the markup breaks it.
        lines.read(_text(top))
        message = "tags nested too deep to render; the text is kept without blocks or rows"
        notes = [*notes, ("markup_too_deep", message)]
    return Page(
        kind="html",
        lines=lines.lines,
        meta_tags=meta,
        html_title=html_title,
        canonical_url=canonical,
        notes=notes + _notes(lines),
    )


def tokenize_html(text: str) -> Page:
    """Tokenize HTML markup into a :class:`~govreport_parse.tokens.Page`."""
    if _has_marks(text):
        text = _MARKS.sub("", text)
    root, notes = _parse(text)
    if root is None:
        return Page(
            kind="html", lines=[], notes=[("unreadable_html", "the markup could not be parsed")]
        )
    return _tokenize_root(root, notes)
