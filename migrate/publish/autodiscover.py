"""Reading an Outlook autodiscover request (POX, request schema 2006) for the address it asks about.

The body comes from anyone: it is parsed with expat, which is never given a document type
declaration (so no entities can grow it), and only the address is taken from it.
"""
from __future__ import annotations

from xml.parsers import expat

REQUEST = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"
RESPONSE = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"


class BadRequest(ValueError):
    """A request this service cannot answer; the message says why, in a line."""


def requested_address(body: bytes) -> str:
    """The ``EMailAddress`` of ``Autodiscover/Request``; ``BadRequest`` for anything else."""
    path: list[str] = []
    found: dict[str, str] = {}

    def start(name: str, attributes: dict) -> None:
        path.append(name)

    def end(name: str) -> None:
        path.pop()

    def text(data: str) -> None:
        if len(path) == 3 and path[:2] == [f"{REQUEST} Autodiscover", f"{REQUEST} Request"]:
            key = path[2].rpartition(" ")[2]
            found[key] = found.get(key, "") + data

    def refuse(*args: object) -> None:
        raise BadRequest("a document type declaration is not accepted")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        parser.Parse(body, True)
    except expat.ExpatError as error:
        raise BadRequest(f"not XML: {expat.errors.messages.get(error.code, error)} at line {error.lineno}") from None
    schema = found.get("AcceptableResponseSchema", RESPONSE).strip()
    if schema != RESPONSE:
        raise BadRequest(f"only the response schema {RESPONSE} is answered")
    address = found.get("EMailAddress", "").strip()
    if not address:
        raise BadRequest("no Autodiscover/Request/EMailAddress in the request schema's namespace")
    return address
