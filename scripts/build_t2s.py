"""Build ``src/govreport_parse/data/t2s.tsv``, the traditional → simplified character map.

The map is derived from OpenCC's dictionaries (Apache License 2.0, https://github.com/BYVoid/OpenCC),
as shipped in the ``opencc-python-reimplemented`` wheel: ``TSCharacters.txt`` (first candidate of
each character) composed with ``TWVariantsRev.txt`` and ``HKVariantsRev.txt`` (regional variant
forms such as 爲 → 為). Only single characters are kept: the parser converts with ``str.translate``.

Usage::

    pip download opencc-python-reimplemented==0.1.7 --no-deps -d /tmp/occ
    python scripts/build_t2s.py /tmp/occ/opencc_python_reimplemented-0.1.7-py2.py3-none-any.whl
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "govreport_parse" / "data" / "t2s.tsv"


def read_pairs(zf: zipfile.ZipFile, name: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for raw in zf.read(f"opencc/dictionary/{name}").decode("utf-8").splitlines():
        if "\t" not in raw:
            continue
        src, dst = raw.split("\t", 1)
        first = dst.split(" ")[0]
        if len(src) == 1 and len(first) == 1 and src != first:
            pairs[src] = first
    return pairs


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        chars = read_pairs(zf, "TSCharacters.txt")
        variants = {**read_pairs(zf, "HKVariantsRev.txt"), **read_pairs(zf, "TWVariantsRev.txt")}
    table = dict(chars)
    for src, dst in variants.items():
        table.setdefault(src, chars.get(dst, dst))
    lines = [
        "# Traditional → simplified characters, derived from OpenCC (Apache-2.0) by",
        "# scripts/build_t2s.py: TSCharacters composed with TW/HK variant folding. Do not edit.",
    ]
    lines += [f"{s}\t{t}" for s, t in sorted(table.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} characters to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
