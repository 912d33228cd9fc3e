"""The package data checks out: ``taxonomy.toml``, ``layouts.toml``, ``textnorm.toml``.

The files are read raw here (not through the loaders), so a broken entry is reported by name
even where the loader would accept it silently. The binding vocabulary of the specification
(``../shared/spec/taxonomy.yaml``) is compared when the shared folder is present.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

import pytest

from govreport_parse.labels import core
from govreport_parse.taxonomy import FORMATS, layouts, taxonomy
from govreport_parse.textnorm import key

from .conftest import SHARED

SPEC_TAXONOMY = SHARED / "spec" / "taxonomy.yaml"


@cache
def data(name: str) -> dict[str, Any]:
    """A data file of the package, parsed."""
    text = resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")
    parsed: dict[str, Any] = tomllib.loads(text)
    return parsed


def indicators() -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in data("taxonomy.toml")["indicator"]}


def t2_cells() -> list[tuple[str, str, str]]:
    """``(format, row prefix, cell id)`` for every 表二 cell the layouts can produce."""
    out = []
    for block in data("layouts.toml")["t2"]:
        for row in block["rows"]:
            for fmt in ("fmt2019", "fmt2021"):
                out += [(fmt, row["row"], f"{row['row']}.{col}") for col in block.get(fmt, [])]
    return out


def legacy_rows() -> list[dict[str, Any]]:
    """Legacy rows, section headings with a value of their own included."""
    layout = data("layouts.toml")["legacy"]
    own = [
        {"id": s["id"], "column": s.get("column"), "section": s["section"], "labels": s["labels"]}
        for s in layout["sections"]
        if "id" in s
    ]
    return list(layout["rows"]) + own


class TestIdsExist:
    """Every id the layouts name is an indicator of the taxonomy."""

    def test_t3_rows(self) -> None:
        missing = [
            r["id"] for r in data("layouts.toml")["t3"]["rows"] if r["id"] not in indicators()
        ]
        assert missing == []

    def test_t4_columns(self) -> None:
        ids = {ident for ident, _ in data("layouts.toml")["t4"]["columns"]}
        assert ids - set(indicators()) == set()

    def test_legacy_rows_and_sections(self) -> None:
        missing = [r["id"] for r in legacy_rows() if r["id"] not in indicators()]
        assert missing == []

    def test_t2_rows_name_cells(self) -> None:
        """Every 表二 row names at least one indicator through its block's columns."""
        cells: dict[str, set[str]] = defaultdict(set)
        for _, row, cell in t2_cells():
            cells[row].add(cell)
        empty = [row for row, ids in cells.items() if not ids & set(indicators())]
        assert empty == []

    def test_parents_exist(self) -> None:
        orphans = [
            (i["id"], i["parent"])
            for i in indicators().values()
            if i.get("parent") and i["parent"] not in indicators()
        ]
        assert orphans == []

    def test_ids_unique(self) -> None:
        ids = [i["id"] for i in data("taxonomy.toml")["indicator"]]
        assert len(ids) == len(set(ids))


class TestColumns:
    """Layout columns are the dimension members of the taxonomy."""

    def test_t3_columns_are_the_applicant_members(self) -> None:
        members = [m["key"] for m in data("taxonomy.toml")["dimensions"]["applicant"]["members"]]
        assert data("layouts.toml")["t3"]["columns"] == members

    def test_t4_columns_are_case_results(self) -> None:
        members = [m["key"] for m in data("taxonomy.toml")["dimensions"]["case_result"]["members"]]
        columns = data("layouts.toml")["t4"]["columns"]
        assert len(columns) == 15
        for ident, member in columns:
            assert member in members, (ident, member)
            assert indicators()[ident].get("dims") == "case_result", ident

    def test_legacy_columns_are_members(self) -> None:
        dims = data("taxonomy.toml")["dimensions"]
        for row in legacy_rows():
            ind = indicators()[row["id"]]
            if row.get("column"):
                members = [m["key"] for m in dims[ind["dims"]]["members"]]
                assert row["column"] in members, row
            else:
                assert not ind.get("dims"), row


