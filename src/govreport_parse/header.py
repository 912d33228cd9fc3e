"""The metadata header (索引号, 发布机构, 成文日期 …) and the report's title, agency and year."""

from __future__ import annotations

from .state import Document

__all__ = ["extract"]


def extract(doc: Document) -> None:
    """Read the page header."""
    return None
