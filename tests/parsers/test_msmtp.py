"""msmtp and mpop files: lossless, migrated as expected where each value comes from, and read back by the
programs themselves (``--pretend``)."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import REPLACE
from migrate.engine import plan_data
from migrate.errors import ParseError
from migrate.plugins import load_parsers
from migrate.policy import load_policy
from migrate.rules.username_suffix import suffixed
from parsers.msmtp.accounts import values
from parsers.msmtp.config import MSMTP
from parsers.msmtp.config import c_positive_int
from parsers.msmtp.config import effective
from tests.conftest import SAMPLES
from tests.msmtp_oracle import pretend
from tests.msmtp_oracle import refusal
from tests.parsers.msmtp_strategies import rcfile

PARSERS = load_parsers()
MSMTP_PARSER, MPOP_PARSER = PARSERS["msmtp"], PARSERS["mpop"]
POLICY = load_policy()
#: mpop's samples are migrated with the choice that comments its accounts of the service out
DISABLE = load_policy(overrides=["incoming.pop_only=disable"])
SAMPLES_OF = {name: sorted(p for p in (SAMPLES / name).rglob("*")
                           if p.is_file() and PARSERS.claimant(p) is PARSERS[name]) for name in ("msmtp", "mpop")}
ALL = [(name, path) for name, paths in SAMPLES_OF.items() for path in paths]
#: what ``--pretend`` prints for the settings the migration decides, by our field names
SHOWN = {"host": "host", "port": "port", "tls": "tls", "starttls": "tls_starttls", "auth": "auth", "user": "user"}


def _id(item: tuple[str, Path]) -> str:
    return str(item[1].relative_to(SAMPLES))


def _policy(name: str):
    return DISABLE if name == "mpop" else POLICY


def _plan(text: str, parser=MSMTP_PARSER, policy=POLICY, path: str = ".msmtprc"):
    return plan_data(text.encode(), parser, policy, path, local_user="nobody")


def _after(text: str, **options) -> str:
    return _plan(text, **options).only.after.render()


def _expected(path: Path) -> bytes:
    return path.with_name(path.name + ".expected").read_bytes()


def _names(data: bytes, parser) -> list[str]:
    return [account.key for account in parser.accounts(parser.parse_bytes(data, "rc"))]


# -- the samples ----------------------------------------------------------------


@pytest.mark.parametrize("item", ALL, ids=_id)
def test_sample_round_trips_and_migrates_to_expected_once(item: tuple[str, Path]) -> None:
    name, path = item
    data = path.read_bytes()
    assert PARSERS[name].parse_bytes(data, str(path)).to_bytes() == data
    plan = plan_data(data, PARSERS[name], _policy(name), str(path), local_user="nobody")
    assert plan.only.after.to_bytes() == _expected(path)
    again = plan_data(_expected(path), PARSERS[name], _policy(name), str(path), local_user="nobody")
    assert not again.changed
    blocked = {n.account for n in again.notes if n.message.startswith("not commented out")}
    assert all(c.field.endswith(".password") or c.account in blocked for c in again.changes)


def test_every_sample_folder_has_its_setups() -> None:
    assert len(SAMPLES_OF["msmtp"]) == 4 and len(SAMPLES_OF["mpop"]) == 2
    assert any(p.parts[-3:] == (".config", "msmtp", "config") for p in SAMPLES_OF["msmtp"])
    assert any(p.parts[-3:] == (".config", "mpop", "config") for p in SAMPLES_OF["mpop"])


@pytest.mark.parametrize("path", SAMPLES_OF["mpop"], ids=lambda p: str(p.relative_to(SAMPLES)))
def test_mpop_accounts_of_the_service_are_reported_and_kept_unless_asked(path: Path) -> None:
    plan = plan_data(path.read_bytes(), MPOP_PARSER, POLICY, str(path), local_user="nobody")
    assert not plan.changed and not plan.changes
    ours = [a for a in plan.accounts if POLICY.matches(a.incoming.host)]
    assert ours and all(plan.status(a, POLICY) == REPLACE for a in ours)
    for account in ours:
        (note,) = [n.message for n in plan.notes_of(account.key)]
        assert "getmail" in note and "fetchmail" in note and "mbsync" in note and "pop_only=disable" in note


@pytest.mark.oracle
@pytest.mark.parametrize("item", ALL, ids=_id)
def test_the_program_reads_our_view_before_and_the_policy_s_values_after(item: tuple[str, Path], tmp_path: Path) -> None:
    """Our reading of every account is the program's, and after the migration each account of the service
    has the policy's values while every other one is exactly as it was."""
    name, path = item
    before, after = path.read_bytes(), _expected(path)
    for account in PARSERS[name].accounts(PARSERS[name].parse_bytes(before, "rc")):
        old = pretend(name, before, tmp_path, account.key)
        endpoint = account.outgoing or account.incoming
        assert (old["host"], int(old["port"])) == (endpoint.host, endpoint.port)
        if account.key not in _names(after, PARSERS[name]):  # commented out: mpop must no longer know it
            assert refusal(name, after, tmp_path, account.key).endswith(f"no account {account.key}")
            continue
        new = pretend(name, after, tmp_path, account.key)
        if not POLICY.matches(endpoint.host):
            assert new == old, f"account {account.key} of another provider changed"
        elif name == "msmtp":
            _assert_service(new)
        else:  # an mpop account of the service that another account copies: kept, as the plan says
            assert new == old
    assert refusal(name, after, tmp_path).endswith("no-such-account" if name == "mpop" else f"not found in {tmp_path / f'{name}rc'}")


