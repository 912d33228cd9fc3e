"""Replay every input the fuzzer ever flagged (``fixtures/fuzz/``) and the fuzzing seeds.

``make fuzz`` writes each crashing, hanging or memory-hungry input under ``fixtures/fuzz/``;
once committed it stays here as a regression case, whatever fixed it. An input is replayed the
way the harness feeds it (bytes, text, lxml tree) and must keep the report's invariants.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from govreport_parse import Report, parse

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted(
    p
    for folder in (ROOT / "fixtures" / "fuzz", ROOT / "fuzz" / "seeds")
    if folder.is_dir()
    for p in folder.iterdir()
    if p.is_file() and not p.name.startswith((".", "README"))
)


def check(report: Report) -> None:
    keys = [(i.id, i.column) for i in report.indicators]
    assert len(keys) == len(set(keys))
    for item in report.indicators:
        assert item.line is not None
        assert item.line >= 1
    report.model_dump_json()


def test_there_are_cases() -> None:
    """The seeds are always there, so the replay can never silently run on nothing."""
    assert len(CASES) >= 4


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_replay(path: Path) -> None:
    """The input parses as bytes, as text and as a tree without breaking an invariant."""
    data = path.read_bytes()
    check(parse(data))
    check(parse(data.decode("utf-8", errors="replace")))
    if b"<" in data[:64]:
        try:
            root = lxml.html.fromstring(data)
        except Exception:  # lxml's own refusals are not findings
            return
        check(parse(root))
