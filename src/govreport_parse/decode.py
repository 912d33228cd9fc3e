"""Bytes → text, never failing: BOM → declared charset → detection → UTF-8 with replacement.

The contract follows w3lib's ``html_to_unicode``: :func:`decode` returns ``(encoding, text)``.
Chinese labels are widened to their supersets (gb2312/gbk → gb18030, big5 → big5hkscs), because
pages declaring gb2312 routinely use characters outside it. A declared charset is trusted only if
the bytes decode under it and read as plausibly as any other reading: pages declaring UTF-8 but
sent as GBK, and the reverse, are common, and so are Chinese pages declaring ISO-8859-1.

Detection reads Chinese, not statistics of byte pairs: each candidate codec's reading is scored by
the share of its characters that are frequent in report pages (:func:`plausibility`), which sets
GBK, Big5 and UTF-16 without BOM clearly apart on a few hundred characters.

:func:`damage` tells what encoding damage remains in decoded text (replacement characters, text
that was decoded with the wrong codec before it reached us); the pipeline reports it as a
``mojibake`` issue.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from importlib import resources
from typing import NamedTuple

import regex

from .settings import (
    DEFAULT_ENCODING,
    DETECT_SAMPLE_CHARS,
    MOJIBAKE_MIN_RUN,
    REGEX_TIMEOUT,
    SNIFF_BYTES,
)

__all__ = [
    "Reading",
    "damage",
    "declared_encoding",
    "decode",
    "normalize_encoding",
    "plausibility",
    "read",
]

#: Declared labels that must be widened to a superset (w3lib's DEFAULT_ENCODING_TRANSLATION).
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312_80": "gb18030",
    "x_gbk": "gb18030",
    "cp936": "gb18030",
    "euc_cn": "gb18030",
    "hz": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "ascii": "utf-8",
    "iso8859_1": "cp1252",
    "latin_1": "cp1252",
    "utf_8_sig": "utf-8",
}

#: Labels that browsers accept (WHATWG Encoding) but Python's codec registry does not know.
_LABEL_ALIASES = {
    "x-gbk": "gbk",
    "windows-936": "gbk",
    "csgb2312": "gb2312",
    "gb_2312-80": "gb2312",
    "x-euc-cn": "gb2312",
    "x-mac-chinesesimp": "gb2312",
    "x-x-big5": "big5",
    "x-big5": "big5",
    "csbig5": "big5",
    "x-mac-chinesetrad": "big5",
    "x-sjis": "shift_jis",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
}

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bounded quantifiers only: these run on the first SNIFF_BYTES of untrusted input and cannot
# backtrack more than a few hundred steps per position.
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s{0,10}=\s{0,10}["']?\s{0,10}([A-Za-z0-9_.:-]{2,40})""",
    re.IGNORECASE,
)
_XML_ENCODING = re.compile(
    rb"""^\s{0,100}<\?xml[^>]{0,100}encoding\s{0,10}=\s{0,10}["']([A-Za-z0-9_.:-]{2,40})"""
)
_HEADER_CHARSET = re.compile(
    r"""charset\s{0,10}=\s{0,10}["']?\s{0,10}([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)

#: Characters frequent in any Chinese text; the domain vocabulary of the data files is added to
#: them (:func:`_frequent_chars`).
_COMMON_HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下"
    "过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两"
    "体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线"
    "内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并"
    "提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见"
    "计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研市县省局办委室站网务息报告"
    "申请复议诉讼收费减免依据条例规定要求落实加强推进做好领导健全完善监督检查培训宣传平台渠道及时"
    "准确全面提高水平服务群众企业社会经济发展项目资金预算决算人员机构职能责任制度政策解读回应关注"
    "热点舆情新闻发布会在线访谈微博微信公众号门户网站栏目更新维护信息化建设"
)

#: Plausibility a reading needs to be believed without a declaration backing it.
_MIN_PLAUSIBLE = 0.3

#: A declared codec is kept while its reading is at least this share as plausible as the best.
_DECLARED_WINS = 0.5

_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# (The regex module removes ASCII runs from text about twice as fast as re does.)
_ASCII_RUN = regex.compile(r"[\x00-\x7f]+")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _data_text(name: str) -> str:
    return resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")


@cache
def _frequent_chars() -> frozenset[str]:
    """Frequent characters of report pages, in simplified and traditional forms."""
    chars = set(_COMMON_HANZI)
    for name in ("layouts.toml", "taxonomy.toml"):
        chars.update(_CJK_CHAR.findall(_data_text(name)))
    for row in _data_text("t2s.tsv").splitlines():
        if row and not row.startswith("#"):
            src, _, dst = row.partition("\t")
            if dst in chars:
                chars.add(src)
    return frozenset(chars)


@cache
def _frequent_run() -> re.Pattern[str]:
    """A run of the characters of :func:`_frequent_chars`."""
    return re.compile("[" + "".join(map(re.escape, sorted(_frequent_chars()))) + "]+")


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are frequent in report pages.

    Genuine Chinese text scores about 0.5–0.8; Chinese bytes read with the wrong codec score
    close to 0; text without non-ASCII characters scores 0. The first
    :data:`~govreport_parse.settings.DETECT_SAMPLE_CHARS` non-ASCII characters are looked at
    (markup and other ASCII is skipped).

    >>> plausibility("政府信息公开工作年度报告") > 0.8, plausibility("鏀垮簻淇℃伅鍏紑") < 0.2
    (True, True)
    """
    if text.isascii():
        return 0.0
    wide = _non_ascii_head(text, DETECT_SAMPLE_CHARS)
    # Removing the runs of frequent characters leaves the others: one pass in C.
    rare = len(_frequent_run().sub("", wide))
    return (len(wide) - rare) / len(wide)


def _non_ascii_head(text: str, size: int) -> str:
    """The first ``size`` non-ASCII characters of ``text``, joined.

    ``text`` is read in windows of twice the characters still missing (at least as long as all
    read so far, to cross long stretches of markup in few steps): little more than the part
    that holds them is scanned.
    """
    parts: list[str] = []
    found = start = 0
    while found < size and start < len(text):
        window = max(2 * (size - found), start)
        part = _ASCII_RUN.sub("", text[start : start + window])
        parts.append(part)
        found += len(part)
        start += window
    return "".join(parts)[:size]


def normalize_encoding(label: str) -> str | None:
    """The Python codec name for an encoding label, widened to its superset; ``None`` if unknown.

    >>> normalize_encoding("GB2312"), normalize_encoding("x-gbk"), normalize_encoding("x-nonsense")
    ('gb18030', 'gb18030', None)
    """
    label = label.strip().lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    widened = _SUPERSETS.get(name)
    if widened:
        return widened
    return name.replace("_", "-")


def declared_encoding(data: bytes, content_type: str | None = None) -> str | None:
    """The charset declared by an HTTP ``Content-Type`` value, a ``<meta>`` tag or an XML prolog.

    >>> declared_encoding(b'<html><head><meta charset="GB2312">')
    'gb18030'
    >>> declared_encoding(b"<p>", "text/html; charset=big5")
    'big5hkscs'
    """
    if content_type:
        m = _HEADER_CHARSET.search(content_type[:SNIFF_BYTES])
        if m:
            enc = normalize_encoding(m.group(1))
            if enc:
                return enc
    head = data[:SNIFF_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            enc = normalize_encoding(found.group(1).decode("ascii", "replace"))
            if enc:
                return enc
    return None


def _bom(data: bytes) -> tuple[str, int] | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    return None


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _nul_pattern(data: bytes) -> str | None:
    """UTF-16 without a BOM, told by its NUL bytes: every other byte NUL in ASCII-heavy text."""
    sample = data[:2000]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _utf16_reading(data: bytes) -> list[tuple[str, str]]:
    """UTF-16 readings of BOM-less bytes that hold no NUL (Chinese text without markup)."""
    if len(data) % 2 or len(data) < 4:
        return []
    readings = []
    for enc in ("utf-16-le", "utf-16-be"):
        text = _try(data[: 2 * DETECT_SAMPLE_CHARS], enc)
        if text is not None:
            readings.append((enc, text))
    return readings


def _best_reading(data: bytes, declared: str | None) -> tuple[str, str] | None:
    """Among the clean readings of ``data``, the declared one unless another reads far better."""
    if declared:
        # Most pages are what they declare: read them whole once and keep the reading if it
        # looks Chinese enough that no other reading could be more than twice as plausible.
        text = _try(data, declared)
        if text is not None and plausibility(text) >= _DECLARED_WINS:
            return declared, text
    # Judge the readings on the bytes from the first non-ASCII one on (markup and scripts come
    # first on most pages); everything before it is ASCII, so this starts on a character.
    first = _HIGH_BYTE.search(data)
    start = first.start() if first else 0
    head = data[start : start + 4 * DETECT_SAMPLE_CHARS]
    partial = len(head) < len(data)
    scored: list[tuple[float, str]] = []
    for enc in dict.fromkeys([e for e in (declared, "gb18030", "big5hkscs") if e]):
        sample = _try(head, enc) if partial else None
        if sample is None:
            # The cut may fall inside a character: judge clean decoding on the whole input.
            sample = _try(data, enc)
            if sample is None:
                continue
        scored.append((plausibility(sample), enc))
    for enc, sample in _utf16_reading(data):
        # Almost any even-length input decodes as UTF-16: only Chinese-looking readings count.
        score = plausibility(sample)
        if score >= _MIN_PLAUSIBLE:
            scored.append((score, enc))
    if not scored:
        return None
    best_score, best = max(scored, key=lambda pair: pair[0])
    # The declared codec wins unless another reading is clearly more Chinese.
    for score, enc in scored:
        if enc == declared and score >= _DECLARED_WINS * best_score:
            best = enc
            break
    text = _try(data, best)
    return (best, text) if text is not None else None


class Reading(NamedTuple):
    """What :func:`read` made of some bytes."""

    encoding: str
    """The codec used."""

    text: str
    """The decoded text."""

    exact: bool
    """Whether ``text`` is the whole input decoded with ``encoding`` without any error, so that
    encoding ``text`` back gives the input (no BOM dropped, no bytes replaced)."""


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode raw page bytes; return ``(encoding_used, text)``. Never raises.

    >>> decode("政府信息".encode("gbk"))
    ('gb18030', '政府信息')
    >>> decode(b'<meta charset="gb2312">' + "报告".encode("utf-8"))[0]
    'utf-8'
    >>> decode(b"\\xff\\xfe" + "年报".encode("utf-16-le"))
    ('utf-16-le', '年报')
    """
    encoding, text, _ = read(data, content_type)
    return encoding, text


def read(data: bytes, content_type: str | None = None) -> Reading:
    """:func:`decode`, telling also whether the reading is exact (see :class:`Reading`).

    >>> read("政府信息".encode("gbk"))
    Reading(encoding='gb18030', text='政府信息', exact=True)
    """
    bom = _bom(data)
    if bom:
        name, size = bom
        return Reading(name, data[size:].decode(name, errors="replace"), False)
    declared = declared_encoding(data, content_type)
    wide = _nul_pattern(data)
    if wide:
        text = _try(data, wide)
        if text is not None:
            return Reading(wide, text, True)
    # Valid UTF-8 of any length is overwhelmingly likely to be UTF-8, whatever the label says
    # (a ``<meta charset="utf-16">`` in an 8-bit page is ignored, as browsers do).
    text = _try(data, "utf-8")
    if text is not None:
        return Reading("utf-8", text, True)
    if declared and (declared.startswith("utf-16") or declared.startswith("utf-32")):
        text = _try(data, declared)
        if text is not None:
            return Reading(declared, text, True)
        declared = None
    if declared == "utf-8":
        declared = None
    found = _best_reading(data, declared)
    if found is not None:
        return Reading(*found, True)
    # Nothing decodes cleanly: prefer a reading that looks Chinese, then the one that loses
    # fewest characters (a damaged UTF-8 or GBK page keeps its codec; junk ends as the reading
    # with fewest replacement characters).
    tries = [enc for enc in (declared, "utf-8", "gb18030", "big5hkscs", DEFAULT_ENCODING) if enc]
    readings = [(enc, data.decode(enc, errors="replace")) for enc in dict.fromkeys(tries)]
    best = min(
        readings,
        key=lambda pair: (plausibility(pair[1]) < _MIN_PLAUSIBLE, pair[1].count("\ufffd")),
    )
    return Reading(*best, False)


def damage(text: str, source: tuple[str, bytes] | None = None) -> str | None:
    """What encoding damage ``text`` still shows, in words; ``None`` for clean text.

    Three kinds are told apart: replacement characters (bytes that decoded to nothing), UTF-8
    text that was decoded as GBK before it reached us (``鏀垮簻淇℃伅`` for 政府信息), and UTF-8 or
    GBK text decoded as Latin-1 (``æ”¿åºœ`` for 政府). Wrong-codec text is found by encoding it
    back with the codec that produced it and reading the bytes with the right one: a run of at
    least :data:`~govreport_parse.settings.MOJIBAKE_MIN_RUN` characters that then reads as
    plausible Chinese does not happen by chance.

    ``source`` is ``(codec, data)`` when ``text`` is exactly ``data`` decoded with ``codec`` (an
    exact :class:`Reading`): the checks that read the text encoded with that codec take ``data``
    instead of encoding the whole text again.

    >>> damage("政府信息公开工作年度报告") is None
    True
    >>> damage("政府\ufffd\ufffd公开")
    '2 replacement character(s) (undecodable bytes)'
    >>> damage("关于鏀垮簻淇℃伅宸ヤ綔骞村害鎶ュ憡")
    "UTF-8 text decoded as GBK (it reads '政府信息工作年度报告')"
    >>> damage("关于æ”¿åºœå¹´åº¦æŠ¥å‘Š")
    "UTF-8 text decoded as Latin-1 (it reads '政府年度报告')"
    """
    if text.isascii():
        return None
    given = dict([source]) if source is not None else {}
    found: list[str] = []
    # Looking for the character is much faster than counting it, and it is rarely there.
    replaced = text.count("\ufffd") if "\ufffd" in text else 0
    if replaced:
        found.append(f"{replaced} replacement character(s) (undecodable bytes)")
    wrong_codec = (
        _utf8_read_as_gbk(text, given.get("gb18030")),
        _read_as_latin1(text, given.get("utf-8")),
    )
    found.extend(w for w in wrong_codec if w)
    return "; ".join(found) or None


# UTF-8 encoded CJK characters (3 bytes each), at least MOJIBAKE_MIN_RUN of them in a row.
# (The regex module scans bytes for this class far faster than re does.)
_UTF8_CJK_RUN = regex.compile(rb"(?:[\xe3-\xe9][\x80-\xbf][\x80-\xbf]){%d,}" % MOJIBAKE_MIN_RUN)
# Characters that Latin-1 and cp1252 make of the bytes 0x80-0xFF; a CJK character is two or
# three of them. Every such run holds a Latin-1 letter from U+00C0 on (the lead byte of a UTF-8
# or GBK character): _has_latin1_letter is the quick test for one.
_LATIN1_RUN = re.compile(
    "[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    f"{{{2 * MOJIBAKE_MIN_RUN},}}"
)


def _utf8_read_as_gbk(text: str, raw: bytes | None) -> str | None:
    """UTF-8 mojibake read as GBK; ``raw`` is ``text`` encoded as GB18030, if at hand."""
    if raw is None:
        raw = text.encode("gb18030", errors="replace")
    try:
        runs: list[bytes] = _UTF8_CJK_RUN.findall(raw, timeout=REGEX_TIMEOUT)
    except TimeoutError:  # pragma: no cover - the pattern is linear
        return None
    if not runs:
        return None
    fixed = "".join(run.decode("utf-8", errors="replace") for run in runs)
    if plausibility(fixed) < _MIN_PLAUSIBLE:
        return None
    return f"UTF-8 text decoded as GBK (it reads {fixed[:24]!r})"


def _has_latin1_letter(raw: bytes) -> bool:
    """Whether the UTF-8 text ``raw`` holds a character U+00C0–U+00FF other than × and ÷
    (common in Chinese text).

    In UTF-8 these are exactly the characters encoded with the lead byte C3, which ``bytes.find``
    locates far faster than a character-class search over the text.
    """
    at = raw.find(b"\xc3")
    while at != -1:
        if raw[at + 1 : at + 2] not in (b"\x97", b"\xb7"):
            return True
        at = raw.find(b"\xc3", at + 2)
    return False


def _read_as_latin1(text: str, utf8: bytes | None) -> str | None:
    """UTF-8 or GBK mojibake read as Latin-1; ``utf8`` is ``text`` encoded as UTF-8, if at hand."""
    if utf8 is None:
        utf8 = text.encode("utf-8", "surrogatepass")
    if not _has_latin1_letter(utf8):
        return None
    for m in _LATIN1_RUN.finditer(text):
        run = m.group()
        try:
            raw = run.encode("cp1252")
        except UnicodeEncodeError:
            raw = run.encode("latin-1", errors="ignore")
        for codec, what in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
            fixed = _try(raw, codec)
            if fixed is not None and plausibility(fixed) >= _MIN_PLAUSIBLE:
                return f"{what} text decoded as Latin-1 (it reads {fixed[:24]!r})"
    return None
