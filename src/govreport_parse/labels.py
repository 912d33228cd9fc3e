"""Row labels → layout rows of the taxonomy, and the ``labels`` stage (cells → ids and columns).

Matching follows dateparser's order: normalise (:func:`govreport_parse.textnorm.key`: NFKC,
traditional → simplified, pinyin and spaces removed), strip leading enumerators (一、 （一）
1. ㈠ 其中：) and parenthetical notes, then look the result up in the variants of
``data/layouts.toml``. Labels that are still unknown are tried as the tail of a longer label
(a group label sharing the cell, ``（三）不予公开1.属于国家秘密``) and as the head of a known one
(a label cut by a line break or a rendering, ``一、本年新收政府信息公开申请``).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from .settings import MIN_PREFIX_LABEL
from .state import Document, RawRow
from .taxonomy import Layouts, RowDef, layouts
from .textnorm import key
from .tokens import Cell
from .values import is_unit, parse_value

__all__ = ["ANYWHERE", "Match", "Resolver", "Scope", "assign", "core", "forget", "resolver"]

_ENUM = re.compile(
    r"^(?:"
    r"[一二三四五六七八九十]{1,3}\s*[、.,:]"
    r"|\([一二三四五六七八九十]{1,3}\)[、.]?"
    r"|\d{1,2}(?:[、,:]|\.(?!\d)|\))"
    r"|\(\d{1,2}\)"
    r"|其中[:]?|附[:]?|注[:]?"
    r")+"
)
_TRAILING_ENUM = re.compile(
    r"(?:\d{1,2}[.、]|\(\d{1,2}\)|\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、)$"
)
_PAREN = re.compile(r"\([^()]*\)")
# Punctuation that core() strips from the end and from the start of a label.
_TRAILING = ":;,.。、!\"'》"
_LEADING = ":;,.。、!\"'《"


def strip_enumerator(text_key: str) -> str:
    """Remove leading enumerators from a normalised label.

    >>> strip_enumerator("(三)1.属于国家秘密"), strip_enumerator("其中:主动公开规范性文件数")
    ('属于国家秘密', '主动公开规范性文件数')
    """
    return _ENUM.sub("", text_key, count=1)


@lru_cache(maxsize=1 << 16)
def core(text_key: str) -> str:
    """The core of a normalised label: enumerators and parenthetical notes removed.

    >>> core("(二)部分公开(区分处理的,只计这一情形,不计其他情形)")
    '部分公开'
    >>> core("一、主动公开政府信息数(不同渠道和方式公开相同信息计1条)(不同渠道)")
    '主动公开政府信息数'
    >>> core("(二)部分公开(区分处理的,只计这")
    '部分公开'
    """
    text = text_key
    for _ in range(len(text_key) + 1):
        before = text
        text = strip_enumerator(text.lstrip(_LEADING))
        if "(" in text:
            text = _PAREN.sub("", text)
            if "(" in text:
                text = text[: text.index("(")]  # a note cut off by a line break or a rendering
        text = text.rstrip(_TRAILING).lstrip(_LEADING)
        # What is left has no note and no punctuation at either end; only an enumerator bared
        # by removing a note (``(注)1.``) can still come off.
        if text == before or _ENUM.match(text) is None:
            break
    return text


class Match(NamedTuple):
    """The outcome of resolving a label (a named tuple: a lookup builds several)."""

    row: RowDef | None = None
    """The matched row, if any."""

    section: str | None = None
    """Legacy section set by this label (a heading such as 四、行政复议数量)."""

    group: str | None = None
    """表三 group set by this label (三、本年度办理结果, （三）不予公开 …)."""

    how: str = "exact"
    """``exact``, ``core``, ``pattern``, ``group``, ``suffix``, ``prefix`` or ``masked`` (the
    tables stage adds ``block``); ``none`` when nothing matched."""


_NO_MATCH = Match(how="none")


class Scope(NamedTuple):
    """Where on the page a label is read: what decides between rows printing the same label.

    A tuple, so that lookups are remembered by label and scope.
    """

    tables: frozenset[str] = frozenset()
    """The tables the page's format prints (empty: any table)."""

    section: str | None = None
    """The legacy section of the rows above."""

    group: str | None = None
    """The 表三 group of the rows above."""

    fmt: str = "unknown"
    """The page's table format (see :func:`govreport_parse.tables.detect_format`)."""

    context: str | None = None
    """The table the rows above belong to, if known."""


