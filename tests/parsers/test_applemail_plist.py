"""Apple Mail's property lists as documents: XML kept byte for byte and edited value by value, binary read and
written by plistlib with only the edited values different, and every broken or hostile file refused in one line."""
from __future__ import annotations

import datetime
import plistlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.errors import MigrateError
from migrate.errors import ParseError
from parsers.applemail.binary_plist import parse_binary
from parsers.applemail.plist import parse_plist
from parsers.applemail.values import Append
from parsers.applemail.values import Put
from parsers.applemail.values import edited
from parsers.applemail.values import is_yes
from parsers.applemail.values import int_value
from parsers.applemail.values import like
from parsers.applemail.values import same
from parsers.applemail.xml_reader import parse_xml
from tests.plists import KEY
from tests.plists import bplist

#: Text XML can hold as it is read back: no controls but tab and LF (a CR comes back as LF), no lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n"), max_size=8)
SCALARS = (TEXT | st.integers(-(1 << 63), (1 << 64) - 1) | st.booleans() | st.binary(max_size=12)
           | st.floats(allow_nan=False, allow_infinity=False)
           | st.datetimes(datetime.datetime(1901, 1, 1), datetime.datetime(2100, 1, 1)).map(lambda d: d.replace(microsecond=0)))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4), max_leaves=16)
ROOTS = st.dictionaries(TEXT, VALUES, max_size=5)
HEADER = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
          '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n')


def xml_text(value: object, unit: str, newline: str) -> bytes:
    """An XML property list written apart from the code under test: any indentation, LF or CRLF, a comment."""
    def element(item: object, depth: int) -> list[str]:
        pad = unit * depth
        if isinstance(item, dict):
            inner = [line for key, child in item.items() for line in [f"{pad}{unit}<key>{escape(key)}</key>",
                                                                      *element(child, depth + 1)]]
            return [f"{pad}<dict>", *inner, f"{pad}</dict>"] if item else [f"{pad}<dict/>"]
        if isinstance(item, list):
            inner = [line for child in item for line in element(child, depth + 1)]
            return [f"{pad}<array>", *inner, f"{pad}</array>"] if item else [f"{pad}<array/>"]
        written = plistlib.dumps(item, fmt=plistlib.FMT_XML).decode()  # its own element, as plistlib writes it
        return [pad + written[written.index("<plist version"):].split("\n", 1)[1].rsplit("\n</plist>", 1)[0]]

    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    lines = [*HEADER.rstrip("\n").split("\n"), "<!-- written by hand -->", *element(value, 0), "</plist>"]
    return (newline.join(lines) + newline).encode()


@given(ROOTS, st.sampled_from(["\t", "  ", ""]), st.sampled_from(["\n", "\r\n"]))
def test_an_xml_property_list_reads_back_byte_for_byte_as_plistlib_reads_it(value, unit, newline) -> None:
    data = xml_text(value, unit, newline)
    document = parse_xml(data, "com.apple.mail.plist")
    assert document.to_bytes() == data
    assert same(document.value, plistlib.loads(data)) and document.edited([]) is document


@given(ROOTS)
def test_a_binary_property_list_is_read_as_plistlib_reads_it_and_never_rewritten_unchanged(value) -> None:
    data = plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False)
    document = parse_binary(data, "com.apple.mail.plist")
    assert document.to_bytes() is data and same(document.value, plistlib.loads(data))
    assert document.edited([Put((), key, item) for key, item in list(value.items())[:1]]) is document  # the same value


def _ops(draw, value: object, path: tuple = ()) -> list:
    """Edits somewhere in ``value``: a key set (a new one, or one whose value is not a container), an item appended."""
    ops = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(item, (dict, list)) and draw(st.booleans()):
                ops.append(Put(path, key, draw(SCALARS)))
        new = draw(TEXT)
        if new not in value and draw(st.booleans()):
            ops.append(Put(path, new, draw(TEXT | st.integers(0, 1 << 16) | st.booleans())))
    if isinstance(value, list) and draw(st.booleans()):
        ops.append(Append(path, draw(st.dictionaries(TEXT, TEXT, max_size=2))))
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        ops += _ops(draw, item, path + (key,))
    return ops


