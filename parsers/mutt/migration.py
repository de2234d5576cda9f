"""What each neutral change means in a muttrc."""
from __future__ import annotations

import dataclasses
import re
from typing import Callable
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import folder_moves
from migrate.model import new_values
from parsers.mutt.accounts import PLAIN_METHODS
from parsers.mutt.accounts import Server
from parsers.mutt.accounts import hook_user
from parsers.mutt.local_folders import keep_after
from parsers.mutt.patterns import folder_start
from parsers.mutt.patterns import host_pattern
from parsers.mutt.patterns import renamed_part
from parsers.mutt.references import Findings
from parsers.mutt.references import Ref
from parsers.mutt.references import Setting
from parsers.mutt.rewrite import MuttRewrite
from parsers.mutt.rewrite import folder_setting
from parsers.mutt.urls import DEFAULT_PORTS
from parsers.mutt.urls import Url

POP_ONLY = ("pop_authenticators", "pop_auth_try_all", "pop_delete", "pop_last", "pop_checkinterval",
            "pop_check_interval", "pop_reconnect")
_INBOX_ROOT = re.compile(r"(?i)INBOX[./]?")


@dataclasses.dataclass(frozen=True)
class _Target:
    """What one server's settings become."""

    values: dict  #: the changed endpoint fields
    host: str
    security: str
    port: int
    username: Optional[str]
    scheme: str
    renames: dict  #: old folder name -> new

    @classmethod
    def of(cls, server: Server, account: Account, changes: list[Change]) -> _Target:
        side = "outgoing" if server.kind == "smtp" else "incoming"
        endpoint = account.outgoing if side == "outgoing" else account.incoming
        assert endpoint is not None
        values = new_values(changes, side)
        security = str(values.get("security", endpoint.security))
        username = values.get("username", endpoint.username)
        return cls(values, str(values.get("host", endpoint.host)), security, int(str(values.get("port", endpoint.port))),
                   str(username) if username is not None else None,
                   ("smtp" if server.kind == "smtp" else "imap") + ("s" if security == "ssl" else ""),
                   folder_moves(changes))


def migrate_server(rewrite: MuttRewrite, found: Findings, server: Server, account: Account, changes: list[Change]) -> None:
    target = _Target.of(server, account, changes)
    _rename_names(rewrite, server, account, target)
    _rename_patterns(rewrite, found, server, account, target)
    _settings(rewrite, found, server, account, target, changes)


def _rename_names(rewrite: MuttRewrite, server: Server, account: Account, target: _Target) -> None:
    """Every URL and ``=``/``+`` name of the server, where it stands."""
    for ref in server.refs:
        if ref.url is not None:
            rewrite.replace(ref, str(_new_url(ref, target, server.kind == "smtp")))
        elif ref.base is not None and ref.text[1:]:
            relative = _relative(ref, target.renames)
            if relative is None:
                rewrite.notes.append(Note(account.key, "mutt", f"{ref.text} in {ref.context}: check it by hand"))
            else:
                rewrite.replace(ref, ref.text[0] + relative)


def _rename_patterns(rewrite: MuttRewrite, found: Findings, server: Server, account: Account, target: _Target) -> None:
    """Hook patterns naming the server, and the ``imap_user`` its hooks set for this account's login."""
    old_user = account.incoming.username if server.kind != "smtp" else None
    rename = renamer(target.renames)
    for ref in server.patterns:
        pattern, exact = _pattern(ref.text, server.host, target.host, target.scheme, rename)
        if old_user and target.username and ref.server is not None and ref.server.user == old_user:
            pattern = pattern.replace(f"{old_user}@", f"{target.username}@", 1)
        rewrite.replace(ref, pattern)
        if not exact:
            rewrite.notes.append(Note(account.key, "mutt", f"{ref.context} {ref.text}: the folders this pattern names"
                                                           " move to the top level; rewrite it by hand"))
    if target.username is not None and old_user is not None:
        for ref in found.hook_users_named.get((server.host, old_user), []):
            rewrite.replace(ref, target.username)


