"""Bytes → text, never failing: BOM → declared charset → detection → UTF-8 with replacement.

The contract follows w3lib's ``html_to_unicode``: :func:`decode` returns ``(encoding, text)``.
Chinese labels are widened to their supersets (gb2312/gbk → gb18030, big5 → big5hkscs), because
pages declaring gb2312 routinely use characters outside it. A declared charset is trusted only if
the bytes decode under it: pages declaring UTF-8 but sent as GBK, and the reverse, are common.
"""

from __future__ import annotations

import codecs
import re

from .settings import DEFAULT_ENCODING, SNIFF_BYTES

__all__ = ["declared_encoding", "decode", "normalize_encoding"]

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

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}encoding\s*=\s*["']([A-Za-z0-9_.:-]{2,40})""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)

# Characters far more frequent in simplified than in traditional text and vice versa; used only
# to break a tie between a GB18030 and a Big5 reading of undeclared bytes.
_SIMPLIFIED_MARKERS = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
)
_TRADITIONAL_MARKERS = frozenset(
    "這為個們來時說會對發動國產種現實過從還當點業關長問題條結與體機開報經濟說進電單開區檢據處辦審檢訊務華團運權應響"
)


def normalize_encoding(label: str) -> str | None:
    """The Python codec name for an encoding label, widened to its superset; ``None`` if unknown.

    >>> normalize_encoding("GB2312"), normalize_encoding("utf8"), normalize_encoding("x-nonsense")
    ('gb18030', 'utf-8', None)
    """
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    widened = _SUPERSETS.get(name)
    if widened:
        return widened
    return name.replace("_", "-")


def declared_encoding(data: bytes, content_type: str | None = None) -> str | None:
    """The charset declared by an HTTP ``Content-Type`` value, a ``<meta>`` tag or an XML prolog."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
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


def _looks_utf16(data: bytes) -> str | None:
    """Undeclared UTF-16 without a BOM: every other byte NUL in an ASCII-heavy sample."""
    sample = data[:2000]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _chinese_score(text: str) -> int:
    simp = sum(1 for ch in text if ch in _SIMPLIFIED_MARKERS)
    trad = sum(1 for ch in text if ch in _TRADITIONAL_MARKERS)
    return simp + trad


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode raw page bytes; return ``(encoding_used, text)``. Never raises.

    >>> decode("政府信息".encode("gbk"))
    ('gb18030', '政府信息')
    >>> decode(b'<meta charset="gb2312">' + "报告".encode("utf-8"))[0]
    'utf-8'
    >>> decode(b"\\xff\\xfe" + "年报".encode("utf-16-le"))
    ('utf-16-le', '年报')
    """
    bom = _bom(data)
    if bom:
        name, size = bom
        return name, data[size:].decode(name, errors="replace")
    declared = declared_encoding(data, content_type)
    if (declared and declared.startswith("utf-16")) or (declared and declared.startswith("utf-32")):
        text = _try(data, declared)
        if text is not None:
            return declared, text
    wide = _looks_utf16(data)
    if wide:
        text = _try(data, wide)
        if text is not None:
            return wide, text
    # Valid UTF-8 of any length is overwhelmingly likely to be UTF-8, whatever the label says.
    text = _try(data, "utf-8")
    if text is not None:
        return "utf-8", text
    # UTF-8 with a few broken sequences (a converter cut characters in half) is still UTF-8:
    # other encodings read as UTF-8 break on nearly every non-ASCII character.
    lossy = data.decode("utf-8", errors="replace")
    broken = lossy.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = sum(1 for ch in lossy if ord(ch) > 127) - broken
    if valid > 0 and broken * 4 <= valid:
        return "utf-8", lossy
    if declared and declared != "utf-8":
        text = _try(data, declared)
        if text is not None:
            return declared, text
    candidates = [enc for enc in ("gb18030", "big5hkscs") if enc != declared]
    decoded = [(enc, t) for enc in candidates if (t := _try(data, enc)) is not None]
    if len(decoded) == 2:
        sample = [(enc, t[:5000]) for enc, t in decoded]
        decoded.sort(key=lambda pair: -_chinese_score(dict(sample)[pair[0]]))
    if decoded:
        return decoded[0]
    # Nothing decodes cleanly: take the declared (or the Chinese default) with replacement,
    # whichever loses fewer characters.
    tries = [declared] if declared else []
    tries += ["gb18030", DEFAULT_ENCODING]
    best = min(
        ((enc, data.decode(enc, errors="replace")) for enc in dict.fromkeys(tries)),
        key=lambda pair: pair[1].count("\ufffd"),
    )
    return best
