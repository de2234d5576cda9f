"""mbsync (isync) configurations: lossless, migrated as expected, and read back by mbsync itself."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from migrate.engine import FOREIGN
from migrate.engine import plan_data
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.mbsync import MbsyncParser
from parsers.mbsync.accounts import servers
from parsers.mbsync.config import parse_mbsync
from tests.conftest import generated_plan
from tests.conftest import migrated_sample
from tests.conftest import sample_files
from tests.oracles import MBSYNC_ACCEPTED
from tests.oracles import mbsync_accepts

PARSER = MbsyncParser()
POLICY = load_policy()
SAMPLES = sample_files("mbsync")


def plan(text: str, path: str = "rc"):
    return plan_data(text.encode("utf-8", "surrogateescape"), PARSER, POLICY, path, "nobody")


def migrated(text: str) -> str:
    return plan(text).only.after.render()


def server_text(config, key: str) -> str:
    """Every line that belongs to a server: its section, its stores and the channel lines naming them."""
    server = servers(config)[key]
    lines = [*server.section.lines, *(line for store in server.stores for line in store.lines),
             *(side.line for side in server.sides)]
    return "".join(config.render_range(line.start, line.end) for line in sorted(set(lines)))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_round_trips_migrates_to_expected_and_settles(path: Path) -> None:
    migrated_sample(PARSER, path)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_foreign_servers_keep_every_byte(path: Path) -> None:
    done = plan_data(path.read_bytes(), PARSER, POLICY, str(path), "nobody")
    after = parse_mbsync(done.only.after.to_bytes(), str(path))
    foreign = [a.key for a in done.accounts if done.status(a, POLICY) == FOREIGN]
    assert foreign or "inline" in path.name
    for key in foreign:
        assert server_text(after, key) == server_text(done.only.before, key)


@pytest.mark.oracle
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_mbsync_reads_the_sample_and_its_migrated_form(path: Path, tmp_path: Path) -> None:
    assert mbsync_accepts(path.read_bytes(), tmp_path) == MBSYNC_ACCEPTED
    assert mbsync_accepts(path.with_name(path.name + ".expected").read_bytes(), tmp_path) == MBSYNC_ACCEPTED


@pytest.mark.oracle
def test_mbsync_refuses_what_the_parser_refuses(tmp_path: Path) -> None:
    """The oracle tells a bad file from a good one: the same errors are errors to both."""
    for text in ('IMAPAccount a\nHost "h\n', "IMAPAccount a\nHost h\\\n", "IMAPAccount\n"):
        with pytest.raises(ParseError):
            parse_mbsync(text.encode(), "rc")
        assert mbsync_accepts(text.encode(), tmp_path) != MBSYNC_ACCEPTED


def test_arguments_read_as_mbsync_reads_them() -> None:
    config = parse_mbsync(b'Path "INBOX.My folder"  # a comment\nPass pa#ss a" "b \\"q\\" # c\r\n', "rc")
    first, second = config.lines
    assert [a.value for a in first.args] == ["Path", "INBOX.My folder"] and first.comment
    assert [a.value for a in second.args] == ["Pass", "pa#ss", "a b", '"q"'] and second.comment
    assert config.render() == 'Path "INBOX.My folder"  # a comment\nPass pa#ss a" "b \\"q\\" # c\r\n'


def test_a_section_runs_to_a_blank_line_and_a_comment_does_not_end_it() -> None:
    config = parse_mbsync(b"IMAPAccount a\n# note\nHost h\n\nSync All\nChannel c\n  \nHost x\n", "rc")
    assert [(s.kind, s.name, len(s.lines)) for s in config.sections] == [
        ("imapaccount", "a", 2), ("", "sync", 1), ("channel", "c", 1), ("", "host", 1)]


@pytest.mark.parametrize("text, error", [
    ('IMAPAccount a\nHost "imap.lboro.ac.uk\n', "rc:2:6: an argument with no closing quote"),
    ("IMAPAccount a\nHost imap\\\n", "rc:2:6: a backslash at the end of an argument"),
    ("IMAPAccount a\nUser\n", "rc:2:1: User has no value"),
    ("IMAPAccount a\nHost h\0\n", "rc:2:7: a NUL byte"),
])
def test_broken_lines_fail_at_their_place(text: str, error: str) -> None:
    with pytest.raises(ParseError, match="^" + error.replace("\\", "\\\\")):
        parse_mbsync(text.encode(), "rc")


def test_new_style_account_gets_imaps_where_it_had_no_encryption_and_keeps_its_spacing() -> None:
    text = ("IMAPAccount uni\n  Host   imap.lboro.ac.uk\n  User   ccano\n  SSLType None\n  AuthMechs LOGIN CRAM-MD5\n"
            "\nIMAPStore r\nAccount uni\nSubscribedOnly yes\n")
    assert migrated(text) == (
        "IMAPAccount uni\n  Host   staff-mail.lboro.ac.uk\n  User   ccano@lboro.ac.uk\n  SSLType IMAPS\n"
        "  AuthMechs PLAIN LOGIN\n\nIMAPStore r\nAccount uni\nSubscribedOnly no\n")


def test_missing_settings_are_added_after_the_sections_last_line() -> None:
    """No User: mbsync asks for one, so the owner's login is written; no SSLType: STARTTLS on 143, which stays."""
    text = "IMAPAccount uni\n\tHost\timap.lboro.ac.uk\n\tTimeout 60\n# the end\n\nChannel c\nFar :uni-store:\n"
    assert migrated(text) == ("IMAPAccount uni\n\tHost\tstaff-mail.lboro.ac.uk\n\tTimeout 60\n\tUser\tnobody@lboro.ac.uk\n"
                              "# the end\n\nChannel c\nFar :uni-store:\n")


