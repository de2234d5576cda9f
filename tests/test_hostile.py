"""Hostile and broken input in one batch run: a one-line error at file:line:col or a clean skip per case,
no traceback, nothing written for them, and the rest of the run done.

The corpus is ``tests/hostile/<case>/`` (each a home); the cases too big to keep in the
repository (10 MB lines, a 9 MB registry value, XML nested 100 000 deep), the one naming an absolute path
and the registry hives (written by ``tests/hives.py``, not kept as opaque bytes) are made here.
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
}
SKIPS = {"thunderbird-profile-outside": "outside the home", "thunderbird-profile-absolute": "outside the home"}
BIG = "x" * 10_000_000


def generated(homes: Path) -> None:
    lines = homes / "ten-megabyte-lines"
    (lines / ".thunderbird" / "p").mkdir(parents=True)
    (lines / ".fetchmailrc").write_text(f"# {BIG}\npoll pop.lboro.ac.uk proto pop3 user ccano pass x\n")
    (lines / ".muttrc").write_text(f"set folder=imaps://ccano@imap.lboro.ac.uk/\n# {BIG}\n")
    (lines / ".pinerc").write_text(f"personal-name={BIG}\ninbox-path={{imap.lboro.ac.uk/user=ccano}}INBOX\n")
    (lines / ".thunderbird" / "p" / "prefs.js").write_text(
        f'user_pref("mail.accountmanager.accounts", "account1");\nuser_pref("x", "{BIG}");\n')
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
    hive = empty_hive()
    huge = checksummed(hive[:40] + struct.pack("<I", 0xFFFFF000) + hive[44:])  # its bins said to be 4 GiB
    for case, data in (("truncated", hive[:6000]), ("wrong-magic", b"hbin" + hive[4:]), ("huge", huge)):
        (homes / f"windows-hive-{case}").mkdir()
        (homes / f"windows-hive-{case}" / "NTUSER.DAT").write_bytes(data)
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
    assert BIG in after["ten-megabyte-lines/.fetchmailrc"].decode() and b"staff-mail" in after["ten-megabyte-lines/.fetchmailrc"]
    # KConfig skips what it cannot read, and so do we: the accounts it reads are migrated, the rest stays
    assert b"host = staff-mail.lboro.ac.uk \r\n" in after["kmail-binary/.kde3/share/config/kmailrc"]
    assert b"[Account 99999999999]\nType=imap\nhost=imap.lboro.ac.uk" in after["kmail-huge-count/.kde/share/config/kmailrc"]
    taken = "kmail-firstrun-taken/.local/share/akonadi/firstrun/mailmigrate-akonadi_pop3_resource_3"
    assert after[taken] == before[taken]  # a file of that name that is not ours is never replaced
