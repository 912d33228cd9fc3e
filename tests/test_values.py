"""The values stage's cell parsing fast paths and its direct IndicatorValue construction."""

from __future__ import annotations

import copy
import pickle
import re

import pytest

from govreport_parse import values
from govreport_parse.models import IndicatorValue
from govreport_parse.pipeline import STAGES
from govreport_parse.state import Document
from govreport_parse.tokens import Cell

from .test_reports import CASES, page_bytes


@pytest.mark.parametrize(
    ("text", "unit", "raw_label"),
    [
        ("12", None, "规章"),
        ("3.20", "万元", "行政事业性收费"),
        ("", "件", ""),
        ("—", None, "(一)予以公开"),
        ("400余条", None, "主动公开"),
    ],
)
def test_indicator_value_is_what_model_construct_builds(
    text: str, unit: str | None, raw_label: str
) -> None:
    parsed = values.parse_value(text)
    cell = Cell(text, 7)
    fast = values._indicator_value("requests.received", "total", parsed, unit, raw_label, cell)
    slow = IndicatorValue.model_construct(
        id="requests.received",
        column="total",
        value=parsed.value,
        status=parsed.status,
        unit=unit,
        raw_label=raw_label,
        raw_value=text,
        line=7,
    )
    assert type(fast) is IndicatorValue
    assert fast == slow
    assert slow == fast
    assert fast.__dict__ == slow.__dict__
    assert list(fast.__dict__) == list(slow.__dict__) == list(IndicatorValue.model_fields)
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.__pydantic_extra__ == slow.__pydantic_extra__
    assert fast.__pydantic_private__ == slow.__pydantic_private__
    assert repr(fast) == repr(slow)
    assert fast.model_dump() == slow.model_dump()
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert fast.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)
    assert fast.model_dump_json() == slow.model_dump_json()
    for clone in (fast.model_copy(), copy.copy(fast), copy.deepcopy(fast)):
        assert clone == slow
        assert clone.model_fields_set == slow.model_fields_set
    assert fast.model_copy(update={"line": 8}) == slow.model_copy(update={"line": 8})
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert IndicatorValue.model_validate(fast.model_dump()) == fast
    # The fields set is the object's own: changing one object leaves the other alone.
    other = values._indicator_value("requests.received", "total", parsed, unit, raw_label, cell)
    other.model_fields_set.discard("line")
    assert fast.model_fields_set == slow.model_fields_set


@pytest.mark.parametrize(
    "text",
    [
        *["0", "12", "0012", "1,234", " 7 ", "7_", "+3", "-8", "3.50", "%", "-", "__", "n/a"],
        *["(3)", "１２", "—8", "–8", "－8", "−8", "﹣8", "無", "件", "12萬元", "不适用"],
        "主动公开",
    ],
)
def test_shortcuts_read_cells_as_the_full_normalisation(text: str) -> None:
    # An ideographic space is padding, and takes the text off the ASCII, digit and
    # letters-only shortcuts.
    values.forget()
    assert values._clean(text) == values._clean(text + "\u3000")
    for damaged in (False, True):
        short = values.parse_value(text, damaged)
        full = values.parse_value(text + "\u3000", damaged)
        assert short == full
        assert type(short.value) is type(full.value)
    assert values.is_unit(text) == values.is_unit(text + "\u3000")


def _page_cells() -> list[str]:
    """Every cell text of the report fixtures, and cells spelt to test the word shortcut."""
    texts = {
        *["萬元", "億元", "條", "個", "項", "場", "無", "不適用", "不涉及", "人次", "12件", "3條"],
        *["规章", "規章", "227\ufffd理", "(一)予以公开", "1.属于国家秘密", "__无__", "—"],
    }
    for case in CASES:
        doc = Document(data=page_bytes(case))
        for _, stage in STAGES[:2]:
            stage(doc)
        if doc.page is not None:
            texts.update(c.text for line in doc.page.lines for c in line.cells)
    return sorted(texts)


def test_word_shortcut_reads_cells_as_cleaning_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # A cell with a Chinese character no value holds is text: cleaning it says so too.
    texts = _page_cells()
    assert sum(1 for t in texts if values._word_char().search(t)) > len(texts) // 2
    values.forget()
    short = [(values.parse_value(t), values.parse_value(t, True), values.is_unit(t)) for t in texts]
    values.forget()
    monkeypatch.setattr(values, "_word_char", lambda: re.compile("(?!)"))
    full = [(values.parse_value(t), values.parse_value(t, True), values.is_unit(t)) for t in texts]
    values.forget()
    assert short == full
