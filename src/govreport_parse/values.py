"""Table cell → value: a number (``int`` or ``Decimal``), blank, not-applicable or text.

Blank, n/a and 0 stay distinct, and nothing is invented: a cell is a number only if it prints
one. The examples below are the specification.

>>> parse_value("1,234")
CellValue(status='number', value=1234, unit=None)
>>> parse_value("3.20")
CellValue(status='number', value=Decimal('3.20'), unit=None)
>>> parse_value("+1036").value, parse_value("-8").value, parse_value("－8").value
(1036, -8, -8)
>>> parse_value("251000元")
CellValue(status='number', value=251000, unit='元')
>>> parse_value("12.5万元")
CellValue(status='number', value=Decimal('12.5'), unit='万元')
>>> parse_value("—").status, parse_value("/").status, parse_value("无").status
('not_applicable', 'not_applicable', 'not_applicable')
>>> parse_value("").status, parse_value("\\u00a0").status, parse_value("__ __").status
('blank', 'blank', 'blank')
>>> parse_value("400余条")
CellValue(status='text', value=None, unit=None)
>>> parse_value("227\ufffd理").value  # a damaged rendering: the number it starts with
227
>>> parse_value("０１").value
1
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Literal

from .models import IndicatorValue, UnmappedRow
from .state import Document, RawRow
from .taxonomy import taxonomy
from .textnorm import han_except, nfkc, strip_pinyin, t2s_sources, to_simplified
from .tokens import Cell

__all__ = [
    "UNITS",
    "CellValue",
    "convert",
    "forget",
    "indicator_for",
    "is_unit",
    "is_value_like",
    "parse_value",
]

#: Units printed in the legacy table's unit column or after a number in a cell.
UNITS = frozenset(
    [
        "条",
        "件",
        "次",
        "个",
        "篇",
        "期",
        "份",
        "人",
        "人次",
        "万元",
        "元",
        "亿元",
        "项",
        "场",
        "家",
        "%",
    ]
)

_NA = frozenset(
    [
        "/",
        "-",
        "--",
        "---",
        "----",
        "—",
        "——",
        "———",
        "－",
        "─",
        "－－",
        "\\",
        "＼",
        "无",
        "不适用",
        "不涉及",
        "n/a",
        "na",
        "x",
        "×",
        "…",
        "……",
        "*",
        "/ ",
        "—/—",
    ]
)

# Characters that decorate value cells in renderings (padding, mojibake) and never carry meaning.
_PADDING = re.compile(r"[\s_\ufffd\u00a0\u3000\u200b|]+")
_LEADING_NUMBER = re.compile(r"^[+\-]?\d[\d,]*(?:\.\d+)?")
_DASH_MINUS = re.compile(r"^[—–](?=\d)")
_NUMBER = re.compile(
    r"^(?P<sign>[+\-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|亿元|元|条|件|次|个|篇|项|份|人次|人|期|场|家|%)?$"
)

Status = Literal["number", "blank", "not_applicable", "text"]


@dataclass(frozen=True, slots=True)
class CellValue:
    """A parsed cell."""

    status: Status
    value: int | Decimal | None
    unit: str | None


_BLANK = CellValue("blank", None, None)
_NOT_APPLICABLE = CellValue("not_applicable", None, None)
_TEXT = CellValue("text", None, None)


@cache
def _word_char() -> re.Pattern[str]:
    """A Chinese character that no value cell holds, however it is spelt.

    It is in no unit and no n/a word, and normalisation keeps it (NFKC and the traditional →
    simplified map leave it as it is): a cell holding one cleans to text, neither a number nor
    blank, n/a or a unit. Most label cells begin with one, which spares cleaning them.
    """
    kept = set("".join(UNITS)) | set("".join(_NA)) | t2s_sources()
    return re.compile(f"[{han_except(kept)}]")


@lru_cache(maxsize=1 << 16)
def _clean(text: str) -> str:
    """The text without padding, normalised (shared by :func:`parse_value` and :func:`is_unit`)."""
    if not text.isascii():  # normalisation and pinyin concern other characters
        text = to_simplified(strip_pinyin(nfkc(text)))
    if not text.isalnum():  # letters and digits only: no padding and no dash
        text = _PADDING.sub("", text).replace("−", "-").replace("﹣", "-")
        if text.startswith(("—", "–")):
            text = _DASH_MINUS.sub("-", text)
    return text


def forget() -> None:
    """Empty the memos of :func:`parse_value` and :func:`is_unit` (and of their cleaning)."""
    parse_value.cache_clear()
    is_unit.cache_clear()
    _clean.cache_clear()


@lru_cache(maxsize=1 << 16)
def parse_value(text: str, damaged: bool = False) -> CellValue:
    """Parse one cell's text. Never raises.

    ``damaged`` says the row around the cell was damaged by a rendering (its cells hold
    replacement characters): a number followed by a stray character is then read as the number.
    """
    if text.isdigit() and text.isascii():
        return CellValue("number", int(text), None)  # most cells: what the pattern below reads
    if not damaged and "\ufffd" not in text and _word_char().search(text):
        return _TEXT  # what cleaning the text would come to
    cleaned = _clean(text)
    if not cleaned:
        return _BLANK
    lowered = cleaned.lower()
    if lowered in _NA or text.strip() in _NA:
        return _NOT_APPLICABLE
    m = _NUMBER.match(cleaned.rstrip(",;:。、"))
    if m is None and (damaged or "\ufffd" in text):
        # A rendering damaged the cell (label text wrapped into it, bytes cut mid-character):
        # the number it starts with is what the table printed. A long remainder, or one that
        # opens with enumerator punctuation (1.属于…), is a label, not a damaged number.
        lead = _LEADING_NUMBER.match(cleaned)
        rest = cleaned[lead.end() :] if lead else ""
        if lead and len(rest) <= 3 and not rest.startswith((".", "、", ",")):
            m = _NUMBER.match(lead.group(0))
    if m is None:
        return _TEXT
    digits = m.group("int").replace(",", "")
    frac = m.group("frac")
    try:
        number: int | Decimal = Decimal(digits + frac) if frac else int(digits)
    except (InvalidOperation, ValueError):  # pragma: no cover - the pattern admits only digits
        return _TEXT
    if m.group("sign") == "-":
        number = -number
    return CellValue("number", number, m.group("unit"))


@lru_cache(maxsize=1 << 12)
def is_unit(text: str) -> bool:
    """True for a cell holding only a unit word (the legacy table's 单位 column).

    >>> is_unit("人次"), is_unit(" 条 "), is_unit("条例")
    (True, True, False)
    """
    return _word_char().search(text) is None and _clean(text) in UNITS


def is_value_like(text: str) -> bool:
    """True for a cell that can stand in a value position: a number, blank or n/a.

    >>> [is_value_like(s) for s in ("12", "", "—", "+3", "规章", "2.5万元")]
    [True, True, True, True, False, True]
    """
    return parse_value(text).status != "text"


# ----------------------------------------------------------------------------------------------
# The ``values`` stage: placed cells → IndicatorValue objects.


def indicator_for(row: RawRow, column: str) -> tuple[str, str | None] | None:
    """The ``(id, column)`` of a value cell of ``row`` placed in ``column``, if there is one."""
    rowdef = row.row_def
    if row.table == "t4":
        ident, _, col = column.partition("|")
        return ident, col
    if rowdef is None:
        return None
    if row.table == "t3":
        return None if column == "legal_or_other" else (rowdef.name, column)
    if row.table == "t2":
        ident = f"{rowdef.name}.{column}"
        return (ident, None) if ident in taxonomy().indicators else None
    if row.table == "legacy" and column in ("value", "value_in_unit"):
        ind = taxonomy().indicators.get(rowdef.name)
        if ind is None:
            return None
        return rowdef.name, rowdef.column or ("total" if ind.dims else None)
    return None


def _unit_for(ident: str, parsed: CellValue, printed_unit: str | None) -> str | None:
    if parsed.unit:
        return parsed.unit
    if printed_unit:
        return printed_unit
    ind = taxonomy().indicators.get(ident)
    return ind.unit if ind else None


_INDICATOR_FIELDS = frozenset(IndicatorValue.model_fields)
_new_model = IndicatorValue.__new__
_set_slot = object.__setattr__


def _indicator_value(
    ident: str,
    column: str | None,
    parsed: CellValue,
    unit: str | None,
    raw_label: str,
    cell: Cell,
) -> IndicatorValue:
    """``IndicatorValue.model_construct()`` given every field, without its per-field search.

    The parts are valid by construction (ids from the taxonomy, status and value from
    :func:`parse_value`), so like ``model_construct`` this skips validation; it also skips
    the search for aliases and defaults that makes ``model_construct`` the main cost of the
    stage. The object is the one ``model_construct`` builds: the fields in their declared
    order in ``__dict__``, all of them set, no extra or private attributes (the tests compare
    the two).
    """
    item = _new_model(IndicatorValue)
    _set_slot(
        item,
        "__dict__",
        {
            "id": ident,
            "column": column,
            "value": parsed.value,
            "status": parsed.status,
            "unit": unit,
            "raw_label": raw_label,
            "raw_value": cell.text,
            "line": cell.line,
        },
    )
    _set_slot(item, "__pydantic_fields_set__", set(_INDICATOR_FIELDS))
    _set_slot(item, "__pydantic_extra__", None)
    _set_slot(item, "__pydantic_private__", None)
    return item


def convert(doc: Document) -> None:
    """Turn every placed cell into an :class:`~govreport_parse.models.IndicatorValue`."""
    seen: dict[tuple[str, str | None], IndicatorValue] = {}
    for row in doc.rows:
        label = row.raw_label
        if row.columns is None:
            cells = [c.text for c in row.values]
            doc.unmapped.append(
                UnmappedRow.model_construct(label=label, cells=cells, line=row.line)
            )
            if row.row_def is not None or row.table == "t4":
                what = row.row_def.label if row.row_def else "表四"
                reason = row.note or "the cells could not be placed in columns"
                if row.glued:
                    reason = (
                        f"digits printed without separators ({row.glued}) allow several readings"
                    )
                doc.issue("ambiguous_row", f"{what}: {reason}", "warning", line=row.line)
            else:
                doc.issue(
                    "unknown_label",
                    f"table row {label or '(no label)'!r} matched no indicator",
                    "info",
                    line=row.line,
                )
            continue
        if row.glued and row.table != "legacy":
            doc.issue(
                "glued_cells_split",
                f"{label}: values printed without separators ({row.glued}) "
                "were split into one reading",
                "info",
                line=row.line,
            )
        if row.note:
            doc.issue("row_reinterpreted", f"{label}: {row.note}", "info", line=row.line)
        printed_unit = None
        legacy = row.table == "legacy"
        damaged = any("\ufffd" in c.text for c in row.values)
        for cell, column in zip(row.values, row.columns, strict=False):
            if column == "unit":
                printed_unit = cell.text.strip() or None
                continue
            target = indicator_for(row, column)
            if target is None:
                if column == "extra" and cell.text.strip():
                    doc.issue(
                        "extra_cell",
                        f"{label}: cell {cell.text!r} beyond the table's columns",
                        "info",
                        line=cell.line,
                    )
                continue
            ident, col = target
            # Called as the tables stage called it, so that the memo has the answer.
            parsed = parse_value(cell.text, True) if damaged else parse_value(cell.text)
            previous = seen.get(target)
            if previous is not None:
                if previous.value == parsed.value or parsed.status != "number":
                    continue
                if previous.status == "number":
                    doc.issue(
                        "conflicting_values",
                        f"{ident}[{col}] printed twice: "
                        f"{previous.raw_value!r} (line {previous.line}) and {cell.text!r}; "
                        "the first is kept",
                        "warning",
                        indicator=ident,
                        column=col,
                        line=cell.line,
                    )
                    continue
            elif column == "value_in_unit":
                doc.issue(
                    "value_in_unit_column",
                    f"{label}: the number {cell.text!r} is printed in "
                    "the unit column; it is taken as the row's value",
                    "warning",
                    indicator=ident,
                    column=col,
                    line=cell.line,
                )
            unit = _unit_for(ident, parsed, printed_unit if legacy else None)
            item = _indicator_value(ident, col, parsed, unit, label, cell)
            seen[target] = item
            if previous is None:
                doc.indicators.append(item)
            else:  # a number where the same cell printed none before
                doc.indicators[doc.indicators.index(previous)] = item
