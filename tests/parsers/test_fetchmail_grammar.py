"""The grammar accepts what fetchmail 6.4 accepts, and locates what it refuses."""
from __future__ import annotations

import pytest

from migrate.errors import ParseError
from parsers.fetchmail import FetchmailParser

PARSER = FetchmailParser()


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        PARSER.parse_bytes(text.encode(), "rc")
    return caught.value


@pytest.mark.parametrize(
    "text",
    [
        "", "# only a comment\n", "set daemon 300\nset logfile = /tmp/l\nset no syslog\n",
        "poll a\n", "poll a proto imap user b\n", "poll a pass x\n",
        "poll a user b there is c here user d here is e there pass f\n",
        "poll a user b is c=d e=f here keep no keep nokeep\n",
        "defaults proto pop3 user x pass y\npoll a\n",
        "poll a envelope 2 X-Envelope-To envelope Delivered-To no envelope user b\n",
        "poll a user b folder 'x' \"y\", z antispam 571 550\n",
        "poll a bad-header reject tracepolls no dns user b\n",
    ],
)
def test_accepts_valid_files(text: str) -> None:
    assert PARSER.parse_bytes(text.encode(), "rc").render() == text


@pytest.mark.parametrize(
    ("text", "line", "col", "words"),
    [
        ("poll a proto imap\n  user b pass x uidl\n", 2, 17, "server option after user options"),
        ("poll d proto imap ssl user a\n", 1, 23, "syntax error"),
        ("poll a\n# last line with no newline", 2, 1, "needs a newline"),
        ("POLL a\n", 1, 1, "syntax error"),
        ("poll a pass x user b\n", 1, 15, "syntax error"),
        ("poll a\ndefaults proto pop3\n", 2, 1, "must be the first"),
        ("poll a user b pass abc:def\n", 1, 24, "syntax error"),
        ("poll a port imaps\n", 1, 13, "syntax error"),
        ("poll a user b is\n", 2, 1, "syntax error at end of input"),
        ("poll 'a b' via\n", 2, 1, "syntax error at end of input"),
    ],
)
def test_refuses_with_line_and_column(text: str, line: int, col: int, words: str) -> None:
    error = error_of(text)
    assert (error.line, error.col) == (line, col)
    assert words in error.message
    assert str(error).startswith(f"rc:{line}:{col}: ")
    assert "\n" not in str(error)


def test_error_never_quotes_a_value() -> None:
    error = error_of("poll a user b pass s3cr:etvalue\n")
    assert "etvalue" not in str(error)
