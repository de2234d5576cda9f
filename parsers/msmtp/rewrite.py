"""New values for accounts, written where the program will take them from, and nowhere that others read.

Every account wants a value for each setting: the one the changes ask for, or
the one it has now.  A value an account inherits from a ``defaults`` line is
changed on that line only when every account that takes it from there is of
the service and wants the same new value; otherwise the account gets a line of
its own (added after its last line).  An account's own line is changed in
place; since the accounts that copy it (``account x : this``) take its new
value too, one of them that must keep the old value (another provider's)
then gets a line of its own with that value, and the plan says so.  The
accounts are visited in file order, which is the order the program reads
them in, so a parent is settled before its children are looked at.

A saved password is never written on another line: where removing one would
take it from an account that keeps it, it stays, with a note.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from typing import Optional

from migrate.document import Edit
from migrate.document import Token
from migrate.model import Change
from migrate.model import Note
from parsers.msmtp.accounts import port
from parsers.msmtp.accounts import values
from parsers.msmtp.config import Config
from parsers.msmtp.config import Program
from parsers.msmtp.config import Section
from parsers.msmtp.config import Setting
from parsers.msmtp.config import Walk
from parsers.msmtp.config import defaults

#: The settings a migration may write, in the order added lines take, with the command that writes each.
COMMANDS = {
    "host": "host", "port": "port", "tls": "tls", "starttls": "tls_starttls", "certcheck": "tls_certcheck",
    "fingerprint": "tls_fingerprint", "auth": "auth", "user": "user", "password": "password",
}
_LEGACY = frozenset({"tls_nostarttls", "tls_nocertcheck"})  #: msmtp 1.2 commands without an argument


def wanted(changes: list[Change]) -> dict[str, Optional[str]]:
    """The settings one account's changes ask for."""
    found: dict[str, Optional[str]] = {}
    for change in changes:
        name = change.field.split(".", 1)[-1]
        if name == "security":
            found.update(tls="on", starttls="on" if change.new == "starttls" else "off")
        elif name == "certificate":
            found.update(certcheck="on", fingerprint=None)
        elif name == "password":
            found["password"] = None
        elif name == "auth":
            found["auth"] = "plain"  # the policy's plain-text login
        elif name in ("host", "port"):
            found[name] = str(change.new)
        elif name == "username":
            found["user"] = str(change.new)
    return found


@dataclasses.dataclass(eq=False)
class _Entry:
    """A setting as the rewrite leaves it: read from a line (``setting``) or added."""

    field: str
    value: Optional[str]
    setting: Optional[Setting] = None
    changed: bool = False
    deleted: bool = False


