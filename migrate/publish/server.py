"""The responder: a WSGI application answering autoconfig and autodiscover per address, and serving
the published files; and a small threaded server of the standard library's to run it.

Run directly with ``mailmigrate publish --serve HOST:PORT``, or under any WSGI server through
``migrate.publish.wsgi:application``.  A request gets an answer or a 4xx status, never a traceback:
bodies are limited in size, connections in time (each in all, however slowly it sends) and in number (503
beyond them), and the server goes on to the next request.
"""
from __future__ import annotations

import contextlib
import socket
import sys
import threading
from socketserver import ThreadingMixIn
from typing import Callable
from typing import Iterable
from typing import Mapping
from urllib.parse import parse_qs
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler
from wsgiref.simple_server import WSGIServer

from migrate.errors import MigrateError
from migrate.publish.autodiscover import BadRequest
from migrate.publish.autodiscover import requested_address
from migrate.publish.logins import ADDRESS
from migrate.publish.service import Service
from migrate.publish.site import AUTOCONFIG
from migrate.publish.site import AUTODISCOVER
from migrate.publish.site import autoconfig
from migrate.publish.site import autodiscover

MAX_BODY = 64 * 1024  #: an autodiscover request is a few hundred bytes
TIMEOUT = 10.0  #: seconds a connection may stay silent
DEADLINE = 20.0  #: seconds a connection may last in all, from its accept to its answer sent
MAX_THREADS = 32  #: requests answered at once; more are answered 503 at once
_TYPES = {".xml": "text/xml; charset=utf-8", ".html": "text/html; charset=utf-8", ".ini": "text/plain; charset=utf-8",
          ".mobileconfig": "application/x-apple-aspen-config"}
_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

Response = tuple[str, bytes, str]  # status, body, content type


class Responder:
    """The WSGI application."""

    def __init__(self, svc: Service, files: Mapping[str, bytes], logins: Mapping[str, str]) -> None:
        self.svc, self.files, self.logins = svc, files, logins

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            status, body, kind = self.respond(environ)
        except BadRequest as error:
            status = "413 Payload Too Large" if isinstance(error, _TooLarge) else "400 Bad Request"
            body, kind = f"{error}\n".encode(), _TYPES[".ini"]
        except Exception as error:  # a bug must not take the server down nor show its insides
            print(f"mailmigrate: {environ.get('PATH_INFO', '')}: {type(error).__name__}: {error}", file=sys.stderr)
            status, body, kind = "500 Internal Server Error", b"internal error\n", _TYPES[".ini"]
        headers = [("Content-Type", kind), ("Content-Length", str(len(body))), ("X-Content-Type-Options", "nosniff")]
        if kind.startswith("text/html"):
            headers.append(("Content-Security-Policy", _PAGE_POLICY))
        start_response(status, headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]

    def respond(self, environ: dict) -> Response:
        method = environ.get("REQUEST_METHOD", "GET")
        path = _path(environ.get("PATH_INFO", "/"))
        if path.lower() == AUTODISCOVER and method == "POST":
            login = self.login(requested_address(_body(environ)))
            return "200 OK", autodiscover(self.svc, login), _TYPES[".xml"]
        if method not in ("GET", "HEAD"):
            return "405 Method Not Allowed", b"only GET, HEAD (and POST for autodiscover)\n", _TYPES[".ini"]
        if path in AUTOCONFIG:  # per address, the login written out (Thunderbird fills in only some placeholders)
            address = parse_qs(environ.get("QUERY_STRING", "")).get("emailaddress", [""])[0]
            return "200 OK", autoconfig(self.svc, self.login(address)) if address else self.files[path], _TYPES[".xml"]
        data = self.files.get(AUTODISCOVER if path.lower() == AUTODISCOVER else path)
        if data is None:
            return "404 Not Found", b"not found\n", _TYPES[".ini"]
        return "200 OK", data, _TYPES.get("." + path.rpartition(".")[2], "application/octet-stream")

    def login(self, address: str) -> str:
        """The login of ``address``: listed, else its local part with the service's suffix."""
        address = self._address(address)
        return self.logins.get(address.lower()) or address.rpartition("@")[0] + self.svc.username_suffix

    def _address(self, address: str) -> str:
        domain = address.rpartition("@")[2].lower()
        if not ADDRESS.fullmatch(address):
            raise BadRequest("not an e-mail address")
        if domain != self.svc.domain and not domain.endswith("." + self.svc.domain):
            raise BadRequest(f"not an address of {self.svc.domain}")
        return address