def _assert_service(shown: dict[str, str], user: Optional[str] = None) -> None:
    """The settings of an account of the service, its login ``user`` (else any of the service's form)."""
    assert shown["host"] == POLICY.outgoing.host
    security = "ssl" if shown["tls_starttls"] == "off" else "starttls"
    assert shown["tls"] == "on" and (security, int(shown["port"])) in POLICY.outgoing.accept
    assert shown["auth"] in ("PLAIN", "LOGIN")
    assert shown["user"] == user if user is not None else shown["user"].endswith(POLICY.username_suffix)
    assert shown["tls_certcheck"] == "on" and shown["tls_fingerprint"] == "(not set)"


def test_apply_keeps_the_files_private_mode_and_a_second_run_changes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "msmtp" / "xdg", home)
    shutil.copy(SAMPLES / "mpop" / "legacy-pop.mpoprc", home / ".mpoprc")
    files = {home / ".config" / "msmtp" / "config": SAMPLES / "msmtp" / "xdg" / ".config" / "msmtp" / "config",
             home / ".mpoprc": SAMPLES / "mpop" / "legacy-pop.mpoprc"}
    for file in files:
        file.chmod(0o600)
    assert main(["apply", "--set", "incoming.pop_only=disable", str(home)]) == 0
    for file, sample in files.items():
        assert file.read_bytes() == _expected(sample)
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["plan", "--check", "--set", "incoming.pop_only=disable", str(home)]) == 0
    assert "0 to change" not in capsys.readouterr().out  # nothing to change: no setup is counted as such


# -- where a value is written ----------------------------------------------------

SHARED = """\
defaults
host smtp.lboro.ac.uk
port 25
auth cram-md5

account a
user ccano

account b
user jdoe
"""


def test_a_defaults_value_only_the_service_uses_is_changed_there() -> None:
    plan = _plan(SHARED)
    assert plan.only.after.render() == """\
defaults
host staff-mail.lboro.ac.uk
port 465
auth plain

account a
user ccano@lboro.ac.uk
tls on
tls_starttls off

account b
user jdoe@lboro.ac.uk
tls on
tls_starttls off
"""
    assert any("changed in the defaults" in n.message and "host (line 2)" in n.message for n in plan.notes_of("a"))
    tls_already = _plan(SHARED.replace("port 25", "port 2525\ntls on"))  # only tls_starttls and the port change
    assert [n.message for n in tls_already.notes_of("a") if "defaults" in n.message] == [
        "changed in the defaults, which only accounts of the service use: host (line 2), port (line 3), auth (line 5)"]


def test_a_defaults_value_another_provider_uses_is_overridden_in_the_account() -> None:
    text = SHARED + "\naccount isp\nhost mail.example.org\n"
    after = _after(text)
    assert after.startswith("defaults\nhost staff-mail.lboro.ac.uk\nport 25\nauth cram-md5\n")  # host: isp has its own
    assert "account a\nuser ccano@lboro.ac.uk\nport 465\ntls on\ntls_starttls off\nauth plain\n" in after
    assert after.endswith("account isp\nhost mail.example.org\n")


