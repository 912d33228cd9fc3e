"""Print a short summary of a batch database (used by ``make demo``).

Usage: python scripts/summarize.py demo.sqlite
"""

from __future__ import annotations

import sqlite3
import sys


def main(path: str) -> None:
    conn = sqlite3.connect(path)
    print(f"{path}:")
    for table in ("reports", "indicator_values", "issues", "failures"):
        # Table names are fixed literals here; values would go through parameters.
        (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        print(f"  {table:<17}{count:>6} rows")
    print()
    head = f"{'page':<40}{'year':>5}  {'format':<11}{'values':>7}{'received':>9}{'issues':>7}"
    print(f"  {head}  agency")
    rows = conn.execute(
        """
        SELECT r.path, r.year, r.format, r.n_indicators, v.value, r.n_issues, r.agency
        FROM reports r
        LEFT JOIN indicator_values v
          ON v.report_id = r.report_id
         AND v.indicator = 'requests.received'
         AND (v."column" = 'total' OR v."column" IS NULL)
        ORDER BY r.path
        """
    )
    for path_, year, fmt, n_values, received, n_issues, agency in rows:
        name = path_.rsplit("/", 1)[-1]
        shown = "" if received is None else f"{received:g}"
        print(
            f"  {name:<40}{year or '':>5}  {fmt:<11}{n_values:>7}{shown:>9}{n_issues:>7}"
            f"  {agency or ''}"
        )
    failures = conn.execute("SELECT path, kind, error FROM failures ORDER BY path").fetchall()
    for path_, kind, error in failures:
        print(f"  failed: {path_} ({kind}): {error}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "demo.sqlite")
