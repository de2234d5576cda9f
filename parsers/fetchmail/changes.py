"""One handler per neutral field: what a change means in fetchmailrc syntax."""
from __future__ import annotations

from typing import Callable

from migrate.model import Change
from parsers.fetchmail.accounts import OUTDATED_SSLPROTO
from parsers.fetchmail.accounts import remote_name
from parsers.fetchmail.accounts import split_login
from parsers.fetchmail.rewrite import MODERN_SSLPROTO
from parsers.fetchmail.rewrite import AccountRewrite
from parsers.fetchmail.strings import quote
from parsers.fetchmail.strings import value

_POP_FAMILY = frozenset({"pop2", "pop3", "apop", "rpop", "kpop", "sdps", "auto"})


def protocol(edit: AccountRewrite, change: Change) -> None:
    options = edit.own("PROTOCOL", server=True)
    if options:
        token = options[-1].values[-1]
        old = edit.tokens[token].text
        edit.rewrite.replaced[token] = str(change.new).upper() if old.isupper() else str(change.new)
    else:
        edit.rewrite.add(edit.server_end, "server", f"proto {change.new}")
    if change.old in _POP_FAMILY:  # meaningless over IMAP
        for option in edit.own("UIDL", "NO UIDL", server=True) + edit.own("FASTUIDL"):
            edit.rewrite.drop(option)
        inherited, where = edit.scope.find("UIDL", "NO UIDL")
        if inherited is not None and inherited.name == "UIDL" and where == "defaults":
            edit.rewrite.add(edit.server_end, "server", "no uidl")


def host(edit: AccountRewrite, change: Change) -> None:
    via = edit.own("VIA", server=True)
    edit.rewrite.replace(via[-1].values[-1] if via else edit.scope.entry.name, str(change.new))
    _unpin(edit)
    if edit.scope.find("SSLFINGERPRINT")[1] == "defaults":
        edit.note("the defaults entry's sslfingerprint names the old server's certificate and serves other polls"
                  " too; left there: remove it by hand, or this poll will refuse the service")
    for option in edit.own("SSLCOMMONNAME"):
        edit.rewrite.replace(option.values[-1], str(change.new))
    if not edit.account.incoming.has_password:
        edit.note(f"no password in the file: a ~/.netrc entry for {change.old} needs the new name too")
    if edit.own("PLUGIN", server=True):
        edit.note("plugin kept: the new service expects a direct encrypted connection, check it by hand")


def port(edit: AccountRewrite, change: Change) -> None:
    options = edit.own("SERVICE", "PORT", server=True)
    if options:
        edit.rewrite.replace_number(options[-1].values[-1], int(str(change.new)))
    else:
        edit.rewrite.add(edit.server_end, "server", f"service {change.new}")


def security(edit: AccountRewrite, change: Change) -> None:
    encrypt(edit, str(change.new))


def encrypt(edit: AccountRewrite, target: str) -> None:
    """Make this user's connection ``ssl`` or ``starttls``, with a current TLS version.

    The port belongs to the poll and the encryption to each user, so when a
    poll's port moves, ``edit.security_target`` makes every user follow it.
    """
    target = edit.security_target or target
    ssl_options = edit.own("SSL", "NO SSL")
    if target == "ssl":
        if ssl_options and ssl_options[-1].name == "NO SSL":
            option = ssl_options[-1]
            edit.rewrite.deleted.update(range(option.first + 1, option.last + 1))
            edit.rewrite.replaced[option.first] = "ssl"
        elif not ssl_options:
            edit.add_user_option("ssl")
    elif ssl_options and ssl_options[-1].name == "SSL":
        for option in ssl_options:
            if option.name == "SSL":
                edit.rewrite.drop(option)
        if not any(option.name == "NO SSL" for option in ssl_options) and _inherits_ssl(edit):
            edit.add_user_option("no ssl")
    elif not ssl_options and _inherits_ssl(edit):
        edit.add_user_option("no ssl")
    sslproto = edit.own("SSLPROTO")
    if sslproto:
        token = sslproto[-1].values[-1]
        if value(edit.tokens[token].text).lower() in OUTDATED_SSLPROTO | {""}:
            edit.rewrite.replace(token, MODERN_SSLPROTO)
    else:
        inherited, _ = edit.scope.find("SSLPROTO")
        current = value(edit.tokens[inherited.values[-1]].text).lower() if inherited else ""
        if current in OUTDATED_SSLPROTO | {""}:
            edit.add_user_option(f"sslproto {MODERN_SSLPROTO}")


