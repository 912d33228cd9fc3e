"""Bytes → text: every encoding a scraped report page arrives in decodes to the right text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from govreport_parse import parse
from govreport_parse.decode import damage, declared_encoding, decode, plausibility, read

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"

#: Simplified text with 镕 (in GBK, not in GB2312) and 㐀 (a four-byte GB18030 character).
SIMPLIFIED = "泸水市人民政府2017年政府信息公开工作年度报告。本报告根据《条例》要求编制。"
OUTSIDE_GB2312 = "朱镕基同志视察" + SIMPLIFIED
FOUR_BYTE = SIMPLIFIED + "㐀"
TRADITIONAL = "瀘水市人民政府2017年政府資訊公開工作年度報告。本報告根據《條例》要求編製。"


def page(charset: str | None, body: str) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>年度</title></head><body><p>{body}</p></body></html>"


class TestUnicode:
    def test_utf8_without_bom(self) -> None:
        """Plain UTF-8 decodes as UTF-8."""
        assert decode(SIMPLIFIED.encode("utf-8")) == ("utf-8", SIMPLIFIED)

    def test_utf8_with_bom(self) -> None:
        """The UTF-8 BOM is dropped from the text."""
        assert decode(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")) == ("utf-8", SIMPLIFIED)

    def test_utf16_le_with_bom(self) -> None:
        """UTF-16 little-endian with its BOM."""
        data = codecs.BOM_UTF16_LE + SIMPLIFIED.encode("utf-16-le")
        assert decode(data) == ("utf-16-le", SIMPLIFIED)

    def test_utf16_be_with_bom(self) -> None:
        """UTF-16 big-endian with its BOM."""
        data = codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be")
        assert decode(data) == ("utf-16-be", SIMPLIFIED)

    def test_utf16_markup_without_bom(self) -> None:
        """BOM-less UTF-16 markup is told by the NUL byte of every ASCII character."""
        markup = page("utf-16", SIMPLIFIED)
        assert decode(markup.encode("utf-16-le")) == ("utf-16-le", markup)
        assert decode(markup.encode("utf-16-be")) == ("utf-16-be", markup)

    def test_utf16_chinese_text_without_bom(self) -> None:
        """BOM-less UTF-16 holding only Chinese has no NUL byte: its reading is what tells."""
        text = "政府信息公开工作年度报告本报告根据条例要求编制"
        assert decode(text.encode("utf-16-le")) == ("utf-16-le", text)
        assert decode(text.encode("utf-16-be")) == ("utf-16-be", text)

    def test_utf32_with_bom(self) -> None:
        """The UTF-32 BOM is recognised before the UTF-16 one it starts with."""
        data = codecs.BOM_UTF32_LE + SIMPLIFIED.encode("utf-32-le")
        assert decode(data) == ("utf-32-le", SIMPLIFIED)


class TestChineseCodecs:
    def test_gbk_undeclared(self) -> None:
        """GBK bytes without a declaration decode as GB18030 (its superset)."""
        assert decode(OUTSIDE_GB2312.encode("gbk")) == ("gb18030", OUTSIDE_GB2312)

    def test_gb18030_four_byte_characters(self) -> None:
        """GB18030's four-byte sequences decode."""
        assert decode(FOUR_BYTE.encode("gb18030")) == ("gb18030", FOUR_BYTE)

    def test_big5_undeclared(self) -> None:
        """Big5 bytes read far more plausibly as Big5 than as GBK."""
        assert decode(TRADITIONAL.encode("big5")) == ("big5hkscs", TRADITIONAL)

    def test_big5_after_a_long_ascii_head(self) -> None:
        """Detection reads the page's Chinese, however much script comes before it."""
        markup = f"<html><head><script>{'var x = 1;' * 5000}</script></head><body>{TRADITIONAL}"
        assert decode(markup.encode("big5")) == ("big5hkscs", markup)

    def test_big5_declared(self) -> None:
        """A declared Big5 page decodes with the HKSCS superset."""
        markup = page("big5", TRADITIONAL)
        assert decode(markup.encode("big5")) == ("big5hkscs", markup)

    def test_gb2312_declared_with_characters_outside_it(self) -> None:
        """A gb2312 label is widened, so 镕 (GBK only) survives."""
        markup = page("gb2312", OUTSIDE_GB2312)
        assert decode(markup.encode("gbk")) == ("gb18030", markup)

    def test_no_declaration_at_all(self) -> None:
        """Markup without any charset declaration, in GBK."""
        markup = page(None, SIMPLIFIED)
        assert decode(markup.encode("gbk")) == ("gb18030", markup)


