"""One big file per format, of ``n`` accounts, for measuring how the cost grows with a file's size.

Each function returns the file's path inside a home and its bytes.  Most
accounts are the university's (so each is migrated) and some are foreign; the
accounts differ in user and server, so that none collapse into one.
"""
from __future__ import annotations

from xml.sax.saxutils import escape


def fetchmail(n: int) -> tuple[str, bytes]:
    """A fetchmailrc of ``n`` polls: POP ones that keep mail, IMAP ones with folders under INBOX, foreign ones."""
    parts = ["# fetchmailrc of a mail gateway\nset daemon 900\nset postmaster \"root\"\n\n"
             "defaults\n    timeout 60\n    mda \"/usr/bin/procmail -d %T\"\n\n"]
    for i in range(n):
        if i % 3 == 0:
            parts.append(f"poll pop.lboro.ac.uk with proto POP3 uidl\n"
                         f"       user 'u{i:05d}' there with password 'pw-{i}' is 'u{i:05d}' here options keep fetchall\n")
        elif i % 3 == 1:
            parts.append(f"poll imap.lboro.ac.uk\n    proto imap\n    auth cram-md5\n"
                         f"    user \"u{i:05d}\" there with password \"pw-{i}\" is u{i:05d} here\n"
                         f"    folder INBOX, \"INBOX.Sent Items\", INBOX.Lists.l{i}\n    sslproto tls1\n")
        else:
            parts.append(f"poll mail{i}.example.org proto pop3 service pop3s\n"
                         f"    user 'u{i}@example.org' there with pass 'x{i}' is u{i:05d} here\n    ssl\n    keep\n")
    return ".fetchmailrc", "".join(parts).encode()


def thunderbird(n: int) -> tuple[str, bytes]:
    """A profile's ``prefs.js`` of ``n`` accounts (IMAP with special folders, POP, foreign IMAP), sorted as
    Thunderbird writes it, with a few dozen unrelated prefs."""
    prefs: dict[str, object] = {
        "mail.account.account1.server": "server1", "mail.accountmanager.localfoldersserver": "server1",
        "mail.server.server1.hostname": "Local Folders", "mail.server.server1.type": "none",
        "mail.server.server1.userName": "nobody", "mail.smtp.defaultserver": "smtp1",
    }
    accounts, smtps = ["account1"], []
    for i in range(2, n + 2):
        user = f"u{i:05d}"
        kind = ("imap", "pop3", "imap")[i % 3]
        host = {"imap": "imap.lboro.ac.uk", "pop3": "pop.lboro.ac.uk"}[kind] if i % 3 != 2 else f"imap{i}.example.org"
        scheme = "imap" if kind == "imap" else "mailbox"
        accounts.append(f"account{i}")
        smtps.append(f"smtp{i}")
        prefs.update({
            f"mail.account.account{i}.identities": f"id{i}", f"mail.account.account{i}.server": f"server{i}",
            f"mail.identity.id{i}.fcc_folder": f"{scheme}://{user}@{host}/INBOX/Sent",
            f"mail.identity.id{i}.draft_folder": f"{scheme}://{user}@{host}/INBOX/Drafts",
            f"mail.identity.id{i}.fullName": f"User {i}", f"mail.identity.id{i}.useremail": f"{user}@lboro.ac.uk",
            f"mail.identity.id{i}.smtpServer": f"smtp{i}", f"mail.identity.id{i}.valid": True,
            f"mail.server.server{i}.hostname": host, f"mail.server.server{i}.type": kind,
            f"mail.server.server{i}.userName": user, f"mail.server.server{i}.name": f"{user}@{host}",
            f"mail.server.server{i}.check_new_mail": True, f"mail.server.server{i}.login_at_startup": True,
            f"mail.server.server{i}.directory-rel": f"[ProfD]{'ImapMail' if kind == 'imap' else 'Mail'}/{host}-{i}",
            f"mail.smtpserver.smtp{i}.hostname": "smtp.lboro.ac.uk" if i % 3 != 2 else f"smtp{i}.example.org",
            f"mail.smtpserver.smtp{i}.username": user,
        })
        if kind == "pop3":
            prefs[f"mail.server.server{i}.leave_on_server"] = True
    prefs.update({"mail.accountmanager.accounts": ",".join(accounts), "mail.accountmanager.defaultaccount": "account2",
                  "mail.account.lastKey": n + 1, "mail.smtpservers": ",".join(smtps)})
    prefs.update({f"extensions.pad.{i}": "x" * 40 for i in range(50)})
    lines = sorted(f'user_pref("{name}", {_js(value)});' for name, value in prefs.items())
    return ".thunderbird/abcd1234.default/prefs.js", ("// Mozilla User Preferences\n\n" + "\n".join(lines) + "\n").encode()


