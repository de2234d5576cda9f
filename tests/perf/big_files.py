"""One big file per format, of ``n`` accounts, for measuring how the cost grows with a file's size.

Each function returns the file's path inside a home and its bytes (and, for a
setup of several files, the others' paths and bytes).  Most
accounts are the university's (so each is migrated) and some are foreign; the
accounts differ in user and server, so that none collapse into one.
"""
from __future__ import annotations

import plistlib
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


def msmtp(n: int) -> tuple[str, bytes]:
    """An msmtprc of ``n`` accounts after shared defaults: the university's server, department servers (some
    inheriting another account), foreign ones."""
    parts = ["# msmtprc of a shared help desk\ndefaults\nport 587\ntls on\nauth on\nlogfile ~/.msmtp.log\n"]
    for i in range(n):
        host = ("smtp.lboro.ac.uk", f"dept{i}.lboro.ac.uk", f"smtp{i}.example.org")[i % 3]
        inherits = f" : a{i - 1}" if i % 3 == 1 else ""
        parts.append(f"\n# account {i}\naccount a{i}{inherits}\nhost {host}\nfrom u{i:05d}@lboro.ac.uk\n"
                     f"user u{i:05d}\npassword \"pw {i}\"\nauth cram-md5\ntls_certcheck off\n")
    parts.append("\naccount default : a0\n")
    return ".msmtprc", "".join(parts).encode()


def mpop(n: int) -> tuple[str, bytes]:
    """An mpoprc of ``n`` accounts: POP ones of the university (commented out), foreign ones."""
    parts = ["# mpoprc of a shared help desk\ndefaults\nkeep on\nonly_new on\n"]
    for i in range(n):
        host = ("pop.lboro.ac.uk", f"dept{i}.lboro.ac.uk", f"pop{i}.example.org")[i % 3]
        parts.append(f"\naccount a{i}\nhost {host}\nuser u{i:05d}\npassword pw-{i}\nauth apop\ntls off\n"
                     f"delivery maildir ~/Maildir/a{i}\n")
    parts.append("\naccount default : a0\n")
    return ".mpoprc", "".join(parts).encode()


def eudora(n: int) -> tuple[str, bytes]:
    """A Windows ``Eudora.ini`` (CRLF) with ``n`` personalities: POP and IMAP ones of the university, foreign POP.
    Eudora reads at most 99 (persona.h ``MAX_PERSONAS``): past those the file grows by ones it never reads."""
    lines = ["[Settings]", "RealName=Help Desk", "ReturnAddress=desk@lboro.ac.uk", "POPAccount=desk@pop.lboro.ac.uk",
             "LoginName=desk", "PopServer=pop.lboro.ac.uk", "SMTPServer=smtp.lboro.ac.uk", "UsesPOP=1", "UsesIMAP=0",
             "[Personalities]", *(f"Persona{i}=Persona-P{i}" for i in range(n))]
    for i in range(n):
        host = ("pop.lboro.ac.uk", f"imap{i}.lboro.ac.uk", f"pop{i}.example.org")[i % 3]
        lines += [f"[Persona-P{i}]", f"POPAccount=u{i:05d}@{host}", f"RealName=User {i}", f"ReturnAddress=u{i:05d}@lboro.ac.uk",
                  f"SMTPServer={'smtp.lboro.ac.uk' if i % 3 != 2 else f'smtp{i}.example.org'}", f"PopServer={host}",
                  f"LoginName=u{i:05d}", f"UsesIMAP={int(i % 3 == 1)}", f"UsesPOP={int(i % 3 != 1)}",
                  "ImapDirectoryPrefix=INBOX." if i % 3 == 1 else "LeaveMailOnServer=1", "AuthenticatePassword=1",
                  "SSLReceiveUse=0", "SSLSendUse=0", f"SavePasswordText=cHctc2VjcmV0LXt{i % 10}"]
    lines += ["[Window Position]", "MainWindowPosition=10,10,1014,738", ""]
    return "Application Data/Qualcomm/Eudora/Eudora.ini", "\r\n".join(lines).encode("cp1252")