def _settings(rewrite: MuttRewrite, found: Findings, server: Server, account: Account, target: _Target,
              changes: list[Change]) -> None:
    anchor = _anchor(found, server)
    prefix = "smtp" if server.kind == "smtp" else "imap"
    if server.kind == "pop":
        _replace_pop(rewrite, found, account, target, changes)
    elif server.kind == "imap" and "username" in target.values and target.username is not None:
        # the global imap_user is this account's when neither its URLs nor its hooks name one,
        # or when it names the account's own user; another value is another account's
        if not any(ref.url is not None and ref.url.user for ref in server.refs) and hook_user(server, found) is None:
            _set_or_add(rewrite, found, "imap_user", target.username, anchor)
        else:
            for setting in found.settings.get("imap_user", []):
                value = setting.assignment.value
                if value is not None and value.value == account.incoming.username:
                    rewrite.set_value(setting.file, value, target.username)
    if "auth" in target.values or server.kind == "pop":  # a POP setup's IMAP methods, if any, are the new account's
        for setting in found.settings.get(f"{prefix}_authenticators", []):
            value = setting.assignment.value
            if value is not None and set((value.value or "").lower().split(":")) - PLAIN_METHODS:
                rewrite.set_value(setting.file, value, "plain:login" if server.kind == "smtp" else "login")
    if target.security in ("ssl", "starttls") and (
            "security" in target.values or "port" in target.values or server.kind == "pop"):
        _switch_on(rewrite, found, "ssl_force_tls", anchor)
        if target.security == "starttls":
            _switch_on(rewrite, found, "ssl_starttls", anchor)
    if any(c.field == "subscribed_only" for c in changes):
        for name in ("imap_check_subscribed", "imap_list_subscribed"):
            for setting in found.settings.get(name, []):
                _switch_off(rewrite, setting)
        for file, command in found.subscriptions:
            rewrite.comment_out(file, command)
            rewrite.notes.append(Note(account.key, "mutt", "subscribe-to commented out: it subscribes while mutt starts"))
    if any(c.field.endswith(".password") for c in changes):
        for setting in found.settings.get(f"{prefix}_pass", []):
            rewrite.drop(setting)


def _new_url(ref: Ref, target: _Target, smtp: bool) -> Url:
    url = ref.url
    assert url is not None
    if smtp:
        path: Optional[str] = ""
    elif url.scheme.startswith("pop"):
        path = ""  # the POP mailbox is the INBOX
    elif ref.context == "folder" and url.path is not None and _INBOX_ROOT.fullmatch(url.path):
        path = ""  # "+Sent" meant INBOX.Sent; now it means Sent
    else:
        path = target.renames.get(url.path or "", url.path)
    user = target.username if target.username is not None and (url.user is not None or smtp) else url.user
    port = target.port if (url.port is not None or target.port != DEFAULT_PORTS[target.scheme] or smtp) else None
    return Url(target.scheme, user, url.password, target.host, port, path)


def _relative(ref: Ref, renames: dict[str, str]) -> Optional[str]:
    assert ref.base is not None and ref.mailbox is not None
    base = ref.base.path or ""
    new_base = "" if _INBOX_ROOT.fullmatch(base) else base
    full = renames.get(ref.mailbox, ref.mailbox)
    if not new_base:
        return full
    for delimiter in ("", "/", "."):
        if full.startswith(new_base + delimiter) and (delimiter or new_base.endswith(("/", "."))):
            return full[len(new_base + delimiter):]
    return None


def _pattern(text: str, old_host: str, new_host: str, scheme: str, rename: Callable[[str], str]) -> tuple[str, bool]:
    """A hook's regular expression naming the new server (scheme, host), and its folder part matching
    the folders' new names; ``False`` when that part could not be rewritten exactly (it is kept)."""
    start = folder_start(text, old_host)
    head, part = (text, "") if start is None else (text[:start], text[start:])
    new_part = renamed_part(part, rename) if part else part

    def host(match: re.Match) -> str:
        return new_host.replace(".", "\\.") if "\\." in match.group() else new_host

    head = re.sub(host_pattern(old_host), host, head)
    head = re.sub(r"(?i)\b(imap|pop)s?(?=://)", scheme, head)
    return head + (part if new_part is None else new_part), new_part is not None


