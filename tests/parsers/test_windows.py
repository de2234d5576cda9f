"""Windows registry exports: lossless, and imported (merged) over the registry they came from, each account
of the service is IMAP on the service over TLS with the suffixed plain login; foreign accounts stay value for value."""
from __future__ import annotations

import configparser
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.windows import WindowsRegistryParser
from parsers.windows import internet_accounts
from parsers.windows import mapi_accounts
from parsers.windows.regfile import RegFile
from parsers.windows.regfile import format_data
from parsers.windows.regfile import parse_reg
from parsers.windows.regfile import quote
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_DWORD
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import dword
from parsers.windows.values import number
from parsers.windows.values import text
from tests.conftest import SAMPLES
from tests.journals import recorded_words

PARSER = WindowsRegistryParser()
POLICY = load_policy()
EXPORTS = sorted((SAMPLES / "windows").glob("*.reg"))
Registry = dict[str, dict[str, RegValue]]


def merge(registry: Registry, reg: RegFile) -> Registry:
    """What regedit does when it imports ``reg`` over ``registry`` (key and value names without case)."""
    result = {key: dict(values) for key, values in registry.items()}
    for section in reg.sections:
        path = section.path.lower()
        if section.deleted:
            result = {key: values for key, values in result.items() if key != path and not key.startswith(path + "\\")}
            continue
        values = result.setdefault(path, {})
        for line in section.values:
            if line.value is None:
                values.pop(line.name.lower(), None)
            else:
                values[line.name.lower()] = line.value
    return result


def imported(path: Path) -> tuple[Registry, Registry]:
    original = merge({}, parse_reg(path.read_bytes(), str(path)))
    migrated = parse_reg(path.with_name(path.name + ".expected").read_bytes(), str(path))
    return original, merge(original, migrated)


def on_service(host: object) -> bool:
    return POLICY.matches(str(host))


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_imported_over_the_original_every_account_of_the_service_is_migrated(path: Path) -> None:
    before, after = imported(path)
    assert set(after) == set(before)  # no key added or removed
    for key, old in before.items():
        new = after[key]
        if internet_accounts.KEY.search(key) or mapi_accounts.KEY.search(key):
            reading = (text(old, "IMAP Server") or text(old, "POP3 Server"))
            if reading is None or not (on_service(reading) or on_service(text(old, "SMTP Server"))):
                assert new == old, f"{key}: a foreign or non-mail account changed"
                continue
            for name, value in new.items():  # every value keeps its type (strings stay REG_BINARY in profiles)
                if name in old:
                    assert value.type == old[name].type, (key, name)
            (_check_internet if internet_accounts.KEY.search(key) else _check_mapi)(old, new)
        else:
            assert new == old, f"{key} is no account key and changed"


def _check_internet(old: dict, new: dict) -> None:
    assert text(new, "POP3 Server") is None and not any(name.startswith("pop3 ") for name in new)
    assert text(new, "IMAP Server") == POLICY.incoming.host
    assert (number(new, "IMAP Port"), number(new, "IMAP Secure Connection")) == (993, 1)
    assert number(new, "IMAP Use Sicily") == 0 and text(new, "IMAP Root Folder") is None
    assert str(text(new, "IMAP User Name")).endswith("@lboro.ac.uk")
    assert text(new, "SMTP Server") == POLICY.outgoing.host
    assert (number(new, "SMTP Port"), number(new, "SMTP Secure Connection")) == (465, 1)
    sicily = number(new, "SMTP Use Sicily")
    assert sicily in (2, 3)
    if sicily == 3:
        assert str(text(new, "SMTP User Name")).endswith("@lboro.ac.uk")


def _check_mapi(old: dict, new: dict) -> None:
    if text(old, "IMAP Server") is not None:
        assert text(new, "IMAP Server") == POLICY.incoming.host and new["imap server"].type == REG_BINARY
        assert (number(new, "IMAP Port"), number(new, "IMAP Use SSL"), number(new, "IMAP Use SPA")) == (993, 1, 0)
        assert str(text(new, "IMAP User")).endswith("@lboro.ac.uk")
    else:
        assert {k: v for k, v in new.items() if k.startswith("pop3")} == {k: v for k, v in old.items() if k.startswith("pop3")}
    assert text(new, "SMTP Server") == POLICY.outgoing.host
    port, connection, use_ssl = number(new, "SMTP Port"), number(new, "SMTP Secure Connection"), number(new, "SMTP Use SSL")
    assert connection is not None or use_ssl is not None
    assert connection in (None, 1 if port == 465 else 2) and use_ssl in (None, 1)  # SSL on 465, else STARTTLS
    assert ("ssl" if port == 465 else "starttls", port) in POLICY.outgoing.accept
    assert number(new, "SMTP Use Auth") == 1 and number(new, "SMTP Use SPA") in (None, 0)
    if number(new, "SMTP Auth Method") == 1:
        assert str(text(new, "SMTP User")).endswith("@lboro.ac.uk")
    else:
        assert number(new, "SMTP Auth Method") in (None, 0) and text(new, "IMAP Server") is not None


