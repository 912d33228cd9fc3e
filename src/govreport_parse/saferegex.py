"""Regular expressions from data files, safe to run on untrusted text.

Patterns written in code are reviewed for backtracking (bounded quantifiers, anchored, linear).
Patterns that come from the data files (``textnorm.toml`` phrases, and any a contributor adds)
are not: :class:`BoundedPattern` compiles a pattern with :mod:`re` when it has no quantifier at
all (literals, classes, alternations and lookarounds of them cannot backtrack more than their
length), and otherwise with the :mod:`regex` module, run with a timeout of
:data:`~govreport_parse.settings.REGEX_TIMEOUT` seconds. A pattern that times out counts as not
matching; the pipeline reports each document where that happened (issue ``regex_timeout``).
"""

from __future__ import annotations

import re
from typing import Any

import regex

from .settings import REGEX_TIMEOUT

__all__ = ["BoundedPattern", "could_backtrack", "forget", "timeouts"]

_ESCAPE = re.compile(r"\\.")
_CLASS = re.compile(r"\[\^?\]?[^\]]*\]")
_GROUP_FLAGS = re.compile(r"\(\?(?:[:=!>]|<[=!]|P?<\w+>|[aiLmsux-]+[:)])")
_QUANTIFIER = re.compile(r"[*+?{]")

_TIMEOUTS: list[str] = []


def could_backtrack(pattern: str) -> bool:
    """Whether ``pattern`` holds a quantifier or a back-reference (outside escapes and classes).

    >>> could_backtrack("档案(?!馆|室|局)"), could_backtrack(r"(a+)+$"), could_backtrack(r"\\(x\\)")
    (False, True, False)
    """
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        return True
    bare = _CLASS.sub("", _ESCAPE.sub("", pattern))
    bare = _GROUP_FLAGS.sub("(", bare)
    return _QUANTIFIER.search(bare) is not None


class BoundedPattern:
    """A compiled data-file pattern whose matching on untrusted text is bounded in time."""

    __slots__ = ("_compiled", "bounded", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.bounded = could_backtrack(pattern)
        self._compiled: Any = regex.compile(pattern) if self.bounded else re.compile(pattern)

    def search(self, text: str) -> Any:
        """``search`` that returns ``None`` when the time limit is hit."""
        if not self.bounded:
            return self._compiled.search(text)
        try:
            return self._compiled.search(text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            _TIMEOUTS.append(self.pattern)
            return None

    def sub(self, repl: str, text: str) -> str:
        """``sub`` that leaves ``text`` unchanged when the time limit is hit."""
        if not self.bounded:
            result: str = self._compiled.sub(repl, text)
            return result
        try:
            replaced: str = self._compiled.sub(repl, text, timeout=REGEX_TIMEOUT)
        except TimeoutError:
            _TIMEOUTS.append(self.pattern)
            return text
        return replaced


def timeouts() -> list[str]:
    """The patterns that hit the time limit since the last :func:`forget`."""
    return list(_TIMEOUTS)


def forget() -> None:
    """Clear the record of time-outs (the pipeline calls this around every document)."""
    _TIMEOUTS.clear()