@given(ROOTS, st.sampled_from(["\t", "    "]), st.sampled_from(["\n", "\r\n"]), st.data())
def test_xml_edits_give_what_the_same_edits_of_the_value_give(value, unit, newline, data) -> None:
    original = xml_text(value, unit, newline)
    ops = _ops(data.draw, value)
    after = parse_xml(original, "f").edited(ops).to_bytes()
    assert same(plistlib.loads(after), edited(value, ops))
    parse_xml(after, "f")  # and reads again, as lossless as before


@given(ROOTS, st.data())
def test_a_binary_edit_reloads_as_the_value_with_only_the_edits_made(value, data) -> None:
    ops = _ops(data.draw, value)
    original = plistlib.dumps(value, fmt=plistlib.FMT_BINARY, sort_keys=False)
    document = parse_binary(original, "f").edited(ops)
    assert same(plistlib.loads(document.to_bytes()), edited(value, ops))
    assert same(plistlib.loads(original), value)  # the edit left the value read alone


def test_a_binary_date_keeps_its_microseconds_and_its_bytes_when_nothing_changes() -> None:
    value = {"LastMailCheckDate": datetime.datetime(2009, 3, 25, 10, 0, 0, 123456), "MailAccounts": []}
    data = plistlib.dumps(value, fmt=plistlib.FMT_BINARY)
    document = parse_binary(data, "f")
    assert document.to_bytes() is data
    assert plistlib.loads(document.edited([Put((), "PollTime", "5")]).to_bytes())["LastMailCheckDate"] == value["LastMailCheckDate"]


def test_new_keys_go_where_mail_would_write_them_and_new_items_follow_the_indentation() -> None:
    data = (HEADER + '<dict>\n  <key>B</key>\n  <array>\n    <string>x</string>\n  </array>\n  <key>D</key>\n  <string>d</string>\n'
            '</dict>\n</plist>\n').encode()
    after = parse_xml(data, "f").edited([Put((), "C", "c"), Put((), "A", True), Put((), "E", 5), Append(("B",), {"k": ["v"]})])
    assert after.render() == HEADER + (
        '<dict>\n  <key>A</key>\n  <true/>\n  <key>B</key>\n  <array>\n    <string>x</string>\n    <dict>\n      <key>k</key>\n'
        '      <array>\n        <string>v</string>\n      </array>\n    </dict>\n  </array>\n  <key>C</key>\n  <string>c</string>\n'
        '  <key>D</key>\n  <string>d</string>\n  <key>E</key>\n  <integer>5</integer>\n</dict>\n</plist>\n')


def test_an_edited_value_keeps_its_tag_as_written_and_an_empty_one_gets_its_text() -> None:
    data = (HEADER + '<dict>\n\t<key>a</key>\n\t<string >old &amp; odd</string >\n\t<key>b</key>\n\t<string/>\n'
            '\t<key>c</key>\n\t<string></string>\n</dict>\n</plist>\n').encode()
    after = parse_xml(data, "f").edited([Put((), "a", "<new>"), Put((), "b", "x"), Put((), "c", "y")]).render()
    assert "<string >&lt;new&gt;</string >" in after and "<string>x</string>" in after and "<string>y</string>" in after


@pytest.mark.parametrize(("old", "new", "string", "written"), [
    ("NO", True, True, "YES"), (False, True, True, True), ("25", 465, False, "465"), (25, 465, True, 465),
    (None, 993, True, "993"), (None, 993, False, 993), (None, True, False, True), (1, True, True, 1),
])
def test_a_value_written_back_keeps_the_type_the_key_has(old, new, string, written) -> None:
    assert type(like(old, new, string)) is type(written) and like(old, new, string) == written


@pytest.mark.parametrize(("value", "flag", "number"), [
    ("YES", True, 0), ("yes", True, 0), ("NO", False, 0), ("  Y", True, 0), ("+0001", True, 1), ("0", False, 0),
    (True, True, 1), (0, False, 0), ("993", True, 993), (" 587 junk", True, 587), ("", False, 0), (None, False, 0),
    (float("nan"), True, 0),
])
def test_flags_and_ports_read_as_foundation_reads_them(value, flag, number) -> None:
    assert is_yes(value) is flag and int_value(value) == number


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE plist [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;&a;&a;">\n]>\n'
                  b'<plist version="1.0"><dict><key>MailAccounts</key><string>&b;</string></dict></plist>\n')


