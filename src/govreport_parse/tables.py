"""The ``tables`` stage: detect the table format and assemble table rows from the lines.

A statistical table reaches us flattened in many ways (see the tokenizers). This stage reads the
lines as one stream and rebuilds rows by their labels, which is what survives every flattening:

* a ``ROW`` line (pipes, an HTML ``<tr>``, space-separated numbers) is one row: leading text
  cells form its label, the rest are its values in column order, blanks included;
* in text flattened one cell per line, a row is a label followed by value cells up to the next
  text cell or row end (a line of pipes);
* a label broken over lines is joined with the fragments before it; a group label sharing the
  row (``三、本年度办理结果 | （一）予以公开``) sets the context of the row after it;
* values printed without separators (``规章000``) are split where the count of digits, or a sum
  rule, leaves one reading only.

The result is a list of :class:`~govreport_parse.state.RawRow`; placing each value in a column is
the job of the ``labels`` stage.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import NamedTuple

from .labels import Match, Resolver, Scope, core, resolver
from .state import Document, RawRow
from .taxonomy import RowDef, layouts
from .textnorm import key
from .tokens import Cell, Line, LineKind
from .values import UNITS, is_unit, parse_value

__all__ = ["detect_format", "extract", "forget", "split_glued_digits"]

_TABLES_BY_FORMAT = {
    "legacy2014": frozenset(["legacy"]),
    "fmt2019": frozenset(["t2", "t3", "t4"]),
    "fmt2021": frozenset(["t2", "t3", "t4"]),
    "unknown": frozenset(["legacy", "t2", "t3", "t4"]),
}
_MAX_CUE_KEY = 80
_MAX_DETECT_CELL = 120
_SHORT_NOTE = re.compile(r"\([^()]{0,20}\)")
_NUMBER_TAIL = "0123456789."
_NA_TAILS = ("——", "—", "/", "-")
_GLUED_ENDS = frozenset("0123456789０１２３４５６７８９.—/-－／")
#: Readings of glued digits tried at most (the count of ways to cut them into the columns).
_MAX_SPLITS = 50_000
#: A 表四 data row without label prints at least this many of its 15 cells (blanks included).
_MIN_T4_CELLS = 8
_ONLY_DIGITS = re.compile(r"^\d{2,40}$")
_SEQUENCE = re.compile(r"^\d{1,3}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_CAPTION = re.compile(r"第二十条(?:第)?\(([一二三四五六七八九十]{1,2})\)项?")


def _split_trailing_number(text_key: str) -> tuple[str, str] | None:
    """Split ``规章000`` into ``("规章", "000")``; ``None`` when no digits end the text.

    >>> _split_trailing_number("行政事业性收费3.15"), _split_trailing_number("规章")
    (('行政事业性收费', '3.15'), None)
    """
    for mark in _NA_TAILS:
        if text_key.endswith(mark) and len(text_key) > len(mark) + 1:
            head = text_key[: -len(mark)]
            if not head.endswith(_NA_TAILS):
                return head, mark
    head = text_key.rstrip(_NUMBER_TAIL)
    digits = text_key[len(head) :]
    if head.endswith(("+", "-")):
        head, digits = head[:-1], head[-1] + digits
    if not head or not digits or not digits[-1].isdigit() or not any(c.isdigit() for c in digits):
        return None
    return head, digits


@lru_cache(maxsize=1 << 16)
def _cell_kind(text: str) -> str:
    """What a cell holds: the status of :func:`parse_value`, or ``"unit"`` for a unit word."""
    status = parse_value(text).status
    return "unit" if status == "text" and is_unit(text) else status


def _is_value_cell(text: str) -> bool:
    """A cell that belongs to the value part of a row: a number, blank, n/a or a unit."""
    return _cell_kind(text) != "text"


def _block_numerals() -> dict[str, int]:
    numerals = {}
    for index, block in enumerate(layouts().blocks):
        found = _CAPTION.search(block.caption)
        if found:
            numerals[found.group(1)] = index
    return numerals


def _is_sequence(text: str) -> bool:
    """A 序号 cell: a small whole number and nothing else (padding aside)."""
    parsed = parse_value(text)
    return (
        parsed.status == "number"
        and parsed.unit is None
        and isinstance(parsed.value, int)
        and 0 < parsed.value < 1000
        and "." not in text
    )


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@cache
def _cue_patterns() -> dict[str, re.Pattern[str]]:
    """One alternation per cue group of ``layouts.toml`` (formats, tables, end of tables)."""
    data = layouts()
    groups = {**data.detect, **data.cues}
    return {name: _alternation(words) for name, words in groups.items()}


@cache
def _any_cue() -> re.Pattern[str]:
    """Every cue of ``layouts.toml`` ``[detect]`` (formats) and ``[cues]`` (tables, end of
    tables) in one alternation: most cells hold none."""
    data = layouts()
    return _alternation(itertools.chain(*data.detect.values(), *data.cues.values()))


class _Cues(NamedTuple):
    """What a short text cell says about the format and where the tables are (see
    :func:`detect_format` and ``_Assembler.observe``)."""

    article: bool
    """It names 第二十条: a 表二 block begins."""

    caption: str | None
    """The numeral of the 第二十条 item its caption names, if it names one."""

    end: bool
    """It heads what follows the tables (存在的主要问题 …)."""

    table: str | None
    """The first of 表四, 表三, 表二 and the legacy table whose cue it holds."""

    formats: frozenset[tuple[str, str]]
    """The cues of ``[detect]`` it holds, as (format, cue) pairs."""


_NO_CUES = _Cues(article=False, caption=None, end=False, table=None, formats=frozenset())


@lru_cache(maxsize=1 << 16)
def _cues(text: str) -> _Cues:
    """The cues in a short text cell, read once per text for both their uses.

    They are looked for in the text's :func:`key` without parenthetical notes like （2023）.
    Every cue is Chinese, so ASCII text (numbers, dates, codes) holds none.
    """
    if text.isascii():
        return _NO_CUES
    k = key(text)
    if "(" in k:
        k = _SHORT_NOTE.sub("", k)
    if _any_cue().search(k) is None:
        return _NO_CUES
    patterns = _cue_patterns()
    article = "第二十条" in k
    caption = _CAPTION.search(k) if article else None
    return _Cues(
        article=article,
        caption=caption.group(1) if caption else None,
        end=len(k) < 40 and patterns["end"].search(k) is not None,
        table=next((t for t in ("t4", "t3", "t2", "legacy") if patterns[t].search(k)), None),
        formats=frozenset(
            (fmt, cue) for fmt in layouts().detect for cue in patterns[fmt].findall(k)
        ),
    )


def detect_format(lines: list[Line]) -> str:
    """Detect the table format from the labels printed, never from the year.

    Counts the distinct cues of each format (``data/layouts.toml`` ``[detect]``) in the short
    cells of the page; the format with most cues wins; legacy needs two cues.
    """
    found: set[tuple[str, str]] = set()
    for text in {cell.text for line in lines for cell in line.cells}:  # each text once
        if text and len(text) <= _MAX_DETECT_CELL and "。" not in text:
            # Table labels and headers are short and never sentences.
            found |= _cues(text).formats
    scores = Counter(fmt for fmt, _ in found)
    if scores["fmt2021"] and scores["fmt2021"] >= scores["fmt2019"]:
        return "fmt2021"
    if scores["fmt2019"]:
        return "fmt2019"
    if scores["legacy2014"] >= 2:
        return "legacy2014"
    return "unknown"


def split_glued_digits(digits: str, width: int, rule: str | None = None) -> list[str] | None:
    """Split digits printed without separators into ``width`` numbers, if only one reading fits.

    One digit per column fits when the count of digits is the width. Otherwise every split
    without leading zeros is tried against the row's sum rule (``rule``: ``"t3"``, the last
    number is the sum of the first six; ``"t4"``, the fifth of each five is the sum of four);
    the split is returned only when exactly one reading satisfies it.

    >>> split_glued_digits("000", 3)
    ['0', '0', '0']
    >>> split_glued_digits("0000101", 7, "t3")
    ['0', '0', '0', '0', '1', '0', '1']
    >>> split_glued_digits("131000014", 7, "t3") is None  # 13+1=14 and 1+3+10=14 both fit
    True
    >>> split_glued_digits("120000012", 7, "t3")
    ['12', '0', '0', '0', '0', '0', '12']
    >>> split_glued_digits("1015", 3) is None
    True
    """
    if width == 1:
        return [digits]
    if not digits.isdigit():
        return None
    if len(digits) == width:
        return list(digits)
    if len(digits) < width or rule is None or math.comb(len(digits) - 1, width - 1) > _MAX_SPLITS:
        return None
    readings: list[list[str]] = []
    for cuts in itertools.combinations(range(1, len(digits)), width - 1):
        parts = [digits[i:j] for i, j in zip((0, *cuts), (*cuts, len(digits)), strict=True)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        nums = [int(p) for p in parts]
        if rule == "t3" and sum(nums[:6]) != nums[6]:
            continue
        if rule == "t4" and any(sum(nums[b : b + 4]) != nums[b + 4] for b in range(0, 15, 5)):
            continue
        readings.append(parts)
        if len(readings) > 1:
            return None
    return readings[0] if readings else None


@dataclass(slots=True)
class _Open:
    """A row being assembled in stream mode."""

    match: Match
    label_cells: list[Cell]
    values: list[Cell]
    line: int


_BLOCKS = _block_numerals()


class _Assembler:
    """Walks the lines once, keeping the table context, and collects rows."""

    def __init__(self, fmt: str, res: Resolver) -> None:
        self.fmt = fmt
        self.res = res
        self.tables = _TABLES_BY_FORMAT[fmt]
        self.rows: list[RawRow] = []
        self.pending: list[Cell] = []
        self.current: _Open | None = None
        self.section: str | None = None
        self.group: str | None = None
        self.context: str | None = None
        self.active = False
        self.header: list[Cell] | None = None
        self.block: int | None = None
        self.block_seen: set[str] = set()
        self.t3_width = len(layouts().t3_columns)
        self.t4_width = len(layouts().t4_columns)

    # -- context -------------------------------------------------------------------------------

    def scope(self) -> Scope:
        """Where the walk is: what tells apart rows that print the same label."""
        return Scope(self.tables, self.section, self.group, self.fmt, self.context)

    def lookup(self, text_key: str, loose: bool = True) -> Match:
        return self.res.lookup(text_key, self.scope(), loose)

    def observe(self, cell: Cell) -> None:
        """Update the table context from a text cell (captions, headers, section headings)."""
        text = cell.text
        if not text or len(text) > _MAX_CUE_KEY or "。" in text:
            return
        cues = _cues(text)
        if cues.article:
            self.header = None  # a new 表二 block: its own header row follows
            if cues.caption is not None:
                self.block = _BLOCKS.get(cues.caption)
                self.block_seen = set()
        if cues.end:
            self.close()
            self.active = False
            self.context = None
            self.pending.clear()
            return
        table = cues.table
        if table is not None and (
            table == "legacy" or table in self.tables or "legacy" not in self.tables
        ):
            self.context = table
            self.active = True

    def set_context(self, match: Match) -> None:
        if match.section:
            self.section = match.section
            self.group = None
        if match.group:
            self.group = match.group
        row = match.row
        if row is not None:
            self.context = row.table
            if row.table == "t3" and row.name in (
                "requests.received",
                "requests.carried_over",
                "requests.carried_forward",
            ):
                self.group = None

    # -- output --------------------------------------------------------------------------------

    def emit(
        self,
        match: Match,
        label_cells: list[Cell],
        values: list[Cell],
        line: int,
        glued: str | None = None,
    ) -> None:
        row = match.row
        if row is None:
            return
        self.active = True
        self.context = row.table
        if row.table == "t2":
            self.block_seen.add(row.name)
        header = self.header[1:] if row.table == "t2" and self.header else None
        self.rows.append(
            RawRow(row.table, row, label_cells, values, line, glued=glued, header=header)
        )

    def emit_unplaced(self, label_cells: list[Cell], values: list[Cell], line: int) -> None:
        """Keep a row whose label matched nothing: the 表四 data row (it has no label), or an
        unknown row of a table, for ``unmapped``."""
        if not self.active or not any(_cell_kind(v.text) == "number" for v in values):
            return
        if not label_cells and self.context == "t4":
            if "t4" in self.tables and len(values) >= _MIN_T4_CELLS:
                self.rows.append(RawRow("t4", None, [], values, line))
            return
        label = "".join(c.text for c in label_cells)
        if not _CJK.search(label):
            return  # page numbers (P. 2, - 1 -) and other furniture between table rows
        self.rows.append(RawRow(self.context or "unknown", None, label_cells, values, line))

    def close(self) -> None:
        current = self.current
        self.current = None
        if current is None:
            return
        if current.match.row is not None:
            self.emit(current.match, current.label_cells, current.values, current.line)
        elif current.values:
            self.emit_unplaced(current.label_cells, current.values, current.line)

    # -- feeding -------------------------------------------------------------------------------

    def feed(self, line: Line) -> None:
        kind = line.kind
        if kind is LineKind.EMPTY:
            return
        if kind is LineKind.BREAK:
            if self.current is not None and self.current.values:
                self.current.values.extend(line.cells)
            self.close()
            return
        if kind is LineKind.ROW:
            self.close()
            self.row(line.cells)
            return
        cell = line.cells[0]
        if len(cell.text) > _MAX_CUE_KEY and "。" in cell.text:
            # Running text: it ends a row being read, and is neither a label nor a value.
            self.close()
            self.pending.clear()
            return
        cell_kind = _cell_kind(cell.text)
        if cell_kind != "text":
            self.value_cell(cell, cell_kind)
        else:
            self.text_cell(cell)

    def value_cell(self, cell: Cell, kind: str) -> None:
        if self.current is not None:
            self.current.values.append(cell)
            return
        if not self.active:
            return
        if self.pending:
            match, used = self.resolve(self.pending)
            if match.row is not None:
                label = self.pending[-used:]
                self.pending = []
                self.current = _Open(match, label, [cell], label[0].line)
                return
        if kind == "blank" and self.context != "t4":
            return
        if _ONLY_DIGITS.match(cell.text.strip()) and self.context == "t4":
            digits = cell.text.strip()
            parts = split_glued_digits(digits, self.t4_width, "t4")
            if parts is not None:
                cells = [Cell(p, cell.line) for p in parts]
                self.rows.append(RawRow("t4", None, [], cells, cell.line, glued=digits))
                return
        label = self.pending[-1:]
        self.pending = []
        self.current = _Open(Match(how="none"), label, [cell], cell.line)

    def text_cell(self, cell: Cell) -> None:
        if self.current is not None and self.current.values:
            self.close()
        elif self.current is not None:
            self.pending.extend(self.current.label_cells)
            self.current = None
        self.observe(cell)
        if self.glued(cell):
            return
        if self.active and len(cell.text) <= _MAX_CUE_KEY and "。" not in cell.text:
            match = self.lookup(key(cell.text))
            if match.row is None and (match.section or match.group):
                self.set_context(match)
        self.pending.append(cell)
        del self.pending[:-4]

    def resolve(self, cells: list[Cell]) -> tuple[Match, int]:
        match, used = self.res.resolve_cells(cells, self.scope())
        if match.row is None:
            if match.section or match.group:
                self.set_context(match)
            row = self.block_row(cells[-1]) if cells else None
            if row is None:
                return match, 0
            return Match(row, how="block"), 1
        # Context carried by the label cells before the ones the row label used.
        for cell in cells[: len(cells) - used]:
            ctx = self.lookup(key(cell.text), loose=False)
            if ctx.section or ctx.group:
                self.set_context(ctx)
        self.set_context(match)  # its section or group, then its row
        return match, used

    def resolve_prefix(self, label_cells: list[Cell]) -> tuple[Match, int]:
        """Resolve the shortest run of leading label cells that names a row.

        Returns the match and the number of leading cells that make the label; the cells after
        them are text that spilled into value cells (a rendering wrapped the label).
        """
        for n in range(1, len(label_cells) + 1):
            match, _ = self.resolve(label_cells[:n])
            if match.row is not None:
                return match, n
        return Match(how="none"), 0

    def block_row(self, cell: Cell) -> RowDef | None:
        """A 表二 label cut too short to name one row: the block it sits in decides.

        Within a captioned block the rows come in a fixed order (行政处罚, then 行政强制), so
        of the block's rows whose label starts like the cell, the first one not yet seen is it.
        """
        if self.context != "t2" or self.block is None:
            return None
        stem = core(key(cell.text))
        if len(stem) < 2:
            return None
        candidates = [
            row
            for row in self.res.block_rows(self.block)
            if any(alias.startswith(stem) for alias in self.res.aliases(row))
        ]
        for row in candidates:
            if row.name not in self.block_seen:
                return row
        return None

    def row(self, cells: list[Cell]) -> None:
        kinds = [_cell_kind(c.text) for c in cells]
        start = 0
        while start < len(cells) and kinds[start] == "blank":
            start += 1
        if start < len(cells) and kinds[start] != "text":
            start = 0  # a row of values only: its leading empty cells are values too
        if (
            start + 1 < len(cells)
            and kinds[start] == "number"
            and kinds[start + 1] == "text"
            and _is_sequence(cells[start].text)
        ):
            start += 1  # a 序号 (sequence number) column before the label
        split = start
        while split < len(cells) and kinds[split] == "text":
            split += 1  # the label: text up to the first value cell
        label_cells, values = cells[start:split], cells[split:]
        statuses = set(kinds[split:])
        if "text" in statuses and not statuses & {"number", "not_applicable"}:
            # Header cells around an empty cell (a rendering's colspan filler): no values here.
            label_cells, values = cells[start:], []
        for cell in label_cells:
            self.observe(cell)
        if not values:
            # A header or caption row, or a label whose values follow on the next line.
            if len(label_cells) == 1 and self.glued(label_cells[0]):
                return
            if sum(1 for c in cells if c.text.strip()) >= 2:
                self.header = cells[start:]
            for cell in label_cells:
                ctx = self.lookup(key(cell.text), loose=False) if self.active else Match(how="none")
                if ctx.section or ctx.group:
                    self.set_context(ctx)
            self.pending.extend(label_cells)
            del self.pending[:-4]
            return
        line = cells[0].line
        if not label_cells:
            if self.context == "t4" or not self.pending:
                self.pending = []
                self.emit_unplaced([], values, line)
                return
            match, used = self.resolve(self.pending)
            if match.row is not None:
                label = self.pending[-used:]
                self.pending = []
                self.emit(match, label, values, label[0].line)
            else:
                self.pending = []
                self.emit_unplaced([], values, line)
            return
        match, used = self.resolve_prefix(label_cells)
        if match.row is not None and used < len(label_cells):
            # Text spilled from a wrapped label into the first value cells: positional values.
            values = [*label_cells[used:], *values]
            label_cells = label_cells[:used]
        if match.row is None and self.pending:
            match, used = self.resolve([*self.pending[-2:], *label_cells])
            if match.row is not None and used > len(label_cells):
                label_cells = [*self.pending[-2:], *label_cells][-used:]
        self.pending = []
        if match.row is None:
            self.emit_unplaced(label_cells, values, line)
            return
        self.emit(match, label_cells, values, line)

    def glued(self, cell: Cell) -> bool:
        """A text cell that is a label followed by its values with no separator."""
        if cell.text.rstrip()[-1:] not in _GLUED_ENDS:
            return False
        split = _split_trailing_number(key(cell.text))
        if split is None:
            return False
        head, digits = split
        unit = None
        for u in sorted(UNITS, key=len, reverse=True):
            if head.endswith(u) and len(head) > len(u):
                unit, head = u, head[: -len(u)]
                break
        match = self.lookup(head)
        if match.row is None or (digits in _NA_TAILS and match.row.table != "legacy"):
            return False
        self.set_context(match)
        table = match.row.table
        label = Cell(cell.text, cell.line)
        if table == "legacy" or (table == "t2" and unit is None and "." in digits):
            values = (
                [Cell(unit or "", cell.line), Cell(digits, cell.line)]
                if table == "legacy"
                else [Cell(digits, cell.line)]
            )
            self.emit(match, [label], values, cell.line, glued=digits)
            return True
        width = self.width_of(match)
        rule = "t3" if table == "t3" else None
        parts = split_glued_digits(digits, width, rule) if width else None
        if parts is None:
            self.rows.append(
                RawRow(
                    table,
                    match.row,
                    [label],
                    [Cell(digits, cell.line)],
                    cell.line,
                    glued=digits,
                    unreadable=True,
                )
            )
            return True
        self.emit(match, [label], [Cell(p, cell.line) for p in parts], cell.line, glued=digits)
        return True

    def width_of(self, match: Match) -> int:
        row = match.row
        if row is None:
            return 0
        if row.table == "t3":
            return self.t3_width
        if row.table == "t2":
            block = layouts().blocks[row.block or 0]
            cols = block.columns.get(self.fmt) or next(iter(block.columns.values()))
            return len(cols)
        return 1


def _sequence_cells(lines: list[Line]) -> set[int]:
    """Cells of a 序号 column in text flattened one cell per line.

    A sequence number stands alone on its line right before a row label, and the numbers count
    up one by one from 1. Only runs of four or more are taken, so row values that happen to
    precede the next labels are not mistaken for them.
    """
    candidates: list[tuple[int, Cell]] = []
    singles = [line for line in lines if line.kind is LineKind.TEXT]
    for i, line in enumerate(singles[:-1]):
        text = line.cells[0].text.strip()
        if not _SEQUENCE.match(text):
            continue
        following = singles[i + 1].cells[0].text
        if following.strip() and not _is_value_cell(following):
            candidates.append((int(text), line.cells[0]))
    marked: set[int] = set()
    run: list[tuple[int, Cell]] = []
    for number, cell in [*candidates, (-1, Cell("", 0))]:
        if run and number == run[-1][0] + 1:
            run.append((number, cell))
            continue
        if len(run) >= 4 and run[0][0] == 1:
            marked.update(id(c) for _, c in run)
        run = [(number, cell)]
    return marked


def forget() -> None:
    """Empty the memos of cues and cell kinds."""
    _cues.cache_clear()
    _cell_kind.cache_clear()


def _iter_lines(doc: Document) -> Iterator[Line]:
    if doc.page is None:
        return
    lines = doc.page.lines
    skip = _sequence_cells(lines)
    for line in lines:
        if skip and line.kind is LineKind.TEXT and id(line.cells[0]) in skip:
            continue
        yield line


def extract(doc: Document) -> None:
    """Detect the format and collect the table rows of the page."""
    if doc.page is None:
        return
    lines = doc.page.lines
    fmt = detect_format(lines)
    asm = _Assembler(fmt, resolver())
    for line in _iter_lines(doc):
        asm.feed(line)
    asm.close()
    doc.rows = asm.rows
    placed = [
        r
        for r in asm.rows
        if (r.row_def is not None or r.table == "t4")
        and any(_cell_kind(c.text) == "number" for c in r.values)
    ]
    if fmt == "unknown" and len(placed) >= 2:
        tables = {r.table for r in placed}
        if tables == {"legacy"}:
            fmt = "legacy2014"
        elif tables & {"t2", "t3", "t4"}:
            fmt = (
                "fmt2021"
                if any(
                    r.row_def is not None and r.row_def.name.startswith("requests.outcome.other.")
                    for r in placed
                )
                else "fmt2019"
            )
    elif fmt != "unknown" and not placed:
        # Cues without a single table row: the tables are missing from the page.
        doc.issue("tables_missing", f"{fmt} table labels appear but no table row was found", "info")
    doc.format = fmt  # type: ignore[assignment]
