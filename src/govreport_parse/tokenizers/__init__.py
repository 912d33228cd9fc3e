"""Tokenizers: turn decoded input into a :class:`~govreport_parse.tokens.Page` of lines of cells.

:func:`tokenize` sniffs HTML vs flattened text unless ``kind`` is given and dispatches to the
matching tokenizer; both emit the same :class:`~govreport_parse.tokens.Line` tokens.
"""

from __future__ import annotations

import re
from itertools import islice

from ..tokens import Page, PageKind
from .html_tokenizer import tokenize_element, tokenize_html
from .text_tokenizer import tokenize_text

__all__ = ["sniff_kind", "tokenize", "tokenize_element", "tokenize_html", "tokenize_text"]

_HTML_SIGNS = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|meta|div|table|p|br|span|td|tr|title)\b", re.IGNORECASE
)


def sniff_kind(text: str) -> PageKind:
    """``"html"`` if the start of ``text`` looks like markup, else ``"text"``.

    >>> sniff_kind("<!DOCTYPE html><html>…"), sniff_kind("索引号 | 000/2019 |")
    ('html', 'text')
    """
    head = text[:4096]
    # Two signs settle it: the search stops there (at the doctype and <html> of most pages).
    signs = len(list(islice(_HTML_SIGNS.finditer(head), 2)))
    if signs >= 2 or (signs == 1 and head.lstrip().startswith("<")):
        return "html"
    return "text"


def tokenize(text: str, kind: PageKind | None = None) -> tuple[Page, PageKind]:
    """Tokenize ``text``; return the page and the kind used."""
    kind = kind or sniff_kind(text)
    page = tokenize_html(text) if kind == "html" else tokenize_text(text)
    return page, kind