@pytest.mark.parametrize(("data", "where", "words"), [
    (BILLION_LAUGHS, "2:1", "DOCTYPE with declarations of its own"),
    (b'<?xml version="1.0"?>\n<!DOCTYPE plist SYSTEM "file:///etc/passwd">\n<plist><dict><key>a</key><string>&xxe;</string>'
     b'</dict></plist>', "3:34", "an entity other than"),
    (b"<plist><dict><key>a</key><string><![CDATA[x]]></string></dict></plist>", "1:26", "a value is plain text"),
    (b"<plist><dict><key>a</key><string>x</string>junk</dict></plist>", "1:44", "text outside a value"),
    (b"<plist><dict><key>a</key><foo/></dict></plist>", "1:26", "<foo>, which a property list does not have"),
    (b"<plist><dict><key>a</key></dict></plist>", "1:26", "a key without a value"),
    (b"<plist><dict><key>a</key><string>1</string><key>a</key><string>2</string></dict></plist>", "1:8", "a key given twice"),
    (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<plist><dict/></plist>', "1:1", "only UTF-8"),
    (b"<plist><dict><key>a</key><string>x</string>", "1:44", "the file ends inside <dict>"),
    (b"<plist><dict><key>a</key><integer>12x</integer></dict></plist>", "1:35", "cannot read this <integer>"),
    (b"<plist><dict><key>a</key><string>\x01</string></dict></plist>", "1:34", "not well-formed XML"),
    (b"<plist>" + b"<array>" * 70 + b"</array>" * 70 + b"</plist>", "1:", "nested more than"),
    (b"<plist><dict/><dict/></plist>", "1:15", "a second value in <plist>"),
])
def test_a_broken_or_hostile_xml_file_is_refused_at_its_place(data, where, words) -> None:
    with pytest.raises(ParseError) as refused:
        parse_plist(data, "com.apple.mail.plist")
    assert f"com.apple.mail.plist:{where}" in str(refused.value) and words in str(refused.value)
    assert "\n" not in str(refused.value)


def test_plistlib_itself_refuses_entity_declarations() -> None:
    """Not only our reader: the one whose values we use never expands a declared entity either."""
    with pytest.raises(plistlib.InvalidFileException, match="entity declarations"):
        plistlib.loads(BILLION_LAUGHS)


@pytest.mark.parametrize(("data", "words"), [
    (plistlib.dumps({"MailAccounts": []}, fmt=plistlib.FMT_BINARY)[:-9], "truncated or damaged"),
    (bplist([b"\xd1\x01\x02", KEY, b"\xa1\x02"]), "a container used in two places, or inside itself"),  # an array holding itself
    (bplist([b"\xd1\x01\x02", KEY, b"\xa2\x03\x03", b"\xa2\x04\x04", b"\xa0"]), "a container used in two places"),  # a DAG
    (bplist([b"\xd1\x01\x02", KEY, b"\x00"]), "a NoneType value"),
    (bplist([b"\xd1\x02\x01", KEY, b"\x10\x07"]), "a dictionary key that is not a string"),
    (bplist([b"\xd1\x01\x02", KEY, b"\x14" + (1 << 100).to_bytes(16, "big")]), "a number outside 64 bits"),
    (b"bplist15" + bytes(40), "format b'15'"),
    (b"bplist00" + bytes(600_000), "truncated or damaged"),
])
def test_a_broken_or_hostile_binary_file_is_refused_in_one_line(data, words) -> None:
    with pytest.raises(MigrateError) as refused:
        parse_plist(data, "com.apple.mail.plist")
    assert str(refused.value).startswith("com.apple.mail.plist: ") and words in str(refused.value)


@pytest.mark.parametrize("depth", [100, 5000])
def test_deeply_nested_binary_values_are_refused_before_anything_walks_them(depth) -> None:
    """Deeper than plistlib can read them (a RecursionError inside it), or only deeper than Mail nests."""
    objects = [b"\xd1\x00\x01\x00\x02", KEY] + [b"\xa1" + struct.pack(">H", i + 1) for i in range(2, depth)] + [b"\xa0"]
    with pytest.raises(MigrateError, match="nested"):
        parse_plist(bplist(objects, ref_size=2), "com.apple.mail.plist")
