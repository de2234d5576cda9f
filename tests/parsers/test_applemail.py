"""Apple Mail: the accounts as Mail reads them, the migrated files as Mail will need them (checked with plistlib and
libplist's own reader), POP accounts replaced but kept with their mail, identifiers that follow, and the CLI around it."""
from __future__ import annotations

import plistlib
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_setup
from migrate.policy import load_policy
from migrate.processes import RunningPrograms
from parsers.applemail import AppleMailParser
from parsers.applemail.accounts import added_id
from parsers.applemail.accounts import MailDict
from parsers.applemail.live import mail_running
from tests.conftest import SAMPLES
from tests.oracles import require

POLICY = load_policy()
PARSER = AppleMailParser()
HOMES = sorted((SAMPLES / "apple-mail").iterdir())
SAMPLE_FILES = sorted((SAMPLES / "apple-mail").rglob("*.plist"))
SPECIAL = ("DraftsMailboxName", "SentMessagesMailboxName", "TrashMailboxName", "JunkMailboxName", "ArchiveMailboxName")


def plan(data: bytes, path: str = "/home/u/Library/Preferences/com.apple.mail.plist", user: str = "nobody"):
    return plan_setup({path: data}.get, PARSER, POLICY, path, user)


# Mail's own reading, written out here apart from the parser's: Foundation's boolValue and intValue.
def yes(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lstrip()[:1] in ("Y", "y", "T", "t")) \
        or (isinstance(value, int) and not isinstance(value, bool) and value != 0)


def port(info: dict, default: tuple[int, int]) -> tuple[str, int]:
    """(encryption, port) as Mail connects: SecurityLayerType 3/2 where set, else SSLEnabled and the port."""
    number = int(info["PortNumber"]) if str(info.get("PortNumber", "")).strip().isdigit() else 0
    number = number or default[yes(info.get("SSLEnabled"))]
    layer = {3: "ssl", 2: "starttls"}.get(info.get("SecurityLayerType"))
    return layer or ("none" if not yes(info.get("SSLEnabled")) else "ssl" if number == default[1] else "starttls"), number


def of_service(host: object) -> bool:
    return isinstance(host, str) and POLICY.matches(host)


def smtp_name(info: dict) -> str:
    return f"{info['Hostname']}:{info['Username']}" if "Username" in info else info["Hostname"]


def check_migrated(before: dict, after: dict) -> None:
    """What Mail needs of a migrated file, read from the values alone."""
    sending = {smtp_name(smtp): smtp for smtp in after.get("DeliveryAccounts", [])}
    for smtp in after.get("DeliveryAccounts", []):
        if of_service(smtp["Hostname"]):
            assert smtp["Hostname"] == POLICY.outgoing.host and port(smtp, (25, 465)) in POLICY.outgoing.accept
            assert yes(smtp["ShouldUseAuthentication"]) and smtp["Username"].endswith("@lboro.ac.uk")
            assert smtp.get("AuthenticationScheme", "") == ""
    for account in after["MailAccounts"]:
        if "SMTPIdentifier" in account:
            assert account["SMTPIdentifier"] in sending, "an account lost its outgoing server"
        if account.get("AccountType") == "IMAPAccount" and of_service(account.get("Hostname")):
            assert account["Hostname"] == POLICY.incoming.host and port(account, (143, 993)) in POLICY.incoming.accept
            assert account["Username"].endswith("@lboro.ac.uk") and account.get("AuthenticationScheme", "") == ""
            assert not any(account.get(key, "").upper().startswith("INBOX/") for key in SPECIAL)
            assert account.get("ServerPathPrefix", "") == ""
    old_pops = {pop["AccountPath"]: pop for pop in before["MailAccounts"] if pop.get("AccountType") == "POPAccount"}
    for pop in (a for a in after["MailAccounts"] if a.get("AccountType") == "POPAccount"):
        old = old_pops[pop["AccountPath"]]  # the POP account stays, with its mail folder
        assert {k: v for k, v in pop.items() if k not in ("AccountName", "SMTPIdentifier")} == \
            {k: v for k, v in old.items() if k not in ("AccountName", "SMTPIdentifier")}
        if of_service(pop["Hostname"]):
            (imap,) = [a for a in after["MailAccounts"] if a.get("uniqueId") == added_id(MailDict(("MailAccounts", 0), old))]
            assert pop["AccountName"].endswith(" (old POP mail)") and imap["AccountPath"] != pop["AccountPath"]
            assert all(imap[key] == old[key] for key in ("EmailAddresses", "FullUserName") if key in old)
            assert imap["SMTPIdentifier"] == pop["SMTPIdentifier"]
            assert (imap["SentMessagesMailboxName"], imap["DraftsMailboxName"], imap["TrashMailboxName"]) == (
                "Sent Items", "Drafts", "Deleted Items")
    foreign(before, after)


