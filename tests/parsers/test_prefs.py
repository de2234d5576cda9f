"""Gecko's pref parser conformance cases (user files), and lossless round trips."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.errors import ParseError
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs import statements
from parsers.thunderbird.prefs import statements_as_written
from parsers.thunderbird.prefs_lexer import escape


def values(text: str) -> dict:
    document = parse_prefs(text.encode("utf-8", "surrogateescape"), "prefs.js")
    assert document.render() == text
    return {pref.name: pref.value for pref in document.prefs}


@pytest.mark.parametrize(
    "text", ["", " \t\v\f\r\n", "\ufeff", "// x", "# x", "/* x */", "// at eof", "//", "/* /* /* */", "// c /*\n# c /*\n"]
)
def test_files_without_statements(text: str) -> None:
    assert values(text) == {}


def test_comments_between_every_token() -> None:
    text = "/*a*/user_pref/*b*/(/*c*/'x'/*d*/,/*e*/1/*f*/)/*g*/;/*h*/\n# h\nuser_pref('y', // c\n  true);"
    assert values(text) == {"x": 1, "y": True}


@pytest.mark.parametrize(
    ("literal", "number"),
    [("0", 0), ("123", 123), ("+234", 234), ("+  345", 345), ("-0", 0), ("-1", -1), ("- /* hmm */\t456", -456),
     ("-\n567", -567), ("2147483647", 2147483647), ("-2147483648", -2147483648), ("010", 10)],
)
def test_integers(literal: str, number: int) -> None:
    assert values(f'user_pref("n", {literal});') == {"n": number}


@pytest.mark.parametrize(
    ("literal", "value"),
    [('""', ""), ("'say \"abc\"'", 'say "abc"'), ('"say \'abc\'"', "say 'abc'"), ('"\\" \\\' \\\\ \\n \\r"', "\" ' \\ \n \r"),
     ('"\\x4d\\x6F\\x7a"', "Moz"), ('"\\u00c4\\u015a\\u1Ef3"', "ÄŚỳ"), ('"\\uD83C\\uDF00\\uD83D\\uDE00"', "🌀😀"),
     ('"raw\ttab\x0bvt\r\nnewline"', "raw\ttab\x0bvt\r\nnewline"), ('"\\xc4\\xff"', "\udcc4\udcff"),
     ('"int.-\\n567"', "int.-\n567")],
)
def test_strings(literal: str, value: str) -> None:
    assert values(f"user_pref({literal}, {literal});") == {value: value}


def test_last_statement_wins_and_crlf_is_kept() -> None:
    document = parse_prefs(b'user_pref("a", 1);\r\nuser_pref("a", 2);\r\n', "prefs.js")
    assert document.get("a").value == 2 and document.render() == 'user_pref("a", 1);\r\nuser_pref("a", 2);\r\n'


def test_nul_ends_the_file_and_the_rest_is_kept_untouched() -> None:
    data = b'user_pref("a", 1);\0user_pref("b", 2);\n'
    document = parse_prefs(data, "prefs.js")
    assert [p.name for p in document.prefs] == ["a"] and document.to_bytes() == data


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('user_pref("a", 2147483648);', 1, "overflow"), ('user_pref("a", +2147483648);', 1, "overflow"),
        ('user_pref("a", -2147483649);', 1, "overflow"), ('user_pref("a", 100foo);', 1, "integer literal"),
        ('user_pref("a", "\\x00");', 1, "\\x"), ('user_pref("a", "\\u0000");', 1, "\\u"),
        ('user_pref("a", "\\x1G");', 1, "\\x"), ('user_pref("a", "\\x");', 1, "\\x"), ('user_pref("a", "\\u12");', 1, "\\u"),
        ('user_pref("a", "\\ud83c,");', 1, "low surrogate"), ('user_pref("a", "\\ud83c\\u1234");', 1, "low surrogate"),
        ('user_pref("a", "\\udc00");', 1, "high surrogate"), ('user_pref("a", "\\t");', 1, "escape"),
        ('user_pref("a", "\\Q");', 1, "escape"), ('user_pref("a", "\\\n");', 1, "escape"),
        ('\n\nuser_pref("a", "open);\nuser_pref("b", 0);', 4, "unterminated"), ("user_pref(\"a\", 'x\");", 1, "unterminated"),
        ("foo;", 1, "user_pref"), ('User_pref("a", 1);', 1, "user_pref"), ('user_pref("a", TRUE);', 1, "value"),
        ("/* open", 1, "unterminated"), ("/ x", 1, "'/'"), ('user_pref("a", 1) & 2;', 1, "unexpected character"),
        ('user_pref("a", 1)\nuser_pref("b", 2);', 2, "';'"), ('user_pref("a", 1));', 1, "';'"),
        ('pref("a", 1);', 1, "user_pref"), ('sticky_pref("a", 1);', 1, "user_pref"),
        ('user_pref("a", 1, locked);', 1, "')'"), ('user_pref("a", 1);;', 1, "user_pref"), ('user_pref("a", -true);', 1, "value"),
        ('user_pref("a", +"v");', 1, "value"), ('user_pref("a" 1);', 1, "','"), ('user_pref(123, 1);', 1, "name"),
        ('user_pref("a", true,);', 1, "')'"), ("user_pref", 1, "'('"), ('user_pref("x", -', 1, "value"),
        ('\r\n\ruser_pref("a" 1);', 3, "','"),
    ],
)
def test_errors_are_located(text: str, line: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_prefs(text.encode(), "prefs.js")
    assert caught.value.line == line and words in caught.value.message
    assert "\n" not in str(caught.value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_escape_reads_back(value: str) -> None:
    if "\0" in value:
        return
    assert values(f"user_pref({escape(value)}, 1);") == {value: 1}


STATEMENT = st.builds(
    lambda pad, name, value, end: f"{pad}user_pref({escape(name)},{pad}{value});{end}",
    st.sampled_from(["", " ", "\t", "/* c */ ", "\n"]),
    st.text(max_size=12).filter(lambda s: "\0" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)),
    st.one_of(st.booleans().map(lambda b: "true" if b else "false"), st.integers(-(2**31), 2**31 - 1).map(str),
              st.text(max_size=8).filter(lambda s: "\0" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s)).map(escape)),
    st.sampled_from(["\n", "\r\n", "\r", " // note\n", " # note\r\n"]),
)


@given(st.lists(STATEMENT, max_size=8).map("".join))
def test_generated_files_round_trip(text: str) -> None:
    values(text)



_TEXT = st.text(max_size=12).filter(lambda s: "\0" not in s and not any(0xD800 <= ord(c) <= 0xDFFF for c in s))
#: (statement, whether it is one the general path must read): bad escapes, overflows and NUL are
UNUSUAL = st.sampled_from(['"\\x00"', '"\\q"', "-2147483649", "2147483648"])
WRITTEN = st.builds(
    lambda name, value, comma, end: (f"user_pref({escape(name)},{comma}{value[0]});{end[0]}", value[1] or end[1]),
    _TEXT,
    st.one_of(st.sampled_from(["true", "false", "-0", "0100", "2147483647", "-2147483648"]),
              st.integers(-(2**31), 2**31 - 1).map(str), _TEXT.map(escape)).map(lambda v: (v, False))
    | UNUSUAL.map(lambda v: (v, True)),
    st.sampled_from(["", " "]),
    st.sampled_from(["\n", "\r\n", "\n\n", " // note\n", "# note\r\n", ""]).map(lambda e: (e, False))
    | st.just(("\0", True)),
)


@given(st.sampled_from(["", "\ufeff", "// Mozilla User Preferences\n\n"]), st.lists(WRITTEN, max_size=8),
       st.sampled_from(["", 'user_pref("x.password", "secret");\n', 'user_pref("y.password", -1);']))
def test_statements_as_written_read_the_same_as_the_general_path(head: str, body: list, tail: str) -> None:
    text = head + "".join(statement for statement, _ in body) + tail
    fast = statements_as_written(text)
    assert (fast is None) == any(unusual for _, unusual in body)
    if fast is not None:
        assert fast == statements(text)


def test_statements_as_written_leave_anything_unusual_to_the_general_path() -> None:
    for text in ['user_pref("a",  1);', "user_pref('a', 1);", 'user_pref("a", +1);', "/* c */", 'user_pref("a", "\\x00");',
                 'user_pref("a", "x\ny");', 'user_pref("a", 1)\0']:
        assert statements_as_written(text) is None, text
