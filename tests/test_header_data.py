"""Integrity of the vocabularies of the header and sections stages (their TOML data files)."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import pytest
import regex

from govreport_parse.textnorm import key


def _load(name: str) -> dict[str, Any]:
    text = resources.files("govreport_parse.data").joinpath(name).read_text("utf-8")
    return tomllib.loads(text)


HEADER = _load("header.toml")
SECTIONS = _load("sections.toml")


def _label_groups() -> list[tuple[str, str]]:
    return [
        (name, label)
        for group in ("fields", "other_fields")
        for name, labels in HEADER[group].items()
        for label in labels
    ]


def test_canonical_fields_are_the_output_fields() -> None:
    """``[fields]`` names exactly the metadata fields of the output contract."""
    assert sorted(HEADER["fields"]) == sorted(
        [
            "index_number",
            "category",
            "publisher",
            "document_number",
            "written_date",
            "published_date",
        ]
    )


def test_no_label_names_two_fields() -> None:
    """Every label variant (by matching key) belongs to one field only."""
    owner: dict[str, str] = {}
    clashes = []
    for name, label in _label_groups():
        k = key(label)
        if owner.setdefault(k, name) != name:
            clashes.append((label, owner[k], name))
    assert clashes == []


def test_labels_are_written_as_keys() -> None:
    """Labels are listed simplified and without spaces, as they are matched."""
    assert [label for _, label in _label_groups() if key(label) != label] == []


def test_source_is_not_a_publisher() -> None:
    """来源 / 信息来源 stay out of the publisher field, as the output contract says."""
    assert not {"来源", "信息来源"} & set(HEADER["fields"]["publisher"])


def test_chrome_labels_are_not_header_labels() -> None:
    """A page-chrome label is never also a header label."""
    labels = {key(label) for _, label in _label_groups()}
    assert sorted(labels & {key(x) for x in HEADER["furniture"]["labels"]}) == []


def _patterns() -> list[str]:
    title, agency, year = HEADER["title"], HEADER["agency"], HEADER["year"]
    found = [
        *HEADER["values"]["placeholders"],
        *HEADER["values"]["document_number_garbage"],
        *HEADER["furniture"]["lines"],
        *HEADER["furniture"]["title_prefixes"],
        title["shape"],
        *title["not"],
        *title["strip"],
        title["separators"],
        agency["title_split"],
        agency["title_split_noyear"],
        *(p for p, _ in agency["restore"]),
        *agency["strip"],
        *agency["org_not"],
        *year["patterns"],
        year["sentence"],
    ]
    found += [
        p.replace("{org}", "(?P<org>x)").replace("{year}", "(?P<year>1)")
        for p in (*agency["preface"], agency["subject"])
    ]
    found += [p for kind in SECTIONS["kinds"] for p in kind["patterns"]]
    return found


@pytest.mark.parametrize("pattern", _patterns())
def test_patterns_compile(pattern: str) -> None:
    """Every pattern of the vocabularies is a valid regular expression."""
    assert regex.compile(pattern) is not None


def test_templates_name_their_parts() -> None:
    """Naming patterns use ``{org}``; year patterns capture ``year``."""
    assert all("{org}" in p for p in (*HEADER["agency"]["preface"], HEADER["agency"]["subject"]))
    assert all("(?P<year>" in p for p in (*HEADER["year"]["patterns"], HEADER["year"]["sentence"]))


def test_section_kinds_are_unique_keys() -> None:
    """Section kinds are distinct snake_case keys."""
    keys = [kind["key"] for kind in SECTIONS["kinds"]]
    assert len(keys) == len(set(keys))
    assert all(k.isidentifier() and k == k.lower() for k in keys)
