"""The lexer matches fetchmail's flex rules: longest match, rule order, start states."""
from __future__ import annotations

import pytest

from parsers.fetchmail.lexer import tokenize
from parsers.fetchmail.strings import quote
from parsers.fetchmail.strings import unescape
from parsers.fetchmail.strings import value


def significant(text: str) -> list[tuple[str, str]]:
    return [(l.token.kind, l.token.text) for l in tokenize(text) if l.token.kind not in ("WS", "COMMENT")]


def test_every_character_lands_in_one_token() -> None:
    text = "poll a # c\\\n with proto pop3;\r\n user 'x y' pass \"p#q\"\n"
    assert "".join(l.token.text for l in tokenize(text)) == text


def test_hash_starts_a_comment_only_at_the_start_of_a_token() -> None:
    assert significant("pass se#cret\n") == [("PASSWORD", "pass"), ("STRING", "se#cret")]
    assert significant("pass #secret\n") == [("PASSWORD", "pass")]


def test_quoted_string_followed_by_a_word_is_one_longer_word() -> None:
    assert significant('pass "secret"x') == [("PASSWORD", "pass"), ("STRING", '"secret"x')]
    assert value('"secret"x') == '"secret"x'
    assert significant('"foo";') == [("STRING", '"foo"'), ("NOISE", ";")]


def test_after_user_pass_is_to_any_word_is_a_string() -> None:
    assert significant("user keep pass keep is 12345") == [
        ("USERNAME", "user"), ("STRING", "keep"), ("PASSWORD", "pass"), ("STRING", "keep"),
        ("IS", "is"), ("STRING", "12345"),
    ]


def test_password_is_an_auth_type_only_right_after_auth() -> None:
    assert significant("auth password pass x") == [
        ("AUTHENTICATE", "auth"), ("AUTHTYPE", "password"), ("PASSWORD", "pass"), ("STRING", "x")]
    assert significant("auth pass") == [("AUTHENTICATE", "auth"), ("STRING", "pass")]


def test_no_prefixed_flags_are_two_grammar_words() -> None:
    (lexeme,) = [l for l in tokenize("nokeep") if l.token.kind != "WS"]
    assert lexeme.words == ("NO", "KEEP")
    assert significant("nossl") == [("STRING", "nossl")]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("POP3", "PROTO"), ("pop3", "PROTO"), ("Pop3", "STRING"), ("POLL", "STRING"), ("pollx", "STRING"),
     ("993", "NUMBER"), ("993x", "STRING"), ("-1", "NUMBER"), ("10.0.0.1", "STRING"), ("with", "NOISE")],
)
def test_keywords_are_exact_and_lower_case(text: str, kind: str) -> None:
    assert significant(text) == [(kind, text)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(r"a\x41\101\tb", "aAe\tb"), (r"My\x20folder", "My folder"), (r"\0101", "\x081"), ("a\\", "a"),
     ("x\\\ny", "xy"), (r"\q", "q"), (r"a\x00b", "a"), (r"\xc3\xa9", "é"), (r"\303", "/")],
)
def test_escapes_follow_fetchmail(raw: str, expected: str) -> None:
    assert unescape(raw) == expected


@pytest.mark.parametrize("text", ["plain", "two words", "keep", "12", 'dq"', "sq'", "back\\slash", "#hash", "a:b,c=d"])
@pytest.mark.parametrize("style", ["", '"', "'"])
def test_quote_gives_back_the_value(text: str, style: str) -> None:
    quoted = quote(text, style)
    assert [k for k, _ in significant("pass " + quoted)] == ["PASSWORD", "STRING"]
    assert value(quoted) == text