class TestMislabelled:
    def test_declares_utf8_sent_as_gbk(self) -> None:
        """Bytes that are not UTF-8 are not decoded as UTF-8 whatever the label says."""
        markup = page("utf-8", OUTSIDE_GB2312)
        assert decode(markup.encode("gbk")) == ("gb18030", markup)

    def test_declares_gbk_sent_as_utf8(self) -> None:
        """Valid UTF-8 is UTF-8, whatever the label says."""
        markup = page("gbk", SIMPLIFIED)
        assert decode(markup.encode("utf-8")) == ("utf-8", markup)

    def test_declares_latin1_sent_as_gbk(self) -> None:
        """An ISO-8859-1 label on a Chinese page loses to the plausible GBK reading."""
        markup = page("iso-8859-1", SIMPLIFIED)
        assert decode(markup.encode("gbk")) == ("gb18030", markup)

    def test_declares_gb2312_sent_as_big5(self) -> None:
        """A gb2312 label on Big5 bytes loses to the plausible Big5 reading."""
        markup = page("gb2312", TRADITIONAL)
        assert decode(markup.encode("big5")) == ("big5hkscs", markup)

    def test_declares_utf16_sent_as_utf8(self) -> None:
        """A utf-16 label on 8-bit bytes is ignored, as browsers do."""
        markup = page("utf-16", SIMPLIFIED)
        assert decode(markup.encode("utf-8")) == ("utf-8", markup)

    def test_http_header_charset(self) -> None:
        """A Content-Type charset is the first declaration read."""
        data = TRADITIONAL.encode("big5")
        assert declared_encoding(data, "text/html; charset=Big5") == "big5hkscs"
        assert decode(data, "text/html; charset=Big5") == ("big5hkscs", TRADITIONAL)


class TestDamagedBytes:
    def test_damaged_gbk_stays_gbk(self) -> None:
        """One bad byte in a GBK page costs one character, not the page."""
        good = SIMPLIFIED.encode("gbk")
        encoding, text = decode(good + b"\xff" + good)
        assert encoding == "gb18030"
        assert text == SIMPLIFIED + "\ufffd" + SIMPLIFIED

    def test_damaged_utf8_stays_utf8(self) -> None:
        """A UTF-8 page with a broken sequence keeps its codec instead of turning to mojibake."""
        good = (SIMPLIFIED * 3).encode("utf-8")
        encoding, text = decode(good + b"\xe6\x94" + b"\n" + good)
        assert encoding == "utf-8"
        assert text == SIMPLIFIED * 3 + "\ufffd\n" + SIMPLIFIED * 3

    def test_never_raises_on_junk(self) -> None:
        """Bytes that are no text at all still come back as a string."""
        encoding, text = decode(bytes(range(256)) * 4)
        assert isinstance(text, str)
        assert encoding in ("utf-8", "gb18030", "big5hkscs")


