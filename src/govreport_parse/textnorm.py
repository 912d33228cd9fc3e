"""Small pure text helpers shared by the later stages.

* :func:`fold` gives display text in simplified characters: NFKC (full-width → half-width
  punctuation and digits), traditional → simplified, inline pinyin (``報(bào)告``) removed,
  whitespace runs collapsed.
* :func:`key` gives a matching key: :func:`fold` without any whitespace, padding underscores,
  replacement characters or quote variants.
* :func:`cn_numeral` reads 一 … 九十九 (and 〇/两).

The conversion tables come from ``data/t2s.tsv`` and ``data/textnorm.toml``, loaded once.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from .saferegex import BoundedPattern

__all__ = [
    "cn_numeral",
    "fold",
    "forget",
    "han_except",
    "key",
    "nfkc",
    "strip_pinyin",
    "t2s_sources",
    "to_simplified",
]

_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
# The lookahead is bounded like the syllable itself, so a '(' followed by a long run of
# letters costs at most eight steps.
_PINYIN_TONED = re.compile(
    rf"(?<=[{_CJK}])\((?=[a-zü{_TONE_VOWELS}]{{0,7}}[{_TONE_VOWELS}])[a-zü{_TONE_VOWELS}]{{1,8}}\)"
)
_SPACES = re.compile(r"[\s\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff]+")
_JUNK_FOR_KEY = re.compile(r"[\s\u00a0\u3000\u2000-\u200b\u202f\u205f\ufeff_\ufffd*…]+")
_QUOTE_MAP = {
    "“": '"',
    "”": '"',
    "„": '"',
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "‘": "'",
    "’": "'",
}
_QUOTES = str.maketrans(_QUOTE_MAP)
_ANY_QUOTE = re.compile("[" + "".join(_QUOTE_MAP) + "]")

# NFKC of the full-width ASCII forms and the ideographic space is the plain character: most
# text needing NFKC needs only this, which is far cheaper than full normalisation.
_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")


_COMMON_FULLWIDTH = tuple(
    (ch, unicodedata.normalize("NFKC", ch)) for ch in "，：；（）！？％／－\u3000"
)


def _halfwidth(m: re.Match[str]) -> str:
    ch = m.group()
    return " " if ch == "\u3000" else chr(ord(ch) - 0xFEE0)


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, skipping the work where it changes nothing.

    >>> nfkc("２０１９年（試行）　報告"), nfkc("ﾊﾟ①")
    ('2019年(試行) 報告', 'パ1')
    """
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return text
    # Replacing a character by its full compatibility decomposition leaves the NFKC of the
    # text unchanged; if the result is normalised, it is the NFKC of the input. The common
    # full-width punctuation goes by plain replacement, the rest by one regex pass.
    for wide, narrow in _COMMON_FULLWIDTH:
        if wide in text:
            text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    narrowed = _FULLWIDTH.sub(_halfwidth, text)
    if unicodedata.is_normalized("NFKC", narrowed):
        return narrowed
    return unicodedata.normalize("NFKC", narrowed)


def _data_text(name: str) -> str:
    return resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")


@cache
def _t2s_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for row in _data_text("t2s.tsv").splitlines():
        if row and not row.startswith("#"):
            src, dst = row.split("\t")
            table[ord(src)] = dst
    return table


@cache
def _t2s_in_gb2312() -> re.Pattern[str]:
    """The few characters the map changes that GB2312 can encode (乾, 著, 於 …)."""
    table = _t2s_table()
    chars = sorted(
        chr(c) for c, to in table.items() if chr(c) != to and chr(c).encode("gb2312", "ignore")
    )
    return re.compile("[" + "".join(chars) + "]" if chars else "(?!)")


def _t2s_char(m: re.Match[str]) -> str:
    return _t2s_table()[ord(m.group())]


@cache
def _vocab() -> tuple[list[tuple[BoundedPattern, str]], re.Pattern[str], BoundedPattern]:
    data = tomllib.loads(_data_text("textnorm.toml"))
    phrases = [(BoundedPattern(p), r) for p, r in data["tw_phrases"]]
    toneless = "|".join(
        re.escape(w) for w in sorted(data["toneless_pinyin"], key=len, reverse=True)
    )
    # Text in which none of the phrase patterns can match is left alone without running them.
    any_phrase = BoundedPattern("|".join(f"(?:{p})" for p, _ in data["tw_phrases"]))
    return phrases, re.compile(rf"(?<=[{_CJK}])\((?:{toneless})\)"), any_phrase


@cache
def t2s_sources() -> frozenset[str]:
    """The characters :func:`to_simplified` changes."""
    return frozenset(chr(c) for c, to in _t2s_table().items() if chr(c) != to)


#: Chinese characters (CJK unified ideographs, extension A included): NFKC leaves them alone.
_HAN = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))
#: Printable characters that no step of :func:`key` changes or removes: ASCII but spaces, the
#: opening parenthesis (inline pinyin), padding underscores and asterisks; common Chinese
#: punctuation that NFKC keeps.
_KEPT_PUNCTUATION = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "(_*") + (
    "、。《》【】〔〕—·"
)