def test_an_account_copying_one_of_the_service_keeps_its_own_values() -> None:
    text = "account lboro\nhost smtp.lboro.ac.uk\nuser ccano\ntls off\n\naccount isp : lboro\nhost mail.example.org\nuser c\n"
    plan = _plan(text)
    assert plan.only.after.render() == (
        "account lboro\nhost staff-mail.lboro.ac.uk\nuser ccano@lboro.ac.uk\ntls on\nport 465\ntls_starttls off\n"
        "auth plain\n\naccount isp : lboro\nhost mail.example.org\nuser c\nport 25\ntls off\ntls_starttls on\nauth off\n")
    assert any("keeps its values" in n.message for n in plan.notes_of("isp"))


def test_accounts_copying_one_of_the_service_follow_it_without_lines_of_their_own() -> None:
    text = "account lboro\nhost smtp.lboro.ac.uk\nuser ccano\nauth plain\ntls on\n\naccount default : lboro\n"
    assert _after(text).endswith("tls on\n\naccount default : lboro\n")


def test_values_keep_their_quotes_and_the_line_its_layout() -> None:
    text = '  host   "smtp.lboro.ac.uk"  \r\nuser\t"ccano"\r\ntls on\r\ntls_starttls on\r\nport 587\r\nauth plain'
    assert _after(text) == '  host   "staff-mail.lboro.ac.uk"  \r\nuser\t"ccano@lboro.ac.uk"\r\ntls on\r\n' \
                           "tls_starttls on\r\nport 587\r\nauth plain"


def test_lines_added_after_a_last_line_without_newline_keep_it_so() -> None:
    assert _after("account a\n  host smtp.lboro.ac.uk\n  user b\n  auth plain\n  tls off") == (
        "account a\n  host staff-mail.lboro.ac.uk\n  user b@lboro.ac.uk\n  auth plain\n  tls on\n  port 465\n  tls_starttls off")


def test_msmtp_1_2_spellings_become_the_current_ones() -> None:
    text = "host smtp.lboro.ac.uk\nport 2525\nuser a\nauth plain\ntls\ntls_nostarttls\ntls_nocertcheck\n"
    assert _after(text, policy=load_policy(overrides=["outgoing.security=starttls"])) == (
        "host staff-mail.lboro.ac.uk\nport 587\nuser a@lboro.ac.uk\nauth plain\ntls\ntls_starttls on\ntls_certcheck on\n")


def test_a_pinned_fingerprint_of_the_old_server_goes() -> None:
    text = f"account a\nhost smtp.lboro.ac.uk\nuser a\nauth plain\ntls on\ntls_starttls off\ntls_fingerprint {'AB:' * 31}AB\n"
    assert _after(text).endswith("tls_starttls off\n")


def test_removed_passwords_go_where_they_are_and_are_unset_where_shared() -> None:
    remove = load_policy(overrides=["passwords.saved=remove"])
    text = ("defaults\npassword shared\n\naccount lboro\nhost smtp.lboro.ac.uk\nuser a\nauth plain\ntls on\n"
            "tls_starttls off\n\naccount isp\nhost mail.example.org\n")
    assert _after(text, policy=remove) == text.replace("tls_starttls off\n", "tls_starttls off\npassword\n").replace(
        "user a\n", "user a@lboro.ac.uk\n").replace("host smtp.lboro", "host staff-mail.lboro")
    only_ours = text.replace("account isp\nhost mail.example.org\n", "account b : lboro\n")
    assert _after(only_ours, policy=remove).startswith("defaults\n\naccount lboro\n")
    own = "account lboro\nhost smtp.lboro.ac.uk\nuser a\nauth plain\npassword \"x y\"\ntls on\ntls_starttls off\n"
    assert _after(own, policy=remove) == own.replace('password "x y"\n', "").replace("user a\n", "user a@lboro.ac.uk\n") \
        .replace("host smtp.lboro", "host staff-mail.lboro")


def test_a_password_an_account_of_another_provider_copies_stays() -> None:
    remove = load_policy(overrides=["passwords.saved=remove"])
    text = ("account lboro\nhost smtp.lboro.ac.uk\nuser a\nauth plain\npassword pw\ntls on\ntls_starttls off\n\n"
            "account isp : lboro\nhost mail.example.org\n")
    plan = _plan(text, policy=remove)
    assert "password pw\n" in plan.only.after.render()
    assert any("the saved password stays" in n.message for n in plan.notes_of("lboro"))


