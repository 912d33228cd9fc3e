"""Properties that hold for any input: decode, the tokenizers and parse() never raise, and the
report keeps its invariants. Generated inputs range from arbitrary bytes to table-shaped text
built from the labels of the package's own layouts."""

from __future__ import annotations

import codecs
import html
import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govreport_parse import Report, parse, textnorm
from govreport_parse.decode import damage, decode
from govreport_parse.tokenizers import tokenize_html, tokenize_text
from govreport_parse.tokens import LineKind

#: Example counts stay modest so the whole suite runs in seconds; ``make fuzz`` goes further.
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Cell text: any printable character (no control characters, no surrogates, not the
#: noncharacters the tokenizer marks structure with) and the spaces pages use.
CELL_CHARS = st.text(
    st.one_of(
        st.characters(
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters="\ufdd0\ufdd1\ufdd2\ufdd3\ufdd4\ufdd5\ufffe\uffff",
        ),
        st.sampled_from(" \n\t\u00a0\u3000"),
    ),
    max_size=12,
)

SOME = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def layout_labels() -> list[str]:
    """Every label variant of ``data/layouts.toml``, as pages print them."""
    text = resources.files("govreport_parse.data").joinpath("layouts.toml").read_text("utf-8")
    return sorted(set(re.findall(r'"([^"\x00-\x7f][^"]*)"', text)))


CELL_TEXT = st.one_of(
    st.sampled_from(["", " ", "0", "12", "—", "/", "3.5", "件", "条", "万元", "\u00a0", "12条"]),
    st.integers(min_value=-5, max_value=10**6).map(str),
    st.builds(lambda label: label, st.deferred(lambda: st.sampled_from(layout_labels()))),
    st.text(max_size=12),
)
SEPARATOR = st.sampled_from([" | ", "|", "｜", " ", "  ", "\n", " |\n", "\n|\n", "\t"])


@st.composite
def table_text(draw: st.DrawFn) -> str:
    """Flattened table text: label-like and value-like cells joined by any separator."""
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=40))):
        parts.append(draw(CELL_TEXT))
        parts.append(draw(SEPARATOR))
    return "".join(parts)


@st.composite
def table_html(draw: st.DrawFn) -> str:
    """Markup with tables of label-like and value-like cells, in random nesting."""
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=25))):
        cells = draw(st.lists(CELL_TEXT, max_size=9))
        tag = draw(st.sampled_from(["td", "th"]))
        span = draw(st.sampled_from(["", ' colspan="2"', ' rowspan="3"', ' colspan="x"']))
        rows.append("<tr>" + "".join(f"<{tag}{span}>{c}</{tag}>" for c in cells) + "</tr>")
    wrap = draw(st.sampled_from(["{}", "<div>{}</div>", "<p>{}", "<table><tr><td>{}</td></tr>"]))
    table = "<table>" + "".join(rows) + "</table>"
    return "<html><body>" + wrap.format(table) + "</body></html>"


def assert_report(report: Report) -> None:
    """The invariants every report keeps."""
    assert isinstance(report, Report)
    keys = [(i.id, i.column) for i in report.indicators]
    assert len(keys) == len(set(keys)), "(id, column) must be unique"
    for item in report.indicators:
        assert item.line is not None
        assert item.line >= 1
    report.model_dump_json()


class TestDecode:
    @SOME
    @given(st.binary(max_size=3000))
    def test_never_raises(self, data: bytes) -> None:
        """Any bytes decode to some text with a codec Python knows."""
        encoding, text = decode(data)
        assert isinstance(text, str)
        assert codecs.lookup(encoding).name

    @SOME
    @given(st.text(max_size=300).filter(lambda t: "\x00" not in t and not t.startswith("\ufeff")))
    def test_utf8_round_trip(self, text: str) -> None:
        """Any text (without NULs, which would look like UTF-16) comes back from its UTF-8."""
        assert decode(text.encode("utf-8")) == ("utf-8", text)

    @SOME
    @given(st.text(max_size=300))
    def test_damage_never_raises(self, text: str) -> None:
        """The damage report takes any text."""
        found = damage(text)
        assert found is None or isinstance(found, str)


