"""Read markdown-it-style fixture files: ``title / . / input / . / expected / .`` blocks.

A case is a title line, then ``.`` on its own line, the input, ``.``, the expected output, and
``.``. Cases are separated by blank lines. Each case keeps the line number of its title, which
serves as the pytest id, so a failure points at the file and line to edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    title: str
    input: str
    expected: str
    line: int

    @property
    def id(self) -> str:
        return f"L{self.line}: {self.title}"


def read_fixture_file(path: Path) -> list[Case]:
    """Parse one fixture file into cases."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and lines[i].strip() and lines[i + 1] == ".":
            title, start = lines[i].strip(), i + 1
            parts: list[list[str]] = [[], []]
            j = i + 2
            for part in parts:
                while j < len(lines) and lines[j] != ".":
                    part.append(lines[j])
                    j += 1
                j += 1
            cases.append(Case(title, "\n".join(parts[0]), "\n".join(parts[1]), start))
            i = j
        else:
            i += 1
    return cases
