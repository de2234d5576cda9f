"""The parts of ``verify`` that need no server: LIST answers, failure wording, where passwords come from."""
from __future__ import annotations

import argparse
import imaplib
import smtplib
import ssl
from pathlib import Path

import pytest

from migrate.commands import _passwords
from migrate.verify import _folders
from migrate.verify import _reason


def test_list_answers_give_the_separator_and_every_name_quoted_bare_or_literal() -> None:
    lines = [b'(\\HasNoChildren) "/" "Deleted Items"', b"(\\HasNoChildren) \"/\" Drafts",
             (b'(\\HasNoChildren) "/" {11}', b'Odd "name"!'), b'(\\Noselect) NIL ""', b'(\\X) "/" "a \\"q\\" b"']
    assert _folders(lines) == ("/", {"Deleted Items", "Drafts", 'Odd "name"!', "", 'a "q" b'})


@pytest.mark.parametrize(("error", "words"), [
    (imaplib.IMAP4.error(b"[AUTHENTICATIONFAILED] Authentication failed."), "[AUTHENTICATIONFAILED] Authentication failed."),
    (smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"), "535 5.7.8 Authentication"),
    (ConnectionRefusedError(111, "Connection refused"), "connection refused (nothing listens there)"),
    (OSError(-2, "Name or service not known"), "Name or service not known"),
    (ssl.SSLCertVerificationError(1, "x"), "certificate refused"),
])
def test_a_failure_is_one_line_in_the_server_s_own_words(error: Exception, words: str) -> None:
    if isinstance(error, ssl.SSLCertVerificationError):
        error.verify_message = "self-signed certificate"
    reason = _reason(error)
    assert reason.startswith(words) and "\n" not in reason and not reason.startswith("b'")


def test_the_password_comes_from_the_file_then_the_environment(tmp_path: Path, monkeypatch) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\nsecond line ignored\n")
    monkeypatch.setenv("MAILMIGRATE_PASSWORD", "from-the-environment")
    assert _passwords(argparse.Namespace(password_file=secret))("ab@lboro.ac.uk") == "from-the-file"
    assert _passwords(argparse.Namespace(password_file=None))("ab@lboro.ac.uk") == "from-the-environment"


def test_without_a_password_or_a_terminal_verify_stops_with_a_usage_error(monkeypatch) -> None:
    monkeypatch.delenv("MAILMIGRATE_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(SystemExit) as stopped:
        _passwords(argparse.Namespace(password_file=None))("ab@lboro.ac.uk")
    assert stopped.value.code == 2
