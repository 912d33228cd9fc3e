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
import unicodedata

from ..settings import MAX_CELLS_PER_LINE, MAX_LINE_CHARS, MAX_LINES, MAX_TABLE_ROWS
from ..tokens import Cell, Line, LineKind, Page
from ..values import is_unit, parse_value

__all__ = ["split_row_text", "tokenize_text"]

_PIPES = re.compile(r"[|｜]")
_BOX = re.compile("[\u2500-\u257f]")
_BORDER = re.compile("[─━═]")
# Box-drawing tables (w3m, some consoles): vertical strokes and junctions separate cells,
# horizontal strokes are border fill.
_BOX_TABLE = {
    code: (" " if chr(code) in "─━═┄┅┈┉╌╍╴╶╸╺╼╾" else "|") for code in range(0x2500, 0x2580)
}
_MD_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_GAP = re.compile(r"[ \t\u00a0\u3000]{2,}|[\t\u3000]")
_TOKEN = re.compile(r"[^\s\u00a0\u3000]+")


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
    found = [(m.start(), m.group()) for m in _TOKEN.finditer(text)]
    tokens = [t for _, t in found]
    n_values = 0
    for token in reversed(tokens):
        if not _value_token(token):
            break
        n_values += 1
    tail = tokens[len(tokens) - n_values :]
    # A label followed by n/a marks only (``规章 / / /``) is a row; marks alone are not.
    has_number = any(parse_value(t).status == "number" for t in tail) or (
        n_values < len(tokens) and any(parse_value(t).status == "not_applicable" for t in tail)
    )
    if (
        n_values == 0
        or (n_values < len(tokens) and not has_number)
        or (n_values == 1 and len(tokens) == 1)
        or (n_values == len(tokens) and not has_number)
    ):
        return Line(number, LineKind.TEXT, [Cell(stripped, number)])
    n_label = len(tokens) - n_values
    cells: list[Cell] = []
    # Label tokens separated by single spaces form one cell; a run of two or more spaces (or a
    # full-width space) separates label cells.
    for offset, token in found[:n_label]:
        if cells and not _GAP.fullmatch(text[cells[-1].offset + len(cells[-1].text) : offset]):
            previous = cells[-1]
            previous.text = text[previous.offset : offset + len(token)]
        else:
            cells.append(Cell(token, number, offset=offset))
    cells.extend(Cell(t, number, loose=True, offset=o) for o, t in found[n_label:])
    return Line(number, LineKind.ROW, cells[:MAX_CELLS_PER_LINE])


def _pipe_line(raw: str, number: int, markdown: bool) -> Line:
    stripped = raw.strip()
    pieces = _PIPES.split(stripped)
    if not any(p.strip() for p in pieces):
        n_pipes = len(pieces) - 1
        if n_pipes == 1:
            return Line(number, LineKind.TEXT, [Cell("", number)])
        # The empty tail of a grid row: its empty cells, then the row end.
        blanks = min(n_pipes, MAX_CELLS_PER_LINE)
        return Line(number, LineKind.BREAK, [Cell("", number) for _ in range(blanks)])
    # A pipe opening the line opens a markdown row, or (in pages whose rows do not open with a
    # pipe) follows an empty first cell. A lone opening pipe prefixes a cell of its own.
    leading = stripped[0] in "|｜" and (markdown or len(pieces) == 2)
    if leading:
        pieces = pieces[1:]
    # After the last pipe: nothing, or spaces closing a markdown row, end the row; spaces after
    # the last pipe of a row written without an opening pipe (``a| b|  ``) are an empty cell.
    tail = raw.rstrip("\r\n")
    if not pieces[-1].strip() and (tail.endswith(("|", "｜")) or leading):
        pieces = pieces[:-1]
    elif markdown and leading and len(pieces) > 2:
        pieces = pieces[:-1]  # text after the closing pipe: a wrapped cell spilling over
    cells = [Cell(p.strip(), number) for p in pieces[:MAX_CELLS_PER_LINE]]
    if all(_MD_SEPARATOR.match(c.text) for c in cells if c.text):
        return Line(number, LineKind.BREAK)
    if len(cells) == 1:
        return Line(number, LineKind.TEXT, cells)
    return Line(number, LineKind.ROW, cells)


def _opens_rows_with_pipe(raw_lines: list[str]) -> bool:
    """Whether the page writes its table rows markdown-style, opening each with a pipe."""
    opened = other = 0
    for raw in raw_lines:
        if raw.count("|") + raw.count("｜") < 2:
            continue
        stripped = raw.strip()
        if not _PIPES.sub("", stripped).strip():
            continue
        if stripped[0] in "|｜":
            opened += 1
        else:
            other += 1
    return opened >= other


def tokenize_text(text: str) -> Page:
    """Tokenize decoded text into a :class:`~govreport_parse.tokens.Page`."""
    notes: list[tuple[str, str]] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(raw_lines) > MAX_LINES:
        notes.append(
            ("too_many_lines", f"only the first {MAX_LINES} of {len(raw_lines)} lines were read")
        )
        raw_lines = raw_lines[:MAX_LINES]
    printed = raw_lines
    lines: list[Line] = []
    long_lines = 0
    boxed = bool(_BOX.search(text))
    borders: set[int] = set()
    if boxed:
        borders = {n for n, raw in enumerate(raw_lines, 1) if _BORDER.search(raw)}
        raw_lines = [raw.translate(_BOX_TABLE) if _BOX.search(raw) else raw for raw in raw_lines]
    markdown = _opens_rows_with_pipe(raw_lines)
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
            lines.append(_pipe_line(raw, number, markdown))
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
    if boxed:
        lines = _join_wrapped_rows(lines, raw_lines, borders)
    return Page(kind="text", lines=lines, notes=notes, raw_lines=printed)


def _pipe_positions(raw: str) -> tuple[int, ...]:
    """Display columns of the pipes of a line (wide characters count two)."""
    positions = []
    column = 0
    for ch in raw:
        if ch in "|｜":
            positions.append(column)
        column += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return tuple(positions)


def _join_wrapped_rows(lines: list[Line], raw_lines: list[str], borders: set[int]) -> list[Line]:
    """Join the lines of one grid row of a bordered table (w3m wraps cell text over lines).

    Between two border lines, consecutive rows with their pipes at the same places are one
    table row: their cells are joined column by column.
    """
    out: list[Line] = []
    previous: tuple[int, ...] | None = None
    for line in lines:
        raw = raw_lines[line.number - 1] if line.number <= len(raw_lines) else ""
        border = line.number in borders
        positions = _pipe_positions(raw) if line.kind is LineKind.ROW and not border else None
        last = out[-1] if out else None
        if (
            positions
            and last is not None
            and last.kind is LineKind.ROW
            and positions == previous
            and len(last.cells) == len(line.cells)
        ):
            for mine, more in zip(last.cells, line.cells, strict=True):
                if more.text:
                    mine.text = f"{mine.text}{more.text}" if mine.text else more.text
                    if not mine.text.strip():
                        continue
            continue
        out.append(line)
        previous = positions  # None after a border line: nothing joins across it
    return out