#: No scope: a label read anywhere, in any format.
ANYWHERE = Scope()
_MASK = re.compile(r"[*＊]+")
_MEMO_SIZE = 1 << 16


class Resolver:
    """Indexes the layout labels and resolves page labels against them."""

    def __init__(self, data: Layouts) -> None:
        self.data = data
        self.exact: dict[str, list[RowDef]] = {}
        self.core: dict[str, list[RowDef]] = {}
        for variant, row in data.exact:
            self.exact.setdefault(key(variant), []).append(row)
        self._memo: dict[tuple[str, Scope, bool], Match] = {}
        self._aliases: dict[RowDef, list[str]] = {}
        for rows in data.labels.values():
            for variant, row in rows:
                self.core.setdefault(core(key(variant)), []).append(row)
                self._aliases.setdefault(row, []).append(core(key(variant)))
        self.sections: dict[str, tuple[str, RowDef | None]] = {
            core(key(label)): (section, own) for label, section, own in data.sections
        }
        self.groups: dict[str, str] = {core(key(label)): group for label, group in data.groups}
        self.patterns = data.patterns
        # Longest first, for tail matching.
        names = set(self.core) | set(self.sections) | set(self.groups)
        self.by_length = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
        # Group and section labels, for labels that begin with one; every known name, for labels
        # that end with one; and the names by each of their heads, for labels cut short.
        self.head_set = frozenset(self.sections) | frozenset(self.groups)
        self.name_set = frozenset(self.by_length)
        self.prefixes: dict[str, set[str]] = {}
        for name in self.by_length:
            for end in range(2, len(name) + 1):
                self.prefixes.setdefault(name[:end], set()).add(name)
        # The same names by their first (group and section labels) and last two characters,
        # longest first: the few a label can begin or end with.
        self.heads_by_start: dict[str, list[str]] = {}
        self.names_by_end: dict[str, list[str]] = {}
        for name in self.by_length:
            if name in self.head_set:
                self.heads_by_start.setdefault(name[:2], []).append(name)
            self.names_by_end.setdefault(name[-2:], []).append(name)

    # -- lookups on one normalised label --------------------------------------------------------

    def _pick(self, rows: list[RowDef], scope: Scope) -> RowDef | None:
        best: RowDef | None = None
        tables, section, group, fmt = scope.tables, scope.section, scope.group, scope.fmt
        for row in rows:
            if tables and row.table not in tables:
                continue
            if row.section is not None and row.section != section:
                continue
            if row.group is not None and group is not None and row.group != group:
                continue
            if fmt in row.group_in:
                continue
            if best is None or (row.section is not None and best.section is None):
                best = row
        return best

    def lookup(self, label_key: str, scope: Scope = ANYWHERE, loose: bool = True) -> Match:
        """Resolve one normalised label (see :func:`govreport_parse.textnorm.key`) in ``scope``.

        ``loose`` also tries the label as a group label sharing the cell with a row label, and
        as the head of a known label cut short. Results are remembered (a bounded memo): the
        same labels come back on every page.
        """
        memo_key = (label_key, scope, loose)
        found = self._memo.get(memo_key)
        if found is None:
            found = self._lookup(label_key, scope, loose)
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[memo_key] = found
        return found

    def _lookup(self, label_key: str, scope: Scope, loose: bool) -> Match:
        if not label_key:
            return _NO_MATCH
        rows = self.exact.get(label_key)
        if rows:
            row = self._pick(rows, scope)
            if row:
                return Match(row, how="exact")
        c = core(label_key)
        if not c:
            return _NO_MATCH
        tables = scope.tables
        found = self._core_match(c, scope, "core")
        if found is None and (not tables or "legacy" in tables):
            for pattern, row in self.patterns:
                if row.section == scope.section and pattern.search(label_key):
                    return Match(row, how="pattern")
        if found is not None or not loose:
            return found or _NO_MATCH
        # A group label sharing the cell with its (possibly cut) sub-row label.
        heads = [
            n for n in self.heads_by_start.get(c[:2], ()) if len(n) < len(c) and c.startswith(n)
        ]
        for name in heads:
            head_match = self._core_match(name, scope, "core")
            if head_match is None or head_match.row is not None:
                continue
            sub_scope = scope._replace(
                section=head_match.section or scope.section, group=head_match.group or scope.group
            )
            for rest in (c[len(name) :], core(c[len(name) :])):
                sub = self.lookup(rest, sub_scope)
                if sub.row is not None:
                    return Match(sub.row, head_match.section, head_match.group, "group")
        # A longer label ending with a known one: a group label sharing the cell.
        tails = [n for n in self.names_by_end.get(c[-2:], ()) if len(n) < len(c) and c.endswith(n)]
        for name in tails:
            head = _TRAILING_ENUM.sub("", c[: -len(name)])
            head_match = self._core_match(core(head), scope, "core")
            if head_match is not None:
                sub_scope = scope._replace(section=head_match.section, group=head_match.group)
            else:
                sub_scope = scope
            found = self._core_match(name, sub_scope, "suffix")
            if found is not None and (found.row is not None or found.section or found.group):
                if head_match and found.row is not None:
                    return Match(found.row, head_match.section, head_match.group, "suffix")
                return found
        # A label cut short: the head of exactly one known label (of the current table, when it
        # is known; renderings cut labels down to three characters).
        context = scope.context
        if len(c) >= MIN_PREFIX_LABEL or (context is not None and len(c) >= 3):
            hits = self.prefixes.get(c, set()) - {c}
            matches = [self._core_match(n, scope, "prefix") for n in hits]
            found_set = {
                (m.row, m.section, m.group)
                for m in matches
                if m is not None and (m.row is None or context in (None, m.row.table))
            }
            if len(found_set) == 1:
                row, sec, grp = found_set.pop()
                return Match(row, sec, grp, how="prefix")
        return _NO_MATCH

    def _core_match(self, c: str, scope: Scope, how: str) -> Match | None:
        sec = self.sections.get(c)
        grp = self.groups.get(c)
        rows = self.core.get(c)
        row = self._pick(rows, scope) if rows else None
        tables = scope.tables
        if sec and (not tables or "legacy" in tables):
            own = sec[1]
            return Match(own, section=sec[0], how=how)
        if row is not None:
            return Match(row, how=how)
        if grp and (not tables or "t3" in tables):
            return Match(None, group=grp, how=how)
        return None

    def masked(self, text: str, tables: frozenset[str]) -> RowDef | None:
        """A label with characters masked by asterisks (``****政府信息数``): the one known
        label that fits, each run of asterisks standing for as many characters (or, failing
        that, for one to eight)."""
        masks = _MASK.findall(text)
        parts = [core(key(p)) if i == 0 else key(p) for i, p in enumerate(_MASK.split(text))]
        if not masks or not any(parts):
            return None
        parts[-1] = core("x" + parts[-1])[1:] if parts[-1] else ""
        for gaps in ([f".{{{len(m)}}}" for m in masks], [".{1,8}"] * len(masks)):
            source = re.escape(parts[0]) + "".join(
                gap + re.escape(part) for gap, part in zip(gaps, parts[1:], strict=True)
            )
            pattern = re.compile(source)
            rows = {
                row
                for name in self.name_set
                if pattern.fullmatch(name)
                for row in self.core.get(name, [])
                if not tables or row.table in tables
            }
            if rows:
                return rows.pop() if len(rows) == 1 else None
        return None

    def block_rows(self, block: int) -> list[RowDef]:
        """The rows of 表二 block ``block``, in the order the format prints them."""
        return [r for r in self.data.rows if r.table == "t2" and r.block == block]

    def aliases(self, row: RowDef) -> list[str]:
        """The normalised label variants of ``row``."""
        return self._aliases.get(row, [])

    def resolve_cells(
        self, cells: list[Cell], scope: Scope = ANYWHERE, loose: bool = True
    ) -> tuple[Match, int]:
        """Resolve the label made of ``cells`` (group label cells first) in ``scope``.

        Tries the last cell alone, then the last two, three … joined. Returns the match and how
        many trailing cells it used (0 when nothing matched).
        """
        joined = ""
        for n in range(1, min(len(cells), 4) + 1):
            joined = key(cells[-n].text) + joined
            if not joined:
                continue
            match = self.lookup(joined, scope, loose)
            if match.row is not None or match.section or match.group:
                return match, n
        if cells and _MASK.search(cells[-1].text):
            row = self.masked(cells[-1].text, scope.tables)
            if row is not None:
                return Match(row, how="masked"), 1
        return _NO_MATCH, 0


