"""The configparser document (getmail, offlineimap): every byte kept, and the values Python's configparser reads."""
from __future__ import annotations

import configparser
import io

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import strategies as st

from migrate.errors import ParseError
from parsers.ini import IniEditor
from parsers.ini import boolean_text
from parsers.ini import parse_ini

LINE = st.one_of(
    st.sampled_from(["", "  ", "[a]", "[b]", "[DEFAULT]", "  [c]", "x = 1", "X: 2", "y=", "  y = 3", "\tcont",
                     "    more text", "# comment", "  ; note", "z = a = b", "k : v : w", "name with space = v",
                     "[a] junk", "[d]]", "novalue", "= empty key", "q = %(x)s"]),
    st.text(alphabet=" \t=:;#[]abxyz", max_size=10),
)


def read_with_configparser(text: str) -> configparser.RawConfigParser:
    """As getmail and offlineimap read a file: in text mode, with universal newlines."""
    parser = configparser.RawConfigParser()
    parser.read_file(io.StringIO(text, newline=None))
    return parser


@given(st.lists(LINE, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
@example(["[a]", "x =", "  (1,", "", "  2)"], "\n", True)
@example(["[a]", "x = 1", "", "# c", "   y"], "\r", False)
def test_values_are_those_configparser_reads_and_errors_are_its_errors(lines: list[str], newline: str, final: bool) -> None:
    text = newline.join(lines) + (newline if final else "")
    try:
        expected = read_with_configparser(text)
    except configparser.Error:
        with pytest.raises(ParseError):
            parse_ini(text.encode(), "rc")
        return
    ini = parse_ini(text.encode(), "rc")
    assert ini.render() == text
    for section in ["DEFAULT", *expected.sections()]:
        own = expected.defaults() if section == "DEFAULT" else expected._sections[section]  # noqa: SLF001 (no defaults)
        assert {name: ini.get(section, name) for name in own} == dict(own)
        assert sorted(o.name for s in ini.sections if s.name == section for o in s.options) == sorted(own)


@pytest.mark.parametrize("text, where", [
    ("x = 1\n[a]\n", "rc:1:1: text before the first [section]"),
    ("[a]\nx = 1\n  [b]\nnothing here\n", "rc:4:1: not a 'name = value' line"),
    ("[a]\nx = 1\n[b]\n[a]\n", "rc:4:1: section [a] given twice"),
    ("[a]\nX = 1\n x2 = 2\nx: 3\n", "rc:4:1: option 'x' given twice in [a]"),
    ("\ufeff[a]\n", "rc:1:1: text before the first [section]"),
])
def test_what_configparser_refuses_fails_at_its_line(text: str, where: str) -> None:
    with pytest.raises(ParseError, match="^" + where.replace("[", r"\[").replace("]", r"\]")):
        parse_ini(text.encode(), "rc")


def test_a_value_replaced_keeps_its_line_and_the_lines_it_ran_over_go() -> None:
    ini = parse_ini(b"[a]\nkey :  one\n  two\n# kept\n  three\nnext = 1\n", "rc")
    editor = IniEditor(ini)
    editor.set("a", "key", "new")
    editor.set("a", "added", "x")
    assert editor.document().render() == "[a]\nkey :  new\n# kept\nnext = 1\nadded :  x\n"


def test_added_options_follow_the_sections_last_and_its_newline() -> None:
    ini = parse_ini(b"[a]\r\n  x=1\r\n\r\n[b]", "rc")
    editor = IniEditor(ini)
    editor.set("a", "y", "2")
    editor.set("b", "z", "3")
    assert editor.document().render() == "[a]\r\n  x=1\r\n  y=2\r\n\r\n[b]\r\nz = 3\r\n"


@pytest.mark.parametrize("old, on, new", [("no", True, "yes"), ("False", True, "True"), ("OFF", True, "ON"),
                                          ("0", True, "1"), ("yes", False, "no"), (None, True, "yes"), ("1", True, "1")])
def test_booleans_keep_their_spelling(old, on: bool, new: str) -> None:
    assert boolean_text(old, on) == new
