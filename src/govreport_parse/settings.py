"""Typed, commented constants: every limit and tolerance the parser uses, in one place.

Nothing here is read from the environment; callers who need other limits pass them explicitly
where an API offers it. Each exceeded limit becomes an :class:`~govreport_parse.models.Issue`.
"""

from __future__ import annotations

from typing import Final

#: Version of the output contract (``Report.schema_version``).
SCHEMA_VERSION: Final = "1.0"

#: Inputs larger than this many bytes are cut to it before parsing (issue ``input_truncated``).
#: Real report pages are below 2 MB; 50 MB pages are layout accidents or junk.
MAX_INPUT_BYTES: Final = 16 * 1024 * 1024

#: At most this many characters of one line are looked at (longer lines are cut; a line of a
#: million pipes is page furniture, not a table).
MAX_LINE_CHARS: Final = 20_000

#: At most this many cells are kept from one line or one HTML table row.
MAX_CELLS_PER_LINE: Final = 400

#: At most this many lines (text rendering) are tokenized.
MAX_LINES: Final = 200_000

#: HTML nesting beyond this depth is flattened into its parent's text.
MAX_HTML_DEPTH: Final = 256

#: Bytes looked at when sniffing the kind (HTML or text) and a declared charset.
SNIFF_BYTES: Final = 4096

#: Codec used when nothing else fits; undecodable bytes become U+FFFD.
DEFAULT_ENCODING: Final = "utf-8"

#: Share of U+FFFD (or C0 control) characters above which decoded text counts as binary junk.
BINARY_RATIO: Final = 0.30

#: Share of U+FFFD characters above which decoded text is reported as mojibake.
MOJIBAKE_RATIO: Final = 0.002

#: Seconds a single regular expression may run on untrusted text (``regex`` module timeout).
REGEX_TIMEOUT: Final = 0.5

#: Lines from the top of the page searched for the metadata header and the title.
HEADER_SEARCH_LINES: Final = 80

#: Lines from the top of the page searched for the text's own naming of the report (its body
#: and year) when the title does not give them: the preface, the statistics period, the table
#: title. PDF text wraps a preface over many short lines.
REPORT_SEARCH_LINES: Final = 250

#: Non-blank lines at the end of the page searched for a signature block (issuer, then date).
SIGNATURE_SEARCH_LINES: Final = 12

#: Absolute tolerance of a sum rule: integer counts must add up exactly; amounts in 万元 may be
#: rounded by the issuer to two decimals.
SUM_TOLERANCE: Final = 0.011

#: Minimum length (characters, after normalisation) of a truncated label accepted as a prefix
#: of a known label.
MIN_PREFIX_LABEL: Final = 4