def han_except(chars: Iterable[str]) -> str:
    """The ranges of a regex character class of the Chinese characters but ``chars``.

    >>> re.fullmatch(f"[{han_except('乾')}]+", "乾坤") is None
    True
    """
    left_out = sorted({ord(c) for c in chars})
    spans = []
    for low, high in _HAN:
        start = low
        for point in (p for p in left_out if low <= p <= high):
            if point > start:
                spans.append(f"{chr(start)}-{chr(point - 1)}")
            start = point + 1
        if start <= high:
            spans.append(f"{chr(start)}-{chr(high)}")
    return "".join(spans)


@cache
def _kept() -> re.Pattern[str]:
    """Text that :func:`key` returns unchanged, the phrases of ``textnorm.toml`` aside.

    Its characters are ones that NFKC, the traditional → simplified map, pinyin removal, quote
    folding and junk removal all leave as they are: most labels and numbers of a table.
    """
    return re.compile(f"[{han_except(t2s_sources())}{re.escape(_KEPT_PUNCTUATION)}]+")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones, character by character.

    >>> to_simplified("政府信息公開工作年度報告")
    '政府信息公开工作年度报告'
    """
    if text.isascii():
        return text  # the map has no ASCII source (the data tests check)
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return text.translate(_t2s_table())
    # Only GB2312 characters: the map can change nothing but its few GB2312 sources.
    return _t2s_in_gb2312().sub(_t2s_char, text)


def strip_pinyin(text: str) -> str:
    """Remove inline pinyin annotations after Chinese characters.

    >>> strip_pinyin("報(bào)告 第二十條第(一)項(xiàng)")
    '報告 第二十條第(一)項'
    """
    if "(" not in text:
        return text
    text = _PINYIN_TONED.sub("", text)
    return _vocab()[1].sub("", text)


def _fold_core(text: str) -> str:
    text = nfkc(text)
    text = strip_pinyin(text)
    text = to_simplified(text)
    phrases, _, any_phrase = _vocab()
    if any_phrase.search(text) is not None:
        for pattern, repl in phrases:
            text = pattern.sub(repl, text)
    if _ANY_QUOTE.search(text) is None:
        return text
    return text.translate(_QUOTES)


# Keys of the texts seen recently. The later stages ask for the key of the same cell several
# times, and labels repeat from page to page; the memo is bounded and can be emptied with
# :func:`forget` (``govreport_parse.pipeline.clear_caches`` does, for cold measurements).
_KEYS: dict[str, str] = {}

#: Entries after which the memo starts afresh (it is only a cache; callers outside the pipeline
#: that never call :func:`forget` must not make it grow without end).
_MAX_KEYS = 200_000


def forget() -> None:
    """Empty the memo of :func:`key`."""
    _KEYS.clear()


def fold(text: str) -> str:
    """Display form: NFKC, simplified characters, no pinyin, single spaces, stripped.

    >>> fold("２０１９年  報(bào)告（試行）")
    '2019年 报告(试行)'
    """
    return _SPACES.sub(" ", _fold_core(text)).strip()


def _normalised_key(text: str) -> str:
    stripped = _fold_core(text)
    if not stripped.isalnum():  # letters and digits only: nothing to remove
        stripped = _JUNK_FOR_KEY.sub("", stripped)
    # Removing spaces can join a letter with a combining mark: compose again, so that
    # key(key(x)) == key(x).
    if not stripped.isascii() and not unicodedata.is_normalized("NFC", stripped):
        stripped = unicodedata.normalize("NFC", stripped)
    return stripped


def key(text: str) -> str:
    """Matching key: :func:`fold` without spaces, padding underscores or replacement characters.

    >>> key("自 然 人")
    '自然人'
    >>> key("（二）部分公開__（區分處理的）")
    '(二)部分公开(区分处理的)'
    """
    found = _KEYS.get(text)
    if found is None:
        if len(_KEYS) >= _MAX_KEYS:
            _KEYS.clear()
        if _kept().fullmatch(text) is not None and _vocab()[2].search(text) is None:
            found = _KEYS[text] = text  # nothing to normalise or remove
        else:
            found = _KEYS[text] = _normalised_key(text)
    return found


_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_numeral(text: str) -> int | None:
    """Read a Chinese numeral from 一 to 九十九; ``None`` if ``text`` is not one.

    >>> [cn_numeral(s) for s in ("一", "十", "十三", "二十", "二十一", "甲")]
    [1, 10, 13, 20, 21, None]
    """
    if not text or len(text) > 3:
        return None
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    t = 1 if not tens else _DIGITS.get(tens)
    o = 0 if not ones else _DIGITS.get(ones)
    if t is None or o is None or len(tens) > 1 or len(ones) > 1:
        return None
    return t * 10 + o
