"""Hostile and broken input in one batch run: a one-line error at file:line:col or a clean skip per case,
no traceback, nothing written for them, and the rest of the run done.

The corpus is ``tests/hostile/<case>/`` (each a home); the cases too big to keep in the
repository (10 MB lines, a 9 MB registry value, XML and Mulberry lists nested 100 000 deep), the one naming an
absolute path, the registry hives (written by ``tests/hives.py``, not kept as opaque bytes) and the crafted binary
property lists (``tests/plists.py``) are made here.
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

from tests.hives import checksummed
from tests.hives import empty_hive
from tests.perf.homes import make_homes
from tests.plists import KEY
from tests.plists import bplist
from tests.test_crash import contents as files

CORPUS = Path(__file__).resolve().parent / "hostile"
ROOT = CORPUS.parent.parent
#: case -> the file, line and column its one-line error names
FAILS = {
    "fetchmail-bom": ".fetchmailrc:1:1", "fetchmail-nul": ".fetchmailrc:1:28", "fetchmail-truncated": ".fetchmailrc:1:50",
    "thunderbird-unterminated-comment": ".thunderbird/p/prefs.js:2:1",
    "thunderbird-unterminated-string": ".thunderbird/p/prefs.js:2:43",
    "evolution-gconf-billion-laughs": ".gconf/apps/evolution/mail/%gconf.xml:15:22",
    "windows-truncated": "outlook.reg:5:32", "windows-bad-utf16": "outlook.reg:4:16", "windows-huge-value": "big.reg:4:18",
    "windows-iaf-truncated": "outlook.iaf: byte 344", "windows-iaf-wrong-header": "outlook.iaf: byte 0",
    "windows-iaf-huge-length": "outlook.iaf: byte 35", "windows-oeaccount-bad-utf16": "account{1}.oeaccount:3:31",
    "windows-hive-truncated": "NTUSER.DAT: truncated", "windows-hive-wrong-magic": "NTUSER.DAT", "windows-hive-huge": "NTUSER.DAT: truncated",
    "msmtp-nul": ".msmtprc:2:13", "msmtp-long-line": ".msmtprc:2:1", "msmtp-undefined-parent": ".msmtprc:2:9",
    "mpop-bom": ".mpoprc:1:1", "mpop-setting-first": ".config/mpop/config:2:1", "msmtp-ten-megabyte-line": ".msmtprc:3:1",
    "eudora-nul": "Application Data/Qualcomm/Eudora/Eudora.ini:3:24", "eudora-utf16be": "EUDORA.INI:1:1",
    "mulberry-unbalanced": ".mulberry/preferences.mbp:2:40", "mulberry-unterminated-string": ".mulberry/preferences.mbp:1:117",
    "mulberry-unknown-layout": ".mulberry/preferences.mbp:1:40", "mulberry-deep-unclosed": ".mulberry/preferences.mbp:1:100038",
    "applemail-truncated-binary": "Library/Preferences/com.apple.mail.plist",
    "applemail-unclosed-xml": "Library/Mail/V2/MailData/Accounts.plist:24:18",
    "applemail-billion-laughs": "Library/Preferences/com.apple.mail.plist:2:1",
    "applemail-external-entity": "Library/Preferences/com.apple.mail.plist:9:12",
    "applemail-binary-cycle": "Library/Preferences/com.apple.mail.plist",
    "applemail-binary-laughs": "Library/Preferences/com.apple.mail.plist",
    "mbsync-unterminated-quote": ".mbsyncrc:4:6", "offlineimap-duplicate-option": ".offlineimaprc:5:1",
    "offlineimap-bad-interpolation": ".config/offlineimap/config:4:1", "getmail-text-before-section": ".getmail/getmailrc:1:1",
    "claws-bad-header": ".claws-mail/accountrc:6:1", "claws-nul": ".claws-mail/accountrc:4:22",
    "claws-folderlist-unclosed": ".claws-mail/folderlist.xml:5:5", "claws-matcherrc-unterminated": ".claws-mail/matcherrc:2:67",
    "sylpheed-duplicate-account": ".sylpheed-2.0/accountrc:6:1",
}
SKIPS = {"thunderbird-profile-outside": "outside the home", "thunderbird-profile-absolute": "outside the home"}
BIG = "x" * 10_000_000


def generated(homes: Path) -> None:
    lines = homes / "ten-megabyte-lines"
    (lines / ".thunderbird" / "p").mkdir(parents=True)
    (lines / ".fetchmailrc").write_text(f"# {BIG}\npoll pop.lboro.ac.uk proto pop3 user ccano pass x\n")
    (lines / ".muttrc").write_text(f"set folder=imaps://ccano@imap.lboro.ac.uk/\n# {BIG}\n")
    (lines / ".pinerc").write_text(f"personal-name={BIG}\ninbox-path={{imap.lboro.ac.uk/user=ccano}}INBOX\n")
    (homes / "msmtp-ten-megabyte-line").mkdir()  # msmtp refuses a line of 500 characters or more: so do we
    (homes / "msmtp-ten-megabyte-line" / ".msmtprc").write_text(f"account lboro\nhost smtp.lboro.ac.uk\n# {BIG}\n")
    (lines / "Eudora.ini").write_bytes(f"[Settings]\r\nRealName={BIG}\r\nPOPAccount=ccano@pop.lboro.ac.uk\r\n".encode())
    (lines / ".mbsyncrc").write_text(f"# {BIG}\nIMAPAccount u\nHost imap.lboro.ac.uk\nUser ccano\n")
    (lines / ".offlineimaprc").write_text(f"[Repository r]\ntype = IMAP\nremotehost = imap.lboro.ac.uk\nnametrans = {BIG}\n")
    (lines / ".getmail").mkdir()
    (lines / ".getmail" / "getmailrc").write_text(f"[retriever]\ntype = SimplePOP3Retriever\nserver = pop.lboro.ac.uk\n"
                                                  f"username = ccano\n# {BIG}\n")
    (lines / ".thunderbird" / "p" / "prefs.js").write_text(
        f'user_pref("mail.accountmanager.accounts", "account1");\nuser_pref("x", "{BIG}");\n')
    (lines / ".claws-mail").mkdir()
    (lines / ".claws-mail" / "accountrc").write_text(f"[Account: 1]\nsignature_text={BIG}\nreceive_server=pop.lboro.ac.uk\n")
    huge = homes / "windows-huge-value"
    huge.mkdir()
    (huge / "big.reg").write_bytes(b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts"
                                   b"\\00000001]\r\n\"IMAP Password2\"=hex:" + b"00," * 3_000_000 + b"00\r\n")
    deep = homes / "evolution-gconf-deep" / ".gconf" / "apps" / "evolution" / "mail"
    deep.mkdir(parents=True)
    (deep / "%gconf.xml").write_text(
        '<?xml version="1.0"?>\n<gconf>\n\t<entry name="accounts" mtime="1" type="list" ltype="string">\n'
        '\t\t<li type="string">\n\t\t\t<stringvalue>&lt;?xml version="1.0"?&gt;&lt;account name="x" uid="1"&gt;'
        + "&lt;a&gt;" * 100_000 + "&lt;/a&gt;" * 100_000 + "&lt;/account&gt;</stringvalue>\n\t\t</li>\n\t</entry>\n</gconf>\n")
    deep = '(((s SMTP smtp.lboro.ac.uk false ((None)) ("" false false) NoTLS false "" ' + "(" * 100_000 + ")" * 100_000
    for case, line in (("deep-unclosed", "Mail Accounts v2=" + "(" * 100_000), ("deep", f"SMTP Accounts v2_0={deep})()))")):
        (homes / f"mulberry-{case}" / ".mulberry").mkdir(parents=True)  # the second is read, and migrated
        (homes / f"mulberry-{case}" / ".mulberry" / "preferences.mbp").write_text(f"Preferences.Accounts.{line}\n")
    hive = empty_hive()
    huge = checksummed(hive[:40] + struct.pack("<I", 0xFFFFF000) + hive[44:])  # its bins said to be 4 GiB
    for case, data in (("truncated", hive[:6000]), ("wrong-magic", b"hbin" + hive[4:]), ("huge", huge)):
        (homes / f"windows-hive-{case}").mkdir()
        (homes / f"windows-hive-{case}" / "NTUSER.DAT").write_bytes(data)
    for case, objects in (("cycle", [b"\xd1\x01\x02", KEY, b"\xa1\x02"]),  # an array inside itself
                          ("laughs", [b"\xd1\x01\x02", KEY] + [bytes([0xA2, i + 1, i + 1]) for i in range(2, 60)] + [b"\xa0"])):
        preferences = homes / f"applemail-binary-{case}" / "Library" / "Preferences"  # "laughs": 2**58 arrays, shared
        preferences.mkdir(parents=True)
        (preferences / "com.apple.mail.plist").write_bytes(bplist(objects))
    absolute = homes / "thunderbird-profile-absolute" / ".thunderbird"
    absolute.mkdir(parents=True)
    (absolute / "profiles.ini").write_text(
        f"[Profile0]\nName=default\nIsRelative=0\nPath={homes / 'thunderbird-bom-crlf' / '.thunderbird' / 'p'}\n")


def test_hostile_input_fails_in_one_line_or_is_skipped_and_the_rest_is_done(tmp_path: Path) -> None:
    homes = tmp_path / "homes"
    shutil.copytree(CORPUS, homes)
    generated(homes)
    make_homes(tmp_path / "ordinary", 2)
    for home in (tmp_path / "ordinary").iterdir():
        shutil.move(str(home), homes / f"ordinary-{home.name}")
    before = files(homes)
    env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(tmp_path / "state"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "migrate", "apply", "--homes", str(homes), "--jobs", "2", "--json"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 3 and "Traceback" not in done.stderr
    said = done.stderr.splitlines()
    for case, where in FAILS.items():
        line = next(line for line in said if line.startswith(f"{homes / case}/"))
        assert re.match(rf"{re.escape(str(homes / case / where))}: \S", line), line
    for case, words in SKIPS.items():
        assert any(f"{words} {homes / case};" in line for line in said), case
    assert len(said) == len(FAILS) + len(SKIPS)  # nothing else was said: no traceback, no second line
    after = files(homes)
    for name, data in before.items():
        case = name.split("/")[0]
        if case in FAILS or case == "thunderbird-bom-crlf" and "profile" in name:
            assert after[name] == data, name
    assert all(after[name] != data for name, data in before.items()
               if name.startswith("ordinary-") and name.endswith((".fetchmailrc", ".muttrc", ".pinerc", "prefs.js")))
    for name in (".fetchmailrc", ".mbsyncrc", ".offlineimaprc", ".getmail/getmailrc"):
        assert BIG in after[f"ten-megabyte-lines/{name}"].decode() and b"staff-mail" in after[f"ten-megabyte-lines/{name}"]
    assert BIG.encode() in after["ten-megabyte-lines/Eudora.ini"] and b"UsesIMAP=1\r\n" in after["ten-megabyte-lines/Eudora.ini"]
    assert b"staff-mail" in after["mulberry-deep/.mulberry/preferences.mbp"]  # nested 100 000 deep, read and migrated
    claws = after["ten-megabyte-lines/.claws-mail/accountrc"]
    assert BIG in claws.decode() and b"receive_server=staff-mail.lboro.ac.uk\n" in claws
    # KConfig skips what it cannot read, and so do we: the accounts it reads are migrated, the rest stays
    assert b"host = staff-mail.lboro.ac.uk \r\n" in after["kmail-binary/.kde3/share/config/kmailrc"]
    assert b"[Account 99999999999]\nType=imap\nhost=imap.lboro.ac.uk" in after["kmail-huge-count/.kde/share/config/kmailrc"]
    taken = "kmail-firstrun-taken/.local/share/akonadi/firstrun/mailmigrate-akonadi_pop3_resource_3"
    assert after[taken] == before[taken]  # a file of that name that is not ours is never replaced
