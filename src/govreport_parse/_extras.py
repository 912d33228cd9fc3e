"""Optional dependencies: import them on first use, or fail with one line naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "require"]


class MissingExtraError(ModuleNotFoundError):
    """A feature needs an optional dependency that is not installed.

    The message names the extra to install, e.g. ``pip install 'govreport-parse[parquet]'``.

    .. versionadded:: 0.1.0
    """


def require(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise :class:`MissingExtraError` saying which extra provides it.

    >>> require("json", "none", "testing").__name__
    'json'
    >>> require("no_such_module_here", "parquet", "writing Parquet")
    Traceback (most recent call last):
    ...
    govreport_parse._extras.MissingExtraError: writing Parquet needs the parquet extra: pip install 'govreport-parse[parquet]'
    """  # noqa: E501
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.split(".")[0] != exc.name.split(".")[0]:
            raise  # the package is there but broken: show the real error
        raise MissingExtraError(
            f"{purpose} needs the {extra} extra: pip install 'govreport-parse[{extra}]'",
            name=module,
        ) from exc
