"""The single intermediate representation: lines of cells, each cell with the line it came from.

Every tokenizer (HTML, flattened text) emits a :class:`Page` of :class:`Line` objects, and every
later stage (header, sections, tables) reads only these. They are plain slotted dataclasses, not
pydantic models: validation belongs at the output boundary (:mod:`govreport_parse.models`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Cell", "Line", "LineKind", "Page", "PageKind"]

PageKind = Literal["html", "text"]


class LineKind(enum.Enum):
    """What a line of the page is, as far as the tokenizer can tell."""

    TEXT = "text"
    """Running text, a heading, or a single cell of a table flattened one cell per line."""

    ROW = "row"
    """Several cells of one table row (pipes, an HTML ``<tr>``, or space-separated numbers)."""

    BREAK = "break"
    """A row end without content: a line of two or more pipes, the tail of a flattened grid row
    (its empty cells are kept), or a markdown separator row."""

    EMPTY = "empty"
    """A line with nothing on it (a separator, not a blank cell)."""


@dataclass(slots=True)
class Cell:
    """One cell of a line."""

    text: str
    """The cell's text as found (stripped of the separator and surrounding spaces)."""

    line: int
    """1-based line number in the decoded text, or in the page's text rendering for HTML."""

    span: int = 1
    """How many grid columns the cell covers (HTML ``colspan``); 1 for text input."""

    loose: bool = False
    """True when the cell was cut from running text at spaces (PDF text, converter output):
    empty cells leave no trace there, so the cell's position in its row is not evidence."""

    offset: int = -1
    """Character column where the cell starts on its line (text cut at spaces), else -1."""


@dataclass(slots=True)
class Line:
    """One line of the page: a list of cells and what kind of line it is."""

    number: int
    """1-based line number (text input) or line of the text rendering (HTML)."""

    kind: LineKind
    """See :class:`LineKind`."""

    cells: list[Cell] = field(default_factory=list)
    """The cells, in reading order; one cell for a text line, none for an empty line."""

    @property
    def text(self) -> str:
        """The line as text: its cells joined by ``" | "``."""
        return " | ".join(c.text for c in self.cells)


@dataclass(slots=True)
class Page:
    """A tokenized page: its lines and what the markup said about it."""

    kind: PageKind
    """``"html"`` or ``"text"``, as sniffed or as requested."""

    lines: list[Line]
    """Every line, in order."""

    meta_tags: dict[str, str] = field(default_factory=dict)
    """``<meta name=… content=…>`` pairs of HTML input (exact-case name, last occurrence wins)."""

    html_title: str | None = None
    """Text of the HTML ``<title>`` element."""

    canonical_url: str | None = None
    """``<link rel="canonical">`` of HTML input."""

    notes: list[tuple[str, str]] = field(default_factory=list)
    """(issue code, message) pairs the tokenizer wants reported (limits hit, markup damage)."""

    raw_lines: list[str] = field(default_factory=list)
    """Text input's lines as printed, one per :attr:`lines` entry (empty for HTML): for stages
    that need what cells lose, such as the spacing of labels or markdown marks."""
