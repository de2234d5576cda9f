"""Mutated samples through every parser and the whole planning pipeline: a plan, or a one-line error.

Each example takes one setup of ``samples/``, mutates one of the files it reads
(bytes deleted, replaced, inserted; a cut), and plans it: parse, rules,
rewrite, and the second pass that must change nothing.  Whatever the bytes,
the outcome is a plan whose files render back to exactly the bytes read, or
a ``MigrateError`` in one line; any other exception is a bug.  The number of
examples is ``MAILMIGRATE_FUZZ_EXAMPLES`` per format (CI runs the default).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.discover import Found
from migrate.discover import discover
from migrate.engine import plan_setup
from migrate.errors import MigrateError
from migrate.plugins import load_parsers
from migrate.policy import load_policy
from tests.conftest import SAMPLES

POLICY = load_policy()
PARSERS = load_parsers()
EXAMPLES = int(os.environ.get("MAILMIGRATE_FUZZ_EXAMPLES", "1000"))


def _setups() -> dict[str, list[tuple[Found, tuple[str, ...]]]]:
    """Per format, each sample setup with the files planning it reads."""
    found: dict[str, list] = {}
    for item in discover([SAMPLES], PARSERS):
        if not isinstance(item, Found):
            continue
        read: list[str] = []

        def reader(name: str, read: list = read) -> Optional[bytes]:
            path = Path(name)
            if not path.is_file():
                return None
            read.append(name)
            return path.read_bytes()

        plan_setup(reader, item.parser, POLICY, str(item.path), "ccano")
        name = next(key for key, parser in PARSERS.items() if parser is item.parser)
        found.setdefault(name, []).append((item, tuple(dict.fromkeys(read))))
    return found


SETUPS = _setups()
EDIT = st.tuples(st.integers(0, 1 << 20), st.integers(0, 6), st.binary(max_size=6))
SPECIAL = st.sampled_from([b"", b"\0", b"\n", b"\r\n", b"\r", b"\"", b"'", b"\\", b"#", b"/*", b"\xef\xbb\xbf", b"\xff\xfe",
                           b"\xc3", b"{", b"}", b"[", b"]", b"<", b">", b"&amp;", b"=", b";", b"`", b"$", b"%"])


def mutate(data: bytes, edits: list[tuple[int, int, bytes]], specials: list[bytes], cut: Optional[int]) -> bytes:
    for (at, drop, insert), special in zip(edits, specials + [b""] * len(edits)):
        at %= len(data) + 1
        data = data[:at] + insert + special + data[at + drop:]
    return data[: cut % (len(data) + 1)] if cut is not None else data


@pytest.mark.parametrize("format_name", sorted(SETUPS))
def test_mutated_setups_plan_or_fail_in_one_line(format_name: str) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        item, files = data.draw(st.sampled_from(SETUPS[format_name]))
        target = data.draw(st.sampled_from(files))
        original = Path(target).read_bytes()
        mutated = mutate(original, data.draw(st.lists(EDIT, max_size=4)), data.draw(st.lists(SPECIAL, max_size=4)),
                         data.draw(st.none() | st.integers(0, 1 << 20)))

        def reader(name: str) -> Optional[bytes]:
            if name == target:
                return mutated
            return Path(name).read_bytes() if Path(name).is_file() else None

        try:
            plan = plan_setup(reader, item.parser, POLICY, str(item.path), "ccano")
        except MigrateError as error:
            assert "\n" not in str(error) and "Traceback" not in str(error)
            return
        for file in plan.files:  # a file the setup does not have yet (a parser may add one) is planned from empty
            assert file.before.to_bytes() == (reader(file.path) or b"")

    run()
