"""Numbered narrative sections (一、总体情况 …) with their text and a canonical kind.

A section starts at a top-level heading: a line opening with a Chinese numeral and ``、``
(``一、总体情况``, letter-spaced ``一 、概 述``), or with ``㈠`` or ``1、`` on pages that number
their top level that way; a heading may also run inline after a sentence
(``…12月31日。 一、总体情况 2023年,…``). Top-level numbers only go up, so the group rows of
a statistical table (``一、主动公开情况`` after section 七) and second-level lists that reuse the
top-level style (``1、 总体情况`` … ``1、 主动公开。…``) are not taken for sections; nor is a
numbered line followed at once by a number or a unit (a table row flattened one cell per line),
or a line of a pipe table.

Each section has its ``number`` (the numeral, ``㈠`` read as ``一``), its ``title`` (folded, the
spaces of letter spacing removed), its ``kind`` from ``data/sections.toml`` (``overview``,
``proactive``, ``requests``, ``review_litigation``, ``problems``, ``other`` …; ``None`` for a
heading that names no standard section), its ``text`` up to the next heading and its ``line``.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate, islice
from typing import Any, Literal

from .models import Section
from .state import Document
from .textnorm import cn_numeral, fold, key
from .tokens import Line, LineKind
from .values import is_unit, parse_value

__all__ = ["extract", "heading_kind", "split_heading"]

Style = Literal["cn", "circled", "arabic"]

_CN_HEAD = re.compile(r"^\s*(?P<num>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<rest>\S.*)$")
_CIRCLED_HEAD = re.compile(r"^\s*(?P<num>[\u3220-\u3229])\s*[、.．]?\s*(?P<rest>\S.*)$")
_ARABIC_HEAD = re.compile(r"^\s*(?P<num>\d{1,2})\s*[、．]\s*(?P<rest>\D.*)$")
#: A heading run on after a sentence; group ``head`` is the heading's numbering. The sentence end
#: is matched rather than looked behind for: a pattern that opens with a character class is
#: searched far faster.
_INLINE = re.compile(r"[。;；](?P<head>\s*(?P<num>[一二三四五六七八九十]{1,3})\s*、\s*(?=\S))")
_SPACES = re.compile(r"\s+")
#: Markdown emphasis and heading marks of HTML-to-text renderings (``**一、总体情况**``).
_MARKUP = re.compile(r"^[#*\s]+|[#*\s]+$|\*\*")
#: A table row flattened without separators ends in its value: ``查阅点接待人数次41``.
_GLUED_VALUE = re.compile(r"[\u3400-\u9fff)）]\d+(?:\.\d+)?$")
#: A cheap first look at a line: does it open like a numbered heading?
_QUICK_HEAD = re.compile(
    r"(?:[一二三四五六七八九十]{1,3}|[0-9０-９]{1,2})\s*[、.．]|[\u3220-\u3229]"
)
#: What may open a line (after a newline) that :data:`_QUICK_HEAD` takes once the markdown marks
#: are gone; the line itself is matched first, which is searched far faster than ``^``.
_MAY_START = re.compile(r"\n(?:[#*]|[^\S\n])*[一二三四五六七八九十0-9０-９\u3220-\u3229]")
#: What :data:`_INLINE` may find once the markdown marks are gone.
_MAY_INLINE = re.compile(
    r"[。;；](?:\*|[^\S\n])*[一二三四五六七八九十](?:[*一二三四五六七八九十]|[^\S\n])*、"
)
#: Largest gap between two consecutive top-level numbers (a report may skip lost sections).
_MAX_GAP = 3
#: Lines after a heading candidate looked at for the number or unit of a table row.
_TABLE_LOOKAHEAD = 2
#: Shortest text (characters) that follows a title on its line after a space.
_MIN_INLINE_TEXT = 10


@dataclass(frozen=True, slots=True)
class _Vocab:
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    """Each kind with one pattern found wherever one of the kind's patterns is."""
    max_title: int
    title_end: re.Pattern[str]


