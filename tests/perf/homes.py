"""Synthetic homes with a realistic mix of legacy setups, for the batch tests and the benchmark.

Most accounts are the university's, some are foreign, and one home in
``broken_every`` has a fetchmailrc with a syntax error.
"""
from __future__ import annotations

import os
import random
from pathlib import Path

FETCHMAIL = """# fetchmailrc of {user}
poll pop.lboro.ac.uk with proto POP3 uidl
       user '{user}' there with password 'pw-{user}-{n}' is '{user}' here options keep
"""
FOREIGN_FETCHMAIL = "poll mail.example.org proto pop3 user '{user}@example.org' pass 'x{n}'\n"
BROKEN_FETCHMAIL = "poll pop.lboro.ac.uk proto pop3\n  user {user} pass secret{n} uidl\n"
MUTTRC = """# {user}'s muttrc
set folder="imaps://{user}@imap.lboro.ac.uk/INBOX."
set spoolfile=+ record=+Sent postponed=+Drafts
mailboxes ! +Lists.debian +Projects
set smtp_url="smtp://{user}@smtp.lboro.ac.uk/"
"""
PINERC = """personal-name={user}
smtp-server=smtp.lboro.ac.uk
inbox-path={{imap.lboro.ac.uk/user={user}}}INBOX
folder-collections=Mail {{imap.lboro.ac.uk/user={user}}}INBOX.[],
\tlocal mail/[]
default-fcc=sent-mail
"""
PREFS = """// Mozilla User Preferences

user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.accountmanager.accounts", "account2,account1");
user_pref("mail.accountmanager.defaultaccount", "account2");
user_pref("mail.identity.id1.fcc_folder", "imap://{user}@imap.lboro.ac.uk/INBOX/Sent");
user_pref("mail.identity.id1.useremail", "{user}@lboro.ac.uk");
user_pref("mail.server.server1.hostname", "Local Folders");
user_pref("mail.server.server1.type", "none");
user_pref("mail.server.server1.userName", "nobody");
user_pref("mail.server.server2.hostname", "imap.lboro.ac.uk");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.userName", "{user}");
{padding}"""
SOURCE = """[Data Source]
DisplayName={user}
Enabled=true
Parent=

[Authentication]
Host=imap.lboro.ac.uk
Method=none
Port=143
User={user}

[Security]
Method=starttls-on-standard-port

[Mail Account]
BackendName=imapx
"""


def make_homes(root: Path, count: int, seed: int = 1, broken_every: int = 97) -> dict:
    """``count`` homes under ``root``; returns what was made, for the tests to check counts against."""
    rng = random.Random(seed)
    made = {"homes": 0, "setups": 0, "broken": 0, "foreign_only": 0}
    for n in range(count):
        user = f"u{n:05d}"
        home = root / user
        home.mkdir(parents=True)
        made["homes"] += 1
        if n % broken_every == broken_every - 1:
            _write(home / ".fetchmailrc", BROKEN_FETCHMAIL.format(user=user, n=n), 0o600)
            made["broken"] += 1
            made["setups"] += 1
            continue
        if rng.random() < 0.1:
            _write(home / ".fetchmailrc", FOREIGN_FETCHMAIL.format(user=user, n=n), 0o600)
            made["foreign_only"] += 1
            made["setups"] += 1
            continue
        kinds = rng.sample(["fetchmail", "mutt", "pine", "thunderbird", "evolution"], k=rng.randint(1, 3))
        for kind in kinds:
            made["setups"] += 1
            if kind == "fetchmail":
                _write(home / ".fetchmailrc", FETCHMAIL.format(user=user, n=n), 0o600)
            elif kind == "mutt":
                _write(home / ".muttrc", MUTTRC.format(user=user), 0o644)
            elif kind == "pine":
                _write(home / ".pinerc", PINERC.format(user=user), 0o644)
            elif kind == "thunderbird":
                padding = "".join(f'user_pref("extensions.pad.{i}", "{"x" * 40}");\n' for i in range(rng.randint(50, 300)))
                profile = home / ".thunderbird" / "abcd1234.default"
                _write(profile / "prefs.js", PREFS.format(user=user, padding=padding), 0o600)
                _write(home / ".thunderbird" / "profiles.ini", "[Profile0]\nName=default\nIsRelative=1\nPath=abcd1234.default\n", 0o644)
            else:
                _write(home / ".config" / "evolution" / "sources" / f"{user}-acct.source", SOURCE.format(user=user), 0o600)
    return made


def _write(path: Path, text: str, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)
