"""Pages and worker functions shared by the batch tests (importable by worker processes)."""

from __future__ import annotations

import os
import time

from govreport_parse.archive import Member
from govreport_parse.batch import parse_member
from govreport_parse.exporters import Parsed


def page(received: int, closed: int = 1, title: str = "") -> str:
    """A small legacy-format page whose two numbers identify it."""
    return (
        f"{title}\n统计指标 | 单位 | 统计数\n三、依申请公开情况 | |\n"
        f"（一）收到申请数 | 件 | {received}\n（二）申请办结数 | 件 | {closed}\n"
    )


def misbehaving_parse(member: Member) -> Parsed:
    """Parse like the batch does, but hang, crash or raise on pages that ask for it."""
    data = member.data or b""
    if b"HANG" in data:
        time.sleep(600)
    if b"CRASH" in data:
        os._exit(7)
    if b"RAISE" in data:
        raise RuntimeError("the parser gave up")
    return parse_member(member)


def bulky_parse(member: Member) -> Parsed:
    """Parse a page and pad its stored JSON: results as big as the pages they come from."""
    data = member.data or b""
    parsed = parse_member(Member(path=member.path, data=data[:2000]))
    parsed.row["report_json"] = parsed.row["report_json"][:-1] + ', "pad": "' + "x" * len(data)
    parsed.row["report_json"] += '"}'
    return parsed
