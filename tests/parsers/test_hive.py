"""Registry hives through hivex (``parsers/windows/hive.py``), checked with hivex's own tools: hives made
here (``tests/hives.py``), values read back with ``hivexregedit --export`` and ``hivexget``."""
from __future__ import annotations

import hashlib
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from parsers.windows import hive
from parsers.windows.hive import Deletion
from parsers.windows.hive import HiveError
from parsers.windows.hive import HiveValue
from parsers.windows.hive import dirty
from parsers.windows.hive import edited
from parsers.windows.hive import in_use
from parsers.windows.hive import read_values
from parsers.windows.regfile import parse_reg
from parsers.windows.regkeys import keys
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from tests.conftest import SAMPLES
from tests.hives import empty_hive
from tests.hives import exported
from tests.hives import hive_with
from tests.hives import hivexget
from tests.oracles import unavailable

ACCOUNT = r"Software\Microsoft\Internet Account Manager\Accounts\00000001"
REG = r"""REGEDIT4

[HKEY_CURRENT_USER\Software\Microsoft\Internet Account Manager\Accounts\00000001]
"Account Name"="Staff mail"
"POP3 Server"="pop.lboro.ac.uk"
"POP3 Port"=dword:0000006e
"POP3 User Name"="ccano"
"POP3 Password2"=hex:01,02,03,04
"Ünïcode"="välue"
@="default"

[HKEY_CURRENT_USER\Software\Microsoft\Internet Account Manager\Accounts\00000002]
"Account Name"="Other"

[HKEY_CURRENT_USER\Control Panel\Desktop]
"Wallpaper"="c:\\wallpaper.bmp"
"""


def sz(text: str) -> bytes:
    return (text + "\0").encode("utf-16-le")


def dword(number: int) -> bytes:
    return number.to_bytes(4, "little")


@pytest.fixture(scope="module", autouse=True)
def binding() -> None:
    """hivex's Python binding, for the interpreter the hive layer picks."""
    if subprocess.run([hive._python(), "-c", "import hivex"], capture_output=True).returncode != 0:
        unavailable(f"{hive._python()} has no hivex binding (apt-get install python3-hivex)")


@pytest.fixture
def ntuser(tmp_path: Path) -> Path:
    return hive_with(tmp_path, REG)


