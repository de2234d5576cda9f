"""Every command, on every client's samples plus setups with distinctive saved passwords: no password in
any output, warning, report (.csv, .json and .html), run journal, or name under the state folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrate.cli import main
from parsers.ini import parse_ini
from parsers.mbsync.config import parse_mbsync
from tests.conftest import SAMPLES
from tests.conftest import sample_files
from tests.test_cli import sample_passwords
from tests.journals import recorded_words



def scrambled(password: str) -> str:
    """As KMail 1.x and KDE's mail transports keep a password without a wallet (``KStringHandler::obscure``)."""
    return "".join(c if ord(c) <= 0x21 else chr(0x1001F - ord(c)) for c in password)


PASSWORDS = {"fetchmail": "Zq7-fetch-secret", "imap": "Zq7-mutt-imap-secret", "smtp": "Zq7-mutt-smtp-secret",
             "pop": "Zq7-mutt-pop-secret", "prefs": "Zq7-prefs-secret", "verify": "Zq7-verify-secret",
             "mbsync": "Zq7-mbsync secret", "offlineimap": "Zq7-offlineimap-secret", "getmail": "Zq7-getmail-secret",
             "kmail": scrambled("Zq7-kmail-secret"), "transport": scrambled("Zq7-transport-secret")}


def synchroniser_sample_passwords() -> set[str]:
    """The passwords saved in the mbsync, offlineimap and getmail samples, as the programs read them."""
    found = {line.value for path in sample_files("mbsync") for line in parse_mbsync(path.read_bytes(), "rc").lines
             if line.keyword == "pass"}
    for path in sample_files("offlineimap") + sample_files("getmail"):
        ini = parse_ini(path.read_bytes(), "rc")
        found |= {ini.raw(option) for section in ini.sections for option in section.options
                  if option.name in ("remotepass", "password")}
    return found


def with_passwords(home: Path) -> None:
    (home / ".fetchmailrc").write_text(
        f"poll pop.lboro.ac.uk proto pop3 user ccano pass '{PASSWORDS['fetchmail']}'\n"
        f"poll imap.lboro.ac.uk proto imap user jdoe password \"{PASSWORDS['fetchmail']}x\" folder INBOX.Sent\n")
    (home / ".fetchmailrc").chmod(0o600)
    (home / ".muttrc").write_text(
        f'set folder="imaps://ccano@imap.lboro.ac.uk/INBOX." imap_pass="{PASSWORDS["imap"]}"\n'
        f"set smtp_url=smtp://ccano:{PASSWORDS['smtp']}@smtp.lboro.ac.uk/ pop_pass='{PASSWORDS['pop']}'\n")
    (home / ".mbsyncrc").write_text(f'IMAPAccount u\nHost imap.lboro.ac.uk\nUser ccano\nPass "{PASSWORDS["mbsync"]}"\n')
    (home / ".offlineimaprc").write_text("[Repository r]\ntype = IMAP\nremotehost = imap.lboro.ac.uk\n"
                                         f"remotepass = {PASSWORDS['offlineimap']}\n")
    (home / ".getmail").mkdir()
    (home / ".getmail" / "getmailrc").write_text("[retriever]\ntype = SimplePOP3Retriever\nserver = pop.lboro.ac.uk\n"
                                                 f"username = ccano\npassword = {PASSWORDS['getmail']}\n")
    profile = home / ".thunderbird" / "old.default"
    profile.mkdir(parents=True)
    (profile / "prefs.js").write_text(
        'user_pref("mail.accountmanager.accounts", "account1");\n'
        'user_pref("mail.account.account1.server", "server1");\n'
        'user_pref("mail.server.server1.hostname", "imap.lboro.ac.uk");\n'
        f'user_pref("mail.server.server1.password", "{PASSWORDS["prefs"]}");\n'
        'user_pref("mail.server.server1.type", "imap");\n'
        'user_pref("mail.server.server1.userName", "ccano");\n')
    kde = home / ".kde" / "share" / "config"
    kde.mkdir(parents=True)
    (kde / "kmailrc").write_text(
        "[Account 1]\nId=7\nType=pop\nhost=pop.lboro.ac.uk\nlogin=ccano\nstore-passwd=true\n"
        f"pass={PASSWORDS['kmail']}\n\n[General]\naccounts=1\n")
    (home / ".config").mkdir()
    (home / ".config" / "mailtransports").write_text(
        "[Transport 1]\nauth=true\nhost=smtp.lboro.ac.uk\nuser=ccano\nstorepass=true\n"
        f"password={PASSWORDS['transport']}\n")


def test_no_password_is_ever_shown_or_stored_by_any_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    state, home = tmp_path / "state", tmp_path / "home"
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(state))
    shutil.copytree(SAMPLES, home / "samples", symlinks=True)
    with_passwords(home)
    secrets = set(PASSWORDS.values()) | sample_passwords() | synchroniser_sample_passwords()
    assert {"s3cret pw", "correct horse", "s3cr%%et", "Gr0up-pass"} <= secrets
    said: list[str] = []
    commands = [["scan"], ["scan", "--json"], ["plan"], ["plan", "--json", "--report", str(tmp_path / "plan.csv")],
                ["apply", "--json", "--report", str(tmp_path / "apply.json")], ["runs"], ["restore", "--json"],
                ["apply", "--report", str(tmp_path / "again.csv")], ["restore"],
                ["plan", "--report", str(tmp_path / "plan.html")], ["apply", "--report", str(tmp_path / "apply.html")]]
    for command in commands:
        main([*command, str(home)] if command[0] not in ("runs", "restore") else command)
        said += capsys.readouterr()
    monkeypatch.setenv("MAILMIGRATE_PASSWORD", PASSWORDS["verify"])
    main(["verify", "--timeout", "2", "--jobs", "1", str(home / ".muttrc"), str(home / ".fetchmailrc")])
    said += capsys.readouterr()
    stored = [p.read_text(errors="replace") for p in tmp_path.glob("*.csv")] + [(tmp_path / "apply.json").read_text()]
    stored += [(tmp_path / name).read_text() for name in ("plan.html", "apply.html")]
    assert all("</html>" in page and "<code>.fetchmailrc</code>" in page for page in stored[-2:])
    stored += [recorded_words(state)] + [str(p) for p in state.rglob("*")]
    assert len(said) >= 2 * len(commands) and "will migrate" in "".join(said) and "********" in "".join(said)
    written = b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file())
    assert all(secret.encode() in written for key, secret in PASSWORDS.items() if key != "verify")  # there to leak
    for secret in secrets:
        assert not any(secret in text for text in said + stored), "a password was shown or stored"
