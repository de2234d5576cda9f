"""Outlook Express account files (.iaf) and Windows Mail accounts (.oeaccount): lossless, migrated by the
registry's rules, a POP .oeaccount given its IMAP account as a new file, and no saved password shown anywhere."""
from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_setup
from migrate.errors import MigrateError
from migrate.policy import load_policy
from parsers.windows.account_files import IafParser
from parsers.windows.account_files import OeAccountParser
from parsers.windows.account_files import imap_file
from parsers.windows.iaf import FIELDS
from parsers.windows.iaf import NAMES
from parsers.windows.iaf import Record
from parsers.windows.iaf import iaf_file
from parsers.windows.iaf import parse_iaf
from parsers.windows.iaf import values as iaf_values
from parsers.windows.oeaccount import parse_oeaccount
from parsers.windows.oeaccount import values as oe_values
from parsers.windows.values import REG_BINARY
from parsers.windows.values import REG_SZ
from parsers.windows.values import RegValue
from parsers.windows.values import is_password
from parsers.windows.values import number
from parsers.windows.values import text
from tests import iaf_samples
from tests.conftest import SAMPLES
from tests.journals import recorded_words

WINDOWS = SAMPLES / "windows"
POP_OEACCOUNT = next((WINDOWS / "Windows Mail" / "Local Folders").glob("*.oeaccount"))
IMAP_OEACCOUNT = next((WINDOWS / "Windows Mail").glob("Staff*/*.oeaccount"))
POLICY = load_policy()


def _check_internet(old: dict, new: dict) -> None:
    """An account of the service as the policy wants it, in Outlook Express's values (STARTTLS on 587 kept)."""
    assert text(new, "POP3 Server") is None and not any(name.lower().startswith("pop3 ") for name in new)
    assert text(new, "IMAP Server") == POLICY.incoming.host and text(new, "IMAP Root Folder") is None
    assert (number(new, "IMAP Port"), number(new, "IMAP Secure Connection"), number(new, "IMAP Use Sicily")) == (993, 1, 0)
    assert text(new, "IMAP User Name") == "ccano@lboro.ac.uk" and text(new, "SMTP Server") == POLICY.outgoing.host
    port = number(new, "SMTP Port")
    assert number(new, "SMTP Secure Connection") == 1 and ("ssl" if port == 465 else "starttls", port) in POLICY.outgoing.accept
    assert number(new, "SMTP Use Sicily") == 2 or (number(new, "SMTP Use Sicily"), text(new, "SMTP User Name")) == (3, "ccano@lboro.ac.uk")
    assert {k: v for k, v in new.items() if k.startswith("SMTP") and "Server" not in k and "Port" not in k and "Sicily" not in k
            and "User" not in k and "Secure" not in k} == {k: v for k, v in old.items() if k.startswith("SMTP") and "Server" not in k
            and "Port" not in k and "Sicily" not in k and "User" not in k and "Secure" not in k and "Password" not in k}


def test_the_iaf_samples_are_what_the_generator_writes() -> None:
    for name, build in iaf_samples.SAMPLE_FILES.items():
        assert (WINDOWS / name).read_bytes() == build()


@pytest.mark.parametrize("name", sorted(iaf_samples.SAMPLE_FILES))
def test_a_migrated_iaf_holds_the_service_as_the_registry_would(name: str) -> None:
    path = WINDOWS / name
    before = iaf_values(parse_iaf(path.read_bytes(), name))
    after = iaf_values(parse_iaf((WINDOWS / f"{name}.expected").read_bytes(), name))
    _check_internet(before, after)
    assert not [n for n in after if n.lower() in ("leave mail on server", "remove when deleted")]
    old, new = parse_iaf(path.read_bytes(), name).records, parse_iaf((WINDOWS / f"{name}.expected").read_bytes(), name).records
    unknown = [record for record in old if record.id not in NAMES]
    assert unknown and [record for record in new if record.id not in NAMES] == unknown  # kept, in order
    assert [r.id for r in new] == sorted(r.id for r in new)  # new records in id order, as Outlook Express writes them


def test_a_migrated_imap_oeaccount_holds_the_service_and_keeps_every_other_element() -> None:
    before = oe_values(parse_oeaccount(IMAP_OEACCOUNT.read_bytes(), "x"))
    after = oe_values(parse_oeaccount(Path(f"{IMAP_OEACCOUNT}.expected").read_bytes(), "x"))
    _check_internet(before, after)
    assert after["IMAP Polling"] == before["IMAP Polling"] and after["Account Name"] == before["Account Name"]
    untouched = Path(f"{IMAP_OEACCOUNT}.expected").read_bytes().decode("utf-16-le")
    assert "<!-- Windows Live Mail 2011 -->\r\n" in untouched and "&amp;" in untouched and untouched.startswith("\ufeff")