def mulberry(n: int) -> tuple[str, bytes]:
    """Mulberry preferences with ``n`` mail accounts (IMAP with folders under INBOX, POP, foreign IMAP),
    an SMTP account and an identity each."""
    mail, smtp, identities = [], [], []
    for i in range(n):
        user, host = f"u{i:05d}", ("imap.lboro.ac.uk", "pop.lboro.ac.uk", f"imap{i}.example.org")[i % 3]
        if i % 3 == 1:
            mail.append(f'((A{i} POP3 {host} true (("Plain Text" {user} "" true true)) ("" false false) NoTLS false "" )'
                        f'((("*" true false)) Auto true true 14 false false 10 false true false false true P{i}))')
        else:
            mail.append(f'((A{i} IMAP {host}:143 false ((CRAM-MD5 {user} "" true true)) ("" false false) TLSv1 false "" )'
                        f'(. false ((INBOX. true false)) false false false false true P{i}))')
        outgoing = "smtp.lboro.ac.uk" if i % 3 != 2 else f"smtp{i}.example.org"
        smtp.append(f'(({outgoing} SMTP {outgoing} false ((None)) ("" false false) NoTLS false "" )())')
        identities.append(f'(P{i} {outgoing} "" "User {i} <{user}@lboro.ac.uk>" true "" false "" false "A{i}:INBOX.Sent" '
                          'true false "" false "" false "" false "" false "" false false (false false false false false ) '
                          'false false false 0 """" false )')
    text = ("Preferences.Accounts.Default Outgoing Domain=lboro.ac.uk\n"
            f"Preferences.Accounts.Mail Accounts v2=({''.join(mail)})\nPreferences.Accounts.OS Default Location=false\n"
            f"Preferences.Accounts.SMTP Accounts v2_0=({''.join(smtp)})\n"
            f"Preferences.Identities.List v2_0=({''.join(identities)})\nPreferences.Version_v2_0=0x4088000\n")
    return ".mulberry/preferences.mbp", text.encode("latin-1")


def apple_mail(n: int, binary: bool = False) -> tuple[str, bytes]:
    """Apple Mail's ``com.apple.mail.plist`` (XML, or ``binary``) with ``n`` accounts: IMAP ones of the university
    with folders under INBOX, POP ones, foreign IMAP; each with its SMTP account."""
    accounts, delivery = [{"AccountName": "On My Mac", "AccountPath": "~/Library/Mail/Mailboxes", "AccountType": "LocalAccount"}], []
    for i in range(n):
        user, kind = f"u{i:05d}", ("IMAP", "POP", "IMAP")[i % 3]
        host = ("imap.lboro.ac.uk", "pop.lboro.ac.uk", f"imap{i}.example.org")[i % 3]
        outgoing = "smtp.lboro.ac.uk" if i % 3 != 2 else f"smtp{i}.example.org"
        delivery.append({"AccountType": "SMTPAccount", "Hostname": outgoing, "PortNumber": "25", "SSLEnabled": "NO",
                         "ShouldUseAuthentication": "YES", "Username": user})
        account = {"AccountName": f"Account {i}", "AccountPath": f"~/Library/Mail/{kind}-{user}@{host}",
                   "AccountType": f"{kind}Account", "EmailAddresses": [f"{user}@lboro.ac.uk"], "FullUserName": f"User {i}",
                   "Hostname": host, "PortNumber": "143" if kind == "IMAP" else "110", "SMTPIdentifier": f"{outgoing}:{user}",
                   "SSLEnabled": "NO", "Username": user}
        if i % 3 == 0:
            account.update({"DraftsMailboxName": "INBOX/Drafts", "SentMessagesMailboxName": "INBOX/Sent",
                            "TrashMailboxName": "INBOX/Deleted Items"})
        accounts.append(account)
    prefs = {"DeliveryAccounts": delivery, "MailAccounts": accounts, "MailSound": "New Mail Sound",
             "PollTime": "-1", "SignaturesVersion": 2}
    data = plistlib.dumps(prefs, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML)
    return "Library/Preferences/com.apple.mail.plist", data


def mbsync(n: int) -> tuple[str, bytes]:
    """An mbsyncrc of ``n`` accounts, each with its stores and a channel: the university's IMAP with folders
    under INBOX, department servers, foreign ones."""
    parts = ["# mbsyncrc of a shared help desk\n"]
    for i in range(n):
        host = ("imap.lboro.ac.uk", f"dept{i}.lboro.ac.uk", f"imap{i}.example.org")[i % 3]
        parts.append(f"\nIMAPAccount a{i}\nHost {host}\nUser u{i:05d}\nPass \"pw {i}\"\nSSLType STARTTLS\nAuthMechs CRAM-MD5\n\n"
                     f"IMAPStore a{i}-remote\nAccount a{i}\nPath INBOX.\nPathDelimiter .\n\n"
                     f"MaildirStore a{i}-local\nPath ~/Mail/a{i}/\nInbox ~/Mail/a{i}/INBOX\n\n"
                     f"Channel a{i}\nMaster :a{i}-remote:\nSlave :a{i}-local:\nPatterns * !Trash\nCreate Slave\n")
    return ".mbsyncrc", "".join(parts).encode()


