"""Load and check the package's data files: the taxonomy and the table layouts.

``data/taxonomy.toml`` defines the indicator ids (with labels, units, dimensions and parents);
``data/layouts.toml`` says where each indicator sits in each official table format and which
label variants real pages print. Both are loaded once (``functools.cache``) and validated:
a malformed data file raises :class:`~govreport_parse.exceptions.TaxonomyError` at load time.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .exceptions import TaxonomyError

__all__ = [
    "FORMATS",
    "Dimension",
    "Indicator",
    "Layouts",
    "Taxonomy",
    "layouts",
    "taxonomy",
]

#: The official table formats, in the order of their introduction.
FORMATS = ("legacy2014", "fmt2019", "fmt2021")

_INDICATOR_KEYS = frozenset(
    [
        "id",
        "label",
        "unit",
        "dims",
        "parent",
        "relation",
        "derived",
        "value_type",
        "formats",
        "notes",
    ]
)
_RELATIONS = frozenset(["partition", "subset", "overlapping_breakdown"])
_VALUE_TYPES = frozenset(["count", "signed_count", "amount"])
_ID = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$")


@dataclass(frozen=True, slots=True)
class Dimension:
    """A dimension: the members that name the columns of a table."""

    name: str
    description: str
    members: tuple[tuple[str, str], ...]
    """(key, Chinese label) pairs, in column order."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.members)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One canonical indicator."""

    id: str
    label: str
    unit: str | None
    dims: str | None = None
    parent: str | None = None
    relation: str | None = None
    derived: bool = False
    value_type: str = "count"
    formats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """All indicators and dimensions, by id."""

    indicators: dict[str, Indicator]
    dimensions: dict[str, Dimension]

    def children(self, parent: str) -> list[Indicator]:
        """The indicators whose parent is ``parent``, in file order."""
        return [i for i in self.indicators.values() if i.parent == parent]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("govreport_parse.data").joinpath(name).read_text(encoding="utf-8")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{name}: {exc}") from exc


@cache
def taxonomy() -> Taxonomy:
    """The taxonomy of ``data/taxonomy.toml`` (loaded and checked once)."""
    data = _read("taxonomy.toml")
    dims = {
        name: Dimension(
            name,
            str(d.get("description", "")),
            tuple((str(m["key"]), str(m["label"])) for m in d["members"]),
        )
        for name, d in data.get("dimensions", {}).items()
    }
    indicators: dict[str, Indicator] = {}
    for raw in data.get("indicator", []):
        unknown = set(raw) - _INDICATOR_KEYS
        if unknown:
            raise TaxonomyError(f"indicator {raw.get('id')!r}: unknown keys {sorted(unknown)}")
        ident = raw.get("id", "")
        if not _ID.match(ident):
            raise TaxonomyError(f"bad indicator id {ident!r}")
        if ident in indicators:
            raise TaxonomyError(f"duplicate indicator id {ident!r}")
        if raw.get("dims") and raw["dims"] not in dims:
            raise TaxonomyError(f"{ident}: unknown dimension {raw['dims']!r}")
        if raw.get("relation") and raw["relation"] not in _RELATIONS:
            raise TaxonomyError(f"{ident}: unknown relation {raw['relation']!r}")
        value_type = raw.get("value_type", "count")
        if value_type not in _VALUE_TYPES:
            raise TaxonomyError(f"{ident}: unknown value_type {value_type!r}")
        formats = tuple(raw.get("formats", ()))
        if set(formats) - set(FORMATS):
            raise TaxonomyError(f"{ident}: unknown format in {formats}")
        unit = raw.get("unit")
        indicators[ident] = Indicator(
            id=ident,
            label=raw["label"],
            unit=None if unit in (None, "unspecified") else unit,
            dims=raw.get("dims"),
            parent=raw.get("parent"),
            relation=raw.get("relation"),
            derived=bool(raw.get("derived", False)),
            value_type=value_type,
            formats=formats,
        )
    for ind in indicators.values():
        if ind.parent and ind.parent not in indicators:
            raise TaxonomyError(f"{ind.id}: parent {ind.parent!r} is not an indicator")
    return Taxonomy(indicators, dims)


# ----------------------------------------------------------------------------------------------
# Layouts