class TestExactReading:
    @pytest.mark.parametrize("codec", ["utf-8", "gbk", "gb18030", "big5", "utf-16-le"])
    def test_clean_bytes_read_exactly(self, codec: str) -> None:
        """Bytes that decode without error are an exact reading: the text encodes back to them."""
        body = TRADITIONAL if codec == "big5" else FOUR_BYTE if codec == "gb18030" else SIMPLIFIED
        data = body.encode(codec)
        reading = read(data)
        assert reading.exact
        assert (reading.encoding, reading.text) == decode(data)
        assert reading.text.encode(reading.encoding) == data

    def test_damaged_or_bom_bytes_are_not_exact(self) -> None:
        """Replaced bytes or a dropped BOM make the reading inexact."""
        good = SIMPLIFIED.encode("gbk")
        assert not read(good + b"\xff" + good).exact
        assert not read(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8")).exact


class TestPlausibility:
    def test_scores(self) -> None:
        """Report text scores high; mojibake and ASCII score low."""
        assert plausibility(SIMPLIFIED) > 0.6
        assert plausibility(SIMPLIFIED.encode("utf-8").decode("gbk", "replace")) < 0.1
        assert plausibility("only ascii here") == 0.0


class TestDamage:
    def test_clean_text(self) -> None:
        """Clean text shows no damage."""
        assert damage(SIMPLIFIED) is None
        assert damage(TRADITIONAL) is None

    def test_replacement_characters(self) -> None:
        """Replacement characters are counted."""
        assert damage("年度\ufffd报告\ufffd") == "2 replacement character(s) (undecodable bytes)"

    def test_utf8_read_as_gbk(self) -> None:
        """UTF-8 decoded as GBK is recognised and read back."""
        mojibake = "政府信息工作年度报告".encode().decode("gbk")
        assert mojibake == "鏀垮簻淇℃伅宸ヤ綔骞村害鎶ュ憡"
        assert damage(mojibake) == "UTF-8 text decoded as GBK (it reads '政府信息工作年度报告')"

    def test_gbk_read_as_latin1(self) -> None:
        """GBK decoded as Latin-1 is recognised and read back."""
        mojibake = "泸水市人民政府".encode("gbk").decode("latin-1")
        assert damage(mojibake) == "GBK text decoded as Latin-1 (it reads '泸水市人民政府')"

    @pytest.mark.parametrize("codec", ["utf-8", "gb18030"])
    @pytest.mark.parametrize(
        "text",
        [
            SIMPLIFIED,
            "年度\ufffd报告",
            "关于" + "政府信息工作年度报告".encode().decode("gbk"),
            "关于" + "政府年度报告".encode().decode("cp1252", "replace"),
            "泸水市" + "泸水市人民政府".encode("gbk").decode("latin-1"),
        ],
    )
    def test_source_bytes_change_nothing(self, text: str, codec: str) -> None:
        """Given the bytes the text was decoded from, the damage found is the same."""
        assert damage(text, (codec, text.encode(codec))) == damage(text)

    def test_mojibake_issue_on_parse(self) -> None:
        """parse() reports remaining damage as a mojibake warning."""
        mojibake = "政府信息工作年度报告".encode().decode("gbk")
        report = parse(f"{mojibake}\n规章 | 1 | 2 | 3\n")
        issues = [i for i in report.issues if i.code == "mojibake"]
        assert [(i.severity, i.message) for i in issues] == [
            (
                "warning",
                "the text shows encoding damage: "
                "UTF-8 text decoded as GBK (it reads '政府信息工作年度报告')",
            )
        ]

    def test_no_mojibake_issue_on_clean_page(self) -> None:
        """A clean page gives no mojibake issue."""
        report = parse(page("utf-8", SIMPLIFIED).encode("gbk"))
        assert [i.code for i in report.issues if i.code == "mojibake"] == []


class TestTraditionalTwin:
    def test_traditional_page_gives_the_same_indicators(self) -> None:
        """A traditional-character mirror parses to the indicators of its simplified original."""
        simplified = parse((FIXTURES / "twin_simplified.txt").read_bytes())
        traditional = parse((FIXTURES / "twin_traditional.txt").read_bytes())
        assert traditional.format == simplified.format == "fmt2021"
        expected = [(i.id, i.column, i.value, i.status) for i in simplified.indicators]
        assert len(expected) == 196
        assert [(i.id, i.column, i.value, i.status) for i in traditional.indicators] == expected

    def test_big5_mirror_gives_the_same_indicators(self) -> None:
        """The traditional mirror sent as Big5 bytes decodes and parses the same."""
        text = (FIXTURES / "twin_traditional.txt").read_text(encoding="utf-8")
        report = parse(text.encode("big5"))
        simplified = parse((FIXTURES / "twin_simplified.txt").read_bytes())
        assert report.source.encoding == "big5hkscs"
        assert [(i.id, i.column, i.value) for i in report.indicators] == [
            (i.id, i.column, i.value) for i in simplified.indicators
        ]


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("x-gbk", "gb18030"),
        ("big5", "big5hkscs"),
        ("UTF8", "utf-8"),
        ("iso-8859-1", "cp1252"),
    ],
)
def test_explicit_encoding_argument(encoding: str, expected: str) -> None:
    """parse(encoding=...) overrides detection and records the widened codec."""
    report = parse(SIMPLIFIED.encode("utf-8"), encoding=encoding)
    assert report.source.encoding == expected
