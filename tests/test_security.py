"""Markup from the web is hostile: no file is read, no host is contacted, no entity expands."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from govreport_parse import parse
from govreport_parse.tokenizers import tokenize_html


def rendered(markup: str) -> list[str]:
    """The text lines the HTML tokenizer makes of ``markup``."""
    return [line.text for line in tokenize_html(markup).lines]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOPSECRET-7731", encoding="utf-8")
    return path


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP socket on the loopback interface that records whether anyone connects."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.3)
    try:
        yield server
    finally:
        server.close()


def connected(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except (TimeoutError, OSError):
        return False
    conn.close()
    return True


class TestExternalEntities:
    def test_xxe_file_entity_is_not_read(self, secret: Path) -> None:
        """An external entity naming a local file stays an unexpanded reference."""
        markup = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
            "<html><body><p>读取：&xxe;</p>"
            "<table><tr><td>规章</td><td>&xxe;</td></tr></table></body></html>"
        )
        assert rendered(markup) == ["]>", "读取：&xxe;", "规章 | &xxe;"]
        report = parse(markup.encode("utf-8"))
        assert "TOPSECRET" not in report.model_dump_json()

    def test_parameter_entity_is_not_read(self, secret: Path) -> None:
        """Parameter entities in an internal subset are not processed either."""
        markup = (
            f'<!DOCTYPE html [<!ENTITY % ext SYSTEM "file://{secret}"> %ext;]>'
            "<html><body><p>正文</p></body></html>"
        )
        report = parse(markup.encode("utf-8"))
        assert "TOPSECRET" not in report.model_dump_json()
        assert "正文" in rendered(markup)

    def test_xinclude_is_not_processed(self, secret: Path) -> None:
        """An XInclude element is an unknown tag, not an inclusion."""
        markup = (
            '<html xmlns:xi="http://www.w3.org/2001/XInclude"><body>'
            f'<p>前<xi:include href="file://{secret}" parse="text"/>后</p></body></html>'
        )
        assert rendered(markup) == ["前后"]

    def test_billion_laughs_does_not_expand(self) -> None:
        """Nested entity definitions stay unexpanded: no blow-up in time or output."""
        entities = '<!ENTITY lol "lol">' + "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
        )
        markup = (
            f'<?xml version="1.0"?>\n<!DOCTYPE lolz [{entities.replace("&lol0;", "&lol;")}]>\n'
            "<html><body><p>&lol9;</p></body></html>"
        )
        start = time.perf_counter()
        report = parse(markup.encode("utf-8"))
        assert time.perf_counter() - start < 5
        assert rendered(markup) == ["]>", "&lol9;"]
        assert "lollol" not in report.model_dump_json()


class TestNoNetwork:
    def test_external_dtd_is_not_fetched(self, listener: socket.socket) -> None:
        """A DOCTYPE's system identifier on a reachable host is never fetched."""
        port = listener.getsockname()[1]
        markup = (
            f'<!DOCTYPE html SYSTEM "http://127.0.0.1:{port}/evil.dtd">'
            f'<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/e"> %remote;]>'
            "<html><head>"
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
            f'<script src="http://127.0.0.1:{port}/a.js"></script></head>'
            f'<body><img src="http://127.0.0.1:{port}/i.png">'
            f'<iframe src="http://127.0.0.1:{port}/f"></iframe><p>规章</p></body></html>'
        )
        report = parse(markup.encode("utf-8"))
        assert report.source.kind == "html"
        assert not connected(listener)

    def test_lxml_element_input_is_not_reparsed_with_network(self, listener: socket.socket) -> None:
        """An lxml tree handed in is walked as it is; nothing it names is fetched."""
        import lxml.html

        port = listener.getsockname()[1]
        root = lxml.html.fromstring(
            f'<html><body><img src="http://127.0.0.1:{port}/i.png"><p>规章</p></body></html>'
        )
        parse(root)
        assert not connected(listener)
