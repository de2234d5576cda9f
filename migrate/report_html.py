"""The ``--report FILE.html`` page: totals, a chart of accounts by client and status, a row per account
grouped by home, and every failure with its ``file:line:col`` message.

Rows and failures are streamed to temporary files as the setups come in; the page is put together at
the end (totals and chart first, which only the end knows), copying them over.  Memory holds one
home's rows and the chart's counts, whatever the number of homes.
"""
from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Optional
from typing import TextIO

from migrate.engine import COMPLIANT
from migrate.engine import FOREIGN
from migrate.engine import REPLACE
from migrate.engine import WILL_MIGRATE
from migrate.errors import MigrateError
from migrate.errors import UsageError
from migrate.files import replacing
from migrate.policy import Policy
from migrate.publish.render import render
from migrate.report import Report
from migrate.report import account_rows
from migrate.runner import FAILED
from migrate.runner import Outcome

#: the statuses the chart shows, in its order, with their colours
STATUSES = {"migrated": "#2e7d32", WILL_MIGRATE: "#66bb6a", REPLACE: "#6a1b9a", COMPLIANT: "#1565c0",
            FOREIGN: "#9e9e9e", "unchanged": "#bdbdbd", "skipped": "#f9a825", "failed": "#c62828"}
#: the account statuses counted in the totals
ACCOUNT_TOTALS = ("migrated", WILL_MIGRATE, REPLACE, COMPLIANT, FOREIGN)


class HtmlReport:
    """``changed_word`` names the setups changed in the summary, as the command's own does: ``changed``
    for apply, ``to change`` for plan and scan."""

    def __init__(self, path: Path, policy: Policy, changed_word: str = "changed") -> None:
        self.path, self.policy, self.changed_word = path, policy, changed_word
        self.chart: Counter = Counter()  #: accounts by (client, status)
        try:  # beside the report: a folder that cannot take it is known at once, before any work, as a usage error
            self.rows = tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent)
            self.failures = tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent)
        except OSError as error:
            raise UsageError(f"{path}: cannot write the report: {error.strerror}") from None
        self.home: Optional[str] = None
        self.home_rows: list[dict] = []
        self.failed = 0

    def add(self, outcome: Outcome) -> None:
        if outcome.home != self.home:
            self._flush_home()
            self.home = outcome.home
        rows = account_rows(outcome, self.policy)
        for row in rows:
            self.chart[(row["client"] or "(unknown)", row["status"])] += 1
        self.home_rows += rows
        if outcome.status == FAILED:
            self.failed += 1
            self.failures.write(render("report/failure.html", outcome=outcome))

    def _flush_home(self) -> None:
        if self.home_rows:
            self.rows.write(render("report/home.html", home=self.home, rows=self.home_rows))
        self.home_rows = []

    def close(self, report: Report) -> None:
        self._flush_home()
        page = render("report/page.html", report=report, policy=self.policy, chart=chart(self.chart),
                      statuses=STATUSES, totals=ACCOUNT_TOTALS, failed=self.failed,
                      changed_word=self.changed_word)
        head, _, foot = page.partition("<!-- rows -->")
        head, _, middle = head.partition("<!-- failures -->")
        try:
            with replacing(self.path, "w", "utf-8") as out:
                out.write(head)
                _copy(self.failures, out)
                out.write(middle)
                _copy(self.rows, out)
                out.write(foot)
        except OSError as error:
            raise MigrateError(f"{self.path}: cannot write the report: {error.strerror}") from None
        finally:
            self.rows.close()
            self.failures.close()


def _copy(source: TextIO, target: TextIO) -> None:
    source.seek(0)
    shutil.copyfileobj(source, target)


def chart(counts: Counter) -> dict:
    """The bars: one per client, most accounts first, its segments in ``STATUSES`` order."""
    clients: Counter = Counter()
    for (client, _), n in counts.items():
        clients[client] += n
    widest = max(clients.values(), default=1)
    bars = []
    for client, total in sorted(clients.items(), key=lambda item: (-item[1], item[0])):
        x, segments = 0.0, []
        for status in (*STATUSES, *sorted({s for c, s in counts if s not in STATUSES})):
            n = counts.get((client, status), 0)
            if n:
                width = 100.0 * n / widest
                segments.append({"status": status, "count": n, "x": round(x, 3), "width": round(width, 3),
                                 "colour": STATUSES.get(status, "#6d4c41")})
                x += width
        bars.append({"client": client, "total": total, "segments": segments})
    return {"bars": bars, "widest": widest}