def forget() -> None:
    """Empty the memos of label normalisation and lookup."""
    core.cache_clear()
    resolver()._memo.clear()


@cache
def resolver() -> Resolver:
    """The shared resolver over the package's layouts."""
    return Resolver(layouts())


# ----------------------------------------------------------------------------------------------
# The labels stage: place each value cell of each row in a column of the taxonomy.


def _legacy_columns(row: RawRow) -> None:
    """Legacy rows are ``unit | value``; a number printed in the unit column is recovered."""
    cells = row.values
    cols: list[str] = []
    unit_seen = False
    value_taken = False
    for cell in cells:
        if value_taken:
            cols.append("extra")
            continue
        if is_unit(cell.text) and not unit_seen:
            cols.append("unit")
            unit_seen = True
            continue
        if not unit_seen and not cell.text.strip():
            # Empty unit column (heading rows print nothing there).
            cols.append("unit")
            unit_seen = True
            continue
        if not unit_seen and parse_value(cell.text).status == "number":
            nxt = cells[len(cols) + 1] if len(cols) + 1 < len(cells) else None
            if nxt is None or parse_value(nxt.text).status == "blank":
                cols.append("value_in_unit")
                value_taken = True
                continue
            cols.append("unit")
            unit_seen = True
            continue
        cols.append("value")
        value_taken = True
    row.columns = cols