def test_old_keywords_stay_old_and_get_tls_1_2_without_a_hole_below_it() -> None:
    text = "IMAPAccount uni\nHost imap.lboro.ac.uk\nUser ccano\nRequireSSL no\nPort 143\n"
    assert migrated(text) == ("IMAPAccount uni\nHost staff-mail.lboro.ac.uk\nUser ccano@lboro.ac.uk\nRequireSSL yes\n"
                              "Port 993\nUseIMAPS yes\nUseTLSv1 no\nUseTLSv1.2 yes\n")


def test_starttls_on_143_is_kept() -> None:
    text = "IMAPAccount uni\nHost staff-mail.lboro.ac.uk\nUser ccano@lboro.ac.uk\nSSLType STARTTLS\n"
    assert not plan(text).changed


def test_a_tunnel_to_the_old_server_becomes_a_direct_connection() -> None:
    text = 'IMAPAccount uni\nTunnel "ssh -q ccano@imap.lboro.ac.uk /usr/sbin/imapd"\nUser ccano\n'
    done = plan(text)
    assert done.only.after.render() == "IMAPAccount uni\nUser ccano@lboro.ac.uk\nHost staff-mail.lboro.ac.uk\nSSLType IMAPS\n"
    assert any("Tunnel command is removed" in note.message for note in done.notes)


def test_channel_mailboxes_and_patterns_keep_their_quotes() -> None:
    text = ("IMAPStore s\nHost imap.lboro.ac.uk\nUser u@lboro.ac.uk\nSSLType IMAPS\nPath INBOX.\n\n"
            'Channel one\nFar ":s:INBOX.Sent Items"\nNear :l:sent\n\n'
            'Channel two\nFar :s:"INBOX.My folder"\nNear :l:\n\n'
            'Channel all\nFar :s:INBOX.\nNear :l:\nPatterns !"INBOX.Old stuff" "!INBOX.Junk" INBOX.%\n')
    assert migrated(text) == (
        "IMAPStore s\nHost staff-mail.lboro.ac.uk\nUser u@lboro.ac.uk\nSSLType IMAPS\n\n"
        'Channel one\nFar ":s:Sent Items"\nNear :l:sent\n\n'
        'Channel two\nFar :s:"My folder"\nNear :l:\n\n'
        'Channel all\nFar :s:\nNear :l:\nPatterns !"Old stuff" "!Junk" %\n')


