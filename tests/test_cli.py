"""The command line end to end, on copies of the samples."""
from __future__ import annotations

import base64
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.files import sha256
from migrate.plugins import load_parsers
from migrate.runs import load_runs
from parsers.eudora import EudoraParser
from parsers.fetchmail import FetchmailParser
from parsers.fetchmail.strings import value
from parsers.msmtp.lexer import unquoted
from parsers.mulberry import MulberryParser
from tests.conftest import SAMPLES
from tests.conftest import sample_files
from tests.journals import recorded_words


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding copies of every fetchmail sample, private as fetchmail wants them."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    folder = tmp_path / "home"
    folder.mkdir()
    for sample in sample_files("fetchmail"):
        shutil.copy(sample, folder / sample.name)
        (folder / sample.name).chmod(0o600)
    return folder


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode)) for p in folder.iterdir()}


def sample_passwords() -> set[str]:
    parser = FetchmailParser()
    found = set()
    for sample in sample_files("fetchmail"):
        document = parser.parse_bytes(sample.read_bytes(), str(sample))
        found |= {value(token.text) for token in document.tokens if token.secret}
    parsers = load_parsers()
    for client in ("msmtp", "mpop"):  # their passwords, and commands that print one
        for sample in (SAMPLES / client).rglob("*"):
            if sample.is_file() and parsers.claimant(sample) is parsers[client]:
                document = parsers[client].parse_bytes(sample.read_bytes(), str(sample))
                found |= {unquoted(token.text) for token in document.tokens if token.secret}
    eudora = EudoraParser()
    for sample in (SAMPLES / "eudora").rglob("*.[Ii][Nn][Ii]"):
        found |= {token.text for token in eudora.parse_bytes(sample.read_bytes(), str(sample)).tokens if token.secret}
    mulberry = MulberryParser()
    for sample in sample_files("mulberry"):
        found |= {token.text for token in mulberry.parse_bytes(sample.read_bytes(), str(sample)).tokens if token.secret}
    return found


def test_plan_on_the_samples_prints_plans_and_diffs(capsys) -> None:
    code, out, err = run(capsys, "plan", str(SAMPLES))
    assert code == 0, err
    assert "poll pop.lboro.ac.uk, user ccano (line 9): will migrate" in out
    assert "incoming protocol: pop3 -> imap" in out
    assert "+poll staff-mail.lboro.ac.uk with proto IMAP service 993 auth password" in out
    assert "not this service" in out and "compliant" in out
    assert "89 setups: 80 to change, 9 unchanged" in out
    assert "account lboro (line 6): to replace by hand" in out  # mpop's: it reads only POP
    assert ", 4 to replace by hand (their program reads only POP)," in out


def test_plan_writes_nothing_and_check_reports_pending(home: Path, capsys) -> None:
    before = snapshot(home)
    assert run(capsys, "plan", "--check", str(home))[0] == 1
    assert snapshot(home) == before
    assert run(capsys, "apply", str(home))[0] == 0
    assert run(capsys, "plan", "--check", str(home))[0] == 0


def test_scan_lists_every_account_with_its_status(home: Path, capsys) -> None:
    code, out, _ = run(capsys, "scan", "--json", str(home))
    assert code == 0
    accounts = [a for f in json.loads(out)["files"] for a in f["accounts"]]
    statuses = {a["incoming"]["host"]: a["status"] for a in accounts}
    assert statuses["mail.example.org"] == "not this service"
    assert statuses["pop.lboro.ac.uk"] == "will migrate"
    assert statuses["staff-mail.lboro.ac.uk"] == "compliant"
    text = run(capsys, "scan", str(home))[1]
    assert text.splitlines()[0].split() == ["FILE", "CLIENT", "PROTOCOL", "HOST", "PORT", "SECURITY", "USER", "STATUS"]