def assign(doc: Document) -> None:
    """Give every value cell of every row its column key (see :class:`RawRow`)."""
    data = layouts()
    fmt = doc.format
    grid = _TextGrid([r for r in doc.rows if r.table == "t3"], len(data.t3_columns))
    for row in doc.rows:
        if row.unreadable or (row.row_def is None and row.table != "t4"):
            row.columns = None
        elif row.table == "legacy":
            _legacy_columns(row)
        elif row.table == "t2":
            _t2_columns(row, data, fmt)
        elif row.table == "t3":
            _t3_columns(row, data, grid)
        elif row.table == "t4":
            _t4_columns(row, data)


class _TextGrid:
    """Where the columns of a table laid out in spaces (converter text) begin.

    Converters that lay tables out with spaces drop empty cells but keep each cell at its
    column's character position. Rows whose label ends at the same position share the same
    value columns; a row that prints every column shows where they are, and otherwise the
    first value column (just after the label) and the last (the 总计) are known from the
    other rows.
    """

    def __init__(self, rows: list[RawRow], width: int) -> None:
        self.width = width
        self.full: dict[int, list[int]] = {}
        self.seen: dict[int, set[int]] = {}
        self.label_offsets: set[int] = set()
        for row in rows:
            key_offset = _label_offset(row)
            if key_offset < 0:
                continue
            self.label_offsets.update(c.offset for c in row.label_cells if c.offset >= 0)
            offsets = [c.offset for c in row.values if c.loose and c.offset >= 0]
            self.seen.setdefault(key_offset, set()).update(offsets)
            if len(offsets) == width and len(row.values) == width:
                self.full.setdefault(key_offset, offsets)
        # Converters that handle colspans (lynx) put every row's columns at the same places.
        # Evidence needs full rows at two label depths or more.
        references = list(self.full.values())
        self.common: list[int] | None = (
            references[0]
            if len(references) >= 2
            and all(
                all(abs(a - b) <= 1 for a, b in zip(ref, references[0], strict=True))
                for ref in references
            )
            else None
        )

    def place(self, row: RawRow) -> list[int] | None:
        """Column indexes of the row's values, or ``None`` when the layout does not tell."""
        key_offset = _label_offset(row)
        offsets = [c.offset for c in row.values]
        if key_offset < 0 or any(o < 0 for o in offsets):
            return None
        reference = self.full.get(key_offset) or self.common or self.shifted(key_offset)
        if reference:
            return _nearest(offsets, reference)
        seen = sorted(self.seen.get(key_offset, ()))
        deeper = sorted(o for o in self.label_offsets if o > key_offset)
        if not seen:
            return None
        first = deeper[0] if deeper else seen[0]
        last = seen[-1]
        placed: list[int] = []
        for offset in offsets:
            if abs(offset - first) <= 1:
                placed.append(0)
            elif abs(offset - last) <= 1:
                placed.append(self.width - 1)
            else:
                return None
        return placed if len(set(placed)) == len(placed) else None

    def shifted(self, key_offset: int) -> list[int] | None:
        """Columns for rows whose label sits in a value column of a full row.

        Converters that ignore colspans put a row with one more label cell one grid column to
        the right: its values start at the full row's second value column, and its last column
        is the furthest one its own rows print.
        """
        seen = sorted(self.seen.get(key_offset, ()))
        for reference in self.full.values():
            for index, offset in enumerate(reference):
                if abs(offset - key_offset) > 1:
                    continue
                columns = list(reference[index + 1 :])
                beyond = [o for o in seen if o > columns[-1] + 1] if columns else seen
                missing = self.width - len(columns)
                if missing <= 0 or len(beyond) < missing:
                    continue
                return columns + beyond[-missing:]
        return None


