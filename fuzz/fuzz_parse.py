"""Coverage-guided fuzzing of ``parse()`` with atheris (libFuzzer).

Each input is fed to ``parse`` as raw bytes, as text and as an lxml tree, and the report must
keep its invariants: no exception, ``(id, column)`` unique, a line for every indicator, output
that serialises. A violation is a crash; libFuzzer writes the input under ``fixtures/fuzz/``
(``-artifact_prefix``), where ``tests/test_fuzz_regressions.py`` replays it from then on.

Run with ``make fuzz`` (``FUZZ_SECONDS`` sets the time budget), or directly::

    python fuzz/fuzz_parse.py -max_total_time=60 -artifact_prefix=fixtures/fuzz/ CORPUS fuzz/seeds
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["govreport_parse"]):
    from govreport_parse import Report, parse

import lxml.html


def check(report: Report) -> None:
    """The invariants of every report (an AssertionError is a finding)."""
    keys = [(i.id, i.column) for i in report.indicators]
    assert len(keys) == len(set(keys)), f"duplicate (id, column): {keys}"
    for item in report.indicators:
        assert item.line is not None, f"indicator without line: {item}"
        assert item.line >= 1, f"indicator line below 1: {item}"
    report.model_dump_json()


def test_one_input(data: bytes) -> None:
    check(parse(data))
    text = data.decode("utf-8", errors="replace")
    check(parse(text))
    if b"<" in data[:64]:
        try:
            root = lxml.html.fromstring(data)
        except Exception:  # lxml's own refusals (empty document …) are not ours
            return
        check(parse(root))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
