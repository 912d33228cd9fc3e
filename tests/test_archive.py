"""Batch input: every kind of container yields its pages, streamed, capped and never extracted."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import tracemalloc
import zipfile
from pathlib import Path
from typing import Literal

import pytest

from govreport_parse.archive import count_members, input_kind, iter_members

from ._batch_helpers import page


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _tar(
    path: Path, members: dict[str, bytes], mode: Literal["w", "w:gz", "w:bz2", "w:xz"] = "w:gz"
) -> Path:
    with tarfile.open(path, mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


class TestDirectories:
    def test_walks_sorted_and_skips_non_pages(self, tmp_path: Path) -> None:
        """Pages under a directory come in sorted order; images and scripts are skipped."""
        (tmp_path / "b").mkdir()
        (tmp_path / "b" / "2.html").write_text("<p>二</p>", encoding="utf-8")
        (tmp_path / "a.txt").write_text("一", encoding="utf-8")
        (tmp_path / "logo.png").write_bytes(b"\x89PNG")
        skipped: list[tuple[str, str]] = []
        members = list(iter_members([tmp_path], on_skip=lambda p, r: skipped.append((p, r))))
        assert [Path(m.path).relative_to(tmp_path).as_posix() for m in members] == [
            "a.txt",
            "b/2.html",
        ]
        assert [m.data for m in members] == ["一".encode(), "<p>二</p>".encode()]
        assert skipped == [(str(tmp_path / "logo.png"), "not a page (suffix)")]

    def test_named_file_is_read_whatever_its_suffix(self, tmp_path: Path) -> None:
        """A file named on the command line is an input even without a page suffix."""
        path = tmp_path / "report.dat"
        path.write_bytes(b"abc")
        assert [(m.path, m.data) for m in iter_members([path])] == [(str(path), b"abc")]

    def test_file_over_the_cap_is_a_failure(self, tmp_path: Path) -> None:
        """A file larger than the cap is not read; it becomes a too_large member."""
        path = tmp_path / "big.html"
        path.write_bytes(b"x" * 101)
        (member,) = iter_members([path], max_bytes=100)
        assert (member.data, member.kind) == (None, "too_large")
        assert member.error == "member of 101 bytes exceeds the cap of 100 bytes"


class TestZip:
    def test_members_in_order_with_locations(self, tmp_path: Path) -> None:
        """Zip members are read in place and located as ``archive!name``."""
        archive = _zip(
            tmp_path / "c.zip",
            {"x/1.html": b"one", "x/2.txt": b"two", "__MACOSX/._1.html": b"junk", "x/a.css": b""},
        )
        members = list(iter_members([archive]))
        assert [(m.path, m.data) for m in members] == [
            (f"{archive}!x/1.html", b"one"),
            (f"{archive}!x/2.txt", b"two"),
        ]

    def test_traversal_names_are_kept_as_data(self, tmp_path: Path) -> None:
        """``../`` and absolute member names are locations only: nothing is written anywhere."""
        work = tmp_path / "work"
        work.mkdir()
        archive = _zip(work / "evil.zip", {"../../escape.html": b"a", "/etc/evil.html": b"b"})
        before = sorted(p for p in tmp_path.rglob("*"))
        members = list(iter_members([archive]))
        assert [m.path for m in members] == [
            f"{archive}!../../escape.html",
            f"{archive}!/etc/evil.html",
        ]
        assert sorted(p for p in tmp_path.rglob("*")) == before
        assert not Path("/etc/evil.html").exists()

    def test_declared_size_over_cap_is_not_read(self, tmp_path: Path) -> None:
        """A bomb-like member (50 MB of zeros) is refused by its declared size, in flat memory."""
        archive = tmp_path / "bomb.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("bomb.html", b"\0" * 50_000_000)
            zf.writestr("ok.html", b"fine")
        tracemalloc.start()
        members = list(iter_members([archive], max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert [(m.path.rsplit("!", 1)[1], m.kind, m.data) for m in members] == [
            ("bomb.html", "too_large", None),
            ("ok.html", None, b"fine"),
        ]
        assert peak < 5_000_000

    def test_broken_zip_is_one_unreadable_input(self, tmp_path: Path) -> None:
        """A file named .zip that is not a zip is one failure, located at the archive."""
        archive = tmp_path / "broken.zip"
        archive.write_bytes(b"PK\x03\x04 not really")
        (member,) = iter_members([archive])
        assert (member.path, member.kind) == (str(archive), "unreadable")
        assert member.error is not None
        assert member.error.startswith("BadZipFile")


class TestTar:
    def test_tar_gz_streams_members(self, tmp_path: Path) -> None:
        """tar.gz members come in archive order; links and non-pages are skipped."""
        archive = tmp_path / "c.tar.gz"
        with tarfile.open(archive, "w:gz") as tf:
            for name, data in {"a.html": b"A", "b.jpg": b"J", "../up.txt": b"U"}.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
            link = tarfile.TarInfo("link.html")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            tf.addfile(link)
        skipped: list[str] = []
        members = list(iter_members([archive], on_skip=lambda p, r: skipped.append(r)))
        assert [(m.path, m.data) for m in members] == [
            (f"{archive}!a.html", b"A"),
            (f"{archive}!../up.txt", b"U"),
        ]
        assert skipped == ["not a page (suffix)", "not a regular file (link or device)"]

    def test_big_member_skipped_in_flat_memory(self, tmp_path: Path) -> None:
        """A member over the cap is skipped while streaming, never held in memory."""
        archive = _tar(tmp_path / "big.tar.gz", {"big.html": b"0" * 30_000_000, "s.html": b"s"})
        tracemalloc.start()
        members = list(iter_members([archive], max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert [(m.kind, m.data) for m in members] == [("too_large", None), (None, b"s")]
        assert peak < 5_000_000

    def test_truncated_archive_keeps_what_was_read(self, tmp_path: Path) -> None:
        """A cut-off tar.gz yields its first members, then one failure for the archive."""
        full = _tar(tmp_path / "full.tar.gz", {f"{i}.html": bytes(2000) for i in range(50)})
        cut = tmp_path / "cut.tar.gz"
        cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
        members = list(iter_members([cut]))
        assert members[-1].path == str(cut)
        assert members[-1].kind == "unreadable"
        assert all(m.data == bytes(2000) for m in members[:-1])
        assert 0 < len(members) - 1 < 50


class TestJsonl:
    def test_lines_become_members(self, tmp_path: Path) -> None:
        """Each JSON line with html or text is a page located by its line number."""
        path = tmp_path / "pages.jsonl.gz"
        lines = [
            {"url": "http://gov.cn/a", "html": "<p>甲</p>"},
            {},
            {"url": "http://gov.cn/b", "text": "乙"},
            [1, 2],
        ]
        body = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
        body = body.replace("{}", "") + "\n{not json\n"
        with gzip.open(path, "wt", encoding="utf-8") as fp:
            fp.write(body)
        members = list(iter_members([path]))
        assert [(m.path.rsplit("!", 1)[1], m.url, m.data, m.error) for m in members] == [
            ("1", "http://gov.cn/a", "<p>甲</p>".encode(), None),
            ("3", "http://gov.cn/b", "乙".encode(), None),
            ("4", None, None, "a JSON line must be an object"),
            ("5", None, None, members[3].error),
        ]
        assert members[3].error is not None
        assert members[3].error.startswith("invalid JSON")

    def test_overlong_line_is_drained(self, tmp_path: Path) -> None:
        """A line over the cap fails alone; the next line is read normally."""
        path = tmp_path / "p.jsonl"
        big = json.dumps({"text": "x" * 5000})
        path.write_text(big + "\n" + json.dumps({"text": "ok"}) + "\n", encoding="utf-8")
        members = list(iter_members([path], max_bytes=1000))
        assert [(m.path.rsplit("!", 1)[1], m.kind, m.data) for m in members] == [
            ("1", "too_large", None),
            ("2", None, b"ok"),
        ]


def _warc_response(n: int, url: str, status: str, ctype: str, body: bytes) -> bytes:
    """One WARC/1.0 response record, written out by hand."""
    http = (
        f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{n:08d}-0000-0000-0000-000000000000>\r\n"
        f"WARC-Date: 2020-05-06T07:08:09Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


class TestWarc:
    def test_html_responses_with_url_and_date(self, tmp_path: Path) -> None:
        """HTML responses become pages with their target URI and WARC-Date; others are skipped."""
        path = tmp_path / "crawl.warc.gz"
        path.write_bytes(
            b"".join(
                gzip.compress(_warc_response(i, url, status, ctype, body))
                for i, (url, status, ctype, body) in enumerate(
                    [
                        (
                            "http://gov.cn/r.html",
                            "200 OK",
                            "text/html; charset=gbk",
                            page(5).encode(),
                        ),
                        ("http://gov.cn/logo.png", "200 OK", "image/png", b"\x89PNG"),
                        ("http://gov.cn/gone", "404 Not Found", "text/html", b"gone"),
                    ]
                )
            )
        )
        skipped: list[str] = []
        members = list(iter_members([path], on_skip=lambda p, r: skipped.append(r)))
        assert [(m.url, m.date, m.data) for m in members] == [
            ("http://gov.cn/r.html", "2020-05-06T07:08:09Z", page(5).encode())
        ]
        assert members[0].path == f"{path}!<urn:uuid:00000000-0000-0000-0000-000000000000>"
        assert skipped == ["not a page (image/png)", "HTTP status 404"]
        assert count_members([path]) == 1

    def test_missing_extra_names_it(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without warcio, reading a WARC file fails with one line naming the extra."""
        import sys

        from govreport_parse._extras import MissingExtraError

        monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
        path = tmp_path / "x.warc"
        path.write_bytes(b"")
        with pytest.raises(MissingExtraError) as info:
            list(iter_members([path]))
        assert str(info.value) == (
            "reading WARC files needs the warc extra: pip install 'govreport-parse[warc]'"
        )


def test_input_kind_by_suffix() -> None:
    """Container kinds are told by suffix, longest first."""
    names = ["a.zip", "a.TAR.GZ", "a.tgz", "a.tar", "b.warc", "b.warc.gz", "c.jsonl", "d.html"]
    assert [input_kind(n) for n in names] == [
        "zip",
        "tar",
        "tar",
        "tar",
        "warc",
        "warc",
        "jsonl",
        "page",
    ]


def test_count_matches_iteration(tmp_path: Path) -> None:
    """Counting without reading agrees with reading."""
    archive = _zip(tmp_path / "c.zip", {f"{i}.html": b"x" for i in range(7)})
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.txt").write_text("y", encoding="utf-8")
    inputs = [archive, tmp_path / "d"]
    assert count_members(inputs) == len(list(iter_members(inputs))) == 8