def renamer(renames: dict[str, str]) -> Callable[[str], str]:
    """The rule's answer for any folder name, learnt from its answers for the account's folders:
    which INBOX prefixes go, and which separators change."""
    prefixes = {old[:6].upper() for old, new in renames.items() if old[:6].upper() in ("INBOX.", "INBOX/")}
    separators = {a: b for old, new in renames.items() if old[:6].upper() in prefixes and len(old) == len(new) + 6
                  for a, b in zip(old[6:], new) if a != b}

    def rename(name: str) -> str:
        if name in renames:
            return renames[name]
        if name[:6].upper() in prefixes and len(name) > 6:
            return "".join(separators.get(char, char) for char in name[6:])
        return name

    return rename


def _anchor(found: Findings, server: Server) -> Optional[Setting]:
    """The setting after which new lines go: the server's own line (folder, pop_host, smtp_url)."""
    if server.kind == "smtp":
        return next(iter(reversed(found.settings.get("smtp_url", []))), None)
    return folder_setting(found.settings, server.host) or next(iter(reversed(found.settings.get("pop_host", []))), None)


def _set_or_add(rewrite: MuttRewrite, found: Findings, name: str, value: str, anchor: Optional[Setting]) -> None:
    settings = [s for s in found.settings.get(name, []) if s.assignment.value is not None]
    for setting in settings:
        rewrite.set_value(setting.file, setting.assignment.value, value)  # type: ignore[arg-type]
    if not settings:
        _add(rewrite, anchor, f'set {name}="{value}"')


def _add(rewrite: MuttRewrite, anchor: Optional[Setting], line: str) -> None:
    """A new ``set`` line after ``anchor`` (else at the end of the main file), once per setting."""
    if line.split("=")[0] in rewrite.added_settings:
        return
    rewrite.added_settings.add(line.split("=")[0])
    if anchor is not None:
        rewrite.add_after(anchor.file, anchor.command, line)
    else:
        main = rewrite.setup.main
        commands = rewrite.setup.muttrcs[main].commands
        if commands:
            rewrite.add_after(main, commands[-1], line)


def _switch_on(rewrite: MuttRewrite, found: Findings, name: str, anchor: Optional[Setting]) -> None:
    if found.value(name) == "yes":
        return
    settings = found.settings.get(name, [])
    if settings:
        last = settings[-1]
        if last.assignment.value is not None:
            rewrite.set_value(last.file, last.assignment.value, "yes")
        else:
            _rename(rewrite, last, name)
    else:
        _add(rewrite, anchor, f"set {name}=yes")


def _switch_off(rewrite: MuttRewrite, setting: Setting) -> None:
    assignment = setting.assignment
    if assignment.value is not None:
        if (assignment.value.value or "").lower() != "no":
            rewrite.set_value(setting.file, assignment.value, "no")
    elif setting.command.name == "set" and assignment.prefix != "no":
        _rename(rewrite, setting, "no" + assignment.name)


def _rename(rewrite: MuttRewrite, setting: Setting, new: str) -> None:
    rewrite.set_value(setting.file, setting.assignment.target, new)


def _replace_pop(rewrite: MuttRewrite, found: Findings, account: Account, target: _Target,
                 changes: list[Change]) -> None:
    """POP settings become the IMAP ones, in place: pop_host -> folder, pop_user/pop_pass -> imap_*."""
    removing_password = any(c.field == "incoming.password" for c in changes)
    user, scheme = target.username, target.scheme
    url = Url(scheme, user, None, target.host, target.port if target.port != DEFAULT_PORTS[scheme] else None, "")
    hosts = [setting for setting in found.settings.get("pop_host", []) if setting.assignment.value is not None]
    for setting in hosts:
        _rename(rewrite, setting, "folder")
        rewrite.set_value(setting.file, setting.assignment.value, str(url))  # type: ignore[arg-type]
        _add(rewrite, setting, 'set spoolfile="+INBOX"')
    if hosts:
        keep_after(rewrite, found, hosts, account.key)
    for setting in found.settings.get("pop_user", []):
        _rename(rewrite, setting, "imap_user")
        if setting.assignment.value is not None and user is not None:
            rewrite.set_value(setting.file, setting.assignment.value, user)
    for setting in found.settings.get("pop_pass", []):
        if removing_password:
            rewrite.drop(setting)
        else:
            _rename(rewrite, setting, "imap_pass")
    for name in POP_ONLY:
        for setting in found.settings.get(name, []):
            rewrite.drop(setting)
