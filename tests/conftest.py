from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pytest
from hypothesis import settings

from migrate.engine import Plan
from migrate.engine import plan_data
from migrate.errors import ParseError
from migrate.plugins import Parser
from migrate.policy import Policy
from migrate.policy import load_policy
from parsers.fetchmail import FetchmailParser

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample_files(client: str) -> list[Path]:
    return sorted(p for p in (SAMPLES / client).iterdir() if not p.name.endswith(".expected"))


def migrated_sample(parser: Parser, path: Path) -> Plan:
    """The plan of a one-file sample, checked: read back byte for byte, migrated to its ``.expected``, which a
    second pass leaves as it is and finds nothing to change in."""
    data = path.read_bytes()
    done = plan_data(data, parser, load_policy(), str(path), "nobody")
    assert done.only.before.to_bytes() == data
    assert done.only.after.to_bytes() == path.with_name(path.name + ".expected").read_bytes()
    again = plan_data(done.only.after.to_bytes(), parser, load_policy(), str(path), "nobody")
    assert not again.changed and not again.changes
    return done


def generated_plan(parser: Parser, text: str) -> Optional[Plan]:
    """The plan of generated text, which reads it back byte for byte (planning checks that a second pass
    changes nothing); ``None`` when the parser refuses the text, in one line."""
    data = text.encode("utf-8", "surrogateescape")
    try:
        done = plan_data(data, parser, load_policy(), "rc", "nobody")
    except ParseError as error:
        assert "\n" not in str(error)
        return None
    assert done.only.before.to_bytes() == data
    return done


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture(scope="session")
def fetchmail() -> FetchmailParser:
    return FetchmailParser()

# No deadlines: speed is measured in tests/perf; a test timed on a busy machine fails for nothing
settings.register_profile("default", deadline=None)
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
