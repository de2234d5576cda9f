"""What the run journals under a state folder say in words, for the tests that look for a leaked password."""
from __future__ import annotations

import json
from pathlib import Path

from migrate.runs import load_runs


def recorded_words(state: Path) -> str:
    """Every part's head and file entries (the bytes before left out: they are the users' own files)."""
    return json.dumps([part.manifest for run in load_runs(state) for part in run.parts])