class TestLabels:
    """No label variant is claimed by two rows of the same table and context."""

    @staticmethod
    def _claims() -> dict[tuple[str, str, str | None, str | None], set[str]]:
        claims: dict[tuple[str, str, str | None, str | None], set[str]] = defaultdict(set)
        layout = data("layouts.toml")
        for index, block in enumerate(layout["t2"]):
            for row in block["rows"]:
                for label in row["labels"]:
                    # 表二 rows are unique per table: the block (caption) is not needed to tell.
                    claims[("t2", core(key(label)), None, None)].add(f"{row['row']}@{index}")
        for row in layout["t3"]["rows"]:
            for label in row.get("labels", []):
                claims[("t3", core(key(label)), None, row.get("group"))].add(row["id"])
            for label in row.get("exact", []):
                claims[("t3-exact", key(label), None, row.get("group"))].add(row["id"])
        for row in legacy_rows():
            for label in row.get("labels", []):
                name = row["id"] + (f"[{row['column']}]" if row.get("column") else "")
                claims[("legacy", core(key(label)), row.get("section"), None)].add(name)
        return claims

    def test_no_variant_maps_to_two_rows(self) -> None:
        conflicts = {k: v for k, v in self._claims().items() if len(v) > 1}
        assert conflicts == {}

    def test_section_free_legacy_labels_are_not_shadowed(self) -> None:
        """A legacy label without a section is not also a sectioned label of another row."""
        claims = self._claims()
        free = {k[1]: v for k, v in claims.items() if k[0] == "legacy" and k[2] is None}
        for (table, label, section, _), rows in claims.items():
            if table == "legacy" and section is not None and label in free:
                assert free[label] == rows, (label, section)

    def test_variants_are_not_empty_after_normalisation(self) -> None:
        """A variant that normalises to nothing would match nothing (or everything)."""
        assert all(label for (_, label, _, _) in self._claims())

    def test_group_and_section_headings_are_not_row_labels(self) -> None:
        """A 表三 group heading is not a row variant of another group (except （六） of 2019)."""
        layout = data("layouts.toml")
        rows = {core(key(v)): r["id"] for r in layout["t3"]["rows"] for v in r.get("labels", [])}
        shared = {
            core(key(label)): rows[core(key(label))]
            for g in layout["t3"]["groups"]
            for label in g["labels"]
            if core(key(label)) in rows
        }
        assert shared == {"其他处理": "requests.outcome.other"}


class TestPatterns:
    """Every pattern compiles and picks the row it is written for."""

    def test_legacy_patterns_compile(self) -> None:
        for row in legacy_rows():
            for pattern in row.get("patterns", []):
                re.compile(pattern)

    def test_textnorm_patterns_compile(self) -> None:
        for pattern, _ in data("textnorm.toml")["tw_phrases"]:
            re.compile(pattern)

    def test_t2s_maps_no_ascii(self) -> None:
        # to_simplified leaves ASCII text alone without looking it up.
        text = resources.files("govreport_parse.data").joinpath("t2s.tsv").read_text("utf-8")
        rows = (r for r in text.splitlines() if r and not r.startswith("#"))
        assert not [r for r in rows if r.split("\t")[0].isascii()]

    @pytest.mark.parametrize(
        ("label", "column"),
        [
            ("(一)县政府(开发区)及其部门门户网站", "gov_and_departments"),
            ("(二)乡镇政府(街道办事处)门户网站", "township_subdistrict"),
            ("(一)市政府及其部门", "gov_and_departments"),
            ("(二)街道办事处", "township_subdistrict"),
            ("1.区政府及其部门", "gov_and_departments"),
            ("2、苏木乡镇", "township_subdistrict"),
        ],
    )
    def test_level_patterns_pick_one_column(self, label: str, column: str) -> None:
        """The level patterns of 八/十/十一 tell the issuer's own level from the townships."""
        for section in ("s8", "s10", "s11"):
            hits = {
                row["column"]
                for row in legacy_rows()
                if row.get("section") == section
                for pattern in row.get("patterns", [])
                if re.search(pattern, key(label))
            }
            assert hits == {column}, (section, label)

    def test_detection_cues_are_normalised(self) -> None:
        """Cues are compared with normalised text, so they must be written normalised."""
        for fmt, cues in data("layouts.toml")["detect"].items():
            assert fmt in FORMATS
            for cue in cues:
                assert key(cue) == cue, cue

    def test_cues_and_phrases_are_chinese(self) -> None:
        # The tables stage reads no cue in ASCII text: normalising it gives ASCII, no phrase
        # applies to it, and every cue holds a Chinese character.
        layouts = data("layouts.toml")
        cues = [c for group in (layouts["detect"], layouts["cues"]) for c in group.values()]
        assert not [cue for cue in itertools.chain(*cues) if cue.isascii()]
        phrases = data("textnorm.toml")["tw_phrases"]
        assert not [p for p, _ in phrases if re.sub(r"\(\?.*?\)", "", p).isascii()]


