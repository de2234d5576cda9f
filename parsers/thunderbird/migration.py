"""Neutral changes made in a profile: IMAP accounts in place, SMTP servers, folder URIs."""
from __future__ import annotations

from typing import Callable
from typing import NamedTuple
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import new_values
from migrate.model import Note
from parsers.thunderbird import uris
from parsers.thunderbird.accounts import AUTH_METHOD
from parsers.thunderbird.accounts import SMTP_KEY_NAMES
from parsers.thunderbird.accounts import SOCKET_TYPE
from parsers.thunderbird.accounts import host_and_port
from parsers.thunderbird.accounts import MailAccount
from parsers.thunderbird.accounts import number
from parsers.thunderbird.accounts import outgoing_key
from parsers.thunderbird.prefs_edit import PrefsEditor
from parsers.thunderbird.servers import add_identities
from parsers.thunderbird.servers import join

#: Keys that only mean something for the old server, or that an old Thunderbird left behind.
_STALE_SERVER_KEYS = ("realhostname", "realuserName", "isSecure", "useSecAuth", "auth_login", "serverIDResponse",
                      "capability", "is_gmail", "clientid")
UriMap = Callable[[str], Optional[str]]


class FolderMove(NamedTuple):
    """How one account's folder URIs change: those on ``server`` (scheme, user, host), by ``move``."""

    server: tuple[str, str, str]
    move: UriMap


def migrate_imap(editor: PrefsEditor, mail: MailAccount, account: Account, changes: list[Change]) -> Optional[FolderMove]:
    """Edit an IMAP account in place (same server key: its filters and identities stay attached).

    Returns how the account's folder URIs change, for every file that holds one.
    """
    branch = f"mail.server.{mail.server}"
    values = new_values(changes, "incoming")
    old_root = uris.split(mail.root(editor.profile))
    incoming = account.incoming
    host = str(values.get("host", incoming.host))
    user = str(values.get("username", incoming.username or ""))
    editor.set(f"{branch}.hostname", host)
    editor.set(f"{branch}.userName", user)
    # Written out in full: the legacy isSecure that may have decided them goes below.
    editor.set(f"{branch}.socketType", SOCKET_TYPE[str(values.get("security", incoming.security))])
    editor.set(f"{branch}.port", int(str(values.get("port", incoming.port))))
    if "auth" in values:
        editor.set(f"{branch}.authMethod", AUTH_METHOD[str(values["auth"])])
    if any(c.field == "subscribed_only" for c in changes):
        editor.set(f"{branch}.using_subscription", False)
    for key in _STALE_SERVER_KEYS:
        editor.remove(f"{branch}.{key}")
    # With a server directory the URIs were already without INBOX/; any still with it (made
    # before the directory was set) named INBOX.x then, which is x on the new server too.
    editor.remove(f"{branch}.server_sub_directory")
    editor.remove(f"{branch}.namespace.personal")
    trash = editor.get(f"{branch}.trash_folder_name")
    if isinstance(trash, str):
        editor.set(f"{branch}.trash_folder_name", uris.top_level_path(trash))
    new_root = uris.root("imap", user, host)

    def move(uri: str) -> Optional[str]:
        found = uris.split(uri)
        if found is None or old_root is None or found[:3] != old_root[:3]:
            return None
        return new_root + ("/" + uris.top_level_path(found.path) if "/" in uri.partition("://")[2] else "")

    if old_root is None:
        return None
    editor.move_uris(old_root[:3], move)
    return FolderMove(old_root[:3], move)


def join_holder(
    editor: PrefsEditor, mail: MailAccount, account: Account, holder: str, notes: list[Note], has_filters: bool
) -> None:
    """An IMAP account whose migrated server ``holder`` already has: Thunderbird would drop it at start."""
    was_default = join(editor, mail.key, mail.server, mail.identities, holder)
    filters = f"; its message filters stay in its own folder, to be copied to {holder} by hand" if has_filters else ""
    notes.append(Note(account.key, "thunderbird", (
        f"on the new service this is the same mailbox as {holder}, and Thunderbird loads one account a server:"
        f" its identities join {holder}{' (now the default)' if was_default else ''} and it leaves the account list"
        f"{filters}")))