def foreign(before: dict, after: dict) -> None:
    """Accounts of other providers, with an outgoing server of theirs, are identical, value for value."""
    service_smtp = {smtp_name(s) for s in before.get("DeliveryAccounts", []) if of_service(s["Hostname"])}
    for old, new in zip(before["MailAccounts"], after["MailAccounts"]):
        if not of_service(old.get("Hostname")) and old.get("SMTPIdentifier") not in service_smtp:
            assert new == old and list(new) == list(old)
    for old, new in zip(before.get("DeliveryAccounts", []), after.get("DeliveryAccounts", [])):
        if not of_service(old["Hostname"]):
            assert new == old and list(new) == list(old)
    assert {k: v for k, v in after.items() if k not in ("MailAccounts", "DeliveryAccounts")} == \
        {k: v for k, v in before.items() if k not in ("MailAccounts", "DeliveryAccounts")}


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(SAMPLES / "apple-mail").parts[0])
def test_every_migrated_sample_is_what_mail_needs_and_keeps_its_format(path: Path) -> None:
    before, expected = path.read_bytes(), path.with_name(path.name + ".expected").read_bytes()
    assert before.startswith(b"bplist00") == expected.startswith(b"bplist00")
    check_migrated(plistlib.loads(before), plistlib.loads(expected))


