"""Time the header and sections stages on pages given on the command line (or a built-in page).

Usage::

    python benchmarks/bench_header.py [PAGE ...]

Prints milliseconds per page for each stage; the stages must stay well under a millisecond or
two per page, since the parser runs on millions of pages.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from govreport_parse import header, sections
from govreport_parse.pipeline import STAGES
from govreport_parse.state import Document

SAMPLE = (
    "索 引 号 | 000014349/2017-00110 | 分 类 | 综合政务 |\n"
    "发布机构 | 某某区人民政府办公室 | 发文日期 | 2018-02-28 |\n"
    "文 号 | 有 效 性 |\n"
    "某某区人民政府2017年政府信息公开工作年度报告\n"
    + "一、总体情况\n"
    + "2017年,某某区人民政府办公室按照要求推进政务公开。\n" * 40
    + "二、主动公开政府信息情况\n规章 | 0 | 0 | 0 |\n"
)


def _prepared(data: bytes) -> Document:
    doc = Document(data=data)
    for _name, stage in STAGES[:2]:
        stage(doc)
    return doc


def main(paths: list[str]) -> None:
    pages = [Path(p).read_bytes() for p in paths] or [SAMPLE.encode("utf-8")] * 200
    docs = [_prepared(data) for data in pages]
    header.extract(docs[0])  # load the vocabularies once
    for name, stage in (("header", header.extract), ("sections", sections.extract)):
        start = time.perf_counter()
        for doc in docs:
            stage(doc)
        elapsed = time.perf_counter() - start
        print(f"{name:9s} {elapsed / len(docs) * 1000:.3f} ms/page over {len(docs)} pages")


if __name__ == "__main__":
    main(sys.argv[1:])
