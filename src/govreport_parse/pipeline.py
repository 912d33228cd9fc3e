"""The pipeline: the ordered stages that turn one input into a :class:`Report`.

Data flow (one module per stage)::

    bytes/str/file/soup/lxml
      └─ decode ─ tokenize ─ header ─ sections ─ tables ─ labels ─ values ─ validate ─ build
                                                                                 └─ Report

Every stage is a function ``(Document) -> None`` that reads what earlier stages left on the
:class:`~govreport_parse.state.Document` and adds its own part. A stage that fails on some
unforeseen input does not lose the page: the failure becomes an ``internal_error`` issue and the
later stages run on what there is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from . import build, header, labels, saferegex, sections, tables, textnorm, validate
from . import values as values_module
from .decode import damage, normalize_encoding, read
from .exceptions import (
    DecodeError,
    GovReportError,
    InputTooLargeError,
    SumMismatchError,
    TableError,
)
from .models import Report
from .settings import BINARY_RATIO, BINARY_SAMPLE_CHARS, MAX_INPUT_BYTES, MAX_ISSUES_PER_CODE
from .state import Document, HeaderInfo
from .tokenizers import sniff_kind, tokenize_element, tokenize_html, tokenize_text

__all__ = ["STAGES", "Source", "Stage", "clear_caches", "parse"]

LOGGER = logging.getLogger(__name__)

# Characters that never occur in a text page: C0 controls (but tab, newlines, form feed) and the
# replacement character left by undecodable bytes.
_JUNK_CHAR = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# Every byte but those of the junk controls.
_NOT_JUNK_BYTES = bytes(b for b in range(256) if not _JUNK_CHAR.match(chr(b)))

#: A pipeline stage: reads and extends the working document.
Stage: TypeAlias = Callable[[Document], None]

#: Anything :func:`parse` accepts.
Source: TypeAlias = "str | bytes | os.PathLike[str] | Any"


def _junk_count(text: str) -> int:
    """How many :data:`_JUNK_CHAR` characters ``text`` holds.

    The controls are counted on the ASCII bytes of the text, with C speed rather than that of
    a regex scan.
    """
    controls = text.encode("ascii", "ignore").translate(None, _NOT_JUNK_BYTES)
    return len(controls) + text.count("\ufffd")


def _decode(doc: Document) -> None:
    """Bytes → text; sniff the kind; record the codec and any damage."""
    if doc.preparsed is not None:
        doc.kind = "html"
        return
    data = doc.data
    # (codec, bytes) when doc.text is exactly these bytes decoded: the damage check reuses them.
    source: tuple[str, bytes] | None = None
    if doc.text:
        if not doc.text.isascii():
            try:
                doc.text.encode("utf-8")
            except UnicodeEncodeError:
                # Lone surrogates (from a careless decode upstream) cannot be output as JSON.
                doc.text = doc.text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if len(doc.text) > MAX_INPUT_BYTES:
            doc.issue(
                "input_truncated",
                f"input of {len(doc.text)} characters cut to {MAX_INPUT_BYTES}",
                "warning",
            )
            doc.text = doc.text[:MAX_INPUT_BYTES]
    elif len(data) > MAX_INPUT_BYTES:
        doc.issue(
            "input_truncated", f"input of {len(data)} bytes cut to {MAX_INPUT_BYTES}", "warning"
        )
        data = data[:MAX_INPUT_BYTES]
    if not doc.text:
        if not data or data.isspace():
            doc.issue("empty_input", "the input is empty", "error")
            return
        reading = read(data, None)
        doc.encoding, doc.text = reading.encoding, reading.text
        if reading.exact:
            source = (reading.encoding, data)
        if len(data) < len(doc.data):
            # The cut may have split the last character.
            doc.text = doc.text.rstrip("\ufffd")
            if len(doc.text) < len(reading.text):
                source = None
    text = doc.text
    if not text or text.isspace():
        doc.issue("empty_input", "the input holds no text", "error")
        doc.text = ""
        return
    sample = text[:BINARY_SAMPLE_CHARS]
    ratio = _junk_count(sample) / len(sample)
    if ratio > BINARY_RATIO:
        doc.issue(
            "binary_input",
            f"{ratio:.0%} of the input is control or undecodable bytes; it is not read as a page",
            "error",
        )
        doc.text = ""
        return
    damaged = damage(text, source)
    if damaged:
        doc.issue("mojibake", f"the text shows encoding damage: {damaged}", "warning")
    if "\x00" in text:
        doc.text = text.replace("\x00", "")
    doc.kind = sniff_kind(doc.text)


def _tokenize(doc: Document) -> None:
    """Text or markup → lines of cells."""
    if doc.preparsed is not None:
        doc.page = tokenize_element(doc.preparsed)
    elif doc.kind == "html":
        doc.page = tokenize_html(doc.text)
    else:
        doc.page = tokenize_text(doc.text)
    for code, message in doc.page.notes:
        doc.issue(code, message, "warning")


#: The stages, in order. A reader sees the whole data flow here.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("decode", _decode),
    ("tokenize", _tokenize),
    ("header", header.extract),
    ("sections", sections.extract),
    ("tables", tables.extract),
    ("labels", labels.assign),
    ("values", values_module.convert),
    ("validate", validate.check),
)

#: Issue codes that strict mode raises whatever their severity: printed numbers that break a
#: sum rule of the format are kept (and reported as warnings) unless the caller asks otherwise.
_STRICT_ALWAYS = frozenset(["sum_mismatch"])

_STRICT_ERRORS: dict[str, type[GovReportError]] = {
    "empty_input": DecodeError,
    "binary_input": DecodeError,
    "unreadable_input": DecodeError,
    "input_truncated": InputTooLargeError,
    "sum_mismatch": SumMismatchError,
}


def _load(source: Any, doc_path: list[str | None]) -> tuple[bytes, str, object | None]:
    """Return (bytes, text, preparsed) for any accepted source."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), "", None
    if isinstance(source, str):
        return source.encode("utf-8", "surrogatepass"), source, None
    if isinstance(source, os.PathLike):
        doc_path[0] = os.fspath(source)
        return Path(source).read_bytes(), "", None
    module = type(source).__module__
    if module.startswith("bs4"):
        markup = str(source)
        return markup.encode("utf-8", "surrogatepass"), markup, None
    if module.startswith("lxml"):
        from lxml import etree

        return etree.tostring(source, encoding="utf-8"), "", source
    raise TypeError(
        f"parse() takes str, bytes, a path, a BeautifulSoup object or an lxml element, "
        f"not {type(source).__name__}"
    )