@pytest.mark.oracle
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.relative_to(SAMPLES / "apple-mail").parts[0])
def test_libplist_reads_every_sample_and_its_migrated_form_as_plistlib_does(path: Path, tmp_path: Path) -> None:
    """A second, independent reader (libimobiledevice's, which reads Apple's own files): the same values."""
    plistutil = require("plistutil")
    for data in (path.read_bytes(), path.with_name(path.name + ".expected").read_bytes()):
        (tmp_path / "in.plist").write_bytes(data)
        done = subprocess.run([plistutil, "-i", str(tmp_path / "in.plist"), "-f", "xml"], capture_output=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert plistlib.loads(done.stdout) == plistlib.loads(data)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("home", HOMES, ids=lambda p: p.name)
def test_apply_writes_the_expected_files_leaves_the_mail_alone_and_restore_gives_the_bytes_back(
        home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    copy = tmp_path / home.name
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("*.expected"))
    before = _snapshot(copy)
    assert main(["apply", str(copy)]) == 0
    after = _snapshot(copy)
    for name, data in after.items():
        expected = home / (name + ".expected")
        assert data == (expected.read_bytes() if expected.exists() else before[name]), name  # mailboxes untouched
    assert main(["apply", str(copy)]) == 0 and _snapshot(copy) == after  # a second apply changes nothing
    assert "1 setup: 1 unchanged" in capsys.readouterr().out
    assert main(["restore"]) == 0 and _snapshot(copy) == before


def test_every_account_is_seen_as_mail_connects_with_it() -> None:
    accounts = {a.key: a for a in plan((SAMPLES / "apple-mail/lion-mixed/Library/Mail/V2/MailData/Accounts.plist").read_bytes(),
                                       "/h/Library/Mail/V2/MailData/Accounts.plist").accounts}
    gmail, lboro = accounts["MailAccounts[1]"], accounts["MailAccounts[2]"]
    assert (gmail.incoming.security, gmail.incoming.port, gmail.outgoing.host) == ("ssl", 993, "smtp.gmail.com")
    assert (lboro.incoming.security, lboro.incoming.port, lboro.incoming.auth) == ("none", 143, "ntlm")
    assert (lboro.outgoing.security, lboro.outgoing.port, lboro.outgoing.username) == ("starttls", 587, "asmith")
    assert [(f.role, f.name, f.separator) for f in lboro.folders][:2] == [("drafts", "INBOX/Drafts", "/"), ("sent", "INBOX/Sent", "/")]


def mail_file(incoming: list[dict], outgoing: list[dict], binary: bool = False) -> bytes:
    value = {"DeliveryAccounts": outgoing, "MailAccounts": incoming}
    return plistlib.dumps(value, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML, sort_keys=False)


def imap(host: str, user: str, smtp: str, **more) -> dict:
    return {"AccountType": "IMAPAccount", "Hostname": host, "Username": user, "SMTPIdentifier": smtp, **more}


def smtp(host: str, user: object = None, **more) -> dict:
    return {"AccountType": "SMTPAccount", "Hostname": host, **({"Username": user} if user is not None else {}), **more}


def test_an_outgoing_server_shared_by_two_accounts_changes_once_and_both_follow_it() -> None:
    data = mail_file([imap("imap.lboro.ac.uk", "ccano", "smtp.lboro.ac.uk:ccano"),
                      imap("imap.gmail.com", "me@gmail.com", "smtp.lboro.ac.uk:ccano")],
                     [smtp("smtp.lboro.ac.uk", "ccano", PortNumber="25", ShouldUseAuthentication="NO")])
    after = plistlib.loads(plan(data).only.after.to_bytes())
    assert [a["SMTPIdentifier"] for a in after["MailAccounts"]] == ["staff-mail.lboro.ac.uk:ccano@lboro.ac.uk"] * 2
    assert after["MailAccounts"][1]["Hostname"] == "imap.gmail.com"  # its own server is not the service's
    assert after["DeliveryAccounts"] == [smtp("staff-mail.lboro.ac.uk", "ccano@lboro.ac.uk", PortNumber="465",
                                              ShouldUseAuthentication="YES", SSLEnabled="YES")]


def test_an_outgoing_server_no_account_uses_is_migrated_too() -> None:
    data = mail_file([], [smtp("smtp.lboro.ac.uk", "ccano", PortNumber=25, SSLEnabled=False, ShouldUseAuthentication=True)],
                     binary=True)
    result = plan(data)
    (account,) = result.accounts
    assert account.label == "sending through smtp.lboro.ac.uk (ccano)"
    assert plistlib.loads(result.only.after.to_bytes())["DeliveryAccounts"][0] == smtp(
        "staff-mail.lboro.ac.uk", "ccano@lboro.ac.uk", PortNumber=465, SSLEnabled=True, ShouldUseAuthentication=True)


def test_an_outgoing_server_that_logged_in_with_nobody_gets_the_accounts_login() -> None:
    data = mail_file([{"AccountType": "POPAccount", "Hostname": "pop.lboro.ac.uk", "Username": "jdoe", "SMTPIdentifier": "mail.lboro.ac.uk",
                       "AccountPath": "~/Library/Mail/POP-jdoe@pop.lboro.ac.uk", "AccountName": "Work"}],
                     [smtp("mail.lboro.ac.uk")])
    after = plistlib.loads(plan(data).only.after.to_bytes())
    assert after["DeliveryAccounts"][0]["Username"] == "jdoe@lboro.ac.uk"
    pop, new = after["MailAccounts"]
    assert pop["SMTPIdentifier"] == new["SMTPIdentifier"] == "staff-mail.lboro.ac.uk:jdoe@lboro.ac.uk"
    assert (pop["AccountName"], new["AccountName"], new["AccountPath"]) == (
        "Work (old POP mail)", "Work", "~/Library/Mail/IMAP-jdoe@lboro.ac.uk@staff-mail.lboro.ac.uk")


def test_a_pop_account_whose_mailbox_an_imap_account_already_reads_gets_no_second_one() -> None:
    data = mail_file([imap("imap.lboro.ac.uk", "ccano", "x"),
                      {"AccountType": "POPAccount", "Hostname": "pop.lboro.ac.uk", "Username": "ccano", "AccountName": "Old"},
                      {"AccountType": "POPAccount", "Hostname": "pop3.lboro.ac.uk", "Username": "ccano", "AccountPath": "p"}], [])
    result = plan(data)
    after = plistlib.loads(result.only.after.to_bytes())
    assert len(after["MailAccounts"]) == 3 and after["MailAccounts"][1]["AccountName"] == "Old (old POP mail)"
    assert any("the IMAP account MailAccounts[0] already reads ccano@lboro.ac.uk" in n.message for n in result.notes)
    assert not plan(result.only.after.to_bytes()).changed


def test_two_pop_accounts_of_one_login_get_one_imap_account() -> None:
    pops = [{"AccountType": "POPAccount", "Hostname": host, "Username": "ccano", "AccountPath": f"~/Library/Mail/POP-{host}"}
            for host in ("pop.lboro.ac.uk", "pop3.lboro.ac.uk")]
    result = plan(mail_file(pops, []))
    after = plistlib.loads(result.only.after.to_bytes())
    assert [a["AccountType"] for a in after["MailAccounts"]] == ["POPAccount", "POPAccount", "IMAPAccount"]
    assert any("the IMAP account added for MailAccounts[0] already reads" in n.message for n in result.notes)


def test_a_retired_pop_account_is_no_account_and_the_plan_says_where_its_mail_is() -> None:
    path = SAMPLES / "apple-mail/tiger-pop/Library/Preferences/com.apple.mail.plist"
    result = plan(path.with_name(path.name + ".expected").read_bytes())
    assert [a.incoming.protocol for a in result.accounts] == ["imap"] and not result.changed
    (note,) = result.notes
    assert "old POP mail in ~/Library/Mail/POP-ccano@pop.lboro.ac.uk" in note.message and "retire it" in note.message


def test_a_compliant_setup_is_left_byte_for_byte_and_says_nothing_of_mail_running() -> None:
    data = mail_file([imap("staff-mail.lboro.ac.uk", "ccano@lboro.ac.uk", "staff-mail.lboro.ac.uk:ccano@lboro.ac.uk",
                           PortNumber="993", SSLEnabled="YES")],
                     [smtp("staff-mail.lboro.ac.uk", "ccano@lboro.ac.uk", PortNumber="587", SSLEnabled="YES",
                           ShouldUseAuthentication="YES")])
    result = plan(data)
    assert not result.changed and result.notes == [] and result.status(result.accounts[0], POLICY) == "compliant"


@pytest.mark.parametrize(("name", "found"), [
    ("com.apple.mail.plist", True), ("Accounts.plist", True),
])
def test_a_file_is_a_setup_only_when_it_holds_mails_accounts(name: str, found: bool, tmp_path: Path) -> None:
    with_accounts, without = tmp_path / "a" / name, tmp_path / "b" / name
    with_accounts.parent.mkdir()
    without.parent.mkdir()
    with_accounts.write_bytes(mail_file([], [], binary=True))
    without.write_bytes(plistlib.dumps({"PollTime": "5"}, fmt=plistlib.FMT_BINARY))
    assert list(PARSER.setups(with_accounts)) == [with_accounts] and list(PARSER.setups(without)) == []


def _running_as(argv0: str) -> subprocess.Popen:
    process = subprocess.Popen(["bash", "-c", f'exec -a "{argv0}" sleep 30'])
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if Path(f"/proc/{process.pid}/cmdline").read_bytes().startswith(argv0.encode()):
            return process
        time.sleep(0.02)
    raise AssertionError("the stand-in process did not start")


def test_mail_is_running_only_when_a_process_of_the_owner_runs_mails_own_program(tmp_path: Path) -> None:
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("no /proc here")
    settings_file = tmp_path / "com.apple.mail.plist"
    settings_file.write_bytes(mail_file([], []))
    for argv0, running in (("Mail", False), ("/Applications/Mail.app/Contents/MacOS/Mail", True)):
        process = _running_as(argv0)
        try:
            said = mail_running(RunningPrograms(max_age=0), settings_file)
            assert (said is not None) is running and (not running or f"process {process.pid}" in said)
        finally:
            process.kill()
            process.wait()


# Generated setups: accounts of the service and of others, in every spelling Mail has, XML or binary.
HOSTS = st.sampled_from(["pop.lboro.ac.uk", "imap.lboro.ac.uk", "staff-mail.lboro.ac.uk", "imap.gmail.com", "mail.example.org"])
SMTP_HOSTS = st.sampled_from(["smtp.lboro.ac.uk", "staff-mail.lboro.ac.uk", "smtp.gmail.com"])
USERS = st.sampled_from(["ccano", "jdoe", "ccano@lboro.ac.uk", "LBORO\\jdoe", "someone@gmail.com"])
PORTS = st.sampled_from([None, 0, 25, 110, 143, 465, 587, 993, 995])
FLAGS = st.sampled_from([None, "YES", "NO", True, False])


def _maybe(draw, info: dict, key: str, strategy) -> None:
    value = draw(strategy)
    if value is not None:
        info[key] = value


@st.composite
def mail_setups(draw) -> tuple[dict, bool]:
    outgoing = []
    for index in range(draw(st.integers(0, 3))):
        info = {"AccountType": "SMTPAccount", "Hostname": draw(SMTP_HOSTS)}
        _maybe(draw, info, "Username", st.none() | USERS)
        _maybe(draw, info, "PortNumber", PORTS.map(lambda p, text=draw(st.booleans()): str(p) if text and p is not None else p))
        _maybe(draw, info, "SSLEnabled", FLAGS)
        _maybe(draw, info, "ShouldUseAuthentication", FLAGS)
        _maybe(draw, info, "AuthenticationScheme", st.sampled_from([None, "", "CRAM-MD5"]))
        _maybe(draw, info, "SecurityLayerType", st.sampled_from([None, 1, 2, 3]))
        outgoing.append(info)
    names = [smtp_name(s) for s in outgoing] + ["gone.example.org:x"]
    incoming = [{"AccountType": "LocalAccount", "AccountName": "On My Mac", "AccountPath": "~/Library/Mail/Mailboxes"}]
    for index in range(draw(st.integers(0, 3))):
        info = {"AccountType": draw(st.sampled_from(["IMAPAccount", "POPAccount"])), "Hostname": draw(HOSTS),
                "AccountName": f"Account {index}", "AccountPath": f"~/Library/Mail/Account-{index}", "uniqueId": f"ID-{index}",
                "EmailAddresses": [f"a{index}@lboro.ac.uk"]}
        _maybe(draw, info, "Username", st.none() | USERS)
        _maybe(draw, info, "PortNumber", PORTS.map(lambda p: str(p) if p is not None else p))
        _maybe(draw, info, "SSLEnabled", FLAGS)
        _maybe(draw, info, "AuthenticationScheme", st.sampled_from([None, "", "NTLM"]))
        _maybe(draw, info, "SMTPIdentifier", st.none() | st.sampled_from(names))
        _maybe(draw, info, "SentMessagesMailboxName", st.sampled_from([None, "INBOX/Sent", "Sent", "INBOX/Lists/debian"]))
        _maybe(draw, info, "ServerPathPrefix", st.sampled_from([None, "", "INBOX"]))
        incoming.append(info)
    return {"DeliveryAccounts": outgoing, "MailAccounts": incoming}, draw(st.booleans())


@settings(max_examples=300, deadline=None)
@given(mail_setups())
def test_generated_setups_migrate_to_what_mail_needs_and_a_second_pass_changes_nothing(setup) -> None:
    value, binary = setup
    data = plistlib.dumps(value, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML, sort_keys=False)
    first = plan(data, user="ccano")
    after_bytes = first.only.after.to_bytes()
    assert first.only.before.to_bytes() == data
    after = plistlib.loads(after_bytes)
    names = {smtp_name(s) for s in value["DeliveryAccounts"]}
    for old, new in zip(value["MailAccounts"], after["MailAccounts"]):
        if old.get("SMTPIdentifier") in names:  # one that named an outgoing server still does
            assert new["SMTPIdentifier"] in {smtp_name(s) for s in after["DeliveryAccounts"]}
    foreign(value, after)
    for account in after["MailAccounts"][len(value["MailAccounts"]):]:  # added: one for each POP account replaced
        assert account["Hostname"] == POLICY.incoming.host and port(account, (143, 993)) in POLICY.incoming.accept
    again = plan(after_bytes, user="ccano")
    assert not again.changed and again.only.before.to_bytes() == after_bytes


def test_in_lions_file_a_pop_account_without_a_folder_gets_one_in_v2_and_numbers_stay_numbers() -> None:
    pop = {"AccountType": "POPAccount", "Hostname": "pop.lboro.ac.uk", "Username": "ccano", "uniqueId": "P-1"}
    result = plan(mail_file([pop], []), "/h/Library/Mail/V2/MailData/Accounts.plist")
    added = plistlib.loads(result.only.after.to_bytes())["MailAccounts"][1]
    assert (added["AccountPath"], added["PortNumber"], added["SSLEnabled"]) == (
        "~/Library/Mail/V2/IMAP-ccano@lboro.ac.uk@staff-mail.lboro.ac.uk", 993, "YES")