def test_an_empty_hive_made_here_is_one_hivex_reads(tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(empty_hive())
    assert read_values(empty_hive(), "empty") == [] and dirty(empty_hive()) is None
    assert exported(tmp_path / "empty") == "Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\]\n\n"


def test_values_are_listed_as_the_hive_holds_them(ntuser: Path) -> None:
    values = read_values(ntuser.read_bytes(), str(ntuser))
    assert [v.key for v in values] == [r"Control Panel\Desktop"] + [ACCOUNT] * 7 + [ACCOUNT[:-1] + "2"]
    assert values[1:8] == [
        HiveValue(ACCOUNT, "Account Name", REG_SZ, sz("Staff mail")),
        HiveValue(ACCOUNT, "POP3 Server", REG_SZ, sz("pop.lboro.ac.uk")),
        HiveValue(ACCOUNT, "POP3 Port", REG_DWORD, dword(110)),
        HiveValue(ACCOUNT, "POP3 User Name", REG_SZ, sz("ccano")),
        HiveValue(ACCOUNT, "POP3 Password2", REG_BINARY, b"\1\2\3\4"),
        HiveValue(ACCOUNT, "Ünïcode", REG_SZ, sz("välue")),
        HiveValue(ACCOUNT, "", REG_SZ, sz("default")),
    ]
    assert hivexget(ntuser, ACCOUNT, "POP3 Server") == "pop.lboro.ac.uk\n"
    assert hivexget(ntuser, ACCOUNT, "POP3 Port") == "110\n"


def test_only_the_keys_asked_for_are_read(ntuser: Path) -> None:
    data = ntuser.read_bytes()
    accounts = read_values(data, str(ntuser), [ACCOUNT.rsplit("\\", 1)[0].upper()])
    assert {v.key for v in accounts} == {ACCOUNT, ACCOUNT[:-1] + "2"}  # spelled as the hive does
    assert read_values(data, str(ntuser), ["Software\\Nothing here"]) == []


def test_edits_go_to_a_copy_that_hivex_reads_as_edited(ntuser: Path) -> None:
    data = ntuser.read_bytes()
    before = exported(ntuser)
    new = edited(data, str(ntuser), [
        HiveValue(ACCOUNT.lower(), "pop3 server", REG_SZ, sz("staff-mail.lboro.ac.uk")),
        HiveValue(ACCOUNT, "POP3 Port", REG_DWORD, dword(995)),
        HiveValue(ACCOUNT, "POP3 Secure Connection", REG_DWORD, dword(1)),
        Deletion(ACCOUNT, "POP3 Password2"),
        Deletion(ACCOUNT, "Not there"),
    ])
    assert hashlib.sha256(ntuser.read_bytes()).digest() == hashlib.sha256(data).digest()  # the original untouched
    copy = ntuser.with_name("edited")
    copy.write_bytes(new)
    assert [(v.name, v.data) for v in read_values(new, "edited", [ACCOUNT])] == [
        ("Account Name", sz("Staff mail")), ("pop3 server", sz("staff-mail.lboro.ac.uk")), ("POP3 Port", dword(995)),
        ("POP3 User Name", sz("ccano")), ("Ünïcode", sz("välue")), ("", sz("default")),
        ("POP3 Secure Connection", dword(1)),
    ]
    assert hivexget(copy, ACCOUNT, "POP3 Server") == "staff-mail.lboro.ac.uk\n"
    assert hivexget(copy, ACCOUNT, "POP3 Port") == "995\n"
    changed = set(exported(copy).splitlines()) ^ set(before.splitlines())
    assert {line.split("=")[0] for line in changed} == {
        '"POP3 Server"', '"pop3 server"', '"POP3 Port"', '"POP3 Secure Connection"', '"POP3 Password2"'}
    first, second = struct.unpack_from("<II", new, 4)
    assert first == second == struct.unpack_from("<I", data, 4)[0] + 1 and dirty(new) is None


@pytest.mark.parametrize("data, message", [
    (b"regf" + bytes(8000), "hivex cannot use this hive"),
    (empty_hive()[:5000], "hivex cannot use this hive"),
    (b"not a hive at all", "hivex cannot use this hive"),
])
def test_what_hivex_cannot_read_is_a_one_line_error(data: bytes, message: str) -> None:
    with pytest.raises(HiveError, match=f"^NTUSER.DAT: {message}") as raised:
        read_values(data, "NTUSER.DAT")
    assert "\n" not in str(raised.value)


def test_a_key_that_is_not_there_is_not_made(ntuser: Path) -> None:
    with pytest.raises(HiveError, match=r"^NTUSER.DAT: no key Software\\Nowhere$"):
        edited(ntuser.read_bytes(), "NTUSER.DAT", [HiveValue("Software\\Nowhere", "x", REG_DWORD, dword(1))])


def with_header(data: bytes, first: int, second: int) -> bytes:
    """The hive with other sequence numbers in its base block, and the checksum to match."""
    header = bytearray(data[:4096])
    struct.pack_into("<II", header, 4, first, second)
    checksum = 0
    for (word,) in struct.iter_unpack("<I", bytes(header[:508])):
        checksum ^= word
    struct.pack_into("<I", header, 508, checksum)
    return bytes(header) + data[4096:]


def test_a_dirty_hive_is_not_edited(ntuser: Path) -> None:
    data = ntuser.read_bytes()
    loaded, torn = with_header(data, 8, 7), data[:12] + b"\1" + data[13:]  # torn: a new time, the old checksum
    assert "sequence numbers 8 and 7" in (dirty(loaded) or "")
    assert "checksum is wrong" in (dirty(torn) or "")
    for bad in (loaded, torn):
        with pytest.raises(HiveError, match="left alone"):
            edited(bad, "NTUSER.DAT", [Deletion(ACCOUNT, "POP3 Password2")])


def test_a_profile_in_use_is_seen(ntuser: Path) -> None:
    assert in_use(ntuser) is None
    log = ntuser.with_name("ntuser.dat.LOG1")
    log.write_bytes(b"")
    os.utime(log, ns=(ntuser.stat().st_mtime_ns + 10**9,) * 2)
    assert in_use(ntuser) is None  # an empty log holds nothing
    log.write_bytes(b"regf" + bytes(508))
    os.utime(log, ns=(ntuser.stat().st_mtime_ns - 10**9,) * 2)
    assert in_use(ntuser) is None  # older than the hive: written into it since
    os.utime(log, ns=(ntuser.stat().st_mtime_ns + 10**9,) * 2)
    assert "ntuser.dat.LOG1 was written after the hive" in (in_use(ntuser) or "")
    log.unlink()
    ntuser.write_bytes(with_header(ntuser.read_bytes(), 3, 2))
    assert "marked as being written" in (in_use(ntuser) or "")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="write leases are Linux's")
