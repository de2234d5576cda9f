"""How neutral changes land in fetchmailrc syntax: only what must change, where a person would put it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from migrate.engine import plan_data
from migrate.policy import load_policy
from parsers.fetchmail import FetchmailParser
from tests.oracles import fetchmail_dump

PARSER = FetchmailParser()
REMOVE = load_policy(overrides=["passwords.saved=remove"])
STARTTLS = load_policy(overrides=["incoming.security=starttls"])


def migrate(text: str, policy=None, login: str = "alice") -> str:
    return plan_data(text.encode(), PARSER, policy or load_policy(), "rc", local_user=login).only.after.render()


def test_implicit_user_gets_the_owner_login_with_the_suffix(tmp_path: Path) -> None:
    out = migrate("poll pop.lboro.ac.uk proto pop3 pass x keep\n")
    assert out == ("poll staff-mail.lboro.ac.uk proto imap service 993 auth password user alice@lboro.ac.uk"
                   " pass x keep ssl sslproto tls1.2+\n")
    assert fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]["remote"] == "alice@lboro.ac.uk"


def test_user_from_defaults_gets_its_own_user_block(tmp_path: Path) -> None:
    out = migrate("defaults user 'ccano' pass 'x'\npoll imap.lboro.ac.uk proto imap service 993\n")
    assert out.splitlines()[1] == (
        "poll staff-mail.lboro.ac.uk proto imap service 993 auth password user 'ccano@lboro.ac.uk' ssl sslproto tls1.2+")
    user = fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]
    assert (user["remote"], user["password"], user["ssl"]) == ("ccano@lboro.ac.uk", "x", 1)


def test_removed_password_takes_its_line_when_it_had_one() -> None:
    before = "poll staff-mail.lboro.ac.uk proto imap auth password\n  user a@lboro.ac.uk\n  pass 'x'\n  ssl sslproto tls1.2+\n"
    assert migrate(before, REMOVE) == before.replace("  pass 'x'\n", "")


def test_removed_password_takes_its_noise_words_mid_line() -> None:
    before = "poll staff-mail.lboro.ac.uk proto imap auth password user a@lboro.ac.uk with password 'x' is a here ssl\n"
    assert migrate(before, REMOVE) == before.replace(" with password 'x'", "")


def test_no_ssl_turns_into_ssl() -> None:
    out = migrate("poll imap.lboro.ac.uk proto imap user a@lboro.ac.uk no ssl sslproto ''\n")
    assert out.endswith("user a@lboro.ac.uk ssl sslproto 'tls1.2+'\n")


def test_a_starttls_site_drops_ssl_and_keeps_143(tmp_path: Path) -> None:
    out = migrate("poll pop.lboro.ac.uk proto pop3 service pop3s user a ssl\n", STARTTLS)
    assert out == "poll staff-mail.lboro.ac.uk proto imap service 143 auth password user a@lboro.ac.uk sslproto tls1.2+\n"
    user = fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]
    assert (user["ssl"], user["sslproto"]) == (0, "tls1.2+")


def test_a_starttls_site_overrides_ssl_from_defaults() -> None:
    out = migrate("defaults ssl\npoll pop.lboro.ac.uk proto pop3 service 995 user a@lboro.ac.uk\n", STARTTLS)
    assert out.splitlines()[1].endswith("service 143 auth password user a@lboro.ac.uk no ssl sslproto tls1.2+")


def test_new_host_drops_the_old_fingerprint_and_renames_the_common_name() -> None:
    plan = plan_data(
        b"poll imap.lboro.ac.uk proto imap user a@lboro.ac.uk ssl sslproto tls1.2+\n"
        b"  sslfingerprint 'AB:CD'\n  sslcommonname imap.lboro.ac.uk\n",
        PARSER, load_policy(), "rc",
    )
    assert plan.only.after.render().endswith("sslproto tls1.2+\n  sslcommonname staff-mail.lboro.ac.uk\n")
    assert any("sslfingerprint removed" in note.message for note in plan.notes)


def test_folders_from_defaults_are_given_to_the_user_renamed() -> None:
    out = migrate("defaults folder INBOX.A, 'INBOX.B c'\npoll imap.lboro.ac.uk proto imap service 993 user a@lboro.ac.uk ssl sslproto tls1.2+\n")
    assert out.splitlines()[1].endswith("ssl sslproto tls1.2+ folder 'A', 'B c'")
    assert out.splitlines()[0] == "defaults folder INBOX.A, 'INBOX.B c'"


def test_users_of_one_poll_share_its_new_port() -> None:
    plan = plan_data(b"poll imap.lboro.ac.uk proto imap user a@lboro.ac.uk user b@lboro.ac.uk sslproto tls1.2+\n",
                     PARSER, load_policy(), "rc")
    assert plan.only.after.render() == ("poll staff-mail.lboro.ac.uk proto imap service 993 auth password user a@lboro.ac.uk"
                                   " ssl sslproto tls1.2+ user b@lboro.ac.uk sslproto tls1.2+ ssl\n")
    assert any("share its port" in note.message for note in plan.notes)


def test_crlf_lines_keep_their_ends() -> None:
    out = migrate("poll pop.lboro.ac.uk\r\n  proto pop3\r\n  user a\r\n")
    assert out.count("\r\n") == 3 and "\n" not in out.replace("\r\n", "")


def test_running_daemon_means_skip(tmp_path: Path) -> None:
    (tmp_path / ".fetchmail.pid").write_text(f"{os.getpid()}\n300\n")
    assert "fetchmail is running" in PARSER.live(tmp_path / ".fetchmailrc")


@pytest.mark.parametrize("content", ["", "garbage\n", "999999999\n"], ids=["empty", "garbage", "stale"])
def test_no_live_daemon(tmp_path: Path, content: str) -> None:
    (tmp_path / ".fetchmail.pid").write_text(content)
    assert PARSER.live(tmp_path / ".fetchmailrc") is None


def test_recent_prefix_goes_and_the_name_is_suffixed(tmp_path: Path) -> None:
    plan = plan_data(b"poll imap.lboro.ac.uk proto imap user 'recent:LBORO\\\\jdoe' there ssl\n", PARSER, load_policy(), "rc")
    out = plan.only.after.render()
    assert out == "poll staff-mail.lboro.ac.uk proto imap auth password user 'jdoe@lboro.ac.uk' there ssl\n"
    assert fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]["remote"] == "jdoe@lboro.ac.uk"
    assert [c.new for c in plan.changes if c.field == "incoming.username"] == ["jdoe@lboro.ac.uk"]
    assert any("'recent:' dropped from the user name" in note.message for note in plan.notes)


def test_recent_prefix_of_a_name_already_suffixed_goes_too() -> None:
    out = migrate("poll pop.lboro.ac.uk proto pop3 user 'Recent:jdoe@lboro.ac.uk' there\n")
    assert "user 'jdoe@lboro.ac.uk' there" in out and "ecent:" not in out


def test_recent_prefix_of_a_defaults_user_goes_in_the_polls_own_user() -> None:
    out = migrate("defaults user 'recent:ccano'\npoll imap.lboro.ac.uk proto imap\n")
    assert out.splitlines()[0] == "defaults user 'recent:ccano'"
    assert "user 'ccano@lboro.ac.uk'" in out.splitlines()[1]


def test_gmail_in_recent_mode_is_left_alone() -> None:
    data = b"poll pop.gmail.com proto pop3 user 'recent:jdoe@gmail.com' there pass x ssl\n"
    assert not plan_data(data, PARSER, load_policy(), "rc").changed


@pytest.mark.parametrize("remote", ['"<email-address>"', "your-login", "'YOUR_USERNAME'"])
def test_placeholder_users_are_noted_not_suffixed(remote: str) -> None:
    plan = plan_data(f"poll imap.lboro.ac.uk proto imap user {remote} there ssl\n".encode(), PARSER, load_policy(), "rc")
    assert plan.only.after.render() == f"poll staff-mail.lboro.ac.uk proto imap auth password user {remote} there ssl\n"
    assert any("is a placeholder, not a user name" in note.message for note in plan.notes)


def test_no_sslcertck_becomes_sslcertck_in_place(tmp_path: Path) -> None:
    plan = plan_data(b"poll imap.lboro.ac.uk proto imap user a@lboro.ac.uk ssl no  sslcertck keep\n",
                     PARSER, load_policy(), "rc")
    out = plan.only.after.render()
    assert out == "poll staff-mail.lboro.ac.uk proto imap auth password user a@lboro.ac.uk ssl sslcertck keep\n"
    assert fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]["sslcertck"] == 1
    assert any(n.message.startswith("no sslcertck replaced by sslcertck") for n in plan.notes)


def test_no_sslcertck_of_the_defaults_stays_for_other_servers(tmp_path: Path) -> None:
    out = migrate("defaults no sslcertck\n"
                  "poll imap.lboro.ac.uk proto imap user a@lboro.ac.uk ssl\n"
                  "poll mail.example.org proto imap user b ssl\n")
    assert out.splitlines() == ["defaults no sslcertck",
                                "poll staff-mail.lboro.ac.uk proto imap auth password user a@lboro.ac.uk ssl sslcertck",
                                "poll mail.example.org proto imap user b ssl"]
    users = [s["users"][0] for s in fetchmail_dump(out.encode(), tmp_path)["servers"]]
    assert [u["sslcertck"] for u in users] == [1, 0]


def test_a_pinned_fingerprint_goes_even_when_the_host_stays(tmp_path: Path) -> None:
    plan = plan_data(b"poll staff-mail.lboro.ac.uk proto imap auth password user a@lboro.ac.uk\n"
                     b"  ssl sslfingerprint \"AB:CD\"\n  sslcertpath /etc/old-ca\n", PARSER, load_policy(), "rc")
    out = plan.only.after.render()
    assert out.endswith("user a@lboro.ac.uk\n  ssl\n  sslcertpath /etc/old-ca\n")
    user = fetchmail_dump(out.encode(), tmp_path)["servers"][0]["users"][0]
    assert (user["sslfingerprint"], user["sslcertck"], user["sslcertpath"]) == (None, 1, "/etc/old-ca")
    assert any(n.message.startswith("sslcertpath kept") for n in plan.notes)


def test_a_fingerprint_in_the_defaults_is_reported_not_removed() -> None:
    plan = plan_data(b"defaults sslfingerprint 'AB:CD'\npoll imap.lboro.ac.uk proto imap user a@lboro.ac.uk ssl\n",
                     PARSER, load_policy(), "rc")
    assert plan.only.after.render().startswith("defaults sslfingerprint 'AB:CD'\n")
    assert any("defaults entry's sslfingerprint" in n.message for n in plan.notes)


def test_certificate_settings_stay_when_the_site_does_not_verify() -> None:
    out = migrate("poll staff-mail.lboro.ac.uk proto imap auth password user a@lboro.ac.uk ssl no sslcertck\n",
                  load_policy(overrides=["certificates.verify=no"]))
    assert out.endswith("ssl no sslcertck\n")