def name_outgoing_servers(editor: PrefsEditor, identities: tuple[str, ...]) -> None:
    """An identity's outgoing server named as Thunderbird reads it (``smtpServer``), not as Netscape did.

    Thunderbird ignores ``smtp_server`` and would send through the default server instead.
    """
    for identity in identities:
        key, name = outgoing_key(editor.profile, identity)
        if name != "smtpServer" and key is not None:
            editor.set(f"mail.identity.{identity}.smtpServer", key)
            editor.remove(f"mail.identity.{identity}.{name}")


def migrate_smtp(editor: PrefsEditor, key: str, account: Account, changes: list[Change], notes: list[Note]) -> None:
    branch = f"mail.smtpserver.{key}"
    values = new_values(changes, "outgoing")
    outgoing = account.outgoing
    assert outgoing is not None
    wanted = {}
    if "host" in values:
        wanted["hostname"] = str(values["host"])
    if "security" in values or "port" in values:
        wanted["try_ssl"] = SOCKET_TYPE[str(values.get("security", outgoing.security))]
        wanted["port"] = int(str(values.get("port", outgoing.port)))
    if "auth" in values:
        wanted["authMethod"] = AUTH_METHOD[str(values["auth"])]
    if "username" in values:
        wanted["username"] = str(values["username"])
    for name, value in wanted.items():
        already = editor.written.get(f"{branch}.{name}")
        if already is not None and already != value:
            notes.append(Note(account.key, "thunderbird",
                              f"outgoing server {key} is shared with another account that wants {name} {already!r}; kept that"))
            continue
        editor.set(f"{branch}.{name}", value)
    if "auth" in values:
        editor.remove(f"{branch}.auth_method")
        editor.remove(f"{branch}.useSecAuth")


def replace_pop(
    editor: PrefsEditor, mail: MailAccount, account: Account, changes: list[Change], notes: list[Note],
    holder: Optional[str] = None,
) -> str:
    """A new IMAP account for a POP one, which stays (renamed, never checked) with its local mail.

    Switching the type in place would make Thunderbird treat the POP mail store as an IMAP cache
    and delete the folders the server does not have; so the old account is kept as it is.  When
    ``holder`` already is that IMAP account, the POP account's identities join it instead.
    Returns the IMAP account that takes over.
    """
    profile = editor.profile
    values = new_values(changes, "incoming")
    incoming = account.incoming
    user = str(values.get("username", incoming.username or ""))
    host = str(values.get("host", incoming.host))
    new_account = holder or _new_imap_account(editor, account, user, host, changes)
    specials = {c.field.split(".", 1)[1]: str(c.new) for c in changes if c.field.startswith("special.")}
    root = uris.root("imap", user, host)
    identities = [_copy_identity(editor, identity, root, specials) for identity in mail.identities]
    was_default = profile.value("mail.accountmanager.defaultaccount") == mail.key
    add_identities(editor, new_account, identities, first=was_default and holder is not None)
    if was_default:
        editor.set("mail.accountmanager.defaultaccount", new_account)
    old_branch = f"mail.server.{mail.server}"
    old_name = str(profile.server(mail.server, "name") or f"{incoming.username} on {incoming.host}")
    for name, value in (("name", f"{old_name} (old POP mail)"), ("login_at_startup", False), ("check_new_mail", False),
                        ("download_on_biff", False), ("mailmigrate.replaced_by", new_account)):
        editor.set(f"{old_branch}.{name}", value)
    if _split_host_and_port(editor, old_branch, profile.server(mail.server, "hostname")):
        notes.append(Note(account.key, "thunderbird", f"the old POP account's server name {incoming.host}:{incoming.port}"
                          " is written as host and port apart: current Thunderbird cannot load the account otherwise"))
    retired = f"{old_name + ' (old POP mail)'!r}, which keeps all mail already downloaded and is no longer checked;" \
              " its filters stay with the old account"
    if holder is None:
        notes.append(Note(account.key, "thunderbird", (
            f"Thunderbird will show a new IMAP account {user!r} (the default if the old one was) next to {retired}")))
    else:
        notes.append(Note(account.key, "thunderbird", (
            f"the IMAP account {user!r} is already {holder} (Thunderbird loads one account a server): its identities"
            f" join {holder}{' (now the default)' if was_default else ''}, next to {retired}")))
    return new_account


