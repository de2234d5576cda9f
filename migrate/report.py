"""Counting outcomes, and the exit codes scripts rely on."""
from __future__ import annotations

import dataclasses
import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from migrate.exitcodes import EXIT_FAILED
from migrate.exitcodes import EXIT_OK
from migrate.exitcodes import EXIT_PENDING
from migrate.runner import CHANGED
from migrate.runner import FAILED
from migrate.runner import RESTORED
from migrate.runner import SKIPPED
from migrate.runner import UNCHANGED
from migrate.batch import owner_of
from migrate.engine import COMPLIANT
from migrate.engine import FOREIGN
from migrate.engine import WILL_MIGRATE
from migrate.model import new_values
from migrate.policy import Policy
from migrate.runner import Outcome

_ENDPOINT = ("protocol", "host", "port", "security", "username")
COLUMNS = ("home", "owner", "client", "file", "account", *(f"before_{f}" for f in _ENDPOINT),
           *(f"after_{f}" for f in _ENDPOINT), "status", "warnings")



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

    def rows(self, policy: Policy) -> list[dict]:
        """One row per account (one per setup that failed or was skipped), for the report file."""
        rows = []
        for outcome in self.outcomes:
            base = {"home": outcome.home, "owner": owner_of(Path(outcome.path)), "client": outcome.client or "",
                    "file": outcome.path}
            if outcome.plan is None or not outcome.plan.accounts:
                rows.append({**base, "status": outcome.status, "warnings": outcome.reason})
                continue
            plan = outcome.plan
            for account in plan.accounts:
                changes = [c for c in plan.changes if c.account == account.key]
                values = new_values(changes, "incoming")
                before = {f"before_{f}": getattr(account.incoming, f) for f in _ENDPOINT}
                after = {f"after_{f}": values.get(f, getattr(account.incoming, f)) for f in _ENDPOINT}
                notes = "; ".join(n.message for n in plan.notes if n.account == account.key)
                status = plan.status(account, policy)
                if status == WILL_MIGRATE and outcome.written:
                    status = "migrated"
                rows.append({**base, "account": account.label, **before, **after,
                             "status": status if outcome.status != "failed" else "failed", "warnings": notes})
        return rows

    def accounts_summary(self, policy: Policy) -> str:
        statuses = Counter(row["status"] for row in self.rows(policy))
        homes = len({outcome.home for outcome in self.outcomes if outcome.home})
        live = sum(1 for o in self.outcomes if o.status == "skipped" and ("running" in o.reason or "in use" in o.reason))
        migrated = statuses["migrated"] + statuses[WILL_MIGRATE]
        return (f"{homes} home{'s' * (homes != 1)}, {len(self.outcomes)} setups: {migrated} accounts to migrate or"
                f" migrated, {statuses[COMPLIANT]} already compliant, {statuses[FOREIGN]} of other services,"
                f" {live} skipped because the client is running, {self.counts['failed']} failed")


def write_report(path: Path, report: Report, policy: Policy) -> None:
    rows = report.rows(policy)
    if path.suffix.lower() == ".csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    else:
        summary = {"setups": len(report.outcomes), "summary": report.accounts_summary(policy), **report.counts}
        text = json.dumps({"summary": summary, "accounts": rows}, indent=1, default=str) + "\n"
    path.write_text(text, "utf-8")
