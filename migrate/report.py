"""Counting outcomes, and the exit codes scripts rely on."""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Iterable
from typing import Optional

from migrate.exitcodes import EXIT_FAILED
from migrate.exitcodes import EXIT_OK
from migrate.exitcodes import EXIT_PENDING
from migrate.batch import owner_of
from migrate.engine import COMPLIANT
from migrate.engine import FOREIGN
from migrate.engine import REPLACE
from migrate.engine import WILL_MIGRATE
from migrate.errors import UsageError
from migrate.model import Account
from migrate.model import new_values
from migrate.policy import Policy
from migrate.runner import CHANGED
from migrate.runner import FAILED
from migrate.runner import RESTORED
from migrate.runner import SKIPPED
from migrate.runner import UNCHANGED
from migrate.runner import Outcome

_ENDPOINT = ("protocol", "host", "port", "security", "username")
COLUMNS = ("home", "owner", "client", "file", "account", *(f"before_{f}" for f in _ENDPOINT),
           *(f"after_{f}" for f in _ENDPOINT), "status", "warnings")


class Report:
    """Counts of what happened.  The outcomes themselves are kept only with ``keep`` (the scan table,
    restores): a batch run streams them out, so its memory does not grow with the homes."""

    def __init__(self, policy: Optional[Policy] = None, keep: bool = True) -> None:
        self.policy, self.keep = policy, keep
        self.outcomes: list[Outcome] = []
        self.counts: Counter = Counter()  #: setups by status
        self.accounts: Counter = Counter()  #: accounts by status
        self.setups = self.homes = self.live = 0

    def add(self, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            self.setups += 1
            self.counts[outcome.status] += 1
            self.live += outcome.live
            if self.policy is not None and outcome.plan is not None:
                self.accounts.update(account_status(outcome, account, self.policy) for account in outcome.plan.accounts)
            if self.keep:
                self.outcomes.append(outcome)

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
        words = {CHANGED: changed_word, UNCHANGED: "unchanged", RESTORED: "restored", SKIPPED: "skipped",
                 FAILED: "failed"}
        parts = [f"{self.counts[status]} {word}" for status, word in words.items() if self.counts[status]]
        return f"{self.setups} setup{'s' if self.setups != 1 else ''}: " + (", ".join(parts) or "nothing found")

    def accounts_summary(self) -> str:
        migrated = self.accounts["migrated"] + self.accounts[WILL_MIGRATE]
        replace = f" {self.accounts[REPLACE]} {REPLACE} (their program reads only POP)," if self.accounts[REPLACE] else ""
        return (f"{self.homes} home{'s' * (self.homes != 1)}, {self.setups} setups: {migrated} accounts to migrate or"
                f" migrated, {self.accounts[COMPLIANT]} already compliant, {self.accounts[FOREIGN]} of other services,"
                f"{replace}"
                f" {self.live} skipped because the client is running, {self.counts[FAILED]} failed")

    def summary_json(self) -> dict:
        return {"homes": self.homes, "setups": self.setups, **{k: self.counts[k] for k in sorted(self.counts)},
                "accounts": dict(sorted(self.accounts.items())), "skipped_live": self.live}


def account_rows(outcome: Outcome, policy: Policy) -> list[dict]:
    """One row per account (one per setup that failed or was skipped), for the report file."""
    base = {"home": outcome.home, "owner": owner_of(Path(outcome.path)), "client": outcome.client or "",
            "file": outcome.path}
    if outcome.plan is None or not outcome.plan.accounts:
        return [{**base, "status": outcome.status, "warnings": outcome.reason}]
    plan, rows = outcome.plan, []
    for account in plan.accounts:
        values = new_values(plan.changes_of(account.key), "incoming")
        before = {f"before_{f}": getattr(account.incoming, f) for f in _ENDPOINT}
        after = {f"after_{f}": values.get(f, getattr(account.incoming, f)) for f in _ENDPOINT}
        notes = "; ".join(n.message for n in plan.notes_of(account.key))
        rows.append({**base, "account": account.label, **before, **after,
                     "status": account_status(outcome, account, policy), "warnings": notes})
    return rows


def account_status(outcome: Outcome, account: Account, policy: Policy) -> str:
    """The account's status in the report: ``migrated`` once written, ``failed`` with its setup."""
    if outcome.status == FAILED:
        return FAILED
    status = outcome.plan.status(account, policy)  # type: ignore[union-attr]
    return "migrated" if status == WILL_MIGRATE and outcome.written else status


def open_report(path: Path, policy: Policy, changed_word: str):
    """The ``--report`` file for its extension: ``.html`` a page (its summary says ``changed_word``, as
    the command's does), ``.csv`` a table, anything else JSON."""
    if path.suffix.lower() in (".html", ".htm"):
        from migrate.report_html import HtmlReport  # Jinja2, only for a run that asks for a page

        return HtmlReport(path, policy, changed_word)
    return ReportFile(path, policy)


class ReportFile:
    """The ``--report`` file, written row by row (CSV) or entry by entry (JSON) as setups come in."""

    def __init__(self, path: Path, policy: Policy) -> None:
        self.policy, self.csv = policy, path.suffix.lower() == ".csv"
        try:
            self.handle = path.open("w", encoding="utf-8", newline="")
        except OSError as error:  # known before any work is done, as a wrong command line is
            raise UsageError(f"{path}: cannot write the report: {error.strerror}") from None
        if self.csv:
            self.writer = csv.DictWriter(self.handle, COLUMNS, extrasaction="ignore")
            self.writer.writeheader()
        else:
            self.handle.write('{"accounts": [')
        self.first = True

    def add(self, outcome: Outcome) -> None:
        for row in account_rows(outcome, self.policy):
            if self.csv:
                self.writer.writerow(row)
            else:
                self.handle.write(("\n" if self.first else ",\n") + json.dumps(row, default=str))
                self.first = False

    def close(self, report: Report) -> None:
        if not self.csv:
            summary = {**report.summary_json(), "summary": report.accounts_summary()}
            self.handle.write('\n], "summary": ' + json.dumps(summary) + "}\n")
        self.handle.close()