def _new_imap_account(editor: PrefsEditor, account: Account, user: str, host: str, changes: list[Change]) -> str:
    """An IMAP account of the service with no identities yet, listed last."""
    values, incoming = new_values(changes, "incoming"), account.incoming
    last_key = number(editor.get("mail.account.lastKey"), 0)
    server, new_account = editor.unused("mail.server.server"), editor.unused("mail.account.account", last_key + 1)
    branch = f"mail.server.{server}"
    for name, value in (
        ("type", "imap"), ("hostname", host), ("userName", user), ("name", user),
        ("port", int(str(values.get("port", incoming.port)))),
        ("socketType", SOCKET_TYPE[str(values.get("security", incoming.security))]),
        ("authMethod", AUTH_METHOD[str(values.get("auth", incoming.auth))]),
    ):
        editor.set(f"{branch}.{name}", value)
    if any(c.field == "subscribed_only" for c in changes):
        editor.set(f"{branch}.using_subscription", False)
    trash = next((str(c.new) for c in changes if c.field == "special.trash"), None)
    if trash is not None:
        editor.set(f"{branch}.trash_folder_name", trash)
    editor.set(f"mail.account.{new_account}.server", server)
    editor.set_keys("mail.accountmanager.accounts", [*editor.keys("mail.accountmanager.accounts"), new_account])
    editor.set("mail.account.lastKey", max(int(new_account[len("account"):]), last_key))
    return new_account


def port_apart(editor: PrefsEditor, mail: MailAccount, account: Account, notes: list[Note]) -> None:
    """An account left as it is, in a profile being migrated, still loads: its ``host:port`` name is split."""
    if _split_host_and_port(editor, f"mail.server.{mail.server}", editor.profile.server(mail.server, "hostname")):
        notes.append(Note(account.key, "thunderbird", f"the server name {account.incoming.host}:{account.incoming.port}"
                          " is written as host and port apart: current Thunderbird cannot load the profile otherwise"))


def _split_host_and_port(editor: PrefsEditor, branch: str, hostname: object) -> bool:
    """A Netscape-era ``host:port`` name written as Thunderbird writes it, the port in its own pref.

    Thunderbird 153 loops on such a name and leaves the account out, and every account after it
    in the list (the new IMAP one included); the port in the name is the one the account used.
    """
    host, port = host_and_port(hostname)
    if port is None:
        return False
    editor.set(f"{branch}.hostname", host)
    editor.set(f"{branch}.port", port)
    return True


def _copy_identity(editor: PrefsEditor, identity: str, root: str, specials: dict[str, str]) -> str:
    """A copy of an identity for the new account, its sent and drafts folders on the new server."""
    new = editor.unused("mail.identity.id")
    prefix = f"mail.identity.{identity}."
    for name in editor.profile.names_under(prefix):
        value = editor.get(name)
        if value is not None and name[len(prefix):] not in SMTP_KEY_NAMES:
            editor.set(f"mail.identity.{new}.{name[len(prefix):]}", value)
    smtp = outgoing_key(editor.profile, identity)[0]
    if smtp is not None:
        editor.set(f"mail.identity.{new}.smtpServer", smtp)
    for pref, mode, role in (("fcc_folder", "fcc_folder_picker_mode", "sent"),
                             ("draft_folder", "drafts_folder_picker_mode", "drafts")):
        if role in specials:
            editor.set(f"mail.identity.{new}.{pref}", f"{root}/{specials[role]}")
            editor.set(f"mail.identity.{new}.{mode}", "1")
    for pref in ("stationery_folder", "archive_folder", "tmpl_folder_picker_mode", "archives_folder_picker_mode"):
        editor.remove(f"mail.identity.{new}.{pref}")
    return new