def test_a_pop_oeaccount_stays_pop_and_its_imap_account_is_a_new_file_beside_it() -> None:
    before = oe_values(parse_oeaccount(POP_OEACCOUNT.read_bytes(), "x"))
    after = oe_values(parse_oeaccount(Path(f"{POP_OEACCOUNT}.expected").read_bytes(), "x"))
    assert {k: v for k, v in after.items() if not k.startswith("SMTP")} == {k: v for k, v in before.items() if not k.startswith("SMTP")}
    assert text(after, "SMTP Server") == POLICY.outgoing.host and text(after, "SMTP User Name") == "ccano@lboro.ac.uk"
    new_path = Path(imap_file(str(POP_OEACCOUNT)))
    assert new_path.parent == POP_OEACCOUNT.parent and new_path.name.startswith("account{")
    new = oe_values(parse_oeaccount(Path(f"{new_path}.expected").read_bytes(), "x"))
    _check_internet(before, new)
    assert text(new, "Account Name") == "pop.lboro.ac.uk (IMAP)" and not [n for n in new if "password2" in n.lower()]
    assert text(new, "SMTP Email Address") == text(before, "SMTP Email Address")


TEXT_ID = st.sampled_from([field for field in FIELDS.values() if field & 0xFFFF == 0x03F0])
NUMBER_ID = st.sampled_from([field for field in FIELDS.values() if field & 0xFFFF in (0x03E9, 0x03F5)])
PASSWORD_ID = st.sampled_from([field for field in FIELDS.values() if field & 0xFFFF == 0x03F6])
UNKNOWN_ID = st.integers(0, 2**32 - 1).filter(lambda field: field not in NAMES)
TEXT = st.text(st.characters(codec="cp1252", exclude_characters="\0"), max_size=30)


@given(st.booleans(), st.integers(0, 255), st.data())
def test_generated_iaf_files_round_trip_and_read_back_what_was_written(utf16: bool, kind: int, data: st.DataObject) -> None:
    encoding = iaf_samples.UTF16 if utf16 else iaf_samples.EIGHT_BIT
    record = st.one_of(
        st.tuples(TEXT_ID, TEXT).map(lambda r: ("text", r)),
        st.tuples(NUMBER_ID, st.integers(0, 2**32 - 1)).map(lambda r: ("number", r)),
        st.tuples(PASSWORD_ID, st.integers(0, 255)).map(lambda r: ("password", r)),
        st.tuples(UNKNOWN_ID, st.binary(max_size=40)).map(lambda r: ("unknown", r)),
    )
    records = data.draw(st.lists(record, max_size=12))
    built = {"text": lambda f, v: iaf_samples.text(f, v, encoding), "number": iaf_samples.number,
             "password": iaf_samples.password, "unknown": iaf_samples.record}
    raw = iaf_samples.header(encoding, kind) + b"".join(built[what](*args) for what, args in records)
    parsed = parse_iaf(raw, "g.iaf")
    assert parsed.to_bytes() == raw and len(parsed.records) == len(records)
    expected = {NAMES[field]: value for what, (field, value) in records if what in ("text", "number")}
    read = {name: value.data for name, value in iaf_values(parsed).items() if value.type != REG_BINARY}
    assert read == expected
    assert parsed.render().count("\n") == len(records) + 1 and "********" not in parsed.render()


def test_the_rendering_tells_apart_data_that_differs() -> None:
    server = FIELDS["IMAP Server"]
    pairs = [(b"a\0", b"a"), (b"a\0", b"a\0\0"), (b"\x81\0", b"\x81"), (b'"\0', b"\\\0")]
    header = iaf_samples.header()
    for one, other in pairs:
        assert iaf_file("x", header, [Record(server, one)]).render() != iaf_file("x", header, [Record(server, other)]).render()
    port = FIELDS["IMAP Port"]
    assert iaf_file("x", header, [Record(port, b"\1\0\0\0")]).render() != iaf_file("x", header, [Record(port, b"\1\0\0")]).render()


ELEMENT = st.tuples(st.sampled_from(["POP3_Server", "IMAP_Port", "SMTP_Password2", "Odd_One"]),
                    st.sampled_from(["SZ", "DWORD", "BINARY", "BOOL"]), st.integers(0, 2**32 - 1),
                    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=15))


