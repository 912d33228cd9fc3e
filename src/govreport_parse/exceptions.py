"""The whole exception and warning hierarchy of govreport-parse, in one import-cycle-free module.

Content problems never raise: they become :class:`~govreport_parse.models.Issue` objects on the
report. Only ``parse(..., strict=True)`` turns the first error-severity issue into the matching
exception below. Misuse of the API (a wrong argument type) raises the usual built-ins.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "GovReportError",
    "GovReportWarning",
    "InputTooLargeError",
    "SumMismatchError",
    "TableError",
    "TaxonomyError",
    "UnknownLabelWarning",
]


class GovReportError(Exception):
    """Base class of every exception raised by govreport-parse.

    .. versionadded:: 0.1.0
    """

    code: str = "error"

    def __init__(self, message: str, *, code: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.line = line


class DecodeError(GovReportError):
    """Strict mode: the input bytes could not be decoded cleanly (binary data, heavy mojibake).

    .. versionadded:: 0.1.0
    """


class InputTooLargeError(GovReportError):
    """Strict mode: the input exceeded a limit of :mod:`govreport_parse.settings`.

    .. versionadded:: 0.1.0
    """


class TableError(GovReportError):
    """Strict mode: a statistical table was found but could not be read (truncated, ambiguous).

    .. versionadded:: 0.1.0
    """


class SumMismatchError(GovReportError):
    """Strict mode: printed numbers break a sum rule of the table format.

    .. versionadded:: 0.1.0
    """


class TaxonomyError(GovReportError):
    """A data file of the package is malformed (raised at load time, never for page content).

    .. versionadded:: 0.1.0
    """


class GovReportWarning(UserWarning):
    """Base class of the warnings govreport-parse may emit.

    .. versionadded:: 0.1.0
    """


class UnknownLabelWarning(GovReportWarning):
    """A table row label matched nothing in the taxonomy (emitted only on request).

    .. versionadded:: 0.1.0
    """