def test_the_default_mail_account_still_names_an_account_of_the_service() -> None:
    before, after = imported(SAMPLES / "windows" / "outlook-express.reg")
    manager = next(key for key in after if key.endswith("\\internet account manager"))
    default = text(after[manager], "Default Mail Account")
    assert default == text(before[manager], "Default Mail Account") == "00000001"
    assert text(after[f"{manager}\\accounts\\{default}"], "IMAP Server") == POLICY.incoming.host


@pytest.mark.parametrize(("export", "version_key"), [("outlook2003", "SMTPUseSSL"), ("outlook2007", "SMTPSecureConnection")])
def test_the_prf_adds_the_imap_account_with_the_mapping_of_its_outlook(export: str, version_key: str) -> None:
    (prf,) = (SAMPLES / "windows").glob(f"{export}.*.prf.expected")
    data = prf.read_bytes()
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    ini = configparser.RawConfigParser(strict=True, interpolation=None)
    ini.optionxform = str  # type: ignore[assignment,method-assign]
    ini.read_string(data.decode("cp1252"))
    assert {"General", "Service List", "Internet Account List", "Account1", "IMAP_I_Mail"} <= set(ini.sections())
    assert ini["General"]["OverwriteProfile"] == "Append" and ini["Internet Account List"]["Account1"] == "IMAP_I_Mail"
    account, mapping = ini["Account1"], ini["IMAP_I_Mail"]
    assert (account["IMAPServer"], account["IMAPPort"], account["IMAPUseSSL"]) == (POLICY.incoming.host, "993", "1")
    assert account["IMAPUserName"] == "ccano@lboro.ac.uk" and account["IMAPUseSPA"] == "0"
    assert (account["SMTPServer"], account["SMTPPort"], account[version_key], account["SMTPUseAuth"]) == (
        POLICY.outgoing.host, "465", "1", "1")
    assert mapping["AccountType"] == "IMAP" and all(key in mapping for key in account if key != "UniqueService")
    other = {"SMTPUseSSL", "SMTPSecureConnection"} - {version_key}
    assert not other & set(mapping)
    assert "outlook.exe /importprf" in data.decode("cp1252")


def test_the_account_rules_take_plain_values_as_a_hive_writer_would_give_them() -> None:
    values = {"IMAP Server": RegValue(REG_SZ, "imap.lboro.ac.uk"), "IMAP User Name": RegValue(REG_SZ, "ccano"),
              "IMAP Port": dword(143), "IMAP Root Folder": RegValue(REG_SZ, "INBOX")}
    account = PARSER.accounts(PARSER.parse_bytes(
        b'REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager\\Accounts\\00000001]\r\n'
        b'"IMAP Server"="imap.lboro.ac.uk"\r\n"IMAP User Name"="ccano"\r\n"IMAP Port"=dword:0000008f\r\n'
        b'"IMAP Root Folder"="INBOX"\r\n', "x.reg"))[0]
    from migrate.rules import review
    changes = [c for c in review(account, POLICY) if hasattr(c, "field")]
    edits = internet_accounts.edits(values, account.incoming, account.outgoing, changes)  # type: ignore[arg-type]
    assert edits == {"IMAP Server": RegValue(REG_SZ, "staff-mail.lboro.ac.uk"),
                     "IMAP User Name": RegValue(REG_SZ, "ccano@lboro.ac.uk"), "IMAP Port": dword(993),
                     "IMAP Secure Connection": dword(1), "IMAP Root Folder": None}