def _inherits_ssl(edit: AccountRewrite) -> bool:
    inherited, _ = edit.scope.find("SSL", "NO SSL", inherited=True)
    return inherited is not None and inherited.name == "SSL"


def certificate(edit: AccountRewrite, change: Change) -> None:
    """``no sslcertck`` becomes ``sslcertck`` (explicit: it wins over the defaults, and over 6.3's default of
    not checking); a pinned fingerprint goes.  ``sslcertfile``/``sslcertpath`` stay: they only narrow what
    is trusted, so they cannot switch the check off."""
    check, where = edit.scope.find("SSLCERTCK", "NO SSLCERTCK")
    if check is not None and check.name == "NO SSLCERTCK":
        if where == "user":
            for option in edit.own("NO SSLCERTCK"):
                edit.rewrite.deleted.update(range(option.first + 1, option.last + 1))
                edit.rewrite.replaced[option.first] = "sslcertck"
        else:  # the defaults' choice: this user gets its own
            edit.add_user_option("sslcertck")
        edit.note("no sslcertck replaced by sslcertck: fetchmail now checks the service's certificate")
    _unpin(edit)
    stores = [o.name.lower() for o in (edit.scope.find(n)[0] for n in ("SSLCERTFILE", "SSLCERTPATH")) if o]
    if stores:
        edit.note(f"{' and '.join(stores)} kept: fetchmail trusts only the authorities there, not the system's;"
                  " they must include the one that signs the service's certificate")


def _unpin(edit: AccountRewrite) -> None:
    """Drop this user's ``sslfingerprint``: it names one certificate of the old server."""
    for option in edit.own("SSLFINGERPRINT"):
        if option.first not in edit.rewrite.deleted:
            edit.rewrite.drop(option)
            edit.note("sslfingerprint removed: it pinned the old server's certificate;"
                      " fetchmail now checks the service's certificate against the system's authorities")


def auth(edit: AccountRewrite, change: Change) -> None:
    options = edit.own("AUTHENTICATE", server=True)
    if options:
        edit.rewrite.replaced[options[-1].values[-1]] = "password"
    else:
        edit.rewrite.add(edit.server_end, "server", "auth password")


def username(edit: AccountRewrite, change: Change) -> None:
    _write_login(edit, str(change.new))


def _write_login(edit: AccountRewrite, login: str) -> None:
    user = edit.scope.user
    if user is not None and user.remote is not None:
        edit.rewrite.replace(user.remote, login)
    else:
        edit.rewrite.add(edit.server_end, "userdef", f"user {quote(login, edit.rewrite.preferred_quote)}")


def drop_login_prefix(edit: AccountRewrite) -> None:
    """A POP mode prefix of the remote name (``recent:``) means nothing to the service's IMAP: the name stays alone.

    A changed name is written without it already; an unchanged one is written again without it.
    """
    remote = remote_name(edit.scope, edit.tokens)
    prefix, name = split_login(remote) if remote is not None else ("", "")
    if not prefix:
        return
    if not any(change.field == "incoming.username" for change in edit.changes):
        _write_login(edit, name)
    edit.note(f"{prefix!r} dropped from the user name: it asked a POP server (Gmail's) for its recent mode;"
              " the service's IMAP login is the name alone")


def folder(edit: AccountRewrite, change: Change) -> None:
    for token in edit.folder_tokens.get(str(change.old), []):
        edit.rewrite.replace(token, str(change.new))
    # the list comes from the defaults: this user gets its own, renamed, once (at its first folder change)
    if change is edit.folder_changes[0] and not edit.own("FOLDER"):
        renames = {c.old: c.new for c in edit.folder_changes}
        style = edit.rewrite.preferred_quote
        names = ", ".join(quote(str(renames.get(f.name, f.name)), style) for f in edit.account.folders)
        edit.add_user_option(f"folder {names}")


def password(edit: AccountRewrite, change: Change) -> None:
    options = edit.own("PASSWORD")
    for option in options:
        edit.rewrite.drop(option)
    if not options:
        edit.note("the saved password comes from the defaults entry, which other polls share; left there")


HANDLERS: dict[str, Callable[[AccountRewrite, Change], None]] = {
    "incoming.protocol": protocol,
    "incoming.host": host,
    "incoming.port": port,
    "incoming.security": security,
    "incoming.auth": auth,
    "incoming.certificate": certificate,
    "incoming.username": username,
    "incoming.password": password,
    "folder": folder,
}