def offlineimap(n: int) -> tuple[str, bytes]:
    """An offlineimaprc of ``n`` accounts with their repositories: the university's IMAP with folders under
    INBOX, department servers, foreign ones."""
    parts = [f"# offlineimaprc of a shared help desk\n[general]\naccounts = {', '.join(f'A{i}' for i in range(n))}\n"
             "maxsyncaccounts = 1\n"]
    for i in range(n):
        host = ("imap.lboro.ac.uk", f"dept{i}.lboro.ac.uk", f"imap{i}.example.org")[i % 3]
        parts.append(f"\n[Account A{i}]\nlocalrepository = L{i}\nremoterepository = R{i}\nautorefresh = 10\n\n"
                     f"[Repository L{i}]\ntype = Maildir\nlocalfolders = ~/Mail/A{i}\n\n"
                     f"[Repository R{i}]\ntype = IMAP\nremotehost = {host}\nremoteport = 143\nremoteuser = u{i:05d}\n"
                     f"remotepass = pw-{i}\nssl = no\nreference = INBOX\nauth_mechanisms = CRAM-MD5, LOGIN\n"
                     "folderfilter = lambda f: f == 'INBOX' or f.startswith('INBOX.')\nsubscribedonly = yes\n")
    return ".offlineimaprc", "".join(parts).encode()


def getmail(n: int) -> tuple[str, bytes]:
    """A getmailrc's one IMAP retriever (a file holds one) of the university with ``n`` mailboxes under INBOX."""
    boxes = ",\n    ".join(f'"INBOX.Lists.l{i}"' if i % 2 else f"'INBOX.Projects.p{i}'" for i in range(n))
    text = ("[retriever]\ntype = SimpleIMAPRetriever\nserver = imap.lboro.ac.uk\nusername = desk\n"
            f"mailboxes = (\"INBOX\",\n    {boxes})\nmove_on_delete = INBOX.Trash\n\n"
            "[destination]\ntype = Maildir\npath = ~/Maildir/\n\n[options]\ndelete = true\n")
    return ".getmail/getmailrc", text.encode()


def claws(n: int) -> tuple[str, bytes, dict[str, bytes]]:
    """A Claws Mail ``accountrc`` of ``n`` accounts (IMAP with folders under INBOX, POP, foreign IMAP) and the
    ``folderlist.xml`` beside it, with each IMAP account's folders."""
    accounts, folders = [], ['<?xml version="1.0" encoding="UTF-8"?>\n<folderlist config_version="4">\n']
    for i in range(1, n + 1):
        protocol, host = ((1, "imap.lboro.ac.uk"), (0, "pop.lboro.ac.uk"), (1, f"imap{i}.example.org"))[i % 3]
        outgoing = "smtp.lboro.ac.uk" if i % 3 != 2 else f"smtp{i}.example.org"
        prefix = "INBOX/" if i % 3 == 0 else ""
        accounts.append(f"[Account: {i}]\naccount_name=A{i}\nis_default={int(i == 1)}\nname=User {i}\naddress=u{i:05d}@lboro.ac.uk\n"
                        f"protocol={protocol}\nreceive_server={host}\nsmtp_server={outgoing}\nuser_id=u{i:05d}\nconfig_version=4\n"
                        f"use_apop_auth=0\nremove_mail=0\nimap_auth_method=2\ninbox=#mh/Mailbox/inbox\n"
                        f"imap_directory={prefix.rstrip('/')}\nimap_subsonly=1\nuse_smtp_auth=1\nsmtp_auth_method=2\n"
                        f"ssl_pop=0\nssl_imap=2\nssl_smtp=2\nset_smtpport=1\nsmtp_port=587\nset_sent_folder={protocol}\n"
                        f"sent_folder={f'#imap/A{i}/{prefix}Sent' if protocol else ''}\n")
        if protocol:
            folders.append(f'    <folder type="imap" name="A{i}" account_id="{i}" sort="0" collapsed="0">\n'
                           f'        <folderitem type="normal" name="A{i}" path="INBOX" collapsed="0" threaded="1" mtime="0" new="0" unread="0" total="0">\n'
                           + "".join(f'            <folderitem type="normal" name="{name}" path="{prefix}{name}" collapsed="0" '
                                     'threaded="1" mtime="0" new="0" unread="0" total="0" />\n' for name in ("Sent", "Drafts", "Lists", f"P{i}"))
                           + "        </folderitem>\n    </folder>\n")
    folders.append("</folderlist>\n")
    return ".claws-mail/accountrc", "\n".join(accounts).encode(), {".claws-mail/folderlist.xml": "".join(folders).encode()}
