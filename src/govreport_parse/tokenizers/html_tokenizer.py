"""HTML → lines of cells, with lxml (never BeautifulSoup on the hot path).

Each table row becomes one ``ROW`` line with its cells in source order (``colspan`` kept on the
cell; a ``rowspan`` cell appears only in its first row, exactly as text flattening shows it).
Block elements (``p``, ``div``, ``li``, headings, ``br`` …) end a text line. Scripts, styles,
forms and navigation are dropped; ``<meta name>`` tags, ``<title>`` and the canonical link are
kept on the :class:`~govreport_parse.tokens.Page`. Layout tables (a row whose cells hold other
tables or many blocks) are walked as containers, not as data rows.

The parser is configured for untrusted input: no network, no entity resolution, no DTD loading.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..settings import MAX_CELLS_PER_LINE, MAX_HTML_DEPTH, MAX_LINE_CHARS, MAX_LINES
from ..tokens import Cell, Line, LineKind, Page
from .text_tokenizer import split_row_text

__all__ = ["HTML_PARSER", "parse_html", "tokenize_element", "tokenize_html"]

#: One shared parser: no network access, no entity expansion, comments and PIs dropped.
HTML_PARSER = etree.HTMLParser(
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    remove_blank_text=False,
    recover=True,
    huge_tree=False,
)

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
_STRING = etree.XPath("string()")


def _TEXT_OF(el: Any) -> str:  # noqa: N802 - reads as the XPath it wraps
    return str(_STRING(el))


def parse_html(text: str) -> Any:
    """Parse markup into an lxml root element (never raises on content; ``None`` if empty)."""
    if text.lstrip().startswith("<?xml"):
        text = text[text.find("?>") + 2 :]
    try:
        return etree.fromstring(text, HTML_PARSER)
    except (etree.ParserError, ValueError, etree.XMLSyntaxError):
        return None


def _attr_int(el: Any, name: str) -> int:
    raw = el.get(name)
    if not raw:
        return 1
    digits = "".join(ch for ch in raw[:6] if ch.isdigit())
    return max(1, min(int(digits), 1000)) if digits else 1


class _Walker:
    """Collects lines while walking the tree."""

    __slots__ = ("buffer", "lines", "truncated")

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.truncated = False

    @property
    def next_number(self) -> int:
        return len(self.lines) + 1

    def flush(self) -> None:
        if not self.buffer:
            return
        text = "".join(self.buffer)
        self.buffer = []
        if not text.strip():
            return
        if len(text) > MAX_LINE_CHARS:
            text = text[:MAX_LINE_CHARS]
        for part in text.split("\n"):
            if part.strip():
                self.add_text(part)

    def add_text(self, text: str) -> None:
        if len(self.lines) >= MAX_LINES:
            self.truncated = True
            return
        number = self.next_number
        stripped = text.strip()
        if " " in stripped or "\u3000" in stripped or "\u00a0" in stripped or "\t" in stripped:
            self.lines.append(split_row_text(stripped, number))
        else:
            self.lines.append(Line(number, LineKind.TEXT, [Cell(stripped, number)]))

    def add_row(self, cells: list[tuple[str, int]]) -> None:
        if len(self.lines) >= MAX_LINES:
            self.truncated = True
            return
        number = self.next_number
        row = [
            Cell(" ".join(text.split()), number, span) for text, span in cells[:MAX_CELLS_PER_LINE]
        ]
        if not any(c.text for c in row):
            self.lines.append(Line(number, LineKind.BREAK))
        elif len(row) == 1:
            self.lines.append(Line(number, LineKind.TEXT, row))
        else:
            self.lines.append(Line(number, LineKind.ROW, row))

    def walk(self, el: Any, depth: int) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _DROP:
            return
        if depth > MAX_HTML_DEPTH:
            self.buffer.append(_TEXT_OF(el))
            return
        if tag == "tr":
            self.flush()
            self.row(el, depth)
            return
        block = tag in _BLOCK
        if block or tag == "br":
            self.flush()
        if el.text and tag != "br":
            self.buffer.append(el.text)
        for child in el:
            self.walk(child, depth + 1)
            if child.tail:
                self.buffer.append(child.tail)
        if block:
            self.flush()

    def row(self, tr: Any, depth: int) -> None:
        cells = [c for c in tr if isinstance(c.tag, str) and c.tag in _CELL_TAGS]
        if any(c.find(".//table") is not None for c in cells):
            # A layout row: walk its cells as containers.
            for cell in cells:
                self.walk(cell, depth + 1)
                self.flush()
            return
        self.add_row([(_cell_text(c), _attr_int(c, "colspan")) for c in cells])


def _cell_text(cell: Any) -> str:
    for bad in cell.iter("script", "style"):
        bad.text = None
    text: str = _TEXT_OF(cell)
    return text.replace("\u00a0", " ")


def tokenize_element(root: Any) -> Page:
    """Tokenize an already parsed lxml element (an ``lxml.html`` or ``etree`` tree)."""
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
    notes: list[tuple[str, str]] = []
    if walker.truncated:
        notes.append(("too_many_lines", f"only the first {MAX_LINES} lines of the page were read"))
    return Page(
        kind="html",
        lines=walker.lines,
        meta_tags=meta,
        html_title=html_title,
        canonical_url=canonical,
        notes=notes,
    )


def tokenize_html(text: str) -> Page:
    """Tokenize HTML markup into a :class:`~govreport_parse.tokens.Page`."""
    root = parse_html(text)
    if root is None:
        return Page(
            kind="html", lines=[], notes=[("unreadable_html", "the markup could not be parsed")]
        )
    return tokenize_element(root)
