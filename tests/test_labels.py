"""Row labels → taxonomy ids, from the provenance-grouped cases of ``fixtures/labels/``.

``official.txt`` is the development batch, ``variants.txt`` the evaluation batch and
``xfail.txt`` the known misses (strict xfail); ``fixtures/labels/README.md`` gives the notation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from govreport_parse.labels import Match, Scope, core, resolver
from govreport_parse.textnorm import key
from govreport_parse.tokens import Cell

from .conftest import FIXTURES

LABELS = FIXTURES / "labels"
_TABLES = {
    "legacy2014": frozenset(["legacy"]),
    "fmt2019": frozenset(["t2", "t3", "t4"]),
    "fmt2021": frozenset(["t2", "t3", "t4"]),
}
_CONTEXT_KEYS = frozenset(["fmt", "section", "group", "context"])


@dataclass(frozen=True)
class LabelCase:
    """One line of a labels file."""

    path: Path
    line: int
    label: str
    expected: str
    context: dict[str, str] = field(default_factory=dict)
    why: str | None = None

    @property
    def id(self) -> str:
        """``file:Lline``: where to edit (pytest would escape the Chinese label in an id)."""
        return f"{self.path.stem}:L{self.line}"


def read_label_file(path: Path) -> list[LabelCase]:
    """Parse a labels file (see ``fixtures/labels/README.md``)."""
    cases: list[LabelCase] = []
    context: dict[str, str] = {}
    why: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("# why:"):
            why = line.removeprefix("# why:").strip()
        elif not line or line.startswith("#"):
            continue
        elif line.startswith("@"):
            context = dict(item.split("=", 1) for item in line[1:].split())
            if set(context) - _CONTEXT_KEYS or context.get("fmt") not in _TABLES:
                raise ValueError(f"{path.name}:{number}: bad context line {line!r}")
        else:
            label, sep, want = line.partition(" => ")
            if not sep or not want:
                raise ValueError(f"{path.name}:{number}: no ' => ' in {line!r}")
            cases.append(LabelCase(path, number, label, want.strip(), dict(context), why))
            why = None
    return cases


def describe(match: Match) -> str:
    """A match in the notation of the labels files."""
    parts = []
    row = match.row
    if row is not None:
        if row.table == "t2":
            parts.append(f"{row.name}.*")
        else:
            parts.append(row.name + (f"[{row.column}]" if row.column else ""))
    if match.section:
        parts.insert(0, f"section:{match.section}")
    if match.group and row is None:
        parts.append(f"group:{match.group}")
    return " ".join(parts) or "none"


def resolve(label: str, context: dict[str, str]) -> Match:
    """Resolve a raw label in a context, as the tables stage does."""
    fmt = context["fmt"]
    scope = Scope(
        _TABLES[fmt], context.get("section"), context.get("group"), fmt, context.get("context")
    )
    cells = [Cell(text, 1) for text in label.split(" | ")]
    match, _ = resolver().resolve_cells(cells, scope)
    return match


def _params(name: str, xfail: bool = False) -> list[Any]:
    params = []
    for case in read_label_file(LABELS / name):
        marks = [pytest.mark.xfail(strict=True, reason=case.why or "known miss")] if xfail else []
        params.append(pytest.param(case, id=case.id, marks=marks))
    return params


@pytest.mark.parametrize("case", _params("official.txt"))
def test_official(case: LabelCase) -> None:
    """Every official label of the three formats resolves to its row."""
    assert describe(resolve(case.label, case.context)) == case.expected


@pytest.mark.parametrize("case", _params("variants.txt"))
def test_variants(case: LabelCase) -> None:
    """Labels as real pages print them resolve to the same rows."""
    assert describe(resolve(case.label, case.context)) == case.expected


@pytest.mark.parametrize("case", _params("xfail.txt", xfail=True))
def test_known_misses(case: LabelCase) -> None:
    """Variants the resolver does not map yet (each states why)."""
    assert describe(resolve(case.label, case.context)) == case.expected


class TestFiles:
    """The labels files themselves."""

    def test_batches(self) -> None:
        """The three batches exist, are not empty, and every known miss says why."""
        assert {p.name for p in LABELS.glob("*.txt")} == {
            "official.txt",
            "variants.txt",
            "xfail.txt",
        }
        assert len(read_label_file(LABELS / "official.txt")) >= 150
        assert len(read_label_file(LABELS / "variants.txt")) >= 80
        assert all(c.why for c in read_label_file(LABELS / "xfail.txt"))

    def test_official_covers_every_layout_row(self) -> None:
        """Every row of the package layouts (表二, 表三, legacy) has an official case."""
        named = {c.expected.split()[-1] for c in read_label_file(LABELS / "official.txt")}
        missing = []
        for row in resolver().data.rows:
            if row.name in ("proactive.other_docs",):
                continue  # a local row (Hubei), covered in variants.txt
            want = (
                f"{row.name}.*"
                if row.table == "t2"
                else row.name + (f"[{row.column}]" if row.column else "")
            )
            if want not in named:
                missing.append(want)
        assert missing == []

    def test_no_label_twice_in_one_context(self) -> None:
        """A label appears once per context (a duplicate would hide a typo)."""
        for name in ("official.txt", "variants.txt", "xfail.txt"):
            seen = set()
            for case in read_label_file(LABELS / name):
                entry = (case.label, tuple(sorted(case.context.items())))
                assert entry not in seen, case.id
                seen.add(entry)

    def test_bad_lines_are_rejected(self, tmp_path: Path) -> None:
        """A case line without ' => ' or an unknown context key is an error, not a skip."""
        bad = tmp_path / "bad.txt"
        bad.write_text("@ fmt=fmt2021\n规章 proactive.rules.*\n", encoding="utf-8")
        with pytest.raises(ValueError, match="no ' => '"):
            read_label_file(bad)
        bad.write_text("@ fmt=fmt2021 table=t2\n", encoding="utf-8")
        with pytest.raises(ValueError, match="bad context"):
            read_label_file(bad)


class TestNormalisation:
    """What the resolver compares: :func:`key` and :func:`core` of a label."""

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开"),
            ("(二)部分公开(区分处理的,只计这", "部分公开"),
            ("三、本年度辦理結果", "本年度办理结果"),
            ("行政规范(fàn)性文件", "行政规范性文件"),
            ("自 然 人", "自然人"),
            ("其中：主动公开规范性文件数", "主动公开规范性文件数"),
            ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "专职人员数"),
            ("㈠ 予以公开", "予以公开"),
        ],
    )
    def test_core_of_key(self, raw: str, expected: str) -> None:
        """Enumerators, notes, spaces, traditional characters and pinyin all go."""
        assert core(key(raw)) == expected