def _label_offset(row: RawRow) -> int:
    cells = [c for c in row.label_cells if c.offset >= 0]
    return cells[-1].offset if cells else -1


def _nearest(offsets: list[int], reference: list[int]) -> list[int] | None:
    placed = []
    for offset in offsets:
        index = min(range(len(reference)), key=lambda i: abs(reference[i] - offset))
        if abs(reference[index] - offset) > 2:
            return None
        placed.append(index)
    return placed if len(set(placed)) == len(placed) else None


def _pad_positional(values: list[Cell], width: int) -> list[Cell]:
    """Cells with explicit boundaries are positional: a short row lost only its empty tail."""
    if (
        values
        and len(values) < width
        and (any(not c.text.strip() for c in values) or not any(c.loose for c in values))
    ):
        line = values[-1].line
        return values + [Cell("", line) for _ in range(width - len(values))]
    return values


def _ends_in_its_sum(values: list[Cell], width: int) -> bool:
    """A short row of explicit cells, all numbers, the last the sum of the others (not zero).

    Cells cut from text at spaces are placed by their columns instead (:class:`_TextGrid`).
    """
    if not 2 <= len(values) < width or any(c.loose for c in values):
        return False
    parsed = [parse_value(c.text) for c in values]
    if any(p.status != "number" for p in parsed):
        return False
    nums = [p.value or 0 for p in parsed]
    return nums[-1] != 0 and sum(nums[:-1]) == nums[-1]