def test_the_plan_names_where_msmtp_finds_the_password() -> None:
    notes = [n.message for n in _plan("host smtp.lboro.ac.uk\nuser a\nauth on\n").notes]
    assert any("secret-tool store --label=msmtp host staff-mail.lboro.ac.uk service smtp user a@lboro.ac.uk" in n
               for n in notes)
    notes = [n.message for n in _plan("host smtp.lboro.ac.uk\nuser a\nauth on\npasswordeval pass x\n").notes]
    assert any(n.startswith("passwordeval kept (line 4)") for n in notes) and not any("pass x" in n for n in notes)


def test_eval_lines_are_reported_not_run() -> None:
    plan = _plan("account a\neval echo host smtp.lboro.ac.uk\nhost smtp.lboro.ac.uk\n")
    assert any(n.account == "" and n.message.startswith("eval on line 2 is not run") for n in plan.notes)


def test_another_provider_s_accounts_are_left_byte_for_byte() -> None:
    text = "account gmail\nhost smtp.gmail.com\nport 25\nauth cram-md5\ntls off\nuser x\n"
    assert not _plan(text).changed


def test_a_config_file_beside_a_dot_msmtprc_is_said_to_be_unused(tmp_path: Path) -> None:
    (tmp_path / ".config" / "msmtp").mkdir(parents=True)
    config = tmp_path / ".config" / "msmtp" / "config"
    config.write_text("host smtp.lboro.ac.uk\n")
    files = {str(config): config.read_bytes(), str(tmp_path / ".msmtprc"): b""}
    document = MSMTP_PARSER.parse(files.get, str(config))
    assert document.shadowed_by == "~/.msmtprc"
    assert MSMTP_PARSER.parse({str(config): config.read_bytes()}.get, str(config)).shadowed_by is None


# -- mpop -------------------------------------------------------------------------


def test_mpop_accounts_copied_by_another_provider_stay_with_a_note() -> None:
    text = "account a\nhost pop.lboro.ac.uk\ndelivery mbox ~/m\n\naccount b : a\nhost pop.gmail.com\n"
    plan = _plan(text, parser=MPOP_PARSER, policy=DISABLE, path=".mpoprc")
    assert not plan.changed
    assert any(n.message.startswith("not commented out: account b copies it") for n in plan.notes_of("a"))


def test_mpop_accounts_copying_a_disabled_one_go_with_it() -> None:
    text = "account a\nhost pop.lboro.ac.uk\ndelivery mbox ~/m\n\naccount b : a\n"
    after = _after(text, parser=MPOP_PARSER, policy=DISABLE, path=".mpoprc")
    assert [line for line in after.splitlines() if line and not line.startswith("#")] == []


# -- the grammar ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "where", "words"), [
    ("\ufeffhost x\n", "rc:1:1", "byte order mark"),
    ("host x\nuser a\0b\n", "rc:2:7", "NUL byte"),
    ("# " + "x" * 498 + "\n", "rc:1:1", "line longer than 500 characters"),
    ("# " + "x" * 497 + "\r\n", "rc:1:1", "line longer than 500 characters"),
    ("account a\ntls maybe\n", "rc:2:5", "invalid argument for command tls"),
    ("account a : b\n", "rc:1:9", "account b not (yet) defined"),
    ("account a\naccount a\n", "rc:2:9", "account a was already defined"),
    ("defaults x\n", "rc:1:10", "does not take an argument"),
    ("account a\nport 0\n", "rc:2:6", "invalid argument for command port"),
    ("account a\nhost\n", "rc:2:1", "command host needs an argument"),
    ("account a,b\n", "rc:1:9", "must not contain colons or commas"),
    ("account a\ntls_nostarttls on\n", "rc:2:16", "does not take an argument"),
])
def test_what_msmtp_refuses_is_refused_in_one_line(text: str, where: str, words: str) -> None:
    with pytest.raises(ParseError) as refused:
        MSMTP_PARSER.parse_bytes(text.encode(), "rc")
    assert str(refused.value).startswith(f"{where}: ") and words in str(refused.value)


def test_mpop_wants_an_account_or_defaults_first() -> None:
    with pytest.raises(ParseError, match=r"rc:2:1: first command must be account or defaults"):
        MPOP_PARSER.parse_bytes(b"# x\nhost pop.lboro.ac.uk\n", "rc")
    with pytest.raises(ParseError, match="invalid argument for command auth"):
        MPOP_PARSER.parse_bytes(b"account a\nauth off\n", "rc")


def test_a_refused_value_is_never_quoted() -> None:
    with pytest.raises(ParseError) as refused:
        MSMTP_PARSER.parse_bytes(b"account a\nport secret-looking-value\n", "rc")
    assert "secret-looking-value" not in str(refused.value)