@dataclass(frozen=True, slots=True)
class RowDef:
    """A row of an official table, and how to recognise its label."""

    table: str
    """``legacy``, ``t2``, ``t3`` or ``t4``."""

    name: str
    """Indicator id (legacy, 表三), or the row prefix of 表二 cells (``proactive.rules``)."""

    label: str
    """Display label (the first variant)."""

    column: str | None = None
    """Fixed dimension member (legacy rows of dimensioned indicators)."""

    section: str | None = None
    """Legacy section the label is restricted to."""

    block: int | None = None
    """Index of the 表二 block."""

    group: str | None = None
    """表三 group the label is restricted to."""

    group_in: frozenset[str] = frozenset()
    """Formats in which this label is a group heading rather than a row."""


@dataclass(frozen=True, slots=True)
class Block:
    """A 表二 block: its caption and its columns in each format."""

    caption: str
    columns: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class Layouts:
    """Everything ``data/layouts.toml`` says, indexed for lookup (see :mod:`labels`)."""

    rows: list[RowDef] = field(default_factory=list)
    labels: dict[str, list[tuple[str, RowDef]]] = field(default_factory=dict)
    """Label variants (raw) per row, as (variant, row) pairs keyed by table."""
    exact: list[tuple[str, RowDef]] = field(default_factory=list)
    patterns: list[tuple[re.Pattern[str], RowDef]] = field(default_factory=list)
    sections: list[tuple[str, str, RowDef | None]] = field(default_factory=list)
    """(label, section key, row of the heading's own value)."""
    groups: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    t3_columns: tuple[str, ...] = ()
    t4_columns: tuple[tuple[str, str], ...] = ()
    detect: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)


@cache
def layouts() -> Layouts:
    """The table layouts of ``data/layouts.toml`` (loaded and checked once)."""
    data = _read("layouts.toml")
    tax = taxonomy()
    out = Layouts()
    out.detect = {k: tuple(v) for k, v in data["detect"].items()}
    out.cues = {k: tuple(v) for k, v in data["cues"].items()}

    def add(row: RowDef, labels: list[str], exact: list[str] = ()) -> None:  # type: ignore[assignment]
        out.rows.append(row)
        for label in labels:
            out.labels.setdefault(row.table, []).append((label, row))
        out.exact.extend((e, row) for e in exact)

    def check_id(ident: str) -> None:
        if ident not in tax.indicators:
            raise TaxonomyError(f"layouts.toml names unknown indicator {ident!r}")

    for index, block in enumerate(data["t2"]):
        columns = {fmt: tuple(block[fmt]) for fmt in ("fmt2019", "fmt2021") if fmt in block}
        out.blocks.append(Block(block["block"], columns))
        for spec in block["rows"]:
            cells = {f"{spec['row']}.{c}" for cols in columns.values() for c in cols}
            if not cells & set(tax.indicators):
                raise TaxonomyError(f"layouts.toml: 表二 row {spec['row']!r} names no indicator")
            add(RowDef("t2", spec["row"], spec["labels"][0], block=index), spec["labels"])

    t3 = data["t3"]
    out.t3_columns = tuple(t3["columns"])
    out.groups = [(label, g["group"]) for g in t3["groups"] for label in g["labels"]]
    for spec in t3["rows"]:
        check_id(spec["id"])
        label = (spec.get("labels") or spec.get("exact"))[0]
        row = RowDef(
            "t3",
            spec["id"],
            label,
            group=spec.get("group"),
            group_in=frozenset(spec.get("group_in", ())),
        )
        add(row, spec.get("labels", []), spec.get("exact", []))

    out.t4_columns = tuple((ident, col) for ident, col in data["t4"]["columns"])
    for ident, _ in out.t4_columns:
        check_id(ident)

    legacy = data["legacy"]
    for spec in legacy["sections"]:
        own = None
        if "id" in spec:
            check_id(spec["id"])
            own = RowDef(
                "legacy",
                spec["id"],
                spec["labels"][0],
                column=spec.get("column"),
                section=spec["section"],
            )
        out.sections.extend((label, spec["section"], own) for label in spec["labels"])
    for spec in legacy["rows"]:
        check_id(spec["id"])
        labels = spec.get("labels", [])
        row = RowDef(
            "legacy",
            spec["id"],
            labels[0] if labels else spec["patterns"][0],
            column=spec.get("column"),
            section=spec.get("section"),
        )
        add(row, labels)
        for pattern in spec.get("patterns", []):
            try:
                out.patterns.append((re.compile(pattern), row))
            except re.error as exc:
                raise TaxonomyError(f"layouts.toml: bad pattern {pattern!r}: {exc}") from exc
    return out