def _path(path: str) -> str:
    """The file asked for: ``/`` is the index; a proxy's absolute ``http://host/path`` is its path."""
    if path.startswith(("http://", "https://")):
        path = urlsplit(path).path
    path = path.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def _body(environ: dict) -> bytes:
    length = environ.get("CONTENT_LENGTH") or ""
    if not length.isdigit():
        raise BadRequest("a request body needs a Content-Length")
    if int(length) > MAX_BODY:
        raise _TooLarge()
    try:
        body = environ["wsgi.input"].read(int(length))
    except OSError:  # the client went quiet (the connection's time ran out) or away
        raise BadRequest("the request body did not arrive") from None
    if len(body) != int(length):
        raise BadRequest("the request body is shorter than its Content-Length")
    return body


class _TooLarge(BadRequest):
    def __init__(self) -> None:
        super().__init__(f"a request body of at most {MAX_BODY} bytes is read")


class _Handler(WSGIRequestHandler):
    timeout = TIMEOUT  # a connection that does not send its request in time is dropped

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.client_address[0]} - {format % args}\n")


class _Server(ThreadingMixIn, WSGIServer):
    """Each connection has its own thread, up to ``MAX_THREADS``, and at most ``deadline`` seconds: a client
    that trickles its request byte by byte is cut off then.  When every thread is busy, a connection is
    answered 503 at once, so the accept loop never waits."""

    daemon_threads = True
    request_queue_size = 128  # a burst waits in the kernel's queue, not for the client to try again a second later

    def __init__(self, address: tuple[str, int], deadline: float = DEADLINE) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.slots = threading.BoundedSemaphore(MAX_THREADS)
        self.deadline = deadline
        super().__init__(address, _Handler)

    def process_request(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not self.slots.acquire(blocking=False):
            _refuse(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        cut = threading.Timer(self.deadline, _cut, (request,))
        cut.daemon = True
        cut.start()
        try:
            super().process_request_thread(request, client_address)
        finally:
            cut.cancel()
            self.slots.release()

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A connection that failed (timed out, reset): one line, and on to the next."""
        error = sys.exc_info()[1]
        sys.stderr.write(f"{client_address[0]} - dropped: {type(error).__name__}: {error}\n")


_BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n"
         b"Retry-After: 5\r\nConnection: close\r\n\r\nbusy\n")


def _refuse(request: socket.socket) -> None:
    """Answer 503 without waiting for the client: a few bytes fit in the socket's empty buffer."""
    with contextlib.suppress(OSError):
        request.setblocking(False)
        request.sendall(_BUSY)
        request.recv(MAX_BODY)  # what the client sent already: closing over unread bytes would reset its answer


def _cut(request: socket.socket) -> None:
    """The connection's time is up: its thread's reads and writes end at once."""
    with contextlib.suppress(OSError):  # already closed
        request.shutdown(socket.SHUT_RDWR)


def serve(app: Responder, host: str, port: int) -> None:
    """Serve ``app`` until interrupted; the address (with the port chosen, for port 0) is printed first."""
    try:
        server = _Server((host, port))
    except OSError as error:
        raise MigrateError(f"cannot serve on {host}:{port}: {error.strerror}") from None
    server.set_app(app)
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(f"serving {app.svc.name} on http://{shown}:{bound_port}/ (Ctrl-C stops)", flush=True)
    with server:
        server.serve_forever()
