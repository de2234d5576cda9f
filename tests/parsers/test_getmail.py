"""getmail rc files: lossless, migrated as expected, and read back by ``getmail --dump``."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.engine import FOREIGN
from migrate.engine import plan_data
from migrate.plugins import load_parsers
from migrate.policy import load_policy
from parsers.getmail import GetmailParser
from parsers.ini import parse_ini
from tests.conftest import generated_plan
from tests.conftest import migrated_sample
from tests.conftest import sample_files
from tests.oracles import getmail_dump

PARSER = GetmailParser()
POLICY = load_policy()
SAMPLES = sample_files("getmail")


def plan(text: str, policy=POLICY):
    return plan_data(text.encode("utf-8", "surrogateescape"), PARSER, policy, "rc", "nobody")


def untouched_sections(ini) -> str:
    """Everything but ``[retriever]``: what getmail delivers to, and how."""
    return "".join(ini.render_range(s.header[0], s.end) for s in ini.sections if s.name != "retriever")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips_migrates_to_expected_and_settles(path: Path) -> None:
    done = migrated_sample(PARSER, path)
    after = parse_ini(done.only.after.to_bytes(), str(path))
    assert untouched_sections(after) == untouched_sections(done.only.before)
    if all(done.status(account, POLICY) == FOREIGN for account in done.accounts):
        assert done.only.after.to_bytes() == path.read_bytes()


@pytest.mark.oracle
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_getmail_reads_the_new_values(path: Path, tmp_path: Path) -> None:
    before = getmail_dump(path.read_bytes(), tmp_path)
    after = getmail_dump(path.with_name(path.name + ".expected").read_bytes(), tmp_path)
    assert (after["destination"], after["options"]) == (before["destination"], before["options"])
    if not before["server"].endswith("lboro.ac.uk"):
        assert after == before
        return
    assert after["type"] in ("SimpleIMAPSSLRetriever", "MultidropIMAPSSLRetriever")
    assert (after["server"], after["port"]) == ("staff-mail.lboro.ac.uk", "993")
    assert after["username"].endswith("@lboro.ac.uk") and after["password"] == before["password"]
    assert after["use_cram_md5"] == after["use_kerberos"] == "False" and after["ssl_fingerprints"] == "()"
    mailboxes = ast.literal_eval(after["mailboxes"])
    assert mailboxes and not any(name.upper().startswith(("INBOX.", "INBOX/")) for name in mailboxes)
    assert not after["move_on_delete"].upper().startswith(("INBOX.", "INBOX/"))
    assert "unknown parameter" not in after["warnings"]  # no POP-only parameter left behind


def test_strings_of_mailboxes_keep_their_quotes_and_lines() -> None:
    text = ("[retriever]\ntype = SimpleIMAPSSLRetriever\nserver = imap.lboro.ac.uk\nusername = a@lboro.ac.uk\n"
            "mailboxes = (u'INBOX.Caf\u00e9',  # the caf\u00e9\n  \"INBOX.It's\", r'INBOX.x\\y',\n   'INBOX', )\n")
    assert plan(text).only.after.render().split("mailboxes = ")[1] == (
        "(u'Caf\u00e9',  # the caf\u00e9\n  \"It's\", 'x\\\\y',\n   'INBOX', )\n")


def test_all_mailboxes_and_unreadable_tuples_stay() -> None:
    for mailboxes in ("ALL", "('INBOX' 'INBOX.x')", "['INBOX.x']", "('INBOX.x',"):
        text = f"[retriever]\ntype = SimpleIMAPSSLRetriever\nserver = staff-mail.lboro.ac.uk\nusername = a@lboro.ac.uk\n" \
               f"mailboxes = {mailboxes}\n"
        assert not plan(text).changed, mailboxes


def test_starttls_is_not_getmails_so_ssl_is_written() -> None:
    text = "[retriever]\ntype = SimplePOP3Retriever\nserver = pop.lboro.ac.uk\nusername = a\ndelete_dup_msgids = 1\n"
    done = plan(text, load_policy(overrides=["incoming.security=starttls"]))
    assert done.only.after.render() == ("[retriever]\ntype = SimpleIMAPSSLRetriever\nserver = staff-mail.lboro.ac.uk\n"
                                        "username = a@lboro.ac.uk\n")
    assert any("no STARTTLS" in note.message for note in done.notes)


def test_login_switches_and_pinned_certificates_go() -> None:
    text = ("[retriever]\ntype = SimpleIMAPSSLRetriever\nserver = staff-mail.lboro.ac.uk\nusername = a@lboro.ac.uk\n"
            "use_cram_md5 = True\nssl_fingerprints = ('ab:cd',)\n")
    assert plan(text).only.after.render() == text.replace("True", "False").replace("ssl_fingerprints = ('ab:cd',)\n", "")


@pytest.mark.parametrize("options, words", [
    ("", "read_all is on"), ("read_all = 0\n", "first run on the service retrieves every message"),
    ("delete = yes\n", "deletes each message"), ("read_all = no\ndelete_after = 7\n", "deletes each message"),
])
def test_the_plan_says_what_read_all_and_delete_do_over_imap(options: str, words: str) -> None:
    text = f"[retriever]\ntype = SimplePOP3Retriever\nserver = pop.lboro.ac.uk\nusername = a\n\n[options]\n{options}"
    assert any(words in note.message for note in plan(text).notes)


def test_the_password_goes_when_the_policy_says_so() -> None:
    text = "[retriever]\ntype = SimpleIMAPSSLRetriever\nserver = staff-mail.lboro.ac.uk\nusername = a@lboro.ac.uk\npassword = x y\n"
    done = plan(text, load_policy(overrides=["passwords.saved=remove"]))
    assert done.only.after.render() == text.replace("password = x y\n", "")
    assert done.only.before.render_redacted().endswith("password = ********\n")


def test_rc_files_are_found_in_getmails_folders_and_its_state_is_not(tmp_path: Path) -> None:
    parsers = load_parsers()
    for folder in (tmp_path / ".getmail", tmp_path / ".config" / "getmail"):
        folder.mkdir(parents=True)
        (folder / "getmailrc-work").write_text("[retriever]\ntype = SimpleIMAPSSLRetriever\n")
        (folder / "oldmail-pop.lboro.ac.uk-110-ccano").write_text("[retriever]\n")
        (folder / "getmailrc-work~").write_text("[retriever]\n")
        (folder / "log").write_text("delivered\n")
    (tmp_path / "getmail").mkdir()
    (tmp_path / "getmail" / "notes").write_text("[retriever]\n")
    found = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()
             for parser in [parsers.claimant(p)] if parser is not None for _ in parser.setups(p)}
    assert found == {Path(".getmail/getmailrc-work"), Path(".config/getmail/getmailrc-work")}


LINE = st.sampled_from([
    "", "# c", "[retriever]", "[destination]", "[options]", "type = SimplePOP3Retriever", "type = SimpleIMAPRetriever",
    "type = MultidropPOP3SSLRetriever", "type = BrokenUIDLPOP3Retriever", "server = pop.lboro.ac.uk",
    "server = imap.example.org", "port = 110", "port = 995", "username = ccano", "username = LBORO\\ccano",
    "password = p", "use_apop = yes", "use_cram_md5 = 1", "mailboxes = ('INBOX', 'INBOX.Sent',", "    'INBOX.a b')",
    "mailboxes = ALL", "move_on_delete = INBOX.Trash", "ssl_fingerprints = ('x',)", "read_all = false",
    "delete = true", "path = ~/Maildir/", "type = Maildir", "  continued",
])


@given(st.lists(LINE, max_size=14), st.sampled_from(["\n", "\r\n"]))
def test_generated_files_round_trip_and_migrate_once(lines: list[str], newline: str) -> None:
    done = generated_plan(PARSER, newline.join(lines) + newline)
    if done is None:
        return
    after = parse_ini(done.only.after.to_bytes(), "rc")
    assert untouched_sections(after) == untouched_sections(done.only.before)
    if all(done.status(account, POLICY) == FOREIGN for account in done.accounts):
        assert done.only.after.render() == done.only.before.render()
