"""The progress bar of a run over several homes or paths: on a terminal only, where tqdm is imported.

A run whose stderr is a file or a pipe (scripts, cron), or that has one job
(nothing to count), neither shows a bar nor pays for importing tqdm.
"""
from __future__ import annotations

import contextlib
import sys
from typing import Any
from typing import Iterator


class Progress:
    """No bar: messages go straight to stderr."""

    def advance(self, **counts: int) -> None:
        """One more job done; ``counts`` are shown beside the bar."""

    def write(self, message: str) -> None:
        print(message, file=sys.stderr)


class _Bar(Progress):
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def advance(self, **counts: int) -> None:
        self.bar.update()
        self.bar.set_postfix(counts, refresh=False)

    def write(self, message: str) -> None:
        self.bar.write(message, file=sys.stderr)


@contextlib.contextmanager
def progress(jobs: int, unit: str) -> Iterator[Progress]:
    if jobs <= 1 or not sys.stderr.isatty():
        yield Progress()
        return
    from tqdm import tqdm

    with tqdm(total=jobs, unit=unit, file=sys.stderr, leave=False) as bar:
        yield _Bar(bar)