class Rewrite:
    """The edits that give every account the values it wants, and what people should know about where they went."""

    def __init__(self, config: Config, tokens: tuple[Token, ...], program: Program) -> None:
        self.config, self.tokens, self.program = config, tokens, program
        self.entries = {id(s): [_Entry(x.field, x.value, x) for x in s.settings] for s in config.sections}
        self.owners = {id(entry): section for section in config.sections for entry in self.entries[id(section)]}
        self.notes: list[Note] = []
        self._said: dict[tuple[str, str], list[str]] = defaultdict(list)

    def settle(self, asked: dict[str, dict[str, Optional[str]]]) -> None:
        """Give each account in ``asked`` those values, and every other account the values it has now."""
        now = self._effective()
        have = {name: values(self.program, found) for name, found in now.items()}
        asked = self._keep_shared_passwords(asked, now)
        want = {name: {**{f: have[name].get(f) for f in COMMANDS}, **asked.get(name, {})} for name in have}
        self._in_the_defaults(asked, want, now)
        self._account_by_account(asked, want)
        for (key, kind), items in self._said.items():
            self.notes.append(Note(key, self.program.name, _WORDS[kind].format(", ".join(dict.fromkeys(items)))))

    def edits(self) -> list[Edit]:
        edits: list[Edit] = []
        gone = {entry.setting.line.number for entries in self.entries.values() for entry in entries
                if entry.deleted and entry.setting is not None}
        for section in self.config.sections:
            entries = self.entries[id(section)]
            for entry in entries:
                if entry.setting is not None and entry.deleted:
                    edits.append(Edit(entry.setting.line.first, entry.setting.line.end, ""))
                elif entry.setting is not None and entry.changed:
                    edits.append(self._changed(entry))
            added = [entry for entry in entries if entry.setting is None]
            if added:
                edits.append(self._added(section, added, gone))
        return edits

    # -- deciding -------------------------------------------------------------
    def _effective(self) -> dict[str, dict[str, _Entry]]:
        walk, found = Walk(), {}
        for section in self.config.sections:
            alive = self._alive(section)
            if section.kind == "defaults":
                walk.defaults_section(alive)
            else:
                found[str(section.name)] = walk.account(section, alive)
        return found  # type: ignore[return-value]

    def _keep_shared_passwords(self, asked: dict, now: dict) -> dict:
        """No password is taken from an account's own line that an account keeping it copies too."""
        sharing: dict[int, list[str]] = defaultdict(list)  #: by the line that gives it, who has that password
        for name, found in now.items():
            if "password" in found:
                sharing[id(found["password"])].append(name)
        kept = {}
        for name, fields in asked.items():
            source = now[name].get("password")
            if "password" not in fields or source is None or self._in_defaults(source):
                continue
            keeping = [other for other in sharing[id(source)] if "password" not in asked.get(other, {})]
            if keeping and "password" in asked.get(str(self.owners[id(source)].name), {}):
                kept[name] = keeping
        for name, keeping in kept.items():
            self._say(name, "password", f"{', '.join(keeping)} (not of the service) take(s) it from there too")
        return {name: {f: v for f, v in fields.items() if not (f == "password" and name in kept)}
                for name, fields in asked.items()}

    def _in_the_defaults(self, asked: dict, want: dict, now: dict) -> None:
        """Change a defaults line where every account that takes it is of the service and wants the same."""
        users: dict[int, list[str]] = defaultdict(list)
        for name, found in now.items():
            for field in COMMANDS:
                if field in found and self._in_defaults(found[field]):
                    users[id(found[field])].append(name)
        earlier: dict[str, _Entry] = {}  #: the last defaults line of each field so far
        for section in self.config.sections:
            if section.kind != "defaults":
                continue
            for entry in self._alive(section):
                names = users.get(id(entry), [])
                new = {want[name][entry.field] for name in names}
                below, earlier[entry.field] = earlier.get(entry.field), entry
                if not names or len(new) != 1 or not all(entry.field in asked.get(name, {}) for name in names):
                    continue
                (value,) = new
                if value is None and below is None:  # nothing earlier in the defaults to fall back on
                    self._delete(entry)
                elif value != entry.value:
                    self._set(entry, value)
                else:
                    continue
                for name in names:
                    self._say(name, "defaults", f"{COMMANDS[entry.field]} (line {entry.setting.line.number})")  # type: ignore[union-attr]

    def _account_by_account(self, asked: dict, want: dict) -> None:
        """In file order: each account's own lines changed, or lines added, until it has what it wants."""
        walk = Walk()
        built_in = defaults(self.program)
        for section in self.config.sections:
            if section.kind == "defaults":
                walk.defaults_section(self._alive(section))
                continue
            name = str(section.name)
            inherited = walk.inherited(section)
            for field in COMMANDS:
                own = [entry for entry in self._alive(section) if entry.field == field]
                source = own[-1] if own else inherited.get(field)
                current = source.value if source is not None else built_in.get(field)
                value = want[name][field]
                if current == value:
                    continue
                if own:
                    below = inherited.get(field)
                    if value is None and (below.value if below is not None else built_in.get(field)) is None:
                        for entry in own:
                            self._delete(entry)
                    else:
                        self._set(own[-1], value)
                    continue
                if value is None and field == "port":  # no line can unset it: the port it has by default
                    value = str(port(self.program, values(self.program, {f: _Entry(f, v) for f, v in want[name].items()})))
                self.entries[id(section)].append(_Entry(field, value))
                if field not in asked.get(name, {}):
                    self._say(name, "kept", f"{COMMANDS[field]} {_shown(field, value)}")
                elif source is not None:
                    self._say(name, "own", COMMANDS[field])
            walk.account(section, self._alive(section))

    # -- helpers ---------------------------------------------------------------
    def _alive(self, section: Section) -> list[_Entry]:
        return [entry for entry in self.entries[id(section)] if not entry.deleted]

    def _in_defaults(self, entry: _Entry) -> bool:
        owner = self.owners.get(id(entry))
        return owner is not None and owner.kind == "defaults"

    @staticmethod
    def _set(entry: _Entry, value: Optional[str]) -> None:
        entry.value, entry.changed = value, True

    @staticmethod
    def _delete(entry: _Entry) -> None:
        entry.deleted = True

    def _say(self, account: str, kind: str, item: str) -> None:
        self._said[(account, kind)].append(item)

    # -- writing ---------------------------------------------------------------
    def _changed(self, entry: _Entry) -> Edit:
        """The entry's line with its new value: only the argument replaced (quoted as it was), unless the
        command changes too (msmtp 1.2's ``tls_nostarttls`` becomes ``tls_starttls on``)."""
        line = entry.setting.line  # type: ignore[union-attr]
        command = line.command
        assert command is not None
        if entry.value is None and entry.field != "auth":  # the argument goes: the program reads the setting as unset
            assert line.value is not None  # a setting without one is unset already
            return Edit(command + 1, line.value + 1, "")
        if self.tokens[command].text in _LEGACY or line.value is None:
            return Edit(command, command + 1, COMMANDS[entry.field] + _argument(entry))
        if entry.value is None:
            return Edit(line.value, line.value + 1, "off")
        old = self.tokens[line.value].text
        return Edit(line.value, line.value + 1, written(entry.value, quoted=len(old) >= 2 and old[0] == old[-1] == '"'))

    def _added(self, section: Section, entries: list[_Entry], gone: set[int]) -> Edit:
        """The new lines, after the account's last line that stays, indented as its settings are."""
        lines = [line for line in (section.header, *section.lines) if line is not None]
        after = next((line for line in reversed(lines) if line.number not in gone), lines[0])
        like = section.lines[0] if section.lines else after
        indent = self.tokens[like.first].text if like.command != like.first else ""
        newline = after.newline or newline_of(self.tokens)
        texts = [indent + COMMANDS[e.field] + _argument(e) for e in entries]
        if after.newline:
            return Edit(after.end, after.end, "".join(text + newline for text in texts))
        return Edit(after.end, after.end, "".join(newline + text for text in texts))


