"""Neutral changes made in an mbsync configuration: arguments rewritten where they stand, lines added
after a section's last line (indented and spaced as its others), lines dropped whole."""
from __future__ import annotations

from typing import Optional

from migrate.document import Document
from migrate.document import Edit
from migrate.document import added_lines
from migrate.model import Account
from migrate.model import Change
from migrate.model import Endpoint
from migrate.model import Note
from migrate.model import new_values
from parsers.mbsync.accounts import Server
from parsers.mbsync.accounts import flag
from parsers.mbsync.accounts import host_of
from parsers.mbsync.accounts import side_spec
from parsers.mbsync.accounts import tls_versions
from parsers.mbsync.config import Arg
from parsers.mbsync.config import Line
from parsers.mbsync.config import MbsyncConfig
from parsers.mbsync.config import Section
from parsers.mbsync.config import written


class Rewrite:
    """The edits of one file, gathered account by account."""

    def __init__(self, config: MbsyncConfig) -> None:
        self.config = config
        self.edits: list[Edit] = []
        self.added: dict[int, list[str]] = {}

    def argument(self, arg: Arg, value: str) -> None:
        """The argument becomes ``value``, in quotes if it was quoted (or needs them)."""
        raw = self.config.tokens[arg.index].text
        if arg.value != value:
            self.edits.append(Edit(arg.index, arg.index + 1, written(value, raw.startswith('"'))))

    def arguments(self, line: Line, values: list[str]) -> None:
        """Every argument after the keyword replaced by ``values`` (separated as the first two were)."""
        if [arg.value for arg in line.args[1:]] == values:
            return
        first, last = line.args[1].index, line.args[-1].index
        self.edits.append(Edit(first, last + 1, self._gap(line).join(written(v) for v in values)))

    def set(self, section: Section, keyword: str, value: str) -> None:
        """The section's ``keyword`` line gets ``value``, or the line is added."""
        line = section.get(keyword)
        if line is None:
            self.add(section, keyword, value)
        else:
            self.argument(line.args[1], value)

    def add(self, section: Section, keyword: str, value: str) -> None:
        model = section.lines[1] if len(section.lines) > 1 else section.lines[0]
        tokens = self.config.tokens
        indent = tokens[model.start].text if tokens[model.start].kind == "WS" else ""
        last = section.lines[-1]
        self.added.setdefault(last.end, []).append(f"{indent}{keyword}{self._gap(model)}{written(value)}")

    def drop(self, line: Line) -> None:
        """The whole line goes; the last line of a file without a final newline takes the newline before it."""
        tokens = self.config.tokens
        if line.end == len(tokens) and tokens[-1].kind != "NL" and line.start:
            self.edits.append(Edit(line.start - 1, line.end, ""))
        else:
            self.edits.append(Edit(line.start, line.end, ""))

    def _gap(self, line: Line) -> str:
        """The blanks between a line's first two arguments (one blank when it has one argument)."""
        if len(line.args) < 2:
            return " "
        between = self.config.tokens[line.args[0].index + 1]
        return between.text if between.kind == "WS" else " "

    def document(self) -> Document:
        tokens, newline = self.config.tokens, self.config.newline
        return self.config.apply(self.edits + [added_lines(tokens, at, lines, newline, ("\n",))  # a CR ends no line
                                               for at, lines in self.added.items()])


def migrate(rewrite: Rewrite, server: Server, account: Account, changes: list[Change]) -> list[Note]:
    notes: list[Note] = []
    section, values = server.section, new_values(changes, "incoming")
    if "host" in values:
        _host(rewrite, server, str(values["host"]), notes, account.key)
    if "security" in values or "port" in values:
        security = str(values.get("security", account.incoming.security))
        port = int(str(values.get("port", account.incoming.port)))
        if server.legacy:
            _legacy_security(rewrite, server, account.incoming.security, security, notes, account.key)
        else:
            _security(rewrite, section, account.incoming, security, notes, account.key)
        _port(rewrite, section, security, port)
    if "auth" in values:
        if section.get("RequireCRAM") is not None:
            rewrite.set(section, "RequireCRAM", "no")
        for line in section.all("AuthMechs") + section.all("AuthMech"):
            rewrite.arguments(line, ["PLAIN", "LOGIN"])
    if "username" in values and values["username"] is not None:
        rewrite.set(section, "User", str(values["username"]))
    if "password" in values and section.get("Pass") is not None:
        for line in section.all("Pass"):
            rewrite.drop(line)
        notes.append(Note(account.key, "mbsync", "Pass removed: mbsync asks for the password, or give a PassCmd"))
    if "certificate" in values:
        rewrite.set(section, "SystemCertificates", "yes")
    if any(c.field == "subscribed_only" for c in changes):
        for store in server.stores:
            if flag(store.get("SubscribedOnly")):
                rewrite.set(store, "SubscribedOnly", "no")
    renames = {str(c.old): str(c.new) for c in changes if c.field == "folder"}
    if renames or "host" in values:
        _folders(rewrite, server, renames, notes, account.key)
    if "host" in values:
        notes.append(Note(account.key, "mbsync", "the service is a new server: mbsync's sync state of the old one"
                          " (~/.mbsync/, or SyncState) does not fit it; start the near side and its state afresh"
                          " or mail may be copied twice"))
    return notes


def _host(rewrite: Rewrite, server: Server, host: str, notes: list[Note], key: str) -> None:
    section = server.section
    line, tunnel = section.get("Host"), section.get("Tunnel")
    if line is None:
        rewrite.add(section, "Host", host)
    else:
        rewrite.argument(line.args[1], host_of(line.value)[0] + host)
    if tunnel is not None:
        rewrite.drop(tunnel)
        notes.append(Note(key, "mbsync", "the Tunnel command is removed: the service takes direct TLS connections"))