VALUE = st.one_of(
    st.builds(RegValue, st.just(REG_SZ), st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\n\0"), max_size=30)),
    st.builds(RegValue, st.just(REG_DWORD), st.integers(0, 2**32 - 1)),
    st.builds(RegValue, st.sampled_from([REG_BINARY, 2, 7, 11, 0x1234]), st.binary(max_size=200)),
    st.none(),
)
NAME = st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\n\0"), max_size=20)


@given(st.lists(st.tuples(st.text("ABC\\ {}-", min_size=1, max_size=12), st.booleans(),
                          st.lists(st.tuples(NAME, VALUE), max_size=5)), max_size=4),
       st.booleans(), st.sampled_from(["\r\n", "\n"]), st.booleans())
def test_generated_exports_round_trip_and_read_back_what_was_written(
        sections: list, unicode: bool, newline: str, comment: bool) -> None:
    lines = ["\ufeffWindows Registry Editor Version 5.00" if unicode else "REGEDIT4", ""]
    for path, deleted, values in sections:
        lines.append(f"[{'-' if deleted else ''}HKEY_CURRENT_USER\\{path.strip() or 'k'}]")
        if comment:
            lines.append("; a comment")
        for name, value in [] if deleted else values:
            spelled = quote(name) if name else "@"
            lines.append(f"{spelled}={format_data(value, len(spelled) + 1, newline)}")
        lines.append("")
    data = newline.join(lines).encode("utf-16-le" if unicode else "cp1252")
    reg = parse_reg(data, "g.reg")
    assert reg.to_bytes() == data
    read = [(line.name, line.value) for section in reg.sections for line in section.values]
    assert read == [(name, value) for _, deleted, values in sections if not deleted for name, value in values]


@pytest.mark.parametrize(("data", "where"), [
    (b"REGEDIT5\r\n", "1:1"),
    ("Windows Registry Editor Version 5.00\r\n".encode(), "1:1"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=hex:01,02,\\\r\n", "4:"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=\"unterminated\r\n", "4:5"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X\r\n", "3:"),
    (b"REGEDIT4\r\n\"a\"=\"b\"\r\n", "2:1"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=hex:01,0g\r\n", "4:"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=dword:123456789\r\n", "4:"),
    ("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n".encode("utf-16-le") + b"\x00", "4:1"),
    ("\ufeffWindows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=\"".encode("utf-16-le")
     + b"\x00\xd8\x41\x00", "4:6"),
    (b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\X]\r\n\"a\"=hex:" + b"00," * 2_000_000 + b"00\r\n", "4:5"),
])
def test_broken_exports_are_refused_at_file_line_and_column(data: bytes, where: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_reg(data, "bad.reg")
    assert str(caught.value).startswith(f"bad.reg:{where}") and "\n" not in str(caught.value)


def test_apply_writes_the_prf_once_and_restore_removes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "windows", home, ignore=shutil.ignore_patterns("*.expected", "*.iaf", "Windows Mail"))
    (home / "unrelated.reg").write_bytes(b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Console]\r\n\"FontSize\"=dword:00100000\r\n")
    (home / "broken.reg").write_bytes(b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Internet Account Manager"
                                      b"\\Accounts\\00000001]\r\n\"IMAP Server\"=hex:01,\\\r\n")
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    assert main(["apply", "--json", str(home)]) == 3
    out, err = capsys.readouterr()
    assert err.splitlines() == [f"{home / 'broken.reg'}:4:23: the file ends inside a wrapped hex value"]
    assert json.loads(out)["summary"]["changed"] == 3
    for path in (SAMPLES / "windows").glob("*.[rp][er][gf].expected"):
        assert (home / path.name[: -len(".expected")]).read_bytes() == path.read_bytes()
    assert (home / "broken.reg").read_bytes() == before["broken.reg"]
    assert (home / "unrelated.reg").read_bytes() == before["unrelated.reg"]
    assert main(["apply", str(home)]) == 3 and "3 unchanged" in capsys.readouterr()[0]
    assert main(["restore"]) == 0
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in home.iterdir()} == before


def test_no_saved_password_blob_is_shown_in_any_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(SAMPLES / "windows", home, ignore=shutil.ignore_patterns("*.expected"))
    blobs = [token.text for path in EXPORTS for token in parse_reg(path.read_bytes(), str(path)).tokens if token.secret]
    pieces = {line.strip(" \\,") for blob in blobs for line in blob.splitlines() if len(line) > 30}
    assert len(blobs) == 6 and len(pieces) >= 6
    said = []
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json"]):
        main([*command, str(home)])
        said.append("".join(capsys.readouterr()))
    assert "********" in "".join(said)
    assert not any(piece in text for piece in pieces for text in said)
    assert not any(piece in recorded_words(tmp_path / "state") for piece in pieces)


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.name)
def test_saved_passwords_of_the_service_go_when_the_policy_says_so(path: Path) -> None:
    from migrate.engine import plan_data
    plan = plan_data(path.read_bytes(), PARSER, load_policy(overrides=["passwords.saved=remove"]), str(path), "nobody")
    original = merge({}, parse_reg(path.read_bytes(), str(path)))
    after = merge(original, parse_reg(plan.files[0].after.to_bytes(), str(path)))
    for key, values in after.items():
        service = on_service(text(values, "IMAP Server") or text(original[key], "POP3 Server") or "")
        saved = [name for name in values if "password" in name and "prompt" not in name]
        assert not saved if service else saved == [n for n in original[key] if "password" in n and "prompt" not in n]
    assert "+\"IMAP Password\"=-" in plan_diff(plan) or "IMAP Password2\"=-" in plan_diff(plan)


def plan_diff(plan) -> str:  # type: ignore[no-untyped-def]
    from migrate.diff import unified_diff
    return "".join(unified_diff(f.before, f.after, f.path) for f in plan.files)


def test_new_binary_values_wrap_as_regedit_writes_them() -> None:
    value = RegValue(REG_BINARY, "C.Cano@lboro.ac.uk\0".encode("utf-16-le"))
    assert format_data(value, len('"Account Name"='), "\r\n") == (
        "hex:43,00,2e,00,43,00,61,00,6e,00,6f,00,40,00,6c,00,62,00,6f,00,\\\r\n"
        "  72,00,6f,00,2e,00,61,00,63,00,2e,00,75,00,6b,00,00,00")
