"""The metadata header (索引号, 发布机构, 成文日期 …) and the report's title, agency and year.

The header stage reads the top of the page (the first ``settings.HEADER_SEARCH_LINES`` lines, up
to the first numbered section heading) and fills :class:`~govreport_parse.state.HeaderInfo`.

**Labels and values.** Every cell of a line (pipe cells, HTML cells, or the whole line) is split
into words; runs of words whose :func:`~govreport_parse.textnorm.key` is a known label
(``索 引 號(hào)：`` → ``索引号``) become labels, everything else values. Each value is attached
to the nearest label before it on its line that has no value yet, so empty values never shift
the others (``成文日期 | 发布日期 | 2022-04-06`` gives an empty 成文日期). A label alone on its
line takes its value from the next line (bullets and vertical lists). Page chrome labels
(``浏览量:``, ``责任编辑:``) end the value before them. The vocabulary is ``data/header.toml``.

**Title, agency, year.** The title is the first line shaped like a report title (joined with the
next line when it was broken in two), else the header's 名称 field, the ``ArticleTitle`` meta tag
or the ``<title>`` without the site name. The agency comes from the title, else from the text's
own naming of the report (``现公布XX2019年政府信息公开工作年度报告``), the signature block, the
header's publisher, or the subject of the first sentence. The year comes from a title, else from
the text (the report's naming, the statistics period, the table title, a sentence opening with
the year) and never from a publication date.

Nothing here raises on content: a pattern that runs too long is abandoned with an issue.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

import regex

from .dates import find_dates, parse_date
from .settings import (
    HEADER_SEARCH_LINES,
    REGEX_TIMEOUT,
    REPORT_SEARCH_LINES,
    SIGNATURE_SEARCH_LINES,
)
from .state import Document, HeaderInfo
from .textnorm import fold, key
from .tokens import LineKind

__all__ = ["LabelHit", "compact", "extract", "is_placeholder", "read_labels", "split_title"]

#: The canonical fields of :class:`HeaderInfo` filled from labels, in data-file order.
_CANONICAL = (
    "index_number",
    "category",
    "publisher",
    "document_number",
    "written_date",
    "published_date",
)
_DATE_FIELDS = frozenset(["written_date", "published_date"])
#: Most words a letter-spaced label is printed in (``公 文 生 成 日 期``).
_MAX_LABEL_WORDS = 8
#: Longest value (characters) taken from the line after a label that stands alone.
_MAX_NEXT_LINE_VALUE = 80
#: Characters of a line looked at by this stage (header lines are short; the rest is prose).
_MAX_HEADER_LINE = 2000
#: Characters of a cell read into the text searched for the report's naming.
_MAX_FLOW_CELL = 1000
#: Longest word searched for glued labels (header words are short; longer ones are prose).
_MAX_GLUED_WORD = 200
_COLON = re.compile("[:：]")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]")
_NOT_ASCII_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,6}$")
#: A page button printed in brackets (``【打印内容】``, ``[关闭]``).
_BRACKETED = re.compile(r"^[【\[][^】\]]*[】\]]?$")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = "。;；!！?？:："
_PIPES = re.compile("[|｜]")


# --------------------------------------------------------------------------------------------
# Vocabulary


@dataclass(frozen=True, slots=True)
class _Removal:
    """Patterns removed from a text one after the other."""

    patterns: tuple[regex.Pattern[str], ...]
    any: regex.Pattern[str]
    """Found wherever one of ``patterns`` is."""

    @classmethod
    def compile(cls, patterns: Sequence[str]) -> _Removal:
        return cls(_compile_all(patterns), _compile_any(patterns))

    def apply(self, text: str) -> str:
        """``text`` without what each pattern matches, in turn."""
        if self.any.search(text) is None:  # one search instead of a pass per pattern
            return text
        for p in self.patterns:
            text = p.sub("", text)
        return text


@dataclass(frozen=True, slots=True)
class _Vocab:
    labels: dict[str, str]
    priority: dict[str, tuple[str, ...]]
    max_label: int
    furniture: frozenset[str]
    placeholders: regex.Pattern[str]
    docnum_garbage: regex.Pattern[str]
    chrome: regex.Pattern[str]
    title_prefixes: _Removal
    bullets: str
    title_shape: regex.Pattern[str]
    title_not: regex.Pattern[str]
    title_max: int
    title_strip: _Removal
    title_separators: regex.Pattern[str]
    agency_split: regex.Pattern[str]
    agency_split_noyear: regex.Pattern[str]
    agency_restore: tuple[tuple[regex.Pattern[str], str], ...]
    agency_strip: _Removal
    preface: tuple[regex.Pattern[str], ...]
    subject: regex.Pattern[str]
    org_suffixes: tuple[str, ...]
    org_not: regex.Pattern[str]
    year_patterns: tuple[regex.Pattern[str], ...]
    year_sentence: regex.Pattern[str]
    year_min: int
    year_max: int


_ORG = r"(?P<org>[^\s,，。;；:：、《》“”\"'!！?？|()（）\[\]【】<>]{2,40}?)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"


def _compile_all(patterns: Sequence[str]) -> tuple[regex.Pattern[str], ...]:
    return tuple(regex.compile(p) for p in patterns)


def _compile_any(patterns: Sequence[str]) -> regex.Pattern[str]:
    """One pattern that is found wherever one of ``patterns`` is (a single search, not many)."""
    return regex.compile("|".join(f"(?:{p})" for p in patterns))


def _template(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern.replace("{org}", _ORG).replace("{year}", _YEAR))


@cache
def _vocab() -> _Vocab:
    raw = resources.files("govreport_parse.data").joinpath("header.toml").read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(raw)
    labels: dict[str, str] = {}
    priority: dict[str, tuple[str, ...]] = {}
    for group in ("fields", "other_fields"):
        for name, variants in data[group].items():
            keys = tuple(key(v) for v in variants)
            if group == "fields":
                priority[name] = keys
            for k in keys:
                labels.setdefault(k, name)
    title, agency, year = data["title"], data["agency"], data["year"]
    return _Vocab(
        labels=labels,
        priority=priority,
        max_label=max(len(k) for k in labels),
        furniture=frozenset(key(v) for v in data["furniture"]["labels"]),
        placeholders=_compile_any(data["values"]["placeholders"]),
        docnum_garbage=_compile_any(data["values"]["document_number_garbage"]),
        chrome=_compile_any(data["furniture"]["lines"]),
        title_prefixes=_Removal.compile(data["furniture"]["title_prefixes"]),
        bullets=data["furniture"]["bullets"],
        title_shape=regex.compile(title["shape"]),
        title_not=_compile_any(title["not"]),
        title_max=int(title["max_length"]),
        title_strip=_Removal.compile(title["strip"]),
        title_separators=regex.compile(title["separators"]),
        agency_split=regex.compile(agency["title_split"]),
        agency_split_noyear=regex.compile(agency["title_split_noyear"]),
        agency_restore=tuple((regex.compile(p), r) for p, r in agency["restore"]),
        agency_strip=_Removal.compile(agency["strip"]),
        preface=tuple(_template(p) for p in agency["preface"]),
        subject=_template(agency["subject"]),
        org_suffixes=tuple(agency["org_suffixes"]),
        org_not=_compile_any(agency["org_not"]),
        year_patterns=_compile_all(year["patterns"]),
        year_sentence=regex.compile(year["sentence"]),
        year_min=int(year["min"]),
        year_max=int(year["max"]),
    )


class _Budget:
    """Runs data-file patterns with the regex timeout; remembers whether one gave up."""

    __slots__ = ("timed_out",)

    def __init__(self) -> None:
        self.timed_out = False

    def search(self, pattern: regex.Pattern[str], text: str) -> regex.Match[str] | None:
        try:
            return pattern.search(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            self.timed_out = True
            return None

    def finditer(self, pattern: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
        try:
            yield from pattern.finditer(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            self.timed_out = True


# --------------------------------------------------------------------------------------------
# Small text helpers


def compact(text: str) -> str:
    """Fold ``text`` and drop the spaces next to Chinese characters (PDF and letter spacing).

    >>> compact("報(bào)告  2016 年 1 月"), compact("Annual  Report 2019")
    ('报告2016年1月', 'Annual Report 2019')
    """
    return _compact_folded(fold(text))


def _compact_folded(folded: str) -> str:
    """:func:`compact` of text already folded."""
    # Folding leaves no whitespace but single spaces: without one there is nothing to drop.
    return _NOT_ASCII_SPACE.sub("", folded) if " " in folded else folded


def _bare(text: str) -> str:
    """Folded text without any space."""
    return _SPACES.sub("", fold(text))


def is_placeholder(value: str) -> bool:
    """True when a header value stands for "nothing" (``〔〕号``, ``无``, ``****``, blank).

    >>> [is_placeholder(v) for v in ("〔 〕号", "无", "****", "", "河府〔2021〕4号")]
    [True, True, True, True, False]
    """
    bare = _bare(value)
    if not bare:
        return True
    return _vocab().placeholders.search(bare) is not None


def _is_chrome(text: str) -> bool:
    return _vocab().chrome.search(text) is not None


# --------------------------------------------------------------------------------------------
# Lines of the page


@dataclass(slots=True)
class _PageLine:
    number: int
    cells: list[str]
    blank: bool
    folded: str | None = None
    """The folded text of the only cell, once looked at for a section heading."""

    @property
    def text(self) -> str:
        return " ".join(self.cells)


def _page_lines(doc: Document, start: int, stop: int) -> Iterator[_PageLine]:
    """Lines ``start`` to ``stop`` (0-based, ``stop`` excluded) of the page as non-empty cells.

    Text input is read from its raw lines (the tokenizer's cells lose the spacing of labels);
    HTML from the tokenizer's cells.
    """
    page = doc.page
    if page is None:
        return
    stop = min(stop, len(page.lines))
    if start >= stop:
        return
    if page.raw_lines:
        for number, raw in enumerate(page.raw_lines[start:stop], start + 1):
            yield _text_line(number, raw)
        return
    for line in page.lines[start:stop]:
        cells = [c.text.strip() for c in line.cells if c.text.strip()]
        yield _PageLine(line.number, cells, not cells or line.kind is LineKind.EMPTY)


def _tail(doc: Document) -> list[_PageLine]:
    """The last lines of the page, where a signature block stands, after the first
    ``REPORT_SEARCH_LINES``."""
    total = len(doc.page.lines) if doc.page is not None else 0
    tail_from = max(REPORT_SEARCH_LINES, total - 4 * SIGNATURE_SEARCH_LINES)
    return list(_page_lines(doc, tail_from, total))


def _text_line(number: int, raw: str) -> _PageLine:
    raw = raw[:_MAX_HEADER_LINE]
    parts = _PIPES.split(raw) if ("|" in raw or "｜" in raw) else [raw]
    cells = [p.strip() for p in parts if p.strip()]
    return _PageLine(number, cells, not cells)


# --------------------------------------------------------------------------------------------
# Labels and values


@dataclass(slots=True)
class LabelHit:
    """A header label found on the page, with the value attached to it."""

    key: str
    """The label's matching key (``索引号``)."""

    raw: str
    """The label as printed, spaces and colon removed (``索引號``)."""

    field: str
    """The field the label names: a canonical field, or a group such as ``title``/``source``."""

    line: int
    """Line of the label."""

    value: str | None = None
    """The raw value text, or ``None`` when the label has no value."""

    colon: bool = False
    """Whether the label was printed with a colon."""


@dataclass(slots=True)
class _Tok:
    kind: Literal["label", "value", "stop"]
    text: str = ""
    hit: LabelHit | None = None


def _strip_bullet(word: str, bullets: str) -> str:
    if word and word[0] in bullets:
        rest = word.lstrip(bullets)
        if not rest or not rest[0].isascii():
            return rest
    return word


def _scan_cell(cell: str, number: int, v: _Vocab) -> list[_Tok]:
    """Split one cell into label, value and stop tokens."""
    cell = cell.replace("**", " ").replace("__", " ")
    words = [
        part
        for w in cell.split()
        if not _BRACKETED.match(w)
        for part in _split_glued(_strip_bullet(w, v.bullets), v)
        if part
    ]
    out: list[_Tok] = []
    values: list[str] = []

    def flush() -> None:
        if values:
            out.append(_Tok("value", " ".join(values)))
            values.clear()

    i, n = 0, len(words)
    while i < n:
        acc = ""
        best: tuple[int, int, str, bool] | None = None  # (last word, colon offset, key, stop)
        for j in range(i, min(n, i + _MAX_LABEL_WORDS)):
            word = words[j]
            colon = _COLON.search(word)
            if colon is not None:
                left = acc + key(word[: colon.start()])
                if left in v.labels:
                    best = (j, colon.start(), left, False)
                elif j == i and values and (glued := _glued_label(values[-1], left, v)):
                    values[-1] = values[-1][: -glued[0]]
                    best = (j, colon.start(), glued[1], False)
                elif left in v.furniture or (j == i and _CJK_WORD.match(left)):
                    best = (j, colon.start(), left, True)
                break
            acc += key(word)
            if len(acc) > v.max_label:
                break
            if acc in v.labels:
                best = (j, -1, acc, False)
            elif j == i and acc in v.furniture:
                best = (j, -1, acc, True)
        if best is None:
            values.append(words[i])
            i += 1
            continue
        last, colon_at, label_key, stop = best
        flush()
        label_words = [*words[i:last], words[last][:colon_at] if colon_at >= 0 else words[last]]
        if stop:
            out.append(_Tok("stop"))
        else:
            raw = "".join(label_words)
            hit = LabelHit(label_key, raw, v.labels[label_key], number, colon=colon_at >= 0)
            out.append(_Tok("label", hit=hit))
        if colon_at >= 0:
            rest = words[last][colon_at + 1 :].strip()
            if rest:
                values.append(rest)
        i = last + 1
    flush()
    return out


def _split_glued(word: str, v: _Vocab) -> list[str]:
    """Split a word where a label follows a value without a space (``政务�发文机构：…``).

    Only where the character before the label is not Chinese, so that ``信息来源：`` or
    ``单位名称：`` stay whole.
    """
    if len(word) > _MAX_GLUED_WORD or (":" not in word and "：" not in word):
        return [word]
    parts: list[str] = []
    start = 0
    for colon in _COLON.finditer(word):
        end = colon.start()
        if end - start < 3:
            continue
        for size in range(min(end - start - 1, 2 * v.max_label), 1, -1):
            cut = end - size
            before = word[cut - 1]
            if _CJK_CHAR.match(before) or key(word[cut:end]) not in v.labels:
                continue
            if _CJK_CHAR.match(word[cut]):
                parts.append(word[start:cut])
                start = cut
            break
    parts.append(word[start:])
    return parts


def _glued_label(previous: str, left: str, v: _Vocab) -> tuple[int, str] | None:
    """A label whose first characters ended the previous word (``…/2026分 类：``)."""
    for size in range(1, min(4, len(previous)) + 1):
        candidate = key(previous[-size:]) + left
        if candidate in v.labels and not previous[-size:].isascii():
            return size, candidate
    return None


def _next_line_value(text: str, hit: LabelHit) -> bool:
    """Whether a line may be the value of a label printed alone on the line before."""
    bare = _bare(text)
    limit = _MAX_NEXT_LINE_VALUE if hit.field == "title" else _MAX_NEXT_LINE_VALUE // 2
    return 0 < len(bare) <= limit and "。" not in bare and "《" not in bare and not _is_chrome(bare)


def read_labels(lines: Sequence[tuple[int, Sequence[str]]]) -> list[LabelHit]:
    """Find the header labels in lines of cells and attach their values.

    ``lines`` are ``(line number, cells)`` pairs; a line without cells is blank.

    >>> hits = read_labels([(1, ["成文日期", "发布日期", "2022-04-06"])])
    >>> [(h.raw, h.value) for h in hits]
    [('成文日期', None), ('发布日期', '2022-04-06')]
    >>> lines = [(1, ["• 信息索引号:"]), (2, []), (3, ["  11330700099033995K/2023-00013"])]
    >>> hits = read_labels(lines)
    >>> [(h.raw, h.value) for h in hits]
    [('信息索引号', '11330700099033995K/2023-00013')]
    """
    v = _vocab()
    scanned: list[tuple[int, list[_Tok]]] = []
    for number, cells in lines:
        toks: list[_Tok] = []
        for cell in cells:
            toks.extend(_scan_cell(cell, number, v))
            toks.append(_Tok("stop", "cell"))
        scanned.append((number, toks))
    alone = [
        toks[0].hit
        for _, toks in scanned
        if len(toks) == 2 and toks[0].kind == "label" and toks[0].hit is not None
    ]
    vertical = sum(1 for h in alone if h is not None and not h.colon) >= 3
    hits: list[LabelHit] = []
    pending: LabelHit | None = None
    for _, toks in scanned:
        if not toks:
            continue
        if pending is not None:
            if (
                len(toks) == 2
                and toks[0].kind == "value"
                and _next_line_value(toks[0].text, pending)
            ):
                pending.value = toks[0].text.strip()
                pending = None
                continue
            pending = None
        current: LabelHit | None = None
        in_cell = False
        for tok in toks:
            if tok.kind == "label" and tok.hit is not None:
                current = tok.hit
                hits.append(current)
                in_cell = True
            elif tok.kind == "value":
                if current is not None and current.value is None:
                    current.value = tok.text.strip()
                elif current is not None and in_cell:
                    current.value = f"{current.value} {tok.text.strip()}"
            elif tok.text == "cell":
                in_cell = False
            else:
                current = None
        only = toks[0].hit if len(toks) == 2 and toks[0].kind == "label" else None
        if only is not None and only.value is None and (only.colon or vertical):
            pending = only
    return hits


def _clean_value(field_name: str, value: str | None) -> str | None:
    if value is None or is_placeholder(value):
        return None
    folded = fold(value)
    if field_name == "document_number":
        bare = _bare(value)
        if _vocab().docnum_garbage.search(bare) is not None:
            return None
    return folded or None


def _fill_fields(head: HeaderInfo, hits: Sequence[LabelHit]) -> None:
    for hit in hits:
        value = (hit.value or "").strip()
        if hit.raw not in head.fields or (value and not head.fields[hit.raw]):
            head.fields[hit.raw] = value
    v = _vocab()
    for name in _CANONICAL:
        for variant in v.priority.get(name, ()):
            found = _first_value(name, [h for h in hits if h.key == variant])
            if found is not None:
                setattr(head, name, found)
                break


def _first_value(name: str, hits: Sequence[LabelHit]) -> str | date | None:
    for hit in hits:
        if name in _DATE_FIELDS:
            if hit.value and not is_placeholder(hit.value):
                when = parse_date(hit.value)
                if when is not None:
                    return when
            continue
        cleaned = _clean_value(name, hit.value)
        if cleaned is not None:
            return cleaned
    return None


# --------------------------------------------------------------------------------------------
# Title, agency, year


@dataclass(slots=True)
class _Title:
    text: str
    line: int
    agency: str | None = None
    year: int | None = None


def _strip_title(text: str, v: _Vocab, folded: str | None = None) -> str:
    """``text`` compacted, without page-header prefixes or enclosing marks.

    ``folded`` is ``fold(text)``, when the caller has it.
    """
    bare = v.title_prefixes.apply(text)
    if folded is None or bare != text:
        folded = fold(bare)
    return v.title_strip.apply(_compact_folded(folded).strip()).strip()


def _title_shaped(text: str, v: _Vocab) -> bool:
    bare = _SPACES.sub("", text)
    if not bare or len(bare) > v.title_max or v.title_shape.search(bare) is None:
        return False
    return v.title_not.search(bare) is None


def _clean_agency(text: str, v: _Vocab) -> str | None:
    text = v.agency_strip.apply(_SPACES.sub("", text))
    for p, repl in v.agency_restore:
        text = p.sub(repl, text)
    if len(text) < 2 or len(text) > 40 or text[0].isdigit():
        return None
    return text


def split_title(title: str) -> tuple[str | None, int | None]:
    """The body and the year named in a report title.

    >>> split_title("泰州市人民政府2017年政府信息公开工作年度报告")
    ('泰州市人民政府', 2017)
    >>> split_title("2019年浙江省人民政府办公厅政府信息公开工作年度报告")
    ('浙江省人民政府办公厅', 2019)
    >>> split_title("沙塘镇人民政府信息公开年度报告"), split_title("2020年度政府信息公开工作报告")
    (('沙塘镇人民政府', None), (None, 2020))
    """
    v = _vocab()
    bare = _SPACES.sub("", title)
    m = v.agency_split.search(bare)
    if m is not None:
        year = int(m["year"])
        if not v.year_min <= year <= v.year_max:
            year_ok: int | None = None
        else:
            year_ok = year
        part = m["pre"] or m["mid"]
        return (_clean_agency(part, v) if part else None), year_ok
    m = v.agency_split_noyear.search(bare)
    if m is not None and m["pre"]:
        return _clean_agency(m["pre"], v), None
    return None, None


def _make_title(text: str, line: int) -> _Title | None:
    agency, year = split_title(text)
    if agency is None and year is None:
        return None
    return _Title(text, line, agency, year)


def _title_candidates(zone: Sequence[_PageLine], label_lines: set[int]) -> list[_Title]:
    v = _vocab()
    texts: list[tuple[int, str, bool]] = []  # (line, text, whether title-shaped)
    previous = ""
    for pl in zone:
        if pl.blank:
            continue
        if len(pl.cells) != 1 or pl.number in label_lines:
            texts.append((pl.number, "", False))
            previous = ""
            continue
        if len(pl.cells[0]) > 4 * v.title_max:  # prose: not worth folding
            texts.append((pl.number, "", False))
            previous = _SPACES.sub("", pl.cells[0])
            continue
        text = _strip_title(pl.cells[0], v, pl.folded)
        wrapped = (
            len(previous) >= 25
            and previous[-1] not in _SENTENCE_END
            and any(mark in previous for mark in ",，、")
            and not _is_chrome(previous)
        )
        previous = _SPACES.sub("", text)
        shaped = False
        if wrapped or _is_chrome(text):
            text = ""
        elif _title_shaped(text, v):
            shaped = True
        else:
            parts = v.title_separators.split(text)
            if len(parts) > 1:
                stripped = (_strip_title(p, v) for p in parts)
                part = next((p for p in stripped if _title_shaped(p, v)), None)
                if part is not None:
                    text, shaped = part, True
        texts.append((pl.number, text, shaped))
    found: list[_Title] = []
    for idx, (number, text, shaped) in enumerate(texts):
        if not text:
            continue
        if shaped:
            cand = _make_title(text, number)
            if cand is not None:
                found.append(cand)
            continue
        if len(text) > 40 or text[-1] in _SENTENCE_END or _COLON.search(text):
            continue
        if idx + 1 >= len(texts) or not texts[idx + 1][1]:
            continue
        _, second, second_shaped = texts[idx + 1]
        if second_shaped and split_title(second)[0] is not None:
            continue
        joined = text + second
        if _title_shaped(joined, v):
            cand = _make_title(joined, number)
            if cand is not None and cand.agency is not None:
                found.append(cand)
    return found


def _meta_title(doc: Document) -> str | None:
    page = doc.page
    if page is None:
        return None
    v = _vocab()
    article = page.meta_tags.get("ArticleTitle") or page.meta_tags.get("articletitle")
    if article and compact(article):
        return _strip_title(article, v)
    if page.html_title:
        site = compact(page.meta_tags.get("SiteName", ""))
        parts = [compact(p) for p in v.title_separators.split(page.html_title)]
        parts = [p for p in parts if p and p != site]
        for part in parts:
            if _title_shaped(part, v):
                return _strip_title(part, v)
        if parts:
            return _strip_title(parts[0], v)
    return None


def _valid_org(text: str | None, v: _Vocab) -> str | None:
    if not text:
        return None
    org = _clean_agency(text, v)
    if org is None or not org.endswith(v.org_suffixes):
        return None
    if v.org_not.search(org) is not None:
        return None
    return org


def _flow(lines: Sequence[_PageLine]) -> str:
    """The text of ``lines`` as paragraphs: wrapped (PDF) lines joined, others kept apart."""
    parts: list[str] = []
    previous = ""
    for pl in lines:
        if pl.blank:
            continue
        text = "|".join(_bare(c[:_MAX_FLOW_CELL]) for c in pl.cells)
        if not text:
            continue
        if parts and (len(previous) < 25 or previous[-1] in _SENTENCE_END):
            parts.append("\n")
        parts.append(text)
        previous = text
    return "".join(parts)


def _preface_agency(flow: str, v: _Vocab, budget: _Budget) -> str | None:
    for pattern in v.preface:
        for m in budget.finditer(pattern, flow):
            org = _valid_org(m["org"], v)
            if org is not None:
                return org
    return None


def _subject_agency(flow: str, v: _Vocab, budget: _Budget) -> str | None:
    for m in budget.finditer(v.subject, flow):
        org = _valid_org(m["org"], v)
        if org is not None:
            return org
    return None


def _signature_agency(lines: Sequence[_PageLine], v: _Vocab) -> str | None:
    tail: list[str] = []
    for pl in reversed(lines):
        if pl.blank:
            continue
        text = _bare(pl.text)
        if not text or _is_chrome(text):
            continue
        tail.append(text)
        if len(tail) >= SIGNATURE_SEARCH_LINES:
            break
    tail.reverse()
    for idx in range(len(tail) - 1, -1, -1):
        text = tail[idx]
        dates = find_dates(text)
        if len(dates) != 1 or dates[0].clock or dates[0].end != len(text):
            continue
        if dates[0].start > 0:
            org = _valid_org(text[: dates[0].start], v)
        elif idx > 0:
            org = _valid_org(tail[idx - 1], v)
        else:
            org = None
        if org is not None:
            return org
    return None


def _year_ok(year: int | None, v: _Vocab) -> int | None:
    return year if year is not None and v.year_min <= year <= v.year_max else None


def _text_year(flow: str, v: _Vocab, budget: _Budget) -> int | None:
    for pattern in (*v.year_patterns, v.year_sentence):
        for m in budget.finditer(pattern, flow):
            year = _year_ok(int(m["year"]), v)
            if year is not None:
                return year
    return None


def _bare_date_line(zone: Sequence[_PageLine]) -> date | None:
    """A date line without label, such as ``2012-3-30    连平县人民政府办公室``."""
    for pl in zone:
        if pl.blank or len(pl.cells) != 1:
            continue
        text = pl.folded if pl.folded is not None else fold(pl.cells[0])
        dates = find_dates(text)
        if len(dates) != 1 or dates[0].start != 0 or dates[0].clock:
            continue
        rest = text[dates[0].end :].strip()
        if not rest or (
            len(rest) <= 30
            and not _COLON.search(rest)
            and not _is_chrome(rest)
            and rest.endswith(_vocab().org_suffixes)
        ):
            return dates[0].value
    return None


# --------------------------------------------------------------------------------------------
# The stage


def _zone(lines: Iterable[_PageLine]) -> list[_PageLine]:
    zone: list[_PageLine] = []
    for pl in lines:
        if not pl.blank and len(pl.cells) == 1:
            pl.folded = fold(pl.cells[0])
            if _HEADING.match(pl.folded):
                break
        zone.append(pl)
    return zone


def extract(doc: Document) -> None:
    """Fill ``doc.header``: metadata fields, title, agency and year."""
    if doc.page is None or not doc.page.lines:
        return
    v = _vocab()
    budget = _Budget()
    head = doc.header
    zone = _zone(_page_lines(doc, 0, HEADER_SEARCH_LINES))
    hits = read_labels([(pl.number, pl.cells) for pl in zone])
    _fill_fields(head, hits)
    if head.published_date is None:
        head.published_date = _bare_date_line(zone)
    if head.published_date is None and doc.page is not None:
        pub = doc.page.meta_tags.get("PubDate") or doc.page.meta_tags.get("pubdate")
        if pub:
            head.published_date = parse_date(pub)

    label_lines = {h.line for h in hits}
    titles = _title_candidates(zone, label_lines)
    field_title = next(
        (
            _strip_title(h.value, v)
            for h in hits
            if h.field == "title" and h.value and not is_placeholder(h.value)
        ),
        None,
    )
    meta_title = _meta_title(doc)
    chosen = titles[0] if titles else None
    if meta_title and len(titles) > 1:
        chosen = next((t for t in titles if _bare(t.text) == _bare(meta_title)), chosen)
    head.title = chosen.text if chosen else (field_title or meta_title)

    extra = [t for t in (field_title, meta_title) if t]
    identities = ([chosen] if chosen else []) + titles
    identities += [t for t in (_make_title(x, 0) for x in extra) if t is not None]
    head.agency = next((t.agency for t in identities if t.agency), None)
    head.year = next((y for t in identities if (y := _year_ok(t.year, v)) is not None), None)

    if head.agency is None or head.year is None:
        lines = list(_page_lines(doc, 0, REPORT_SEARCH_LINES))
        flow = _flow(lines)
        if head.agency is None:
            head.agency = (
                _preface_agency(flow, v, budget)
                or _signature_agency(lines + _tail(doc), v)
                or head.publisher
                or _subject_agency(flow, v, budget)
            )
        if head.year is None:
            head.year = _text_year(flow, v, budget)
    if budget.timed_out:
        doc.issue("regex_timeout", "a header pattern ran too long and was abandoned", "info")