def test_path_below_inbox_keeps_its_deeper_level() -> None:
    text = "IMAPStore s\nHost imap.lboro.ac.uk\nUser u@lboro.ac.uk\nSSLType IMAPS\nPath INBOX.Lists.\n"
    assert migrated(text).endswith("Path Lists/\n")


def test_a_password_goes_when_the_policy_says_so() -> None:
    text = 'IMAPAccount uni\nHost staff-mail.lboro.ac.uk\nUser ccano@lboro.ac.uk\nSSLType IMAPS\nPass "pw"'
    done = plan_data(text.encode(), PARSER, load_policy(overrides=["passwords.saved=remove"]), "rc", "nobody")
    assert done.only.after.render() == "IMAPAccount uni\nHost staff-mail.lboro.ac.uk\nUser ccano@lboro.ac.uk\nSSLType IMAPS"
    assert done.only.before.render_redacted().endswith("Pass ********")


LINE = st.one_of(
    st.sampled_from([
        "", "  ", "# comment", "IMAPAccount uni", "IMAPAccount home", "Host imap.lboro.ac.uk", "Host imap.example.org",
        "Host imaps:imap.lboro.ac.uk", "Port 143", "User ccano", 'User "LBORO\\\\ccano"', "Pass s3cret", "SSLType None",
        "SSLType STARTTLS", "UseIMAPS no", "RequireSSL no", "RequireCRAM yes", "AuthMechs CRAM-MD5 LOGIN",
        "SSLVersions TLSv1", "SystemCertificates no", "IMAPStore st", "Account uni", "Account home", "Path INBOX.",
        "PathDelimiter .", "SubscribedOnly yes", "Trash INBOX.Trash", "MaildirStore loc", "Path ~/Mail/",
        "Channel ch", "Far :st:INBOX.Sent", "Master :st:", 'Near ":loc:INBOX.x y"', "Patterns * !INBOX.Trash",
        'Pattern "INBOX.My folder"', "Tunnel \"ssh imap.lboro.ac.uk imapd\"", "Sync All",
    ]),
    st.text(alphabet=' \t"\\#:.!*abINBOX', max_size=16),
)


@given(st.lists(LINE, max_size=14), st.sampled_from(["\n", "\r\n"]), st.booleans())
@example(["IMAPStore st", "Host imap.lboro.ac.uk", "Path INBOX.", "", "Channel ch", "Far :st:INBOX.", "Patterns *"],
         "\n", True)
def test_generated_files_round_trip_and_migrate_once(lines: list[str], newline: str, final: bool) -> None:
    done = generated_plan(PARSER, newline.join(lines) + (newline if final else ""))
    if done is None:
        return
    after = parse_mbsync(done.only.after.to_bytes(), "rc")
    for account in done.accounts:
        if done.status(account, POLICY) == FOREIGN:
            assert server_text(after, account.key) == server_text(done.only.before, account.key)


def test_a_policy_preferring_starttls_gets_it_written() -> None:
    text = "IMAPAccount uni\nHost imap.lboro.ac.uk\nUser ccano@lboro.ac.uk\nSSLType None\nPort 110\n"
    done = plan_data(text.encode(), PARSER, load_policy(overrides=["incoming.security=starttls"]), "rc", "nobody")
    assert done.only.after.render() == ("IMAPAccount uni\nHost staff-mail.lboro.ac.uk\nUser ccano@lboro.ac.uk\n"
                                        "SSLType STARTTLS\nPort 143\n")