def _js(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else f'"{value}"'


def mutt(n: int) -> tuple[str, bytes]:
    """A muttrc of ``n`` account blocks (hooks, mailboxes, macros): the university's main server with many
    users, department servers, foreign servers."""
    parts = ['# muttrc of a shared help desk\nset folder="imap://desk@imap.lboro.ac.uk/INBOX."\n'
             'set spoolfile=+ record=+Sent postponed=+Drafts\nset smtp_url="smtp://desk@smtp.lboro.ac.uk/"\n'
             "set imap_check_subscribed=yes\nset ssl_verify_host=no\n"]
    for i in range(n):
        host = ("imap.lboro.ac.uk", f"dept{i}.lboro.ac.uk", f"imap{i}.example.org")[i % 3]
        url = f"imap://u{i:05d}@{host}/"
        parts.append(
            f"\n# account {i}\nmailboxes +Lists.l{i} +Projects.p{i} \"{url}INBOX.Archive {i}\"\n"
            f"account-hook {url} 'set imap_user=u{i:05d} imap_pass=\"pw-{i}\"'\n"
            f"folder-hook {url} 'set folder=\"{url}\" record=\"+INBOX.Sent\"'\n"
            f"macro index ,{i} \"<change-folder>=Lists.l{i}<enter>\" \"go to list {i}\"\n"
            f"fcc-hook '~t u{i}@' +Sent.s{i}\n")
    return ".muttrc", "".join(parts).encode()


def pine(n: int) -> tuple[str, bytes]:
    """A pinerc whose lists name ``n`` logins: the user's own folders and shared boxes on the university's
    server, and foreign servers."""
    collections, incoming = [], []
    for i in range(n):
        host = ("imap.lboro.ac.uk/ssl", "imap.lboro.ac.uk", f"imap{i}.example.org/ssl")[i % 3]
        collections.append(f'"Box {i}" {{{host}/user=box{i:05d}}}INBOX.[]')
        incoming.append(f"Orders{i} {{{host}/user=box{i:05d}}}INBOX.Orders{i}")
    text = ("# Alpine configuration file -- customize as needed.\n\npersonal-name=Help Desk\n"
            "inbox-path={imap.lboro.ac.uk/user=desk}INBOX\n\n"
            "folder-collections=" + ",\n\t".join(collections) + "\n\n"
            "incoming-folders=" + ",\n\t".join(incoming) + "\n\n"
            "default-fcc={imap.lboro.ac.uk/user=desk}INBOX.sent-mail\nsmtp-server=smtp.lboro.ac.uk/user=desk\n")
    return ".pinerc", text.encode()


EVOLUTION_UID = "1712000000.4242.1@lab"


def evolution_source(n: int) -> tuple[str, bytes]:
    """An Evolution 3.x POP account's key file with ``n`` more groups of keys: a key file holds one
    account, so what grows is the rest of it."""
    extra = "".join(f"\n[Extension {i}]\nEnabled=true\nName=extension number {i}\nInterval={i}\n" for i in range(n))
    text = ("[Data Source]\nDisplayName=Staff mail\nEnabled=true\nParent=\n\n[Security]\nMethod=none\n\n"
            "[Authentication]\nHost=pop.lboro.ac.uk\nMethod=none\nPort=110\nUser=ccano\n\n"
            "[Pop Backend]\nKeepOnServer=true\nDeleteAfterDays=7\n\n"
            f"[Mail Account]\nBackendName=pop\nIdentityUid=\n{extra}")
    return f".config/evolution/sources/{EVOLUTION_UID}.source", text.encode()


def evolution_filters(n: int, gconf: bool = False) -> tuple[str, bytes]:
    """Evolution's ``filters.xml`` with ``n`` rules moving mail to folders under INBOX: of the key file's
    account, or (``gconf``) of the IMAP accounts of ``evolution_gconf(n)``, in both spellings 2.x reads."""
    uris = []
    for i in range(n):
        if not gconf:
            uris.append(f"folder://{EVOLUTION_UID.replace('@', '%40')}/INBOX/Folder%20{i}")
        elif i % 3 == 1:
            uris.append(f"email://{_gconf_uid(i)}/INBOX/Folder%20{i}" if i % 2 else
                        f"imap://u{i:05d}@imap.lboro.ac.uk/INBOX/Folder%20{i}")
    rules = "".join(
        f'    <rule enabled="true" grouping="all" source="incoming">\n      <title>Rule {i}</title>\n'
        f'      <actionset>\n        <part name="move-to-folder">\n          <value name="folder" type="folder">\n'
        f'            <folder uri="{escape(uri)}"/>\n'
        f"          </value>\n        </part>\n      </actionset>\n    </rule>\n" for i, uri in enumerate(uris))
    text = f'<?xml version="1.0"?>\n<filteroptions>\n  <ruleset>\n{rules}  </ruleset>\n</filteroptions>\n'
    return (".evolution" if gconf else ".config/evolution") + "/mail/filters.xml", text.encode()


def _gconf_uid(i: int) -> str:
    return f"1182791050.{i}.20@psp"


def evolution_gconf(n: int) -> tuple[str, bytes]:
    """Evolution 2.x's GConf mail settings with ``n`` accounts: POP and IMAP ones of the university, foreign IMAP."""
    items = []
    for i in range(n):
        user = f"u{i:05d}"
        source, folders = (
            (f"pop://{user}@pop.lboro.ac.uk/;keep_on_server;delete_after=7", "mbox:/home/desk/.evolution/mail/local#"),
            (f"imap://{user};auth=CRAM-MD5@imap.lboro.ac.uk/;check_all;use_lsub;override_namespace;namespace=INBOX.",
             f"imap://{user}@imap.lboro.ac.uk/INBOX/"),
            (f"imap://{user}@imap{i}.example.org/;use_ssl=always", f"imap://{user}@imap{i}.example.org/"),
        )[i % 3]
        account = (f'<?xml version="1.0"?>\n<account name="Account {i}" uid="{_gconf_uid(i)}" enabled="true">'
                   f"<identity><name>User {i}</name><addr-spec>{user}@lboro.ac.uk</addr-spec></identity>"
                   f'<source save-passwd="false" keep-on-server="false"><url>{escape(source)}</url></source>'
                   f'<transport save-passwd="false"><url>smtp://{user};auth=LOGIN@smtp.lboro.ac.uk:587/;use_ssl=when-possible'
                   f"</url></transport><drafts-folder>{folders}Drafts</drafts-folder>"
                   f"<sent-folder>{folders}Sent Items</sent-folder></account>\n")
        items.append(f'\t\t<li type="string">\n\t\t\t<stringvalue>{escape(account)}</stringvalue>\n\t\t</li>\n')
    text = ('<?xml version="1.0"?>\n<gconf>\n'
            '\t<entry name="accounts" mtime="1200000100" type="list" ltype="string">\n' + "".join(items) + "\t</entry>\n"
            '\t<entry name="default_account" mtime="1182791595" type="string">\n'
            f"\t\t<stringvalue>{_gconf_uid(0)}</stringvalue>\n\t</entry>\n</gconf>\n")
    return ".gconf/apps/evolution/mail/%gconf.xml", text.encode()


def windows(n: int) -> tuple[str, bytes]:
    """A registry export (REGEDIT4, CRLF) of ``n`` Outlook Express IMAP accounts of the university, each with
    a key of another program's values beside it."""
    manager = r"HKEY_CURRENT_USER\Software\Microsoft\Internet Account Manager"
    lines = ["REGEDIT4", "", f"[{manager}]", '"Default Mail Account"="00000001"', ""]
    for i in range(n):
        lines += [f"[{manager}\\Accounts\\{i + 1:08d}]", f'"Account Name"="IMAP {i}"', '"Connection Type"=dword:00000003',
                  '"IMAP Server"="imap.lboro.ac.uk"', f'"IMAP User Name"="u{i:05d}"', '"IMAP Port"=dword:0000008f',
                  '"IMAP Secure Connection"=dword:00000000', '"SMTP Server"="smtp.lboro.ac.uk"',
                  '"SMTP Port"=dword:00000019', "", f"[HKEY_CURRENT_USER\\Software\\Other\\{i}]",
                  *(f'"Value {v}"="{"x" * 40}"' for v in range(10)), ""]
    return "outlook.reg", "\r\n".join(lines).encode("cp1252")
