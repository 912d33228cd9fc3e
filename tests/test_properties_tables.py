"""Properties of the table stages that hold for any input (hypothesis).

The pipeline turns a failing stage into an ``internal_error`` issue, so these properties call the
stages directly: an exception here is a bug that ``parse()`` would hide.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from govreport_parse import labels, tables, validate
from govreport_parse import values as values_stage
from govreport_parse.labels import core
from govreport_parse.state import Document
from govreport_parse.taxonomy import taxonomy
from govreport_parse.textnorm import key
from govreport_parse.tokenizers import tokenize_text
from govreport_parse.values import parse_value

from .test_reports import REPORTS

#: Characters table pages are made of: labels, digits, separators, padding and damage.
_ALPHABET = st.sampled_from(
    list("规章行政许可处罚强制收费本年新收申请数量予以公开部分不掌握总计其他一二三四七（）()、.")
    + list("0123456789+-—/,无元万件条")
    + ["|", "｜", " ", "  ", "\u3000", "\u00a0", "\n", "\n\n", "_", "\t", "\ufffd", "*"]
)
_PAGE_TEXT = st.lists(_ALPHABET, max_size=300).map("".join)

#: Text pages from the report cases, to mutate.
_PAGES = [
    (REPORTS / case / "input.txt").read_text(encoding="utf-8")
    for case in (
        "legacy2014_cell_lines_value_in_unit",
        "fmt2019_worst_cell_lines",
        "fmt2019_pdf_text_wrapped",
        "fmt2021_glued_cells",
        "fmt2021_spaced_columns",
        "fmt2021_subtotal_column",
    )
]

_PAGE_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def run_table_stages(text: str) -> Document:
    """Tokenize ``text`` and run tables → labels → values → validate on it, unguarded."""
    doc = Document(data=text.encode("utf-8", "surrogatepass"), text=text)
    doc.page = tokenize_text(text)
    tables.extract(doc)
    labels.assign(doc)
    values_stage.convert(doc)
    validate.check(doc)
    return doc


def assert_well_formed(doc: Document) -> None:
    """What every result must satisfy, whatever the input."""
    known = taxonomy().indicators
    seen = set()
    for item in doc.indicators:
        assert item.id in known, item.id
        assert (item.id, item.column) not in seen, (item.id, item.column)
        seen.add((item.id, item.column))
        assert (item.value is not None) == (item.status == "number"), item
    assert doc.format in ("legacy2014", "fmt2019", "fmt2021", "unknown")


@st.composite
def mutated_page(draw: Any) -> str:
    """A real-looking table page damaged the way renderings damage them."""
    lines = draw(st.sampled_from(_PAGES)).split("\n")
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop_cell", "double_pipes", "join", "drop_line", "blank"]))
        line = lines[i]
        if op == "drop_cell" and "|" in line:
            cells = line.split("|")
            del cells[draw(st.integers(0, len(cells) - 1))]
            lines[i] = "|".join(cells)
        elif op == "double_pipes":
            lines[i] = line.replace("|", "||")
        elif op == "join" and i + 1 < len(lines):
            lines[i : i + 2] = [line + lines[i + 1]]
        elif op == "drop_line":
            del lines[i]
        elif op == "blank":
            lines[i] = " " * len(line)
    return "\n".join(lines)


class TestNeverRaises:
    """The tokenizer and the table stages take any text."""

    @given(_PAGE_TEXT)
    @settings(max_examples=150, deadline=None)
    def test_tokenizer_on_any_text(self, text: str) -> None:
        """Every line of the input becomes exactly one line of the page."""
        page = tokenize_text(text)
        assert len(page.lines) == len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))

    @given(st.text(max_size=200))
    @settings(max_examples=100, deadline=None)
    def test_tokenizer_on_unicode(self, text: str) -> None:
        """Any code points at all, surrogates aside."""
        tokenize_text(text)

    @given(_PAGE_TEXT)
    @_PAGE_SETTINGS
    def test_table_stages_on_any_text(self, text: str) -> None:
        """Random table-like text gives a well-formed result."""
        assert_well_formed(run_table_stages(text))

    @given(mutated_page())
    @_PAGE_SETTINGS
    def test_table_stages_on_mutated_pages(self, text: str) -> None:
        """Cells dropped, pipes doubled, lines joined or blanked: still well formed."""
        assert_well_formed(run_table_stages(text))


#: Punctuation that core() strips from the start of a label.
_LEADING_PUNCTUATION = tuple(":;,.。、!\"'《")

#: Any code point but surrogates and the spacing / combining accents NFKC recombines.
_NO_SPACING_MARKS = st.characters(blacklist_categories=("Cs", "Sk", "Mn", "Me"))


class TestLabelNormalisation:
    """The matching key and the label core are fixed points."""

    @given(_PAGE_TEXT)
    @settings(max_examples=200)
    def test_key_is_idempotent(self, text: str) -> None:
        """``key(key(x)) == key(x)``."""
        assert key(key(text)) == key(text)

    @given(st.text(_NO_SPACING_MARKS, max_size=60))
    @settings(max_examples=300)
    def test_key_is_idempotent_on_unicode(self, text: str) -> None:
        """Also for arbitrary code points (NFKC, traditional, pinyin, spaces) …"""
        assert key(key(text)) == key(text)

    @pytest.mark.parametrize("text", ["A´", "e¨"], ids=["acute", "diaeresis"])
    def test_key_is_idempotent_with_spacing_accents(self, text: str) -> None:
        """… also for spacing accents, which NFKC splits into a space and a combining mark."""
        assert key(key(text)) == key(text)

    @given(_PAGE_TEXT)
    @settings(max_examples=300)
    def test_core_is_idempotent(self, text: str) -> None:
        """``core(core(key(x))) == core(key(x))`` …"""
        assume(not key(text).startswith(_LEADING_PUNCTUATION))
        once = core(key(text))
        assert core(once) == once

    @pytest.mark.parametrize(
        ("text", "expected"),
        [("、1.属于国家秘密", "属于国家秘密"), ("，2.重复申请", "重复申请")],
        ids=["enumeration-comma", "comma"],
    )
    def test_core_after_leading_punctuation(self, text: str, expected: str) -> None:
        """… also when punctuation precedes the enumerator (excluded from the property above)."""
        assert core(key(text)) == expected


_SEP_INT = st.integers(min_value=-(10**12), max_value=10**12)


def _with_separators(n: int) -> str:
    return f"{abs(n):,}"


class TestParseValue:
    """``parse_value`` never raises, and the numbers it reads are the numbers printed."""

    @given(st.text(max_size=40))
    @settings(max_examples=300)
    def test_never_raises(self, text: str) -> None:
        """Any text gives one of the four statuses."""
        cell = parse_value(text)
        assert cell.status in ("number", "blank", "not_applicable", "text")
        assert (cell.value is not None) == (cell.status == "number")

    @given(_SEP_INT, st.sampled_from(["", "+"]), st.booleans())
    @settings(max_examples=200)
    def test_integers_round_trip(self, n: int, plus: str, separators: bool) -> None:
        """Integers, with or without thousands separators and an explicit sign."""
        digits = _with_separators(n) if separators else str(abs(n))
        sign = "-" if n < 0 else plus
        cell = parse_value(sign + digits)
        assert (cell.status, cell.value, cell.unit) == ("number", n, None)
        assert isinstance(cell.value, int)

    @given(
        st.decimals(
            min_value=Decimal("-1e9"),
            max_value=Decimal("1e9"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        st.booleans(),
    )
    @settings(max_examples=200)
    def test_decimals_round_trip(self, d: Decimal, separators: bool) -> None:
        """Amounts with two decimals keep their exact value (a Decimal, never a float)."""
        whole, _, frac = f"{abs(d):.2f}".partition(".")
        if separators:
            whole = f"{int(whole):,}"
        text = ("-" if d < 0 else "") + whole + "." + frac
        cell = parse_value(text)
        assert cell.status == "number"
        assert cell.value == d
        assert isinstance(cell.value, Decimal)

    @given(st.integers(0, 10**9), st.sampled_from(["元", "万元", "件", "条"]))
    @settings(max_examples=100)
    def test_unit_suffix(self, n: int, unit: str) -> None:
        """A unit printed after the number is read as the unit, not lost or kept in the value."""
        cell = parse_value(f"{n:,}{unit}")
        assert (cell.status, cell.value, cell.unit) == ("number", n, unit)

    @given(st.sampled_from(["", " ", "\u00a0", "\u3000", "__", "  __  "]))
    def test_blank_is_not_zero(self, text: str) -> None:
        """Empty cells stay blank."""
        assert (parse_value(text).status, parse_value(text).value) == ("blank", None)