class TestTokenizers:
    @SOME
    @given(st.one_of(st.text(max_size=400), table_text()))
    def test_text_tokenizer(self, text: str) -> None:
        """Lines are numbered 1, 2, 3 …, one per input line, and cells carry their line."""
        page = tokenize_text(text)
        expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert [line.number for line in page.lines] == list(range(1, len(expected) + 1))
        for line in page.lines:
            assert all(cell.line == line.number for cell in line.cells)
            if line.kind is LineKind.EMPTY:
                assert line.cells == []

    @SOME
    @given(st.one_of(st.text(max_size=400), table_html()))
    def test_html_tokenizer(self, markup: str) -> None:
        """Lines of the text rendering are numbered 1, 2, 3 … and cells carry their line."""
        page = tokenize_html(markup)
        assert [line.number for line in page.lines] == list(range(1, len(page.lines) + 1))
        for line in page.lines:
            assert all(cell.line == line.number and cell.span >= 1 for cell in line.cells)

    @SOME
    @given(
        st.lists(
            st.lists(
                st.tuples(CELL_CHARS, st.integers(min_value=1, max_value=4)),
                min_size=2,
                max_size=6,
            ),
            max_size=12,
        )
    )
    def test_html_table_round_trip(self, rows: list[list[tuple[str, int]]]) -> None:
        """Every row of a table comes back as one line: its cells in order, whitespace
        collapsed, colspans kept, whatever printable characters the cells hold."""
        markup = "<table>" + "".join(
            "<tr>"
            + "".join(f'<td colspan="{span}">{html.escape(text)}</td>' for text, span in row)
            + "</tr>"
            for row in rows
        )
        expected = []
        for row in rows:
            texts = [" ".join(text.split()) for text, _ in row]
            if any(texts):
                expected.append([(t, span) for t, (_, span) in zip(texts, row, strict=True)])
        lines = [line for line in tokenize_html(markup + "</table>").lines if line.cells]
        assert [line.kind for line in lines] == [LineKind.ROW] * len(expected)
        assert [[(cell.text, cell.span) for cell in line.cells] for line in lines] == expected


class TestParse:
    @SOME
    @given(st.binary(max_size=3000))
    def test_bytes(self, data: bytes) -> None:
        """Arbitrary bytes give a report."""
        assert_report(parse(data))

    @SOME
    @given(table_text())
    def test_table_text(self, text: str) -> None:
        """Table-shaped text, as str and as GBK bytes, gives a consistent report."""
        assert_report(parse(text))
        assert_report(parse(text.encode("gb18030")))

    @SOME
    @given(table_html())
    def test_table_html(self, markup: str) -> None:
        """Table-shaped markup gives a consistent report."""
        assert_report(parse(markup))

    @FEW
    @given(st.text(max_size=500))
    def test_any_text(self, text: str) -> None:
        """Any text gives a report."""
        assert_report(parse(text))


# Reference implementations: the straightforward definitions the fast paths must agree with.


@cache
def _reference_phrases() -> list[tuple[re.Pattern[str], str]]:
    data = tomllib.loads(
        resources.files("govreport_parse.data").joinpath("textnorm.toml").read_text("utf-8")
    )
    return [(re.compile(p), r) for p, r in data["tw_phrases"]]


def reference_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = textnorm.strip_pinyin(text)
    text = text.translate(textnorm._t2s_table())
    for pattern, repl in _reference_phrases():
        text = pattern.sub(repl, text)
    text = text.translate(textnorm._QUOTES)
    return unicodedata.normalize("NFC", textnorm._JUNK_FOR_KEY.sub("", text))


NORMALISATION_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            "政府信息公開報告乾著於台民众入口網站最佳化檔案程式（）()，：；、！？％／－　 "
            "abcāǎ“”「」ＡＢ１２ﾊﾟ①é\u0301"
        ),
        st.characters(),
    ),
    max_size=40,
)


class TestNormalisationFastPaths:
    @SOME
    @given(NORMALISATION_TEXT)
    def test_nfkc(self, text: str) -> None:
        """The NFKC fast path equals unicodedata's NFKC."""
        assert textnorm.nfkc(text) == unicodedata.normalize("NFKC", text)

    @SOME
    @given(NORMALISATION_TEXT)
    def test_key(self, text: str) -> None:
        """key() with its memo and fast paths equals the plain definition."""
        textnorm.forget()
        assert textnorm.key(text) == reference_key(text)
        assert textnorm.key(text) == reference_key(text)  # from the memo

    def test_kept_characters(self) -> None:
        """Each character of the text key() takes as it is keeps through the plain definition."""
        kept = textnorm._kept()
        chars = [chr(c) for c in range(0x10000) if kept.fullmatch(chr(c))]
        assert len(chars) > 20_000
        for ch in chars:
            assert reference_key(ch) == ch, ch

    @SOME
    @given(
        st.text(
            alphabet=st.sampled_from("政府信息公开报告民众入口网站档案馆程式化乾12.-、《》—·"),
            max_size=20,
        )
    )
    def test_key_of_kept_text(self, text: str) -> None:
        """Text of kept characters (phrases included) has the key of the plain definition."""
        textnorm.forget()
        assert textnorm.key(text) == reference_key(text)
