"""The ``address,login`` list: the service's logins are not always the address's local part
(``C.Cano@lboro.ac.uk`` logs in as ``ccano@lboro.ac.uk``)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from migrate.errors import MigrateError
from migrate.errors import ParseError

ADDRESS = re.compile(r"[^@\s<>\"'&]{1,64}@[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*")
_LOGIN = re.compile(r"[^\s<>\"'&]{1,256}")


def load_logins(path: Path) -> dict[str, str]:
    """Address (compared without case) to login; an optional ``address,login`` header line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise MigrateError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ParseError(str(path), 1, 1, f"not UTF-8 text (byte {error.start})") from None
    logins: dict[str, str] = {}
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in rows:
            line = rows.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells) or (line == 1 and [c.lower() for c in cells] == ["address", "login"]):
                continue
            if len(cells) != 2:
                raise ParseError(str(path), line, 1, f"expected address,login, found {len(cells)} fields")
            address, login = cells
            if not ADDRESS.fullmatch(address):
                raise ParseError(str(path), line, 1, "not an e-mail address")
            if not _LOGIN.fullmatch(login):
                raise ParseError(str(path), line, len(row[0]) + 2, "not a login name")
            if logins.setdefault(address.lower(), login) != login:
                raise ParseError(str(path), line, 1, f"{address} is listed before with another login")
    except csv.Error as error:
        raise ParseError(str(path), rows.line_num, 1, str(error)) from None
    return logins
