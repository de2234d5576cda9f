from __future__ import annotations

import doctest
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import migrate.engine
from migrate.document import Document
from migrate.document import Edit
from migrate.document import Token
from migrate.document import added_lines
from migrate.document import decode
from migrate.document import edits_between
from migrate.document import encode

DOC = Document((Token("WORD", "poll"), Token("WS", " "), Token("WORD", "a"), Token("WS", "\r\n"),
                Token("WORD", "pass"), Token("WS", " "), Token("WORD", "x", secret=True)))


@given(st.binary())
def test_any_bytes_decode_and_encode_back(data: bytes) -> None:
    assert encode(decode(data)) == data


def test_render_is_a_join_and_secrets_are_masked() -> None:
    assert DOC.render() == "poll a\r\npass x"
    assert DOC.render_redacted() == "poll a\r\npass ********"
    assert DOC.newline == "\r\n"


def test_edits_apply_back_to_front() -> None:
    edited = DOC.apply([Edit(2, 3, "b"), Edit(3, 3, " proto imap"), Edit(6, 7, "")])
    assert edited.render() == "poll b proto imap\r\npass "


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(ValueError):
        DOC.apply([Edit(0, 3, "x"), Edit(2, 3, "y")])


def test_position_is_one_based() -> None:
    assert DOC.position(4) == (2, 1)
    assert DOC.position(6) == (2, 6)


def test_engine_doctest() -> None:
    assert doctest.testmod(migrate.engine).failed == 0


def test_an_edit_over_a_secret_stays_secret() -> None:
    edited = DOC.apply([Edit(5, 7, "quoted x")])
    assert edited.render_redacted() == "poll a\r\npass********"


def test_position_counts_lines_at_lf_only_and_reaches_the_end() -> None:
    document = Document((Token("A", "a\rb\n"), Token("B", "cd"), Token("C", "\n")))
    assert [document.position(index) for index in range(4)] == [(1, 1), (2, 1), (2, 3), (3, 1)]


def test_an_applied_document_keeps_its_edits_through_a_pickle() -> None:
    edited = DOC.apply([Edit(2, 3, "b")])
    assert edits_between(DOC, edited) == (Edit(2, 3, "b"),)
    assert edits_between(edited, DOC) is None and edits_between(Document(tuple(edited.tokens)), edited) is None
    before, after = pickle.loads(pickle.dumps((DOC, edited)))
    assert edits_between(before, after) == (Edit(2, 3, "b"),) and after.render() == edited.render()


def test_added_lines_end_the_last_line_first_when_it_has_no_line_end() -> None:
    assert DOC.apply([added_lines(DOC.tokens, 4, ["via b"], "\r\n")]).render() == "poll a\r\nvia b\r\npass x"
    assert DOC.apply([added_lines(DOC.tokens, 7, ["keep", "fetchall"], "\r\n")]).render() == (
        "poll a\r\npass x\r\nkeep\r\nfetchall\r\n")