def test_a_hive_held_open_elsewhere_is_in_use(ntuser: Path) -> None:
    with ntuser.open("ab"):  # as smbd holds it while a Windows client copies the profile
        assert "another process has the hive open" in (in_use(ntuser) or "")
    assert in_use(ntuser) is None


def test_a_linked_hive_is_not_looked_at(ntuser: Path, tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to(ntuser)
    ntuser.write_bytes(with_header(ntuser.read_bytes(), 3, 2))
    assert in_use(tmp_path / "link") is None  # reading it says it is a link


def test_without_the_binding_the_error_says_what_to_install(ntuser: Path, monkeypatch) -> None:
    monkeypatch.setattr(hive, "_python", lambda: sys.executable)  # this venv's Python has no hivex
    with pytest.raises(HiveError, match="apt-get install python3-hivex"):
        read_values(ntuser.read_bytes(), "NTUSER.DAT")
    monkeypatch.setattr(hive, "_python", lambda: "/nonexistent/python3")
    with pytest.raises(HiveError, match="cannot start /nonexistent/python3.*apt-get install python3-hivex"):
        read_values(ntuser.read_bytes(), "NTUSER.DAT")


def reg_value(value: HiveValue) -> RegValue:
    """The hive's bytes as the .reg reader gives the same value."""
    if value.type == REG_SZ:
        return RegValue(REG_SZ, value.data.decode("utf-16-le").rstrip("\0"))
    if value.type == REG_DWORD:
        return RegValue(REG_DWORD, int.from_bytes(value.data, "little"))
    return RegValue(value.type, value.data)


@pytest.mark.parametrize("sample", sorted((SAMPLES / "windows").glob("*.reg")), ids=lambda p: p.name)
def test_a_sample_export_merged_into_a_hive_reads_as_the_export(sample: Path, tmp_path: Path) -> None:
    """Every value of the export, in the hive hivexregedit makes of it, as the .reg reader reads the export."""
    data = sample.read_bytes()
    text = data.decode("utf-16") if data.startswith(b"\xff\xfe") else data.decode("cp1252")
    ntuser = hive_with(tmp_path, text)
    from_hive: dict[str, dict[str, RegValue]] = {}
    for value in read_values(ntuser.read_bytes(), str(ntuser)):
        from_hive.setdefault(value.key.lower(), {})[value.name] = reg_value(value)
    from_export = {re.sub(r"^hkey_current_user\\", "", lower): key.values
                   for lower, key in keys(parse_reg(data, str(sample))).items() if key.values}
    assert from_export and {key: from_hive.get(key) for key in from_export} == from_export