@given(st.lists(ELEMENT, max_size=6), st.booleans(), st.sampled_from(["\r\n", "\n"]))
def test_generated_oeaccounts_round_trip_and_read_back_what_was_written(elements: list, utf16: bool, newline: str) -> None:
    lines, expected = ['<?xml version="1.0" encoding="utf-16"?>', "<MessageAccount>"], {}
    for name, kind, number, words in elements:
        body = {"SZ": words.replace("&", "&amp;").replace("<", "&lt;"), "DWORD": f"{number:08x}",
                "BINARY": number.to_bytes(4, "little").hex(), "BOOL": "FALSE"}[kind]
        lines.append(f'\t<{name} type="{kind}">{body}</{name}>')
        if kind != "BOOL":  # a type this tool does not read: kept, not a value
            expected[name.replace("_", " ")] = {"SZ": words, "DWORD": number, "BINARY": number.to_bytes(4, "little")}[kind]
    lines.append("</MessageAccount>")
    data = ("\ufeff" + newline.join(lines) + newline).encode("utf-16-le") if utf16 else newline.join(lines).encode()
    parsed = parse_oeaccount(data, "g.oeaccount")
    assert parsed.to_bytes() == data
    assert {name: value.data for name, value in oe_values(parsed).items()} == expected


def _iaf(*records: bytes, utf16: bool = False) -> bytes:
    return iaf_samples.header(iaf_samples.UTF16 if utf16 else iaf_samples.EIGHT_BIT) + b"".join(records)


@pytest.mark.parametrize(("data", "where"), [
    (b"", "byte 0: the file ends inside"),
    (b"fMAI\0\0\x05", "byte 7: the file ends inside"),
    (b"PK\3\4" + b"\0" * 20, "byte 0: not an Internet Account File"),
    (b"fMAI\0\0\x06\0\1\0\0\0", "byte 6: unknown text encoding"),
    (_iaf(b"\xf0\x03\x98\x12\x10"), "byte 12: the file ends inside a record"),
    (_iaf(struct.pack("<II", FIELDS["IMAP Server"], 0xFFFFFFFF)), "byte 16: a record of 4294967295 bytes: too large"),
    (_iaf(struct.pack("<II", FIELDS["IMAP Server"], 40) + b"imap\0"), "byte 16: a record of 40 bytes runs past the end"),
    (_iaf(iaf_samples.record(FIELDS["IMAP Server"], b"i\0m\0\0"), utf16=True), "byte 20: IMAP Server: not valid UTF-16"),
    (_iaf(iaf_samples.record(FIELDS["IMAP Server"], b"\x00\xd8\x41\x00\0\0"), utf16=True), "byte 20: IMAP Server: not valid UTF-16"),
    (_iaf(iaf_samples.record(FIELDS["IMAP Port"], b"\xe1\x03\0")), "byte 20: IMAP Port: a number needs 4 bytes, not 3"),
])
def test_broken_iaf_files_are_refused_at_file_and_byte(data: bytes, where: str) -> None:
    with pytest.raises(MigrateError) as caught:
        parse_iaf(data, "bad.iaf")
    assert str(caught.value).startswith(f"bad.iaf: {where}") and "\n" not in str(caught.value)


def _oe(body: str, utf16: bool = True) -> bytes:
    text = '<?xml version="1.0" encoding="utf-16"?>\r\n<MessageAccount>\r\n' + body
    return ("\ufeff" + text).encode("utf-16-le") if utf16 else text.encode()


