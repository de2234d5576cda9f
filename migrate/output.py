"""What people and scripts read: the scan table, plans in words, diffs, JSON.

Nothing here can show a password: accounts only say whether one is saved,
and diffs come from the redacted rendering.
"""
from __future__ import annotations

import dataclasses
import io
import json
from typing import Optional
from typing import TextIO

from migrate.engine import WILL_MIGRATE
from migrate.model import Account
from migrate.model import Change
from migrate.policy import Policy
from migrate.report import Report
from migrate.runner import Outcome

_COLUMNS = ("file", "client", "protocol", "host", "port", "security", "user", "status")


def _show(value: object) -> str:
    return "(not set)" if value is None else str(value)


def scan_rows(report: Report, policy: Policy) -> list[dict]:
    rows = []
    for outcome in report.outcomes:
        if outcome.plan is None:
            continue
        for account in outcome.plan.accounts:
            incoming = account.incoming
            rows.append({
                "file": outcome.path, "client": outcome.client, "protocol": incoming.protocol,
                "host": incoming.host, "port": incoming.port, "security": incoming.security,
                "user": incoming.username if incoming.username is not None else account.local_user,
                "status": outcome.plan.status(account, policy),
            })
    return rows


def scan_text(report: Report, policy: Policy) -> str:
    rows = [[_show(row[c]) for c in _COLUMNS] for row in scan_rows(report, policy)]
    if not rows:
        return "no accounts found\n"
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(_COLUMNS)]
    lines = [[c.upper() for c in _COLUMNS], *rows]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() + "\n" for line in lines)


def plan_text(outcome: Outcome, policy: Policy, with_diff: bool = True, done: bool = False) -> str:
    """An account per line with its status, its changes and notes in words, then the diff."""
    if outcome.plan is None:
        return ""
    plan = outcome.plan
    lines = [f"{outcome.path} ({outcome.client})"]
    keys = {account.key for account in plan.accounts}
    lines += [f"  note: {n.message}" for n in plan.notes if n.account not in keys]  # about the setup as a whole
    if not plan.accounts:
        lines.append("  no accounts found")
    for account in plan.accounts:
        status = plan.status(account, policy)
        lines.append(f"  {account.label} (line {account.line}): {'migrated' if done and status == WILL_MIGRATE else status}")
        lines += [f"    {change_words(c)}" for c in plan.changes_of(account.key)]
        lines += [f"    note: {n.message}" for n in plan.notes_of(account.key)]
    return "\n".join(lines) + "\n" + (outcome.diff if with_diff else "")


def change_words(change: Change) -> str:
    if change.field == "folder":
        return f"folder: {change.old!r} -> {change.new!r}"
    if change.field.endswith(".password"):
        return f"{change.words}: removed"
    old = "(login name)" if change.field.endswith(".username") and change.old is None else _show(change.old)
    return f"{change.words}: {old} -> {_show(change.new)}"


def json_entry(outcome: Outcome, policy: Policy, with_diff: bool) -> dict:
    entry: dict = {"path": outcome.path, "client": outcome.client, "status": outcome.status}
    if outcome.reason:
        entry["reason"] = outcome.reason
    if outcome.plan is not None:
        plan = outcome.plan
        entry["accounts"] = [_account_json(a, plan.status(a, policy)) for a in plan.accounts]
        entry["changes"] = plan.changes
        entry["notes"] = plan.notes
        if with_diff:
            entry["diff"] = outcome.diff
    entry["written"] = outcome.written
    return entry


class JsonStream:
    """One JSON document on a stream, its ``files`` written as the setups come in."""

    def __init__(self, stream: TextIO, command: str, policy: Policy, with_diff: bool = False) -> None:
        self.stream, self.policy, self.with_diff, self.first = stream, policy, with_diff, True
        stream.write("{\n" + f'  "command": {json.dumps(command)},\n  "policy": {json.dumps(policy.source)},\n  "files": [')

    def add(self, outcome: Outcome) -> None:
        # one line per setup: grep-friendly, and json's C encoder only writes without indentation
        entry = json.dumps(json_entry(outcome, self.policy, self.with_diff), default=_fields)
        self.stream.write(("\n    " if self.first else ",\n    ") + entry)
        self.first = False

    def close(self, report: Report, run: Optional[str] = None) -> None:
        summary = json.dumps({"files": report.setups, **report.summary_json()})
        self.stream.write(f"\n  ],\n  \"run\": {json.dumps(run)},\n  \"summary\": {summary}\n}}\n")


def to_json(command: str, report: Report, policy: Policy, run: Optional[str] = None, with_diff: bool = False) -> str:
    buffer = io.StringIO()
    stream = JsonStream(buffer, command, policy, with_diff)
    for outcome in report.outcomes:
        stream.add(outcome)
    stream.close(report, run)
    return buffer.getvalue()


def _account_json(account: Account, status: str) -> dict:
    return {**vars(account), "status": status}


def _fields(value: object) -> dict:
    """A dataclass as JSON (what ``dataclasses.asdict`` gives, without its deep copies)."""
    if dataclasses.is_dataclass(value):
        return vars(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
