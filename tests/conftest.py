from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from migrate.policy import Policy
from migrate.policy import load_policy
from parsers.fetchmail import FetchmailParser

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def sample_files(client: str) -> list[Path]:
    return sorted(p for p in (SAMPLES / client).iterdir() if not p.name.endswith(".expected"))


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
