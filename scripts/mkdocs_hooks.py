"""mkdocs hooks: stand-ins for pages reserved in the navigation but not written yet.

``docs/batch.md`` and ``docs/querying.md`` are written alongside the batch command. Until they
exist, a short placeholder is generated in their place so that the navigation and the links to
them work and ``mkdocs build --strict`` stays strict about every other broken link. Once a real
file is there, this hook does nothing.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

RESERVED = {
    "batch.md": (
        "Batch processing",
        "How to parse a folder or an archive of pages into one SQLite, Parquet or JSONL file "
        "with `govreport-parse batch`.",
    ),
    "querying.md": (
        "Querying the results",
        "How to query the tables that `govreport-parse batch` writes.",
    ),
}


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    """Add a placeholder for each reserved page that is missing."""
    for src_uri, (title, what) in RESERVED.items():
        if files.get_file_from_path(src_uri) is None:
            content = (
                f"# {title}\n\n"
                f'!!! note "This page is being written"\n\n'
                f"    {what} Until it is here, see the [quickstart](quickstart.md) and the "
                f"[command line reference](cli.md).\n"
            )
            files.append(File.generated(config, src_uri, content=content))
    return files