def test_arguments_are_read_as_the_program_reads_them() -> None:
    text = 'account "a b" : \n'.replace(": ", "")
    assert _names(text.encode(), MSMTP_PARSER) == ["a b"]
    document = MSMTP_PARSER.parse_bytes(b'account x\nhost  "h # not a comment"  \nuser "a"b"\nport 0x1D1\n', "rc")
    found = values(MSMTP, effective(document.config)["x"])
    assert (found["host"], found["user"], found["port"]) == ("h # not a comment", 'a"b', "465")
    assert [c_positive_int(t) for t in ("0727", "+25", "25x", "0", "-1", "08")] == [471, 25, None, None, None, None]


def test_passwords_and_commands_that_may_print_one_are_secret() -> None:
    document = MSMTP_PARSER.parse_bytes(b"account a\npassword p1\npasswordeval echo p2\neval echo password p3\n", "rc")
    assert "p1" not in document.render_redacted() and "p2" not in document.render_redacted()
    assert "p3" not in document.render_redacted()


def test_folder_names_in_patterns_claim_only_that_folder() -> None:
    assert PARSERS.claimant(Path("/h/.config/msmtp/config")) is MSMTP_PARSER
    assert PARSERS.claimant(Path("/h/.config/mpop/config")) is MPOP_PARSER
    assert PARSERS.claimant(Path("/h/.config/other/config")) is None
    assert PARSERS.claimant(Path("/h/work.msmtprc")) is MSMTP_PARSER


# -- generated files ----------------------------------------------------------------

SOUP = st.lists(st.sampled_from(["account", "defaults", "host", "tls", "on", "off", "auth", "port", "25", "a", ":",
                                 ",", " ", "\t", "\n", "\r", '"', "#", "eval", "user", "é", "\udce9"])).map("".join)


@given(SOUP)
def test_any_text_round_trips_or_is_refused_with_a_location(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    for parser in (MSMTP_PARSER, MPOP_PARSER):
        try:
            document = parser.parse_bytes(data, "rc")
        except ParseError as error:
            assert error.line >= 1 and error.col >= 1
            continue
        assert document.to_bytes() == data


@given(st.sampled_from(["msmtp", "mpop"]).flatmap(lambda name: st.tuples(st.just(name), rcfile(name))))
def test_generated_files_round_trip_and_migrate_once(generated: tuple[str, str]) -> None:
    name, text = generated
    data = text.encode()
    plan = plan_data(data, PARSERS[name], _policy(name), "rc", local_user="nobody")  # a second pass is checked inside
    assert plan.only.before.to_bytes() == data
    again = plan_data(plan.only.after.to_bytes(), PARSERS[name], _policy(name), "rc", local_user="nobody")
    assert not again.changed


@pytest.mark.oracle
@settings(max_examples=int(os.environ.get("MAILMIGRATE_MSMTP_ORACLE_EXAMPLES", "40")), deadline=None)
@given(st.sampled_from(["msmtp", "mpop"]).flatmap(lambda name: st.tuples(st.just(name), rcfile(name, evals=False))))
def test_the_programs_read_generated_files_as_we_do_and_migrated_ones_as_the_policy_says(generated: tuple[str, str]) -> None:
    import tempfile

    name, text = generated
    parser, data = PARSERS[name], text.encode()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        plan = plan_data(data, parser, _policy(name), "rc", local_user="nobody")
        after = plan.only.after.to_bytes()
        found = effective(parser.parse_bytes(data, "rc").config)
        for account in plan.accounts:
            ours = values(parser.program, found[account.key])
            if ours.get("host") is None:
                continue  # the programs refuse to show an account without a server
            old = pretend(name, data, workdir, account.key)
            assert old["host"] == ours["host"] and old["tls_certcheck"] == ours["certcheck"]
            assert old["tls"] == ours["tls"] and old["tls_starttls"] == ours["starttls"]
            endpoint = account.outgoing or account.incoming
            assert int(old["port"]) == endpoint.port
            if account.key not in _names(after, parser):
                assert name == "mpop" and POLICY.matches(endpoint.host)
                continue
            new = pretend(name, after, workdir, account.key)
            if name == "mpop" or account.outgoing is None or not POLICY.matches(endpoint.host):
                assert new == old
            else:  # a name the rules cannot suffix (another domain, a template's stand-in) is kept and reported
                login = endpoint.username or "nobody"
                _assert_service(new, suffixed(login, POLICY) or login)