def test_apply_then_restore_gives_back_bytes_and_modes(home: Path, capsys) -> None:
    (home / "pop-keep-uidl.fetchmailrc").chmod(0o400)
    before = snapshot(home)
    code, out, err = run(capsys, "apply", "--json", str(home))
    assert code == 0, err
    report = json.loads(out)
    assert report["summary"]["changed"] == 8 and report["run"]
    changed = snapshot(home)
    assert changed != before
    assert all(changed[name][1] == before[name][1] for name in before)
    for sample in sample_files("fetchmail"):
        assert (home / sample.name).read_bytes() == sample.with_name(sample.name + ".expected").read_bytes()
    [run_record] = load_runs(Path(os.environ["MAILMIGRATE_STATE_DIR"]))
    entries = [entry for part in run_record.parts for entry in part.manifest["files"]]
    assert len(entries) == 8 and all(len(entry["sha256_before"]) == 64 for entry in entries)
    assert all(sha256(Path(entry["path"]).read_bytes()) == entry["sha256_after"] for entry in entries)
    assert "9 setups: 9 unchanged" in run(capsys, "apply", str(home))[1]
    assert run(capsys, "restore", "--run", report["run"])[0] == 0
    assert snapshot(home) == before
    assert not list(home.glob(".*mailmigrate-tmp"))


def test_restore_refuses_a_file_changed_since_unless_forced(home: Path, capsys) -> None:
    target = home / "pop-keep-uidl.fetchmailrc"
    original = target.read_bytes()
    run(capsys, "apply", str(target))
    original_edited = target.read_bytes() + b"# my own edit\n"
    target.write_bytes(original_edited)
    code, _, err = run(capsys, "restore")
    assert code == 3 and "changed since run" in err and b"my own edit" in target.read_bytes()
    assert run(capsys, "restore", "--force")[0] == 0
    assert target.read_bytes() == original
    journals = Path(os.environ["MAILMIGRATE_STATE_DIR"]).glob("runs/*/*.jsonl")
    overwritten = [json.loads(line)["overwritten"] for journal in journals for line in journal.read_text().splitlines()
                   if "overwritten" in json.loads(line)]
    assert [base64.b64decode(kept["bytes"]) for kept in overwritten] == [original_edited]


def test_restore_before_a_date_undoes_every_later_run(home: Path, capsys) -> None:
    before = snapshot(home)
    run(capsys, "apply", str(home / "pop-keep-uidl.fetchmailrc"))
    run(capsys, "apply", str(home))
    assert run(capsys, "restore", "--before", "1 hour ago")[0] == 0
    assert snapshot(home) == before
    with pytest.raises(SystemExit) as caught:
        main(["restore", "--before", "not a date"])
    assert caught.value.code == 2


def test_bad_file_is_reported_on_one_line_and_the_rest_migrate(home: Path, capsys) -> None:
    broken = home / "broken.fetchmailrc"
    broken.write_bytes(b"poll pop.lboro.ac.uk proto pop3\n  user a pass secretvalue uidl\n")
    code, out, err = run(capsys, "apply", str(home))
    assert code == 3
    (line,) = [l for l in err.splitlines() if "broken" in l]
    assert line == f"{broken}:2:27: server option after user options at 'uidl'"
    assert broken.read_bytes() == b"poll pop.lboro.ac.uk proto pop3\n  user a pass secretvalue uidl\n"
    assert "8 changed" in out and "1 failed" in out


def test_no_password_appears_in_any_output(home: Path, capsys) -> None:
    passwords = sample_passwords()
    assert len(passwords) >= 10
    outputs = []
    for args in (["scan"], ["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json"]):
        outputs += run(capsys, *args, str(home))[1:]
    outputs += run(capsys, "restore", "--json")[1:]
    outputs += run(capsys, "apply", str(home))[1:]
    outputs += run(capsys, "restore")[1:]
    state = Path(os.environ["MAILMIGRATE_STATE_DIR"])
    outputs += [recorded_words(state)] + [str(p) for p in state.rglob("*")]
    for password in passwords:
        assert not any(password in text for text in outputs), "a password leaked"


def test_running_fetchmail_daemon_means_the_file_is_skipped(tmp_path: Path, home: Path, capsys) -> None:
    rc = home / ".fetchmailrc"
    shutil.copy(home / "pop-keep-uidl.fetchmailrc", rc)
    (home / ".fetchmail.pid").write_text(f"{os.getpid()}\n900\n")
    before = rc.read_bytes()
    code, out, err = run(capsys, "apply", str(rc))
    assert code == 0 and "fetchmail is running" in err and rc.read_bytes() == before