@cache
def _vocab() -> _Vocab:
    raw = resources.files("govreport_parse.data").joinpath("sections.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(raw)
    kinds = tuple(
        (entry["key"], re.compile("|".join(f"(?:{p})" for p in entry["patterns"])))
        for entry in data["kinds"]
    )
    heads = data["headings"]
    return _Vocab(kinds, int(heads["max_title"]), re.compile(heads["title_end"]))


def heading_kind(title: str) -> str | None:
    """The canonical kind of a section heading, or ``None`` for a heading of its own.

    >>> [heading_kind(t) for t in ("总体情况", "概 述", "收到和处理政府信息公开申请情况")]
    ['overview', 'overview', 'requests']
    >>> heading_kind("因政府信息公开申请行政复议、提起行政诉讼的情况")
    'review_litigation'
    >>> heading_kind("强化组织领导,工作机制初步建立") is None
    True
    """
    k = key(title)
    for name, pattern in _vocab().kinds:
        if pattern.search(k):
            return name
    return None


def split_heading(rest: str) -> tuple[str, str]:
    """Split what follows a heading numeral into the title and the text run on after it.

    >>> split_heading("总体情况 2023年,我局坚持公开为常态、不公开为例外。")
    ('总体情况', '2023年,我局坚持公开为常态、不公开为例外。')
    >>> split_heading("概 述"), split_heading("总体情况。本年度无变化")
    (('概述', ''), ('总体情况', '本年度无变化'))
    """
    v = _vocab()
    rest = rest.strip()
    for m in v.title_end.finditer(rest):
        title = _despace(rest[: m.start()])
        after = rest[m.end() :].strip()
        bare = _SPACES.sub("", title)
        if len(bare) > v.max_title:
            break
        if len(bare) < 2:
            continue
        if m.group().strip() or len(after) >= _MIN_INLINE_TEXT:
            return title, after
    return _despace(rest), ""


def _despace(title: str) -> str:
    """Remove letter spacing (``概 述``), keep spaces between words (``强化领导 健全机制``)."""
    words = title.split()
    return "".join(words) if all(len(w) == 1 for w in words) else " ".join(words)


@dataclass(slots=True)
class _Segment:
    line: int
    index: int
    text: str
    style: Style | None = None
    value: int = 0
    number: str = ""
    title: str = ""
    rest: str = ""
    inline: bool = False


def _head(text: str, raw: str) -> tuple[Style, int, str, str] | None:
    m = _CIRCLED_HEAD.match(raw)
    if m is not None:
        value = ord(m["num"]) - 0x3220 + 1
        return "circled", value, "一二三四五六七八九十"[value - 1], fold(m["rest"])
    m = _CN_HEAD.match(text)
    if m is not None:
        cn_value = cn_numeral(m["num"])
        return ("cn", cn_value, m["num"], m["rest"]) if cn_value else None
    m = _ARABIC_HEAD.match(text)
    if m is not None:
        return "arabic", int(m["num"]), m["num"], m["rest"]
    return None


def _unmark(text: str) -> str:
    """``text`` stripped, without the markdown marks of :data:`_MARKUP`."""
    text = text.strip()
    return _MARKUP.sub("", text) if "#" in text or "*" in text else text


def _heading_texts(doc: Document, lines: list[Line]) -> dict[int, str]:
    """The raw text of each line that can be a heading, by line index: a text line of one cell
    and no pipe. Text input is read from its raw lines (markdown marks and pipes kept)."""
    raw_lines = doc.page.raw_lines if doc.page is not None else []
    texts = {
        idx: raw_lines[line.number - 1]
        if raw_lines and line.number <= len(raw_lines)
        else line.cells[0].text
        for idx, line in enumerate(lines)
        if line.kind is LineKind.TEXT and len(line.cells) == 1
    }
    return {idx: raw for idx, raw in texts.items() if "|" not in raw and "｜" not in raw}


def _maybe_headings(texts: dict[int, str]) -> set[int]:
    """The indices of ``texts`` that may open with a heading or hold one run on after a sentence.

    One search over the joined texts, with patterns that accept whatever :func:`_unmark` could
    remove, finds every line that :data:`_QUICK_HEAD` or :data:`_INLINE` may take (and a few
    more), so that only these are looked at one by one. The patterns do not cross lines, so a
    page whose texts hold line breaks of their own is looked at whole.
    """
    joined = "\n" + "\n".join(texts.values())
    if joined.count("\n") != len(texts):
        return set(texts)
    indices = list(texts)
    offsets = [0, *accumulate(len(raw) + 1 for raw in texts.values())]
    found = {m.end() - 2 for m in _MAY_START.finditer(joined)}
    found.update(m.start() - 1 for m in _MAY_INLINE.finditer(joined))
    return {indices[bisect_right(offsets, at) - 1] for at in found}


def _segments(doc: Document, lines: list[Line]) -> list[_Segment | range]:
    """The page as heading candidates and the runs of lines between them.

    A run of other lines is a ``range`` of line indices: their text is read only when a
    section's text needs it.
    """
    texts = _heading_texts(doc, lines)
    out: list[_Segment | range] = []
    start = 0
    for idx in sorted(_maybe_headings(texts)):
        line = lines[idx]
        shown = line.cells[0].text.strip()
        found = _line_headings(line, idx, shown, _unmark(texts[idx])) if shown else []
        if found:
            if start < idx:
                out.append(range(start, idx))
            out.extend(found)
            start = idx + 1
    if start < len(lines):
        out.append(range(start, len(lines)))
    return out


def _line_headings(line: Line, idx: int, shown: str, raw: str) -> list[_Segment]:
    """The heading candidates of a text line (with the text before an inline one), if any."""
    starts = _QUICK_HEAD.match(raw) is not None
    inline = "、" in raw and _INLINE.search(raw) is not None
    if not (starts or inline):
        return []
    text = _unmark(fold(shown))
    head = _head(text, raw) if starts else None
    if head is not None:
        style, value, number, rest = head
        title, after = split_heading(rest)
        if title:
            return [_Segment(line.number, idx, shown, style, value, number, title, after)]
    if not inline:
        return []
    found = [
        m
        for m in _INLINE.finditer(text)
        if cn_numeral(m["num"]) and heading_kind(split_heading(text[m.end() :])[0])
    ]
    if not found:
        return []
    out: list[_Segment] = []
    if found[0].start("head") > 0:
        out.append(_Segment(line.number, idx, text[: found[0].start("head")].strip()))
    ends = [m.start("head") for m in found[1:]] + [len(text)]
    for m, end in zip(found, ends, strict=True):
        title, rest = split_heading(text[m.end() : end])
        numeral = cn_numeral(m["num"]) or 0
        whole = text[m.start("head") : end].strip()
        out.append(_Segment(line.number, idx, whole, "cn", numeral, m["num"], title, rest, True))
    return out


def _line_texts(lines: list[Line]) -> list[str]:
    """The text of each line that has any, as a section's text holds it."""
    return [
        text
        for line in lines
        if line.kind is not LineKind.EMPTY
        and (text := (line.cells[0].text if len(line.cells) == 1 else line.text).strip())
    ]


def _glued_value(text: str) -> bool:
    """Whether stripped ``text`` ends in a value glued to a label (:data:`_GLUED_VALUE`)."""
    return text[-1:].isdecimal() and _GLUED_VALUE.search(text) is not None


def _is_value(text: str) -> bool:
    return parse_value(text).status in ("number", "not_applicable")


def _table_row(lines: list[Line], index: int) -> bool:
    """Whether a numbered line is followed at once by a number or a unit (a table row)."""
    seen = 0
    for line in islice(lines, index + 1, None):
        if line.kind is LineKind.EMPTY:
            continue
        text = line.text.strip(" |")
        if not text:
            continue
        if line.kind is LineKind.ROW:
            last = next((c.text for c in reversed(line.cells) if c.text.strip()), "")
            if _is_value(last):
                return True
        cell = text.strip()
        if _is_value(cell) or is_unit(cell):
            return True
        if _glued_value(cell) and not _QUICK_HEAD.match(cell):
            return True
        seen += 1
        if seen >= _TABLE_LOOKAHEAD:
            return False
    return False


def _style(segments: list[_Segment]) -> Style | None:
    """The numbering of the top level: Chinese numerals, else ㈠, else standalone ``1、``."""
    found = {seg.style for seg in segments if seg.style is not None and not seg.rest}
    found |= {seg.style for seg in segments if seg.style in ("cn", "circled")}
    return next((s for s in ("cn", "circled", "arabic") if s in found), None)


def extract(doc: Document) -> None:
    """Find the numbered section headings of the page and the text of each section."""
    if doc.page is None or not doc.page.lines:
        return
    lines = doc.page.lines
    segments = _segments(doc, lines)
    style = _style([seg for seg in segments if isinstance(seg, _Segment)])
    if style is None:
        return
    sections: list[Section] = []
    body: list[str] = []
    last = 0
    for seg in segments:
        if isinstance(seg, range):
            if sections:
                body.extend(_line_texts(lines[seg.start : seg.stop]))
            continue
        accepted = (
            seg.style == style
            and last < seg.value <= last + _MAX_GAP
            and not (style == "arabic" and seg.rest)
            and not _glued_value(seg.title)
            and not (not seg.inline and _table_row(lines, seg.index))
        )
        if accepted:
            if sections:
                sections[-1].text = "\n".join(body)
            body = [seg.rest] if seg.rest else []
            sections.append(
                Section(
                    number=seg.number,
                    title=seg.title,
                    kind=heading_kind(seg.title),
                    text="",
                    line=seg.line,
                )
            )
            last = seg.value
        elif sections:
            body.append(seg.text)
    if sections:
        sections[-1].text = "\n".join(body)
    doc.sections = sections
