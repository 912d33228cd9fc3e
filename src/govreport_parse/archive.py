"""Batch input: files, directories, zip, tar, WARC and JSONL → one :class:`Member` per page.

This is the only module that reads the filesystem for a batch. Everything streams: archives are
read in place, member by member, and never extracted to disk; each member is read with a size cap,
so a huge (or lying, or bomb-like) member becomes a :class:`Member` with an ``error`` instead of
exhausting memory. Member names are kept as data only: nothing is ever written to a path derived
from them.

A member's location (:attr:`Member.path`) is the container path as given, ``!`` and the name
inside it::

    pages/2019/report.html                 a file, or a file found under a directory argument
    crawl.zip!site/2019/report.html        a zip or tar member, its name exactly as stored
    crawl.warc.gz!<urn:uuid:7c1f…>         a WARC record, by its WARC-Record-ID
    scraped.jsonl!17                       line 17 (1-based) of a JSON Lines file

Which files count as pages: every file named on the command line, and inside directories and
archives the files whose suffix is in :data:`PAGE_SUFFIXES`; other files (images, scripts, nested
archives inside archives) are skipped and counted, not parsed.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import json
import lzma
import os
import tarfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any, Final

from ._extras import MissingExtraError, require

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DEFAULT_MAX_MEMBER_BYTES",
    "PAGE_SUFFIXES",
    "Member",
    "MissingExtraError",
    "SkipHandler",
    "count_members",
    "input_kind",
    "iter_members",
]

#: A member larger than this many bytes is not read: it becomes a failure (``too_large``).
#: The parser itself reads at most 16 MiB of a page; real report pages stay below 2 MiB.
DEFAULT_MAX_MEMBER_BYTES: Final = 32 * 1024 * 1024

#: Suffixes of the files taken as pages inside directories and archives (lower case).
PAGE_SUFFIXES: Final = frozenset(
    {".htm", ".html", ".shtml", ".xhtml", ".asp", ".aspx", ".jsp", ".php", ".txt", ".text"}
)

#: Container suffixes, longest first (``.tar.gz`` before ``.gz``).
ARCHIVE_SUFFIXES: Final = (
    (".warc.gz", "warc"),
    (".tar.gz", "tar"),
    (".tar.bz2", "tar"),
    (".tar.xz", "tar"),
    (".jsonl.gz", "jsonl"),
    (".warc", "warc"),
    (".tgz", "tar"),
    (".tar", "tar"),
    (".zip", "zip"),
    (".jsonl", "jsonl"),
)

#: Names inside archives that are never pages (resource forks, desktop junk).
_JUNK_PARTS: Final = frozenset({"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"})

#: Bytes read at a time when draining an over-long JSON line.
_DRAIN_CHUNK: Final = 1024 * 1024

#: Called with (location, reason) for each file or member that is not an input.
SkipHandler = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class Member:
    """One input of a batch: a page's bytes and where they came from, or why they could not be read.

    .. versionadded:: 0.1.0
    """

    path: str
    """Location: the container path as given, then ``!`` and the name inside it."""

    data: bytes | None
    """The page bytes; ``None`` when the member could not be read (see :attr:`error`)."""

    url: str | None = None
    """Page URL where the container records one (WARC target URI, a JSONL ``url`` field)."""

    date: str | None = None
    """When the page was fetched, where the container records it (WARC-Date, ISO 8601)."""

    encoding: str | None = None
    """Codec of :attr:`data` when known for certain (UTF-8 for text from JSON)."""

    error: str | None = None
    """Why the member could not be read, if so."""

    kind: str | None = None
    """Failure kind when :attr:`error` is set: ``too_large`` or ``unreadable``."""


def input_kind(name: str) -> str:
    """The container kind of a path by suffix: ``zip``, ``tar``, ``warc``, ``jsonl`` or ``page``.

    >>> input_kind("crawl.WARC.gz"), input_kind("a/b.tar.gz"), input_kind("x.html")
    ('warc', 'tar', 'page')
    """
    lower = name.lower()
    for suffix, kind in ARCHIVE_SUFFIXES:
        if lower.endswith(suffix):
            return kind
    return "page"


def _is_page_name(name: str) -> bool:
    pure = PurePosixPath(name.replace("\\", "/"))
    if any(part in _JUNK_PARTS or part.startswith("._") for part in pure.parts):
        return False
    return pure.suffix.lower() in PAGE_SUFFIXES


def _read_capped(stream: IO[bytes], cap: int) -> bytes | None:
    """Read a whole stream, or ``None`` as soon as it proves longer than ``cap`` bytes."""
    data = stream.read(cap + 1)
    return None if len(data) > cap else data


def _too_large(path: str, size: int | None, cap: int, **extra: Any) -> Member:
    shown = f"{size} bytes" if size is not None else "more bytes"
    return Member(
        path=path,
        data=None,
        error=f"member of {shown} exceeds the cap of {cap} bytes",
        kind="too_large",
        **extra,
    )


def _unreadable(path: str, exc: BaseException | str, **extra: Any) -> Member:
    text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return Member(path=path, data=None, error=text, kind="unreadable", **extra)


def iter_members(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_MEMBER_BYTES,
    on_skip: SkipHandler | None = None,
    read: bool = True,
) -> Iterator[Member]:
    """Yield every input page of ``inputs``, in order, one :class:`Member` at a time.

    ``inputs`` are files, directories (walked recursively in sorted order), zip and tar archives,
    WARC files and JSON Lines files (``url`` plus ``html`` or ``text`` per line). Memory stays
    bounded by ``max_bytes`` whatever the size of an archive. With ``read=False`` the members are
    listed without reading their content (``data`` is ``b""``), as for counting.

    Raises :class:`MissingExtraError` when a WARC file is met and ``warcio`` is not installed.
    """
    skip = on_skip or (lambda _path, _reason: None)
    for item in inputs:
        name = os.fspath(item)
        if os.path.isdir(name):
            yield from _iter_directory(name, max_bytes, skip, read)
        else:
            yield from _iter_path(name, max_bytes, skip, read)


def count_members(
    inputs: Iterable[str | os.PathLike[str]], *, max_bytes: int = DEFAULT_MAX_MEMBER_BYTES
) -> int:
    """How many members :func:`iter_members` yields for ``inputs``, reading names only."""
    return sum(1 for _ in iter_members(inputs, max_bytes=max_bytes, read=False))


def _iter_directory(root: str, cap: int, skip: SkipHandler, read: bool) -> Iterator[Member]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames.sort()
        for filename in sorted(filenames):
            path = os.path.join(dirpath, filename)
            if os.path.islink(path) and not os.path.exists(path):
                skip(path, "broken symbolic link")
                continue
            if input_kind(filename) == "page" and not _is_page_name(filename):
                skip(path, "not a page (suffix)")
                continue
            yield from _iter_path(path, cap, skip, read)


def _iter_path(path: str, cap: int, skip: SkipHandler, read: bool) -> Iterator[Member]:
    kind = input_kind(path)
    try:
        if kind == "zip":
            yield from _iter_zip(path, cap, skip, read)
        elif kind == "tar":
            yield from _iter_tar(path, cap, skip, read)
        elif kind == "warc":
            yield from _iter_warc(path, cap, skip, read)
        elif kind == "jsonl":
            yield from _iter_jsonl(path, cap, read)
        else:
            yield _read_file(path, cap, read)
    except MissingExtraError:
        raise
    except (
        OSError,
        zipfile.BadZipFile,
        tarfile.TarError,
        lzma.LZMAError,
        EOFError,
        ValueError,
    ) as exc:
        # The container itself is unreadable or broken part-way: the container is one failure
        # (members already yielded stay yielded).
        yield _unreadable(path, exc)


def _read_file(path: str, cap: int, read: bool) -> Member:
    try:
        size = os.path.getsize(path)
        if size > cap:
            return _too_large(path, size, cap)
        if not read:
            return Member(path=path, data=b"")
        with open(path, "rb") as fp:
            data = _read_capped(fp, cap)
    except OSError as exc:
        return _unreadable(path, exc)
    return _too_large(path, None, cap) if data is None else Member(path=path, data=data)


def _archive_member(
    location: str,
    name: str,
    size: int,
    cap: int,
    skip: SkipHandler,
    read: bool,
    open_stream: Callable[[], IO[bytes]],
    errors: tuple[type[BaseException], ...] = (),
) -> Member | None:
    """One archive member as a :class:`Member`, or ``None`` when it is not a page.

    Read errors listed in ``errors`` concern the member alone; others propagate and fail the
    whole archive (a broken stream cannot be read past).
    """
    if not _is_page_name(name):
        skip(location, "not a page (suffix)")
        return None
    if size > cap:
        return _too_large(location, size, cap)
    if not read:
        return Member(path=location, data=b"")
    try:
        with open_stream() as stream:
            data = _read_capped(stream, cap)
    except errors as exc:
        return _unreadable(location, exc)
    return _too_large(location, None, cap) if data is None else Member(location, data)


#: Errors of one zip member (bad CRC, unsupported compression) that leave the others readable.
_ZIP_MEMBER_ERRORS: Final = (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError)


def _iter_zip(path: str, cap: int, skip: SkipHandler, read: bool) -> Iterator[Member]:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = _archive_member(
                f"{path}!{info.filename}",
                info.filename,
                info.file_size,
                cap,
                skip,
                read,
                functools.partial(archive.open, info),
                _ZIP_MEMBER_ERRORS,
            )
            if member is not None:
                yield member


def _open_decompressed(path: str) -> io.BufferedIOBase:
    """The file, decompressed by its magic bytes (gzip, bzip2, xz) or as is.

    The compression modules' own readers bound each read, where tarfile's stream mode would
    inflate a whole compressed block at once (megabytes from a few kilobytes of zeros).
    """
    with open(path, "rb") as fp:
        magic = fp.read(6)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rb")
    if magic.startswith(b"BZh"):
        return bz2.open(path, "rb")
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.open(path, "rb")
    return open(path, "rb")


def _iter_tar(path: str, cap: int, skip: SkipHandler, read: bool) -> Iterator[Member]:
    # "r|" reads the archive as a stream: one pass, no seeking, members never extracted.
    with _open_decompressed(path) as raw, tarfile.open(fileobj=raw, mode="r|") as archive:
        for info in archive:
            location = f"{path}!{info.name}"
            if info.isdir():
                continue
            if not info.isfile():
                skip(location, "not a regular file (link or device)")
                continue
            member = _archive_member(
                location,
                info.name,
                info.size,
                cap,
                skip,
                read,
                functools.partial(_tar_stream, archive, info),
            )
            if member is not None:
                yield member


def _tar_stream(archive: tarfile.TarFile, info: tarfile.TarInfo) -> IO[bytes]:
    stream = archive.extractfile(info)
    if stream is None:  # pragma: no cover - regular files always have a data stream
        raise tarfile.ReadError(f"no data for {info.name}")
    return stream


def _iter_warc(path: str, cap: int, skip: SkipHandler, read: bool) -> Iterator[Member]:
    warcio = require("warcio.archiveiterator", "warc", "reading WARC files")
    from warcio.exceptions import ArchiveLoadFailed

    with open(path, "rb") as fp:
        try:
            yield from _warc_records(path, warcio.ArchiveIterator(fp), cap, skip, read)
        except ArchiveLoadFailed as exc:
            raise ValueError(f"broken WARC file: {exc}") from exc


def _warc_records(
    path: str, records: Iterable[Any], cap: int, skip: SkipHandler, read: bool
) -> Iterator[Member]:
    for record in records:
        if record.rec_type not in ("response", "resource"):
            continue
        record_id = record.rec_headers.get_header("WARC-Record-ID") or "?"
        location = f"{path}!{record_id}"
        url = record.rec_headers.get_header("WARC-Target-URI")
        date = record.rec_headers.get_header("WARC-Date")
        if record.rec_type == "response":
            http = record.http_headers
            if http is None:
                skip(location, "response without HTTP headers")
                continue
            status = http.get_statuscode() or ""
            ctype = http.get_header("Content-Type") or ""
            if not status.startswith("2"):
                skip(location, f"HTTP status {status}")
                continue
        else:
            ctype = record.rec_headers.get_header("Content-Type") or ""
        if ctype and not any(t in ctype.lower() for t in ("html", "text/plain", "xml")):
            skip(location, f"not a page ({ctype.split(';')[0].strip()})")
            continue
        extra = {"url": url, "date": date}
        if not read:
            yield Member(path=location, data=b"", **extra)
            continue
        data = _read_capped(record.content_stream(), cap)
        yield (
            _too_large(location, None, cap, **extra)
            if data is None
            else Member(path=location, data=data, **extra)
        )


def _iter_jsonl(path: str, cap: int, read: bool) -> Iterator[Member]:
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as fp:
        lineno = 0
        while True:
            line = fp.readline(cap + 1)
            if not line:
                return
            lineno += 1
            location = f"{path}!{lineno}"
            if len(line) > cap:
                while not line.endswith(b"\n"):  # drain the rest of the line, a chunk at a time
                    line = fp.readline(_DRAIN_CHUNK)
                    if not line:
                        break
                yield _too_large(location, None, cap)
                continue
            if not line.strip():
                continue
            if not read:
                yield Member(path=location, data=b"")
                continue
            yield _jsonl_member(location, line)


def _jsonl_member(location: str, line: bytes) -> Member:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return _unreadable(location, f"invalid JSON: {exc}")
    if not isinstance(obj, dict):
        return _unreadable(location, "a JSON line must be an object")
    url = obj.get("url")
    url = url if isinstance(url, str) else None
    content = obj.get("html")
    if not isinstance(content, str):
        content = obj.get("text")
    if not isinstance(content, str):
        return _unreadable(location, "the object has no string field html or text", url=url)
    return Member(path=location, data=content.encode("utf-8"), url=url, encoding="utf-8")
