"""Numbered narrative sections (一、总体情况 …) with their text and a canonical kind."""

from __future__ import annotations

from .state import Document

__all__ = ["extract"]


def extract(doc: Document) -> None:
    """Find the numbered section headings of the page."""
    return None
