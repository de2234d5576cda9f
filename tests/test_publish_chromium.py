"""The setup pages in a real browser: headless Chromium (Debian's ``chromium``) renders the index and two
client pages from the responder, and every network request it makes for them is read from its own
network log: the page itself and nothing else (no style sheet, font, script or image from anywhere).

Chromium's own background requests (updates, sign-in) are kept off the network by its resolver
rules (every name but the loopback address fails) and are told apart from the page's by their
network isolation key, which for a page's requests names the page's site.
"""
from __future__ import annotations

import html.parser
import json
import struct
import subprocess
from pathlib import Path

import pytest

from tests.oracles import require
from tests.test_publish import PAGES
from tests.test_publish_server import request
from tests.test_publish_server import responder

pytestmark = pytest.mark.oracle
PHONE = (390, 844)


def chromium(url: str, workdir: Path, *action: str) -> tuple[bytes, list[str]]:
    """Chromium's output for ``url`` with ``action`` (``--dump-dom``, ``--screenshot=FILE``), and the URLs
    the page requested, from Chromium's network log."""
    browser = require("chromium")
    profile, netlog = workdir / "profile", workdir / "net.json"
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}",
               "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-default-apps", "--disable-domain-reliability", "--disable-features=Translate,OptimizationHints",
               "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", f"--log-net-log={netlog}",
               f"--window-size={PHONE[0]},{PHONE[1]}", *action, url]
    done = subprocess.run(command, capture_output=True, timeout=120, cwd=workdir)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout, _page_requests(netlog, url)


def _page_requests(netlog: Path, url: str) -> list[str]:
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    site = "/".join(url.split("/")[:3]).rsplit(":", 1)[0]  # http://127.0.0.1
    return [event["params"]["url"] for event in log["events"] if event["type"] == start and "url" in event.get("params", {})
            and str(event["params"].get("network_isolation_key", "")).startswith(site)]


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in ("style", "head")

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in ("style", "head")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def text_of(dom: bytes) -> str:
    parser = _Text()
    parser.feed(dom.decode("utf-8"))
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with responder(tmp_path_factory.mktemp("pages")) as (port, _):
        yield port


@pytest.mark.parametrize(("page", "words"), [
    ("index", ["staff-mail.lboro.ac.uk", "993, SSL/TLS", "465, SSL/TLS", "ccano@lboro.ac.uk"]),
    ("thunderbird", ["Server Name staff-mail.lboro.ac.uk", "Port 993", "Port 465", "Connection security SSL/TLS",
                     "User Name ccano@lboro.ac.uk", "Authentication method Normal password"]),
    ("outlook-2007", ["Incoming mail server staff-mail.lboro.ac.uk", "Incoming server (IMAP) 993",
                      "Outgoing server (SMTP) 465", "User Name ccano@lboro.ac.uk",
                      "Use the following type of encrypted connection SSL"]),
])
def test_pages_render_with_the_values_and_load_nothing_else(served, tmp_path: Path, page: str, words: list[str]) -> None:
    url = f"http://127.0.0.1:{served}/{page}.html"
    dom, requested = chromium(url, tmp_path, "--dump-dom")
    text = text_of(dom)
    for word in words:
        assert word in text, word
    assert requested == [url]
    shot = tmp_path / f"{page}.png"
    _, requested = chromium(url, tmp_path, f"--screenshot={shot}")
    assert requested == [url]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == PHONE and len(data) > 10_000


def test_every_page_is_linked_from_the_rendered_index(served, tmp_path: Path) -> None:
    dom, _ = chromium(f"http://127.0.0.1:{served}/index.html", tmp_path, "--dump-dom")
    linked = {href for href in __import__("re").findall(r'href="([^"]+)"', dom.decode())}
    assert {f"{page}.html" for page in PAGES if page != "index"} <= linked
    for link in linked - {"https://staff-mail.lboro.ac.uk"}:
        assert request(served, "GET", "/" + link)[0] == 200, link


def test_the_index_prints(served, tmp_path: Path) -> None:
    pdf = tmp_path / "index.pdf"
    chromium(f"http://127.0.0.1:{served}/index.html", tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and 1 <= data.count(b"/Type /Page\n") + data.count(b"/Type/Page\n") <= 4