def _trim_trailing_blanks(values: list[Cell], width: int) -> list[Cell]:
    while len(values) > width and not values[-1].text.strip():
        values = values[:-1]
    return values


def _t2_columns(row: RawRow, data: Layouts, fmt: str) -> None:
    rowdef = row.row_def
    block = data.blocks[rowdef.block or 0] if rowdef is not None else None
    if block is None:
        return
    options = block.columns
    if fmt in options:
        columns = options[fmt]
    else:
        numbers = sum(1 for c in row.values if c.text.strip())
        columns = min(options.values(), key=lambda cols: abs(len(cols) - numbers))
    values = _trim_trailing_blanks(row.values, len(columns))
    header = row.header
    if len(values) > len(columns) and header:
        # A rendering inserted empty cells where a colspan was: the header row shows where the
        # columns really are.
        positions = [i for i, c in enumerate(header) if c.text.strip()]
        if len(positions) == len(columns) and positions[-1] < len(values):
            values = [values[p] for p in positions]
            row.note = "columns aligned with the header row (the rendering shifted them)"
    row.values = values
    row.columns = list(columns[: len(row.values)]) + ["extra"] * max(
        0, len(row.values) - len(columns)
    )


_SUBTOTAL_NOTE = "an 8th column was read as the 法人或其他组织 subtotal (the sum of its parts)"


def _t3_columns(row: RawRow, data: Layouts, grid: _TextGrid) -> None:
    width = len(data.t3_columns)
    values = _trim_trailing_blanks(row.values, width)
    while len(values) > width and not values[0].text.strip():
        values = values[1:]  # empty label columns of a rendered grid
    if _ends_in_its_sum(values, width):
        # A short row whose last number is the sum of the others reads as well as "…, 总计"
        # with empty cells dropped as it does as a row whose empty tail was dropped.
        row.values = values
        row.columns = None
        row.note = "the last of the row's numbers is the sum of the others: it may be the 总计"
        return
    values = _pad_positional(values, width)
    row.values = values
    if len(values) == width:
        row.columns = list(data.t3_columns)
        return
    numbers = [parse_value(c.text) for c in values]
    if len(values) == width + 1:
        # An issuer's own 法人或其他组织 subtotal: keep the seven official columns when the
        # subtotal is where the sums put it.
        nums = [n.value if n.status == "number" else 0 for n in numbers]
        orgs = nums[2:7]
        if numbers[1].status == "number" and nums[1] == sum(orgs):  # type: ignore[arg-type]
            row.columns = ["natural_person", "legal_or_other", *data.t3_columns[1:]]
            row.note = _SUBTOTAL_NOTE
            return
        orgs = nums[1:6]
        if numbers[6].status == "number" and nums[6] == sum(orgs):  # type: ignore[arg-type]
            row.columns = [*data.t3_columns[:6], "legal_or_other", "total"]
            row.note = _SUBTOTAL_NOTE
            return
    if len(values) < width and all(c.loose for c in values):
        placed = grid.place(row)
        if placed is not None:
            row.columns = [data.t3_columns[i] for i in placed]
            row.note = "cells placed by their character columns (empty cells were not printed)"
            return
    row.columns = None
    row.note = f"{len(values)} cells where the table has {width} columns; not placed"


def _t4_columns(row: RawRow, data: Layouts) -> None:
    width = len(data.t4_columns)
    values = _trim_trailing_blanks(row.values, width)
    while len(values) > width and not values[0].text.strip():
        values = values[1:]  # the empty tail of the header row before the data row
    values = _pad_positional(values, width)
    row.values = values
    if len(values) == width:
        row.columns = [f"{ident}|{col}" for ident, col in data.t4_columns]
    else:
        row.columns = None
        row.note = f"{len(values)} cells where 表四 has {width} columns; not placed"