def newline_of(tokens: tuple[Token, ...]) -> str:
    """The file's own line ending: its first one (LF when it has none)."""
    return next((token.text for token in tokens if token.kind == "NL"), "\n")


def written(value: str, quoted: bool = False) -> str:
    """A value as the program will read it back: in double quotes when asked, or when blanks or quotes at its
    ends would otherwise be lost.  The empty ``auth`` (let the program choose) is written ``on``."""
    value = value or "on"
    needs = value != value.strip(" \t") or (len(value) >= 2 and value[0] == value[-1] == '"')
    return f'"{value}"' if quoted or needs else value


def _argument(entry: _Entry) -> str:
    """What follows the command on a line of the entry's: nothing for an unset value, but ``auth off``."""
    if entry.value is None:
        return " off" if entry.field == "auth" else ""
    return " " + written(entry.value)


def _shown(field: str, value: Optional[str]) -> str:
    return "********" if field == "password" else "off" if field == "auth" and value is None else \
        "(unset)" if value is None else written(value)


_WORDS = {
    "defaults": "changed in the defaults, which only accounts of the service use: {}",
    "own": "set in this account rather than where it inherited them from, which other accounts use too: {}",
    "kept": "given lines of its own so that it keeps its values, which an account it copies changes: {}",
    "password": "the saved password stays where it is: {}",
}
