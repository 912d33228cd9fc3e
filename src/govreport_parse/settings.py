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

#: At most this many characters of one line are looked at (issue ``line_truncated``; a line of
#: a million pipes is page furniture, not a table).
MAX_LINE_CHARS: Final = 20_000

#: At most this many cells are kept from one line or one HTML table row (issue
#: ``cells_truncated``). The widest official table has 15 value columns.
MAX_CELLS_PER_LINE: Final = 400

#: At most this many lines (text rendering) are tokenized (issue ``too_many_lines``).
MAX_LINES: Final = 200_000

#: At most this many rows of one HTML table, or consecutive lines with pipes in text, are read
#: (issue ``table_truncated``). The longest official table has about 90 rows (some 900 lines
#: when flattened one cell per line); page layouts nest a few hundred more.
MAX_TABLE_ROWS: Final = 5_000

#: How deep libxml2 builds the tree of parsed markup; what lies below is dropped (issue
#: ``markup_too_deep``). Only the issue's message uses it: the limit is libxml2's own.
MAX_HTML_DEPTH: Final = 256

#: At most this many issues of one code are kept; the rest are counted in one
#: ``issues_truncated`` issue (a table of 100,000 repeated rows must not give 100,000 issues).
MAX_ISSUES_PER_CODE: Final = 100

#: Bytes looked at when sniffing the kind (HTML or text) and a declared charset.
SNIFF_BYTES: Final = 4096

#: Non-ASCII characters of each candidate reading scored when the charset has to be detected.
DETECT_SAMPLE_CHARS: Final = 2048

#: Codec used when nothing else fits; undecodable bytes become U+FFFD.
DEFAULT_ENCODING: Final = "utf-8"

#: Share of U+FFFD and C0 control characters above which decoded input counts as binary junk
#: (issue ``binary_input``; the page is not parsed further). Text pages have none; random bytes
#: decoded as GB18030 have about a quarter.
BINARY_RATIO: Final = 0.10

#: Characters of the decoded text sampled for the binary-junk test.
BINARY_SAMPLE_CHARS: Final = 20_000

#: Fewest consecutive characters of text decoded with the wrong codec (UTF-8 as GBK, UTF-8 or
#: GBK as Latin-1) reported as ``mojibake``: shorter runs read as Chinese by chance too often.
MOJIBAKE_MIN_RUN: Final = 4

#: Seconds a single regular expression may run on untrusted text (``regex`` module timeout);
#: a pattern that times out counts as not matching and gives a ``regex_timeout`` issue.
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
