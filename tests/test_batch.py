"""Admin runs over many homes: counts, failures, reruns, restores, order, filters, and link attacks."""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from migrate.batch import chunk_size
from migrate.cli import main
from migrate.folders import DescriptorFolder
from migrate.runs import load_runs
from tests.perf.homes import FETCHMAIL
from tests.perf.homes import MUTTRC
from tests.perf.homes import make_homes


def snapshot(root: Path) -> dict:
    return {p: (p.read_bytes(), stat.S_IMODE(p.lstat().st_mode), p.lstat().st_uid) for p in root.rglob("*")
            if p.is_file() and not p.is_symlink()}


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


def test_two_thousand_homes(tmp_path: Path, state: Path, capsys) -> None:
    homes = tmp_path / "homes"
    made = make_homes(homes, 2000)
    if os.geteuid() == 0:  # owners must be kept, so give the homes their own
        for number, home in enumerate(sorted(homes.iterdir())):
            for path in [home, *home.rglob("*")]:
                os.lchown(path, 20000 + number, 20000 + number)
    before = snapshot(homes)
    report = tmp_path / "plan.json"
    assert main(["plan", "--homes", str(homes), "--jobs", "2", "--report", str(report)]) == 3
    err = capsys.readouterr().err
    failed = [line for line in err.splitlines() if "server option after user options" in line]
    assert len(failed) == made["broken"] and all(line.count(":") >= 3 for line in failed)
    summary = json.loads(report.read_text())["summary"]
    assert summary["setups"] == made["setups"] and summary["failed"] == made["broken"]
    assert snapshot(homes) == before
    assert main(["apply", "--homes", str(homes), "--jobs", "2", "--report", str(tmp_path / "apply.csv")]) == 3
    capsys.readouterr()
    rows = (tmp_path / "apply.csv").read_text().splitlines()
    assert rows[0].startswith("home,owner,client,file,account,before_protocol")
    assert sum(",migrated," in row for row in rows) > 1000
    after = snapshot(homes)
    for path, (data, mode, uid) in before.items():
        assert (after[path][1], after[path][2]) == (mode, uid)
        if b"secret" in data or b"example.org" in data:  # broken and foreign files are left alone
            assert after[path][0] == data
    assert main(["plan", "--check", "--homes", str(homes), "--jobs", "2"]) == 3  # only the broken files remain
    summary_line = next(line for line in capsys.readouterr().out.splitlines() if " setups: " in line and "homes" not in line)
    assert "to change" not in summary_line and f"{made['broken']} failed" in summary_line
    assert main(["restore"]) == 0
    assert snapshot(homes) == before


def test_order_is_the_same_whatever_the_jobs(tmp_path: Path, state: Path, capsys) -> None:
    make_homes(tmp_path / "homes", 40)
    outputs = []
    for jobs in ("1", "2"):
        main(["plan", "--homes", str(tmp_path / "homes"), "--jobs", jobs])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_filters_pick_homes_and_setups(tmp_path: Path, state: Path, capsys) -> None:
    homes = tmp_path / "homes"
    make_homes(homes, 10)
    main(["scan", "--homes", str(homes), "--user", "u00003", "--json"])
    files = json.loads(capsys.readouterr().out)["files"]
    assert files and all("/u00003/" in f["path"] for f in files)
    listing = tmp_path / "list"
    listing.write_text(f"# two homes\n{homes / 'u00001'}\n{homes / 'u00002'}\n")
    main(["scan", "--homes-from", str(listing), "--json"])
    assert {Path(f["path"]).relative_to(homes).parts[0] for f in json.loads(capsys.readouterr().out)["files"]} == {
        "u00001", "u00002"}
    main(["scan", "--homes", str(homes), "--modified-since", "2099-01-01", "--json"])
    assert json.loads(capsys.readouterr().out)["files"] == []


def test_restore_one_home_of_a_run(tmp_path: Path, state: Path, capsys) -> None:
    homes = tmp_path / "homes"
    make_homes(homes, 6, broken_every=1000)
    before = snapshot(homes)
    main(["apply", "--homes", str(homes)])
    assert main(["restore", "--home", str(homes / "u00002")]) == 0
    after = snapshot(homes)
    for path, value in before.items():
        if "/u00002/" in str(path):
            assert after[path] == value
    assert any(after[p] != v for p, v in before.items() if "/u00003/" in str(p))


@pytest.mark.skipif(os.geteuid() != 0, reason="the attack matters when root runs the tool")
def test_links_out_of_a_home_are_never_followed(tmp_path: Path, state: Path, capsys) -> None:
    homes = tmp_path / "homes"
    make_homes(homes, 2, broken_every=1000)
    victim_home, attacker = homes / "u00000", homes / "u00001"
    victim = victim_home / ".fetchmailrc"
    victim.write_text("poll pop.lboro.ac.uk proto pop3 user victim pass 'theirs'\n")
    outside = tmp_path / "etc-file"
    outside.write_text("poll pop.lboro.ac.uk proto pop3 user root pass 'root-secret'\n")
    profile = victim_home / "profile"
    profile.mkdir()
    (profile / "prefs.js").write_text('user_pref("mail.accountmanager.accounts", "account1");\n'
                                      'user_pref("mail.account.account1.server", "server1");\n'
                                      'user_pref("mail.server.server1.type", "imap");\n'
                                      'user_pref("mail.server.server1.hostname", "imap.lboro.ac.uk");\n')
    for child in list(attacker.iterdir()):
        if child.is_file():
            child.unlink()
    (attacker / ".fetchmailrc").symlink_to(victim)  # a link to another user's file
    (attacker / ".muttrc").symlink_to(outside)  # a link out of every home
    (attacker / "mail").symlink_to(victim_home)  # a folder link into another home
    (attacker / ".thunderbird").mkdir(exist_ok=True)
    (attacker / ".thunderbird" / "profiles.ini").write_text(f"[Profile0]\nName=x\nIsRelative=0\nPath={profile}\n")
    protected = {path: path.read_bytes() for path in (victim, outside, profile / "prefs.js")}
    listing = tmp_path / "only-the-attacker"
    listing.write_text(f"{attacker}\n")
    main(["apply", "--homes-from", str(listing), "--jobs", "1"])
    err = capsys.readouterr().err
    assert {path: path.read_bytes() for path in protected} == protected
    assert f"{attacker / '.fetchmailrc'}: a symbolic link" in err and f"{attacker / '.muttrc'}: a symbolic link" in err
    assert "outside the home" in err
    assert (attacker / ".fetchmailrc").is_symlink() and (attacker / ".muttrc").is_symlink()