def parse(
    source: Any,
    *,
    url: str | None = None,
    encoding: str | None = None,
    strict: bool = False,
) -> Report:
    """Parse one report page into a :class:`~govreport_parse.models.Report`.

    ``source`` is page text or markup (``str``), raw bytes in any encoding, a path, a
    BeautifulSoup object or an lxml element. ``encoding`` overrides detection for bytes. With
    ``strict=True`` the first error-severity issue (or broken sum rule) raises the matching
    :class:`~govreport_parse.exceptions.GovReportError` subclass; otherwise content problems
    never raise.

    >>> report = parse("第二十条第（五）项 | | |\\n信息内容 | 本年处理决定数量\\n行政许可 | 3970")
    >>> report.format, report.value("proactive.licensing.decisions")
    ('fmt2021', 3970)
    """
    saferegex.forget()
    try:
        return _parse(source, url=url, encoding=encoding, strict=strict)
    finally:
        saferegex.forget()


def clear_caches() -> None:
    """Empty every memo of the parser (label keys, cell values, label lookups).

    The memos are bounded and speed up batches, where labels repeat from page to page; the
    benchmark empties them before each timed call to measure a page seen for the first time.
    """
    textnorm.forget()
    values_module.forget()
    saferegex.forget()
    labels.forget()
    tables.forget()


def _parse(source: Any, *, url: str | None, encoding: str | None, strict: bool) -> Report:
    path: list[str | None] = [None]
    try:
        data, text, preparsed = _load(source, path)
    except OSError as exc:
        doc = Document(data=b"", path=path[0], url=url)
        doc.issue("unreadable_input", f"the input could not be read: {exc}", "error")
        return _finish(doc, strict)
    doc = Document(data=data, text=text, path=path[0], url=url, preparsed=preparsed)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if text:
        doc.encoding = None
    elif encoding:
        codec = normalize_encoding(encoding) or encoding
        try:
            doc.text = data.decode(codec, errors="replace")
            doc.encoding = codec
        except LookupError:
            doc.issue(
                "unknown_encoding", f"unknown encoding {encoding!r}; detected instead", "warning"
            )
    for name, stage in STAGES:
        if name != "decode" and doc.text == "" and doc.preparsed is None:
            break
        try:
            stage(doc)
        except RecursionError as exc:  # pragma: no cover - defensive
            doc.issue("internal_error", f"stage {name} gave up: {exc}", "error")
        except Exception as exc:
            LOGGER.exception("stage %s failed", name)
            doc.issue(
                "internal_error", f"stage {name} failed: {type(exc).__name__}: {exc}", "error"
            )
    return _finish(doc, strict)


def _cap_issues(doc: Document) -> None:
    """Keep at most :data:`MAX_ISSUES_PER_CODE` issues of each code; count the rest."""
    counts: dict[str, int] = {}
    kept = []
    for issue in doc.issues:
        n = counts[issue.code] = counts.get(issue.code, 0) + 1
        if n <= MAX_ISSUES_PER_CODE:
            kept.append(issue)
    dropped = {
        code: n - MAX_ISSUES_PER_CODE for code, n in counts.items() if n > MAX_ISSUES_PER_CODE
    }
    if dropped:
        doc.issues = kept
        listing = ", ".join(f"{n} more {code}" for code, n in sorted(dropped.items()))
        doc.issue(
            "issues_truncated",
            f"only {MAX_ISSUES_PER_CODE} issues of a kind are listed; {listing}",
            "info",
        )


def _finish(doc: Document, strict: bool) -> Report:
    slow = saferegex.timeouts()
    if slow:
        doc.issue(
            "regex_timeout",
            f"{len(slow)} pattern match(es) gave up after the time limit "
            f"(first: {slow[0][:60]!r}); they were taken as not matching",
            "warning",
        )
    _cap_issues(doc)
    try:
        report = build.report(doc)
    except Exception as exc:
        # The stages left something the output model rejects: keep what is sure.
        LOGGER.exception("building the report failed")
        doc.header, doc.sections, doc.indicators, doc.unmapped = HeaderInfo(), [], [], []
        doc.issue("internal_error", f"the report could not be built: {type(exc).__name__}", "error")
        report = build.report(doc)
    if strict:
        for issue in report.issues:
            if issue.severity == "error" or issue.code in _STRICT_ALWAYS:
                exc_type = _STRICT_ERRORS.get(
                    issue.code, TableError if "table" in issue.code else GovReportError
                )
                raise exc_type(issue.message, code=issue.code, line=issue.line)
    return report