def _security(rewrite: Rewrite, section: Section, current: Endpoint, security: str, notes: list[Note], key: str) -> None:
    """isync 1.2+: SSLType (the Host's old ``imaps:`` prefix counts as IMAPS), SSLVersions left to the default."""
    if security != current.security:
        host = section.get("Host")
        prefix = host_of(host.value)[0] if host is not None else ""
        if host is not None and prefix.lower().startswith("imaps:"):  # not IMAPS any more: a plain host name
            rewrite.argument(host.args[1], host.value[len(prefix):])
        rewrite.set(section, "SSLType", {"ssl": "IMAPS", "starttls": "STARTTLS"}.get(security, "None"))
    if current.tls_outdated:
        for line in section.all("SSLVersions") + section.all("SSLVersion"):
            rewrite.drop(line)
            notes.append(Note(key, "mbsync", f"line {line.number}: SSLVersions removed (it allowed no TLS version the"
                                             " service takes); mbsync's default allows them"))


def _legacy_security(rewrite: Rewrite, server: Server, current: Optional[str], security: str, notes: list[Note],
                     key: str) -> None:
    """isync 1.0/1.1 keywords, kept (SSLType may not be mixed with them): UseIMAPS, RequireSSL, UseTLSv1.2."""
    section, outdated = server.section, not tls_versions(server) & {"tlsv1.2", "tlsv1.3"}
    if security != current:
        if security == "ssl" or flag(section.get("UseIMAPS")):
            rewrite.set(section, "UseIMAPS", "yes" if security == "ssl" else "no")
        if flag(section.get("RequireSSL")) is False:
            rewrite.set(section, "RequireSSL", "yes")
    if security != "none" and outdated:
        if flag(section.get("UseTLSv1")) is not False and not flag(section.get("UseTLSv1.1")):
            rewrite.set(section, "UseTLSv1", "no")  # else TLS 1.0 and 1.2 without 1.1: OpenSSL would use 1.0 alone
        rewrite.set(section, "UseTLSv1.2", "yes")
        notes.append(Note(key, "mbsync", "TLS 1.2 switched on (UseTLSv1.2): with the old SSL keywords isync enables"
                                         " TLS 1.0 only, which the service refuses (isync 1.0 does not know the"
                                         " keyword: use 1.1 or later)"))


def _port(rewrite: Rewrite, section: Section, security: str, port: int) -> None:
    line = section.get("Port")
    if line is not None:
        rewrite.argument(line.args[1], str(port))
    elif port != (993 if security == "ssl" else 143):
        rewrite.add(section, "Port", str(port))


def _folders(rewrite: Rewrite, server: Server, renames: dict[str, str], notes: list[Note], key: str) -> None:
    """Paths, mailboxes, patterns and Trash follow the renames; a PathDelimiter of the old server goes."""
    for store in server.stores:
        for line in store.all("Path"):
            new = _under(renames, line.value)
            if new == "":
                rewrite.drop(line)
            elif new is not None:
                rewrite.argument(line.args[1], new)
        for line in store.all("Trash"):
            if line.value in renames:
                rewrite.argument(line.args[1], renames[line.value])
        for line in store.all("PathDelimiter"):
            rewrite.drop(line)
            notes.append(Note(key, "mbsync", f"line {line.number}: PathDelimiter removed: mbsync takes the new"
                                             " server's hierarchy separator from the server"))
    channels = {}
    for side in server.sides:
        channels[side.channel.name] = side.channel
        _side(rewrite, side.line, side.box, renames, bool(_pattern_lines(side.channel)))
    for channel in channels.values():
        changed = False
        for line in _pattern_lines(channel):
            for arg in line.args[1:]:
                negative = arg.value.startswith("!")
                new = renames.get(arg.value[negative:])
                if new is not None:
                    changed = True
                    _pattern(rewrite, arg, "!" * negative + new)
        if changed:
            notes.append(Note(key, "mbsync", f"channel {channel.name}: the patterns changed, and the near side's"
                                             " mailboxes are named after the far side's: folders named under INBOX"
                                             " there stay as they are, new ones are made beside them"))


def _side(rewrite: Rewrite, line: Line, box: str, renames: dict[str, str], patterns: bool) -> None:
    """``:store:box``: the box renamed (as a prefix, when the channel has patterns)."""
    new = _under(renames, box) if patterns else renames.get(box)
    if not box or new is None:
        return
    spec = side_spec(line)
    assert spec is not None
    raw = rewrite.config.tokens[line.args[1].index].text
    if raw.startswith('"'):
        text = written(f":{spec[0]}:{new}", True)
    else:
        text = f":{written(spec[0])}:" + (written(new, '"' in raw) if new else "")
    rewrite.edits.append(Edit(line.args[1].index, line.args[1].index + 1, text))


def _pattern(rewrite: Rewrite, arg: Arg, value: str) -> None:
    """A pattern rewritten; an exclusion's ``!`` stays outside the quotes where it stood so."""
    raw = rewrite.config.tokens[arg.index].text
    negative = value.startswith("!") and not raw.startswith('"')
    text = "!" * negative + written(value[negative:], '"' in raw)
    rewrite.edits.append(Edit(arg.index, arg.index + 1, text))


def _under(renames: dict[str, str], prefix: str) -> Optional[str]:
    """The new form of a prefix whose folders moved: ``INBOX.`` -> ``""``, ``INBOX.Lists.`` -> ``Lists/``."""
    new = renames.get(prefix + "*")
    return new[:-1] if new is not None and new.endswith("*") else None


def _pattern_lines(channel: Section) -> list[Line]:
    return channel.all("Patterns") + channel.all("Pattern")

