"""Flattened text → lines of cells.

Handles every flattening of tables seen in scraped text:

* pipe rows ``规章 | 0 | 0 | 0 | |`` (trailing empty cells, ``||||`` runs, a leading pipe as in
  markdown, full-width ``｜``), markdown separator rows;
* one cell per line ending in ``" |"`` (a lone ``|`` is an empty cell, a line of two or more pipes
  the empty tail of a grid row);
* one cell per line with blank lines between (a line of spaces or NBSP is an empty cell, a truly
  empty line a separator);
* space-separated rows from PDF text and HTML-to-text converters: leading label text followed by
  numbers (``规范性文件 1 1 1``), labels split into cells at runs of two or more spaces.

Glued cells (``规章000``) are split later, by the table stage, where the expected number of
columns is known.
"""

from __future__ import annotations

import re

from ..settings import MAX_CELLS_PER_LINE, MAX_LINE_CHARS, MAX_LINES, MAX_TABLE_ROWS
from ..tokens import Cell, Line, LineKind, Page
from ..values import is_unit, parse_value

__all__ = ["split_row_text", "tokenize_text"]

_PIPES = re.compile(r"[|｜]")
_MD_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_GAP = re.compile(r"[ \t\u00a0\u3000]{2,}")


def _value_token(token: str) -> bool:
    status = parse_value(token).status
    return status in ("number", "not_applicable") or is_unit(token)


def split_row_text(text: str, number: int) -> Line:
    """Split a line without pipes: trailing value tokens become cells, the rest label cells.

    >>> [c.text for c in split_row_text("规范性文件 1 1 1", 3).cells]
    ['规范性文件', '1', '1', '1']
    >>> [c.text for c in split_row_text("（三）     1.属于国家秘密   0  0", 1).cells]
    ['（三）', '1.属于国家秘密', '0', '0']
    >>> split_row_text("2020 年 1 月 18 日", 1).kind
    <LineKind.TEXT: 'text'>
    """
    stripped = text.strip()
    tokens = stripped.split()
    n_values = 0
    for token in reversed(tokens):
        if not _value_token(token):
            break
        n_values += 1
    has_number = any(parse_value(t).status == "number" for t in tokens[len(tokens) - n_values :])
    if (
        n_values == 0
        or (n_values < len(tokens) and not has_number)
        or (n_values == 1 and len(tokens) == 1)
    ):
        return Line(number, LineKind.TEXT, [Cell(stripped, number)])
    if n_values == len(tokens) and not has_number:
        return Line(number, LineKind.TEXT, [Cell(stripped, number)])
    cells: list[Cell] = []
    label_tokens = tokens[: len(tokens) - n_values]
    if label_tokens:
        # Re-find the label part in the original text to keep its internal spacing.
        label_text = stripped
        for token in reversed(tokens[len(label_tokens) :]):
            label_text = label_text.rstrip()
            label_text = label_text[: len(label_text) - len(token)]
        cells.extend(
            Cell(part.strip(), number) for part in _GAP.split(label_text.strip()) if part.strip()
        )
    cells.extend(Cell(t, number) for t in tokens[len(label_tokens) :])
    return Line(number, LineKind.ROW, cells[:MAX_CELLS_PER_LINE])


def _pipe_line(raw: str, number: int) -> Line:
    stripped = raw.strip()
    pieces = _PIPES.split(stripped)
    if not any(p.strip() for p in pieces):
        n_pipes = len(pieces) - 1
        if n_pipes == 1:
            return Line(number, LineKind.TEXT, [Cell("", number)])
        return Line(number, LineKind.BREAK)
    if stripped[0] in "|｜":
        pieces = pieces[1:]
    if stripped[-1] in "|｜" and not pieces[-1].strip():
        pieces = pieces[:-1]
    cells = [Cell(p.strip(), number) for p in pieces[:MAX_CELLS_PER_LINE]]
    if all(_MD_SEPARATOR.match(c.text) for c in cells if c.text):
        return Line(number, LineKind.BREAK)
    if len(cells) == 1:
        return Line(number, LineKind.TEXT, cells)
    return Line(number, LineKind.ROW, cells)


def tokenize_text(text: str) -> Page:
    """Tokenize decoded text into a :class:`~govreport_parse.tokens.Page`."""
    notes: list[tuple[str, str]] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(raw_lines) > MAX_LINES:
        notes.append(
            ("too_many_lines", f"only the first {MAX_LINES} of {len(raw_lines)} lines were read")
        )
        raw_lines = raw_lines[:MAX_LINES]
    lines: list[Line] = []
    long_lines = 0
    wide_lines = 0
    run = 0  # consecutive lines with pipes: the rows of one flattened table
    cut_rows = 0
    for number, raw in enumerate(raw_lines, 1):
        if len(raw) > MAX_LINE_CHARS:
            raw = raw[:MAX_LINE_CHARS]
            long_lines += 1
        if "|" in raw or "｜" in raw:
            run += 1
            if run > MAX_TABLE_ROWS:
                cut_rows += 1
                lines.append(Line(number, LineKind.EMPTY))
                continue
        else:
            run = 0
        if not raw:
            lines.append(Line(number, LineKind.EMPTY))
        elif run:
            if raw.count("|") + raw.count("｜") > MAX_CELLS_PER_LINE + 1:
                wide_lines += 1
            lines.append(_pipe_line(raw, number))
        elif not raw.strip():
            lines.append(Line(number, LineKind.TEXT, [Cell("", number)]))
        elif " " in raw.strip() or "\u3000" in raw or "\t" in raw or "\u00a0" in raw:
            lines.append(split_row_text(raw, number))
        else:
            lines.append(Line(number, LineKind.TEXT, [Cell(raw.strip(), number)]))
    if long_lines:
        notes.append(
            (
                "line_truncated",
                f"{long_lines} line(s) longer than {MAX_LINE_CHARS} characters were cut",
            )
        )
    if cut_rows:
        notes.append(
            (
                "table_truncated",
                f"{cut_rows} line(s) beyond the first {MAX_TABLE_ROWS} of a flattened table "
                "were dropped",
            )
        )
    if wide_lines:
        notes.append(
            (
                "cells_truncated",
                f"{wide_lines} line(s) had more than {MAX_CELLS_PER_LINE} cells; "
                "the rest were dropped",
            )
        )
    return Page(kind="text", lines=lines, notes=notes)