def test_setups_of_running_clients_are_counted_and_left_alone(tmp_path: Path, state: Path, capsys) -> None:
    homes = tmp_path / "homes"
    for name in ("busy", "idle"):
        (homes / name).mkdir(parents=True)
        (homes / name / ".fetchmailrc").write_text("poll pop.lboro.ac.uk proto pop3 user u pass p\n")
    (homes / "busy" / ".fetchmail.pid").write_text(f"{os.getpid()}\n")
    before = (homes / "busy" / ".fetchmailrc").read_bytes()
    main(["apply", "--homes", str(homes), "--report", str(tmp_path / "report.json")])
    assert "1 skipped because the client is running" in capsys.readouterr().out
    summary = json.loads((tmp_path / "report.json").read_text())["summary"]
    assert summary["skipped_live"] == 1 and summary["accounts"] == {"migrated": 1}
    assert (homes / "busy" / ".fetchmailrc").read_bytes() == before


def test_a_few_homes_are_recorded_with_one_sync_and_each_folder_synced_once(
        tmp_path: Path, state: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    homes = tmp_path / "homes"
    make_homes(homes, 64, broken_every=1000)
    home = homes / "u00000"
    (home / ".fetchmailrc").write_text(FETCHMAIL.format(user="u00000", n=1))
    (home / ".muttrc").write_text(MUTTRC.format(user="u00000"))  # two setups, one folder
    journal_syncs, folder_syncs = [], []
    monkeypatch.setattr("migrate.runs._sync_data", journal_syncs.append)
    real_sync = DescriptorFolder.sync
    monkeypatch.setattr(DescriptorFolder, "sync", lambda folder: (folder_syncs.append(folder.path), real_sync(folder)))
    assert main(["apply", "--homes", str(homes), "--jobs", "1", "--json"]) == 0
    outcomes = json.loads(capsys.readouterr().out)["files"]
    written = [outcome for outcome in outcomes if outcome["status"] == "changed"]
    assert len(journal_syncs) == 64 // chunk_size(64, 1) < len(written)
    [run] = load_runs(state)
    files = [Path(entry["path"]) for entry in run.parts[0].manifest["files"]]
    assert len(files) >= len(written)
    assert run.parts[0].manifest["finished"] == sorted({str(homes / path.relative_to(homes).parts[0]) for path in files})
    assert sorted(folder_syncs) == sorted({path.parent for path in files}) and len(folder_syncs) < len(files)


def test_paths_in_one_folder_and_a_home_given_twice_are_each_written_once(
        tmp_path: Path, state: Path, capsys) -> None:
    """Jobs that share a folder (its lock) or files are not held together: the later one sees the earlier's writes."""
    make_homes(tmp_path / "homes", 2, broken_every=1000)
    home = tmp_path / "homes" / "u00000"
    (home / ".fetchmailrc").write_text(FETCHMAIL.format(user="u00000", n=1))
    (home / ".muttrc").write_text(MUTTRC.format(user="u00000"))
    assert main(["apply", str(home / ".fetchmailrc"), str(home / ".muttrc"), "--json"]) == 0
    assert [f["status"] for f in json.loads(capsys.readouterr().out)["files"]] == ["changed", "changed"]
    listing = tmp_path / "list"
    other = tmp_path / "homes" / "u00001"
    listing.write_text(f"{other}\n{other}\n")
    assert main(["apply", "--homes-from", str(listing), "--json"]) == 0
    files = json.loads(capsys.readouterr().out)["files"]
    half = len(files) // 2
    assert [f["path"] for f in files[:half]] == [f["path"] for f in files[half:]]
    assert [f["status"] for f in files] == ["changed"] * half + ["unchanged"] * half


def test_a_folder_that_cannot_be_synced_fails_its_setups_and_says_why(
        tmp_path: Path, state: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    home = tmp_path / "homes" / "u00000"
    home.mkdir(parents=True)
    (home / ".fetchmailrc").write_text(FETCHMAIL.format(user="u00000", n=1))

    def broken(folder: DescriptorFolder) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(DescriptorFolder, "sync", broken)
    assert main(["apply", "--homes", str(tmp_path / "homes"), "--json"]) == 3
    [outcome] = json.loads(capsys.readouterr().out)["files"]
    assert outcome["status"] == "failed"
    assert outcome["reason"] == f"{home / '.fetchmailrc'}: {os.strerror(errno.EIO)}"
