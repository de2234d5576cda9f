"""Roaming profiles' hives (``NTUSER.DAT``) migrated through hivex: hives built here from the sample
``.reg`` exports (``tests/hives.py``), checked with hivex's own ``hivexregedit --export``."""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from migrate.cli import main
from parsers.windows import hive
from parsers.windows.ntuser import _data
from parsers.windows.regfile import parse_reg
from parsers.windows.values import is_password
from tests.conftest import SAMPLES
from tests.hives import checksummed
from tests.hives import empty_hive
from tests.hives import exported
from tests.hives import hive_with
from tests.parsers.test_windows import EXPORTS
from tests.parsers.test_windows import Registry
from tests.parsers.test_windows import imported
from tests.parsers.test_windows import merge
from tests.journals import recorded_words


def reg_text(path: Path) -> str:
    data = path.read_bytes()
    text = data.decode("utf-16-le")[1:] if data.startswith(b"\xff\xfe") else data.decode("cp1252")
    return text.replace("\r\n", "\n")


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One home per sample export, its NTUSER.DAT holding what the export holds, and one with no account."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    for export in EXPORTS:
        (tmp_path / "homes" / export.stem).mkdir(parents=True)
        hive_with(tmp_path / "homes" / export.stem, reg_text(export))
    (tmp_path / "homes" / "plain").mkdir()
    hive_with(tmp_path / "homes" / "plain", 'REGEDIT4\n\n[HKEY_CURRENT_USER\\Console]\n"FontSize"=dword:00100000\n')
    return tmp_path / "homes"


def contents(homes: Path) -> dict[str, bytes]:
    return {str(p.relative_to(homes)): p.read_bytes() for p in sorted(homes.rglob("*")) if p.is_file()}


def as_registry(ntuser: Path) -> Registry:
    return merge({}, parse_reg(("\ufeff" + exported(ntuser)).encode("utf-16-le"), str(ntuser)))


def stored(registry: Registry) -> dict[str, dict[str, tuple[int, bytes]]]:
    """Each key's values as the hive stores them (REG_SZ in UTF-16 with its NUL), keys with values only."""
    return {key: {name: (value.type, _data(value)) for name, value in values.items()}
            for key, values in registry.items() if values}


def test_a_hive_migrated_by_apply_homes_exports_to_the_migrated_values_and_restore_gives_its_bytes_back(
        homes: Path, capsys: pytest.CaptureFixture) -> None:
    before = contents(homes)
    assert main(["apply", "--homes", str(homes), "--json"]) == 0
    summary = json.loads(capsys.readouterr()[0])["summary"]
    assert summary["changed"] == len(EXPORTS) and summary["unchanged"] == 1
    for export in EXPORTS:
        _, wanted = imported(export)
        assert stored(as_registry(homes / export.stem / "NTUSER.DAT")) == stored(wanted)
        for prf in SAMPLES.glob(f"windows/{export.stem}.*.prf.expected"):
            written = homes / export.stem / prf.name.replace(export.stem, "NTUSER")[: -len(".expected")]
            assert written.read_text("cp1252") == prf.read_text("cp1252").replace(export.name, "NTUSER.DAT").replace(
                f"{export.stem}.", "NTUSER.")
    assert contents(homes)["plain/NTUSER.DAT"] == before["plain/NTUSER.DAT"]
    migrated = contents(homes)
    stats = {p: os.stat(homes / p) for p in migrated}
    assert main(["apply", "--homes", str(homes), "--json"]) == 0
    assert json.loads(capsys.readouterr()[0])["summary"]["unchanged"] == len(EXPORTS) + 1
    assert contents(homes) == migrated  # a second apply writes nothing
    assert all((os.stat(homes / p).st_ino, os.stat(homes / p).st_mtime_ns) == (s.st_ino, s.st_mtime_ns)
               for p, s in stats.items())
    assert main(["restore"]) == 0
    assert contents(homes) == before


def test_a_hive_in_use_is_left_untouched(homes: Path, capsys: pytest.CaptureFixture) -> None:
    logged_on, unclean = homes / "outlook-express" / "NTUSER.DAT", homes / "outlook2003" / "NTUSER.DAT"
    logged_on.with_name("NTUSER.DAT.LOG1").write_bytes(b"log")
    os.utime(logged_on, ns=(0, 0))
    data = bytearray(unclean.read_bytes())
    data[4:8] = struct.pack("<I", 7)
    unclean.write_bytes(bytes(data))
    before = contents(homes)
    assert main(["apply", "--homes", str(homes), "--json"]) == 0
    skipped = {item["path"]: item for item in json.loads(capsys.readouterr()[0])["files"] if item["status"] == "skipped"}
    assert "NTUSER.DAT.LOG1 was written after the hive" in skipped[str(logged_on)]["reason"]
    assert "sequence numbers 7 and " in skipped[str(unclean)]["reason"]
    after = contents(homes)
    for name in ("outlook-express/NTUSER.DAT", "outlook2003/NTUSER.DAT"):
        assert after[name] == before[name]
    assert not (homes / "outlook2003" / "NTUSER.Outlook.prf").exists()
    assert after["outlook2007/NTUSER.DAT"] != before["outlook2007/NTUSER.DAT"]


def test_no_saved_password_is_shown_in_any_output(homes: Path, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    blobs = [value.data for ntuser in homes.glob("*/NTUSER.DAT")
             for value in hive.read_values(ntuser.read_bytes(), str(ntuser)) if is_password(value.name)]
    assert len(blobs) == 6
    pieces = {text for blob in blobs for text in (blob.hex(), ",".join(f"{b:02x}" for b in blob[:8]))}
    said = []
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json"], ["plan"]):
        main([*command, "--homes", str(homes)])
        said.append("".join(capsys.readouterr()))
    assert "********" in said[1]
    assert not any(piece in text for piece in pieces for text in said)
    assert not any(piece in recorded_words(tmp_path / "state") for piece in pieces)


def _bins_size(data: bytes, size: int) -> bytes:
    return checksummed(data[:40] + struct.pack("<I", size) + data[44:])


@pytest.mark.parametrize("damage, message", [
    (lambda data: data[: len(data) // 2], "truncated: its header says"),
    (lambda data: data[:300], "truncated: 300 bytes"),
    (lambda data: b"hbin" + data[4:], "not a registry hive"),
    (lambda data: _bins_size(data, 0xFFFFF000), "truncated: its header says 4294967296 bytes"),
    (lambda data: data + bytes(2 << 20), "over the 1 MiB a user's hive may be"),
    (lambda data: data[:4096] + b"hbin" + bytes(len(data) - 4100), "hivex cannot use this hive"),
], ids=["truncated", "header-only", "wrong-magic", "huge-bins", "huge-file", "bad-bins"])
def test_a_hostile_hive_is_a_one_line_error_and_nothing_is_written(
        homes: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, damage, message: str,
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(hive, "MAX_HIVE", 1 << 20)
    ntuser = homes / "outlook2007" / "NTUSER.DAT"
    ntuser.write_bytes(damage(ntuser.read_bytes()))
    before = contents(homes / "outlook2007")
    assert main(["apply", str(homes / "outlook2007")]) == 3
    out, err = capsys.readouterr()
    assert err.startswith(f"{ntuser}: ") and message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert contents(homes / "outlook2007") == before


def test_an_empty_hive_has_no_account_and_is_left_as_it_is(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "ntuser.dat").write_bytes(empty_hive())
    assert main(["apply", str(tmp_path / "ntuser.dat")]) == 0
    assert (tmp_path / "ntuser.dat").read_bytes() == empty_hive() and "1 unchanged" in capsys.readouterr()[0]