class TestReachability:
    """Every non-derived indicator of a format can come out of some layout row."""

    @staticmethod
    def _reachable() -> dict[str, set[tuple[str, str | None]]]:
        """Format → the ``(id, column)`` cells the layouts can produce."""
        out: dict[str, set[tuple[str, str | None]]] = defaultdict(set)
        layout = data("layouts.toml")
        for fmt, _, cell in t2_cells():
            if cell in indicators():
                out[fmt].add((cell, None))
        for fmt in ("fmt2019", "fmt2021"):
            for row in layout["t3"]["rows"]:
                if fmt in row.get("group_in", []):
                    continue
                out[fmt].update((row["id"], col) for col in layout["t3"]["columns"])
            out[fmt].update((ident, col) for ident, col in layout["t4"]["columns"])
        for row in legacy_rows():
            ind = indicators()[row["id"]]
            column = row.get("column") or ("total" if ind.get("dims") else None)
            out["legacy2014"].add((row["id"], column))
        return out

    @staticmethod
    def _groups_in(fmt: str) -> set[str]:
        """Rows printed as a group heading, without values, in ``fmt`` (derived there)."""
        rows = data("layouts.toml")["t3"]["rows"]
        return {r["id"] for r in rows if fmt in r.get("group_in", [])}

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_every_indicator_of_the_format(self, fmt: str) -> None:
        reachable = {ident for ident, _ in self._reachable()[fmt]}
        wanted = {
            i["id"]
            for i in indicators().values()
            if fmt in i.get("formats", []) and not i.get("derived")
        }
        assert wanted - self._groups_in(fmt) - reachable == set()

    def test_group_headings_are_derived_in_the_spec(self, spec: dict[str, Any]) -> None:
        """A row the layouts print as a group heading in a format is derived there in the spec."""
        by_id = {i["id"]: i for i in spec["indicators"]}
        for fmt in ("fmt2019", "fmt2021"):
            for ident in self._groups_in(fmt):
                assert by_id[ident]["formats"][fmt].get("derived") is True, (fmt, ident)

    @pytest.mark.parametrize("fmt", ["fmt2019", "fmt2021"])
    def test_every_applicant_column(self, fmt: str) -> None:
        """表三 rows fill every applicant member; 表四 every case result of its three blocks."""
        reachable = self._reachable()[fmt]
        members = [m["key"] for m in data("taxonomy.toml")["dimensions"]["applicant"]["members"]]
        for ident, ind in indicators().items():
            if ind.get("dims") == "applicant" and fmt in ind["formats"] and not ind.get("derived"):
                if ident in self._groups_in(fmt):
                    continue  # a group heading in that format: its sub-rows are printed instead
                assert {(ident, m) for m in members} <= reachable, ident

    def test_legacy_dimension_members(self) -> None:
        """Legacy 四/五/六 fill total and the three results (no 尚未审结); 八/十/十一 all levels."""
        reachable = self._reachable()["legacy2014"]
        expected = {
            "review": {"total", "upheld", "corrected", "other"},
            "litigation.all": {"total", "upheld", "corrected", "other"},
            "complaints": {"total", "upheld", "corrected", "other"},
            "websites": {"total", "gov_and_departments", "township_subdistrict"},
            "reading_points": {"total", "gov_and_departments", "township_subdistrict"},
            "reading_points_visitors": {"total", "gov_and_departments", "township_subdistrict"},
            "requests.received": {"total"},
        }
        for ident, columns in expected.items():
            assert {c for i, c in reachable if i == ident} == columns, ident

    def test_loaders_agree(self) -> None:
        """The package's own loaders read the same files without complaint."""
        assert set(taxonomy().indicators) == set(indicators())
        assert len(layouts().t3_columns) == 7
        assert len(layouts().t4_columns) == 15


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The specification's taxonomy (tests using it skip without ../shared)."""
    if not SPEC_TAXONOMY.is_file():
        pytest.skip("../shared/spec/taxonomy.yaml is not available")
    import yaml  # pytest-regressions' dependency; only needed with ../shared

    loaded: dict[str, Any] = yaml.safe_load(SPEC_TAXONOMY.read_text(encoding="utf-8"))
    return loaded


class TestSharedSpec:
    """The package uses the binding vocabulary of the project's taxonomy specification."""

    def test_every_spec_indicator_exists(self, spec: dict[str, Any]) -> None:
        ids = {i["id"] for i in spec["indicators"]}
        assert ids - set(indicators()) == set()

    def test_formats_derived_and_parents_agree(self, spec: dict[str, Any]) -> None:
        ours = indicators()
        for item in spec["indicators"]:
            mine = ours[item["id"]]
            assert set(item.get("formats") or {}) == set(mine.get("formats", [])), item["id"]
            assert bool(item.get("derived")) == bool(mine.get("derived")), item["id"]
            assert item.get("parent") == mine.get("parent"), item["id"]

    def test_dimension_members(self, spec: dict[str, Any]) -> None:
        """The printed (non-derived) member keys of each dimension, in order."""
        ours = data("taxonomy.toml")["dimensions"]
        for name, dim in spec["dimensions"].items():
            keys = [m["key"] for m in dim["members"] if not m.get("derived")]
            assert [m["key"] for m in ours[name]["members"]] == keys, name

    def test_format_keys(self, spec: dict[str, Any]) -> None:
        assert set(spec["formats"]) == set(FORMATS)
