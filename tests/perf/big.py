"""One big setup per format, for the growth benchmark: ``units`` times a slice of accounts and other lines.

Every slice holds something the migration rewrites (an account of the
service, or a folder of it) and lines it leaves alone, so both the parsing
and the rewriting grow with the file.  Each maker writes into an empty
folder and returns the path to give ``mailmigrate``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from tests.perf.homes import MUTTRC
from tests.perf.homes import PINERC
from tests.perf.homes import SOURCE


def fetchmail(folder: Path, units: int) -> Path:
    path = folder / ".fetchmailrc"
    path.write_text("set daemon 300\n" + "".join(
        f"# mailbox {n}\n"
        f"poll pop.lboro.ac.uk with proto POP3 uidl\n"
        f"       user 'u{n:05d}' there with password 'pw-{n}' is 'u{n:05d}' here options keep\n"
        f"poll mail.example.org proto pop3 user 'u{n:05d}@example.org' pass 'x{n}'\n"
        for n in range(units)))
    path.chmod(0o600)
    return path


def thunderbird(folder: Path, units: int) -> Path:
    profile = folder / ".thunderbird" / "abcd1234.default"
    profile.mkdir(parents=True)
    (folder / ".thunderbird" / "profiles.ini").write_text("[Profile0]\nName=default\nIsRelative=1\nPath=abcd1234.default\n")
    accounts = [f"account{n + 2}" for n in range(units)]
    lines = ['user_pref("mail.account.account1.server", "server1");',
             f'user_pref("mail.accountmanager.accounts", "{",".join(accounts)},account1");',
             'user_pref("mail.accountmanager.defaultaccount", "account2");',
             'user_pref("mail.server.server1.hostname", "Local Folders");',
             'user_pref("mail.server.server1.type", "none");',
             'user_pref("mail.server.server1.userName", "nobody");']
    for n in range(units):
        server, identity, user = f"server{n + 2}", f"id{n + 1}", f"u{n:05d}"
        lines += [f'user_pref("mail.account.account{n + 2}.identities", "{identity}");',
                  f'user_pref("mail.account.account{n + 2}.server", "{server}");',
                  f'user_pref("mail.identity.{identity}.fcc_folder", "imap://{user}@imap.lboro.ac.uk/INBOX/Sent");',
                  f'user_pref("mail.identity.{identity}.useremail", "{user}@lboro.ac.uk");',
                  f'user_pref("mail.server.{server}.hostname", "imap.lboro.ac.uk");',
                  f'user_pref("mail.server.{server}.type", "imap");',
                  f'user_pref("mail.server.{server}.userName", "{user}");']
        lines += [f'user_pref("extensions.pad.{n}.{i}", "{"x" * 40}");' for i in range(20)]
    path = profile / "prefs.js"
    path.write_text("// Mozilla User Preferences\n\n" + "\n".join(sorted(lines)) + "\n")
    path.chmod(0o600)
    return path


def mutt(folder: Path, units: int) -> Path:
    path = folder / ".muttrc"
    path.write_text(MUTTRC.format(user="u00000") + "".join(
        f"# list {n}\n"
        f"mailboxes +Lists.l{n}\n"
        f"color index yellow default '~f u{n:05d}@lboro.ac.uk'\n"
        f"macro index ,{n} '<change-folder>+Projects.p{n}<enter>'\n"
        f"set pager_index_lines={n % 20}\n"
        for n in range(units)))
    return path


def pine(folder: Path, units: int) -> Path:
    path = folder / ".pinerc"
    listed = ",\n\t".join(f"L{n} {{imap.lboro.ac.uk/user=u00000}}INBOX.L{n}" for n in range(units))
    features = ",\n\t".join(f"feature-{n}" for n in range(units))
    comments = "".join(f"# note {n}: {'x' * 40}\n" for n in range(units))
    path.write_text(PINERC.format(user="u00000") + f"incoming-folders={listed}\nfeature-list={features}\n{comments}")
    return path


def evolution_source(folder: Path, units: int) -> Path:
    path = folder / ".config" / "evolution" / "sources" / "u00000-acct.source"
    path.parent.mkdir(parents=True)
    path.write_text(SOURCE.format(user="u00000") + "".join(
        f"\n[Padding {n}]\n# {'x' * 40}\nKey{n}=value {n}\nOther{n}=true\n" for n in range(units)))
    path.chmod(0o600)
    return path


_GCONF_ACCOUNT = (
    '\t\t<li type="string">\n\t\t\t<stringvalue>&lt;?xml version="1.0"?&gt;\n'
    '&lt;account name="Work {n}" uid="1182791107.3299.{n}@psp" enabled="true"&gt;&lt;identity&gt;&lt;name&gt;U {n}'
    '&lt;/name&gt;&lt;addr-spec&gt;u{n:05d}@lboro.ac.uk&lt;/addr-spec&gt;&lt;/identity&gt;'
    '&lt;source save-passwd="false" keep-on-server="false"&gt;&lt;url&gt;imap://u{n:05d}@imap.lboro.ac.uk/;use_ssl=when-possible'
    '&lt;/url&gt;&lt;/source&gt;&lt;transport save-passwd="false"&gt;&lt;url&gt;smtp://u{n:05d};auth=LOGIN@smtp.lboro.ac.uk:587/'
    ';use_ssl=when-possible&lt;/url&gt;&lt;/transport&gt;&lt;drafts-folder&gt;imap://u{n:05d}@imap.lboro.ac.uk/INBOX/Drafts'
    '&lt;/drafts-folder&gt;&lt;/account&gt;\n</stringvalue>\n\t\t</li>\n'
)


def evolution_gconf(folder: Path, units: int) -> Path:
    mail = folder / ".gconf" / "apps" / "evolution" / "mail"
    mail.mkdir(parents=True)
    for parent in (mail.parent, mail.parent.parent):
        (parent / "%gconf.xml").write_text('<?xml version="1.0"?>\n<gconf>\n</gconf>\n')
    padding = "".join(f'\t<entry name="pad_{n}" mtime="1182791001" type="string">\n\t\t<stringvalue>{"x" * 40}'
                      f'</stringvalue>\n\t</entry>\n' for n in range(units))
    path = mail / "%gconf.xml"
    path.write_text('<?xml version="1.0"?>\n<gconf>\n' + padding
                    + '\t<entry name="accounts" mtime="1200000100" type="list" ltype="string">\n'
                    + "".join(_GCONF_ACCOUNT.format(n=n) for n in range(units)) + "\t</entry>\n</gconf>\n")
    return path


def windows(folder: Path, units: int) -> Path:
    path = folder / "outlook.reg"
    manager = r"HKEY_CURRENT_USER\Software\Microsoft\Internet Account Manager"
    lines = ["REGEDIT4", "", f"[{manager}]", '"Default Mail Account"="00000001"', ""]
    for n in range(units):
        lines += [f"[{manager}\\Accounts\\{n + 1:08d}]", f'"Account Name"="IMAP {n}"', '"Connection Type"=dword:00000003',
                  '"IMAP Server"="imap.lboro.ac.uk"', f'"IMAP User Name"="u{n:05d}"', '"IMAP Port"=dword:0000008f',
                  '"IMAP Secure Connection"=dword:00000000', '"SMTP Server"="smtp.lboro.ac.uk"',
                  '"SMTP Port"=dword:00000019', "", f"[HKEY_CURRENT_USER\\Software\\Padding\\{n}]",
                  *(f'"Value {i}"="{"x" * 40}"' for i in range(10)), ""]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


#: Format -> (maker, units at 1x): at 1x, a large real file or more, and work well above the fixed cost
#: of a run (about 10 ms), which would otherwise flatter the growth.
FORMATS: dict[str, tuple[Callable[[Path, int], Path], int]] = {
    "fetchmail rc": (fetchmail, 100),
    "Thunderbird prefs.js": (thunderbird, 40),
    "muttrc": (mutt, 200),
    "pinerc": (pine, 400),
    "Evolution key file": (evolution_source, 1600),
    "Evolution GConf": (evolution_gconf, 100),
    "Windows .reg": (windows, 80),
}
