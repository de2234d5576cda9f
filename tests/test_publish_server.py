"""``mailmigrate publish --serve``: the responder, started on a free port, answers per address with the
mapped login, refuses malformed and oversized requests, and keeps serving."""
from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator
from typing import Optional

import pytest

from migrate.policy import load_policy
from migrate.publish import server
from migrate.publish.service import describe
from migrate.publish.site import build_site
from tests.autoconfig_reader import read_autoconfig

NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
REQUEST = """<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>{}</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>"""


@contextlib.contextmanager
def responder(tmp_path: Path, *options: str) -> Iterator[tuple[int, subprocess.Popen]]:
    logins = tmp_path / "logins.csv"
    logins.write_text("address,login\nC.Cano@lboro.ac.uk,ccano@lboro.ac.uk\n")
    process = subprocess.Popen([sys.executable, "-m", "migrate", "publish", "--serve", "127.0.0.1:0", "--logins",
                                str(logins), *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        assert "serving" in line, process.stderr.read()
        yield int(line.rsplit(":", 1)[1].split("/")[0]), process
    finally:
        process.terminate()
        process.wait(timeout=10)


def request(port: int, method: str, path: str, body: Optional[bytes] = None,
            headers: Optional[dict] = None, host: str = "127.0.0.1") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, data


def logins_of(data: bytes) -> dict[str, str]:
    account = ET.fromstring(data).find(f"{NS}Response/{NS}Account")
    return {p.findtext(f"{NS}Type"): p.findtext(f"{NS}LoginName") for p in account.findall(f"{NS}Protocol")}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[int, subprocess.Popen]]:
    with responder(tmp_path_factory.mktemp("served")) as running:
        yield running


def test_autoconfig_per_address_gives_the_mapped_login(served) -> None:
    port, _ = served
    for path in ("/mail/config-v1.1.xml", "/.well-known/autoconfig/mail/config-v1.1.xml"):
        status, data = request(port, "GET", f"{path}?emailaddress=C.Cano%40lboro.ac.uk")
        assert status == 200
        account = read_autoconfig(data, "C.Cano@lboro.ac.uk")
        assert account["incoming"]["username"] == account["outgoing"]["username"] == "ccano@lboro.ac.uk"
    status, data = request(port, "GET", "/mail/config-v1.1.xml?emailaddress=jdoe%40lboro.ac.uk")
    assert status == 200 and read_autoconfig(data, "jdoe@lboro.ac.uk")["incoming"]["username"] == "jdoe@lboro.ac.uk"
    assert b"%EMAIL" not in data  # written out, alternatives included
    assert request(port, "GET", "/mail/config-v1.1.xml")[1].count(b"%EMAILLOCALPART%") == 5


def test_autodiscover_post_gives_the_mapped_login(served) -> None:
    port, _ = served
    for path in ("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml"):  # Outlook's own spelling
        status, data = request(port, "POST", path, REQUEST.format("c.cano@LBORO.ac.uk").encode(),
                               {"Content-Type": "text/xml; charset=utf-8"})
        assert status == 200 and logins_of(data) == {"IMAP": "ccano@lboro.ac.uk", "SMTP": "ccano@lboro.ac.uk"}
    status, data = request(port, "POST", "/autodiscover/autodiscover.xml", REQUEST.format("jdoe@lboro.ac.uk").encode())
    assert status == 200 and logins_of(data) == {"IMAP": "jdoe@lboro.ac.uk", "SMTP": "jdoe@lboro.ac.uk"}


def test_static_files_and_pages_are_served(served, tmp_path: Path) -> None:
    port, _ = served
    assert request(port, "GET", "/")[0] == 200
    status, data = request(port, "GET", "/lboro.ac.uk.mobileconfig")
    assert status == 200 and data.startswith(b"<?xml")
    assert request(port, "GET", "/thunderbird.html")[0] == 200
    assert request(port, "GET", "/no-such-page.html")[0] == 404
    assert request(port, "GET", "/../../etc/passwd")[0] == 404
    assert request(port, "DELETE", "/index.html")[0] == 405


@pytest.mark.parametrize("body", [
    b"not xml at all <", b"<Autodiscover/>", REQUEST.format("not an address").encode(),
    REQUEST.format("someone@example.com").encode(),
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>' + REQUEST.split("?>", 1)[1].format("&b;").encode(),
    REQUEST.replace("2006a", "2006").format("jdoe@lboro.ac.uk").encode(), "ünicode".encode("utf-16"),
], ids=["garbage", "empty", "bad-address", "other-domain", "entities", "other-schema", "utf16-garbage"])
def test_malformed_requests_get_400_and_the_server_stays_up(served, body: bytes) -> None:
    port, process = served
    status, data = request(port, "POST", "/autodiscover/autodiscover.xml", body)
    assert status == 400 and len(data.splitlines()) == 1
    assert request(port, "GET", "/mail/config-v1.1.xml?emailaddress=bad")[0] == 400
    assert process.poll() is None and request(port, "GET", "/index.html")[0] == 200


def test_oversized_and_lying_requests(served) -> None:
    port, process = served
    assert request(port, "POST", "/autodiscover/autodiscover.xml", b"x" * 200_000)[0] == 413
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # says more than it sends, then stops
        raw.sendall(b"POST /autodiscover/autodiscover.xml HTTP/1.0\r\nContent-Length: 500\r\n\r\n<Auto")
        raw.shutdown(socket.SHUT_WR)
        assert raw.recv(100).startswith(b"HTTP/1.0 400")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # no length at all
        raw.sendall(b"POST /autodiscover/autodiscover.xml HTTP/1.0\r\n\r\n")
        assert raw.recv(100).startswith(b"HTTP/1.0 400")
    assert process.poll() is None and request(port, "GET", "/")[0] == 200


def test_a_silent_connection_does_not_hold_up_others(served) -> None:
    port, process = served
    quiet = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    try:
        started = time.monotonic()
        assert request(port, "GET", "/mail/config-v1.1.xml")[0] == 200
        assert time.monotonic() - started < 5
    finally:
        for connection in quiet:
            connection.close()


def test_no_traceback_ever_reaches_the_log(tmp_path: Path) -> None:
    with responder(tmp_path) as (port, process):
        request(port, "POST", "/autodiscover/autodiscover.xml", b"\xff\xfe<")
        request(port, "GET", "/mail/config-v1.1.xml?emailaddress=%ff%fe@lboro.ac.uk")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
            raw.sendall(b"GARBAGE\r\n\r\n")
            raw.recv(100)
        assert request(port, "GET", "/")[0] == 200
        process.terminate()
        _, errors = process.communicate(timeout=10)
    assert "Traceback" not in errors and errors.strip()


def test_bad_logins_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "logins.csv"
    bad.write_text("address,login\nccano@lboro.ac.uk,ccano@lboro.ac.uk\nnot-an-address,x\n")
    done = subprocess.run([sys.executable, "-m", "migrate", "publish", "--serve", "127.0.0.1:0", "--logins", str(bad)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 3 and done.stderr == f"mailmigrate: {bad}:3:1: not an e-mail address\n"


@contextlib.contextmanager
def in_process(host: str = "127.0.0.1", deadline: float = server.DEADLINE) -> Iterator[int]:
    """The server of ``--serve`` in a thread of this process, so its deadline can be short."""
    policy = load_policy()
    running = server._Server((host, 0), deadline)
    running.set_app(server.Responder(describe(policy), build_site(policy), {}))
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running.server_address[1]
    finally:
        running.shutdown()
        running.server_close()


def test_trickling_connections_are_cut_off_and_do_not_stop_others() -> None:
    """Slowloris: more connections than threads, each sending a byte a second, never finishing."""
    with in_process(deadline=3.0) as port:
        slow = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(server.MAX_THREADS + 8)]
        stop = threading.Event()

        def trickle() -> None:
            while not stop.wait(1.0):
                for connection in slow:
                    with contextlib.suppress(OSError):
                        connection.send(b"G")
        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        time.sleep(1)  # all accepted by now, through the listen queue
        try:
            started = time.monotonic()
            assert request(port, "GET", "/index.html")[0] == 503  # every thread busy: told so at once
            assert time.monotonic() - started < 2
            while (status := request(port, "GET", "/index.html")[0]) == 503:
                assert time.monotonic() - started < 3.0 + 3, "the trickling connections were not cut off"
                time.sleep(0.2)
            assert status == 200
            for connection in slow:  # each was closed: given a 400 or a 503, or cut off in the middle
                with contextlib.suppress(ConnectionResetError):
                    while connection.recv(1000):
                        pass
            assert time.monotonic() - started < 3.0 + 3
        finally:
            stop.set()
            trickler.join()
            for connection in slow:
                connection.close()


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_serves_on_ipv6(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "migrate", "publish", "--serve", "[::1]:0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = process.stdout.readline()
        assert line.startswith("serving ") and "http://[::1]:" in line, process.stderr.read()
        port = int(line.rsplit(":", 1)[1].split("/")[0])
        assert request(port, "GET", "/index.html", host="::1")[0] == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