@pytest.mark.parametrize(("data", "where"), [
    (_oe('\t<POP3_Server type="SZ">pop.lboro'), "3:34: the file ends inside <POP3_Server>"),
    (_oe('\t<POP3_Server type="SZ">pop</POP3_Serv>\r\n</MessageAccount>'), "3:28: </POP3_Serv> closes no open element"),
    (_oe("</MessageAccount>")[:-1], "3:17: truncated UTF-16"),
    (_oe('\t<POP3_Server type="SZ">p') + b"\x00\xdc" + _oe("</POP3_Server></MessageAccount>")[2:], "3:26: not valid UTF-16"),
    (_oe('\t<IMAP_Port type="DWORD">3e1x</IMAP_Port>\r\n</MessageAccount>'), "3:2: IMAP Port: a DWORD needs"),
    (_oe('\t<IMAP_Server type="SZ">a&b;</IMAP_Server>\r\n</MessageAccount>'), "3:2: IMAP Server: an '&'"),
    (_oe('\t<IMAP_Server type="SZ">a&#0;</IMAP_Server>\r\n</MessageAccount>'), "3:2: IMAP Server: character reference"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "y">]>\n<MessageAccount/>\n', "2:1: a malformed tag"),
    (_oe("</MessageAccount>\r\n<MessageAccount/>"), "4:1: a second root element"),
    (_oe("x</MessageAccount>"), "3:1: text outside a value element"),
    (b"\xff\xfe" + "<a>".encode("utf-16-le") + b"\x00", "1:5: truncated UTF-16"),
    (b"<a>\xc3</a>", "1:4: not valid UTF-8"),
])
def test_broken_oeaccounts_are_refused_at_file_line_and_column(data: bytes, where: str) -> None:
    with pytest.raises(MigrateError) as caught:
        parse_oeaccount(data, "bad.oeaccount")
    assert str(caught.value).startswith(f"bad.oeaccount:{where}") and "\n" not in str(caught.value)


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    home.mkdir()
    for name in iaf_samples.SAMPLE_FILES:
        shutil.copy(WINDOWS / name, home / name)
    shutil.copytree(WINDOWS / "Windows Mail", home / "Windows Mail", ignore=shutil.ignore_patterns("*.expected"))
    return home


def _tree(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}


def test_apply_writes_every_expected_file_a_second_apply_nothing_and_restore_removes_the_new_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    home = _home(tmp_path, monkeypatch)
    before = _tree(home)
    assert main(["apply", "--json", str(home)]) == 0
    assert json.loads(capsys.readouterr()[0])["summary"]["changed"] == 4
    expected = {str(p.relative_to(WINDOWS))[: -len(".expected")]: p.read_bytes() for p in WINDOWS.rglob("*.expected")
                if p.name.endswith((".iaf.expected", ".oeaccount.expected"))}
    assert _tree(home) == expected and len(expected) == 5
    assert main(["apply", str(home)]) == 0 and "5 setups: 5 unchanged" in capsys.readouterr()[0]
    assert main(["restore"]) == 0
    assert _tree(home) == before


def test_saved_passwords_go_when_the_policy_says_so_and_are_never_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    home = _home(tmp_path, monkeypatch)
    blobs = [r.data for name in iaf_samples.SAMPLE_FILES for r in parse_iaf((home / name).read_bytes(), name).records
             if r.id & 0xFFFF == 0x03F6]
    blobs += [value.data for path in home.rglob("*.oeaccount") for name, value in oe_values(
        parse_oeaccount(path.read_bytes(), str(path))).items() if is_password(name)]
    assert len(blobs) == 4 and all(isinstance(blob, bytes) and len(blob) > 8 for blob in blobs)
    pieces = {form for blob in blobs for form in (blob.hex(), blob.hex(" "), blob[2:].hex(), repr(blob)[2:-1])}
    said = []
    for command in (["scan", "--json"], ["plan"], ["plan", "--json"], ["apply", "--json", "--set", "passwords.saved=remove"]):
        main([*command, str(home)])
        said.append("".join(capsys.readouterr()))
    assert "********" in said[1] and said[3].count("\"field\": \"incoming.password\"") == 4
    assert not any(piece in words for piece in pieces for words in said)
    manifests = recorded_words(tmp_path / "state")
    assert manifests and not any(piece in manifests for piece in pieces)
    for path in [*home.glob("*.iaf"), *home.rglob("*.oeaccount")]:
        data = path.read_bytes()
        assert not any(blob in data or blob.hex().encode("utf-16-le") in data for blob in blobs), path


def test_a_foreign_pop_oeaccount_is_left_alone_and_gets_no_new_file() -> None:
    data = POP_OEACCOUNT.read_bytes().decode("utf-16-le").replace("lboro.ac.uk</", "example.org</").encode("utf-16-le")
    files = {"f/account{X}.oeaccount": data}
    plan = plan_setup(files.get, OeAccountParser(), POLICY, "f/account{X}.oeaccount", "nobody")
    assert not plan.changed and [file.after.to_bytes() for file in plan.files] == [data, b""]


def test_an_iaf_of_a_news_account_has_no_mail_account() -> None:
    raw = iaf_samples.header(kind=0) + iaf_samples.text(0x123503F0, "news") + iaf_samples.text(0x136803F0, "news.lboro.ac.uk")
    parser = IafParser()
    assert parser.accounts(parser.parse_bytes(raw, "news.iaf")) == []
    assert iaf_values(parse_iaf(raw, "news.iaf")) == {"Account Name": RegValue(REG_SZ, "news")}
