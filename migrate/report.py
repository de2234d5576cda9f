"""Counting outcomes, and the exit codes scripts rely on."""
from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Iterable

from migrate.runner import CHANGED
from migrate.runner import FAILED
from migrate.runner import RESTORED
from migrate.runner import SKIPPED
from migrate.runner import UNCHANGED
from migrate.runner import Outcome

#: Exit codes; the README documents them.
EXIT_OK = 0  #: nothing to do, or everything asked was done
EXIT_PENDING = 1  #: ``plan --check``: changes are pending
EXIT_USAGE = 2  #: the command line is wrong
EXIT_FAILED = 3  #: some files failed (the others were processed)
EXIT_POLICY = 4  #: the policy is invalid


@dataclasses.dataclass
class Report:
    outcomes: list[Outcome] = dataclasses.field(default_factory=list)

    def add(self, outcomes: Iterable[Outcome]) -> None:
        self.outcomes.extend(outcomes)

    @property
    def counts(self) -> Counter:
        return Counter(outcome.status for outcome in self.outcomes)

    def return_code(self, check: bool = False) -> int:
        if self.counts[FAILED]:
            return EXIT_FAILED
        if check and self.counts[CHANGED]:
            return EXIT_PENDING
        return EXIT_OK

    def summary(self, changed_word: str) -> str:
        """``3 setups: 2 to change, 1 unchanged``; only the outcomes that happened are named.

        A setup is what one client reads: a file, or a whole profile folder.
        """
        counts = self.counts
        words = {CHANGED: changed_word, UNCHANGED: "unchanged", RESTORED: "restored", SKIPPED: "skipped",
                 FAILED: "failed"}
        parts = [f"{counts[status]} {word}" for status, word in words.items() if counts[status]]
        total = len(self.outcomes)
        return f"{total} setup{'s' if total != 1 else ''}: " + (", ".join(parts) or "nothing found")