def test_links_are_not_followed(tmp_path: Path, home: Path, capsys) -> None:
    outside = tmp_path / "outside.fetchmailrc"
    shutil.copy(home / "pop-keep-uidl.fetchmailrc", outside)
    (home / ".fetchmailrc").symlink_to(outside)
    err = run(capsys, "apply", str(home))[2]
    assert f"{home / '.fetchmailrc'}: a symbolic link" in err
    assert outside.read_bytes() == (SAMPLES / "fetchmail" / "pop-keep-uidl.fetchmailrc").read_bytes()
    assert (home / ".fetchmailrc").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give files another owner")
def test_owner_and_group_are_kept(home: Path, capsys) -> None:
    target = home / "pop-keep-uidl.fetchmailrc"
    os.chown(target, 4321, 4322)
    run(capsys, "apply", str(target))
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4322)
    run(capsys, "restore")
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4322)


def test_invalid_policy_exits_4_naming_every_bad_key(tmp_path: Path, capsys) -> None:
    site = tmp_path / "site.ini"
    site.write_text("service = x\ndomain = not a domain\n[passwords]\nsaved = maybe\n")
    code, _, err = run(capsys, "plan", "--policy", str(site), str(SAMPLES))
    assert code == 4
    assert "domain:" in err and "passwords.saved:" in err and "incoming.host: missing" in err  # the section is there: it has a default (pop_only)


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["plan", "--format", "nosuch", str(SAMPLES)])
    assert caught.value.code == 2


def one_line_usage_error(tmp_path: Path, *args: str) -> str:
    """Run the command as people do; it must stop on one line and exit 2, having done nothing."""
    done = subprocess.run([sys.executable, "-m", "migrate", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "MAILMIGRATE_STATE_DIR": str(tmp_path / "state")})
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "state").exists()
    return done.stderr


@pytest.mark.parametrize("name", ["report.csv", "report.json", "report.html"])
@pytest.mark.parametrize("command", ["scan", "apply"])
def test_a_report_in_a_missing_folder_is_one_line(tmp_path: Path, home: Path, name: str, command: str) -> None:
    before = snapshot(home)
    report = tmp_path / "missing" / name
    err = one_line_usage_error(tmp_path, command, str(home), "--report", str(report))
    assert err == f"mailmigrate: {report}: cannot write the report: No such file or directory\n"
    assert snapshot(home) == before


def test_missing_homes_are_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    assert one_line_usage_error(tmp_path, "plan", "--homes", str(missing)) == (
        f"mailmigrate: {missing}: cannot list the homes in it: No such file or directory\n")
    (tmp_path / "file").write_text("x\n")
    assert "Not a directory" in one_line_usage_error(tmp_path, "plan", "--homes", str(tmp_path / "file"))
    assert one_line_usage_error(tmp_path, "apply", "--homes-from", str(missing)) == (
        f"mailmigrate: {missing}: cannot read the list of homes: No such file or directory\n")
    listing = tmp_path / "homes.txt"
    listing.write_bytes(b"# the homes\n/home/ab1\n/home/\xe9t\xe9\n")
    assert one_line_usage_error(tmp_path, "plan", "--homes-from", str(listing)) == (
        f"mailmigrate: {listing}:3:7: not UTF-8 text\n")


def test_policy_command_prints_the_commented_default(capsys) -> None:
    code, out, _ = run(capsys, "policy")
    assert code == 0 and out.startswith("# mailmigrate policy") and "staff-mail.lboro.ac.uk" in out


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "migrate", "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("mailmigrate ")


@pytest.mark.parametrize("command", ["plan", "scan --json"])
def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path, home: Path, command: str) -> None:
    """``mailmigrate plan | head -c 1``: no traceback, the shell's own status for a tool killed by SIGPIPE."""
    homes = tmp_path / "homes"
    for number in range(60):  # far more output than a pipe holds, so the writer meets the closed end
        shutil.copytree(home, homes / f"u{number}")
    done = subprocess.run(f"{sys.executable} -m migrate {command} --jobs 2 --homes {homes} | head -c 1 >/dev/null;"
                          " echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert (done.stderr, done.stdout.strip()) == ("", "141")


def test_notes_about_a_setup_as_a_whole_are_in_the_text_plan(tmp_path: Path, capsys) -> None:
    muttrc = tmp_path / "muttrc"
    muttrc.write_text("source ~/.mutt/not-there\n")
    code, out, _ = run(capsys, "plan", str(muttrc))
    assert code == 0 and "note: " in out and "not-there: sourced but not found" in out and "no accounts found" in out
