#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, the mailmigrate authors
# MIT License (see https://opensource.org/licenses/MIT)
"""mailmigrate's Ansible module: the library's plan, apply and restore, their outcomes as Ansible results."""
from __future__ import annotations

DOCUMENTATION = r"""
---
module: migrate
short_description: Move legacy mail client setups to the new IMAP-only staff mail service
description:
  - Finds the mail client setups (fetchmail, Thunderbird and SeaMonkey, mutt and NeoMutt, Pine and Alpine,
    Evolution, Outlook Express, Outlook and Windows Mail exports) in the given files, folders or homes, and
    rewrites each account of the service as the site's policy says, the way C(mailmigrate apply) does, with
    the same rules, atomic writes and run records (the bytes before of every file written).
  - Only the values that must change are rewritten; accounts of other providers are left byte for byte.
  - In check mode nothing is written (C(mailmigrate plan)); the task reports C(changed) when something would
    change. A second real run reports C(ok).
  - A file that cannot be read (its one-line C(file:line:col) message in RV(failed_files)) fails the task,
    after every other file has been migrated. A setup whose client is running, or a home that another run
    holds, is left alone and reported in RV(skipped_files), not as a failure.
  - With O(state=restored), puts back the exact bytes a recorded run changed.
version_added: "0.1.0"
author:
  - The mailmigrate authors (!UNKNOWN)
requirements:
  - mailmigrate, importable by the Python that runs the module on the target (install it with
    C(ansible.builtin.pip) into a virtualenv and point C(ansible_python_interpreter) at that virtualenv's
    python, as the role M(mailmigrate.mailmigrate.migrate_homes) does)
options:
  path:
    description:
      - Files, or folders such as home directories, to look for setups in.
      - Without O(path), O(home) or O(homes), the home directory of the user the module runs as (the
        connecting user, or the become user under C(become)).
    type: list
    elements: path
  home:
    description:
      - Home directories, each done as a home (as with O(homes), or C(mailmigrate --homes-from)).
      - With O(state=restored), only the files under these homes are put back (as C(mailmigrate restore
        --home)); without O(run) or O(before), from the last run that changed each home.
    type: list
    elements: path
  homes:
    description:
      - A folder whose every subfolder is a home, as C(mailmigrate --homes).
      - Inside a home nothing is read or written through a link, and nothing outside it is touched (a profile
        that C(profiles.ini) places elsewhere is reported and left alone).
    type: path
  policy:
    description:
      - A site policy file on the target. Without it, the built-in Loughborough policy.
    type: path
  set:
    description:
      - "Policy values for this run, as C(--set SECTION.KEY=VALUE): for example C(incoming.host) to
        V(imap.example.ac.uk)."
    type: dict
    default: {}
  format:
    description:
      - Read the given files as this format, whatever their names (see C(mailmigrate formats)).
    type: str
  jobs:
    description:
      - Worker processes; by default the number of cores of the target.
    type: int
  state:
    description:
      - V(migrated) rewrites the setups; V(restored) undoes a recorded run.
    type: str
    choices: [migrated, restored]
    default: migrated
  run:
    description:
      - With O(state=restored), the run to undo (its id or a unique prefix, as returned in RV(run)).
      - Without O(run) or O(before), the last run is undone.
    type: str
  before:
    description:
      - With O(state=restored), undo every run that started at or after this date, newest first
        (V(2026-11-27 14:00), V(yesterday 14:00), V(3 hours ago)).
    type: str
  force:
    description:
      - With O(state=restored), also restore files changed since the run; the bytes they had are recorded
        in the run's journal first.
    type: bool
    default: false
  state_dir:
    description:
      - Where the run records (with the bytes before) are kept on the target. By default C($MAILMIGRATE_STATE_DIR), else
        C($XDG_STATE_HOME/mailmigrate), else C(~/.local/state/mailmigrate) of the user the module runs as.
    type: path
attributes:
  check_mode:
    support: full
    description: Plans (or, with O(state=restored), finds what would be restored) and writes nothing.
  diff_mode:
    support: full
    description: Each file to change, before and after, with every saved password shown as C(********).
  platform:
    support: full
    platforms: posix
    description: Targets with Python 3.10 or later.
notes:
  - No password is ever returned, in results, messages or diffs; the options hold none, so nothing is hidden
    from C(-vvv) logs but the passwords that never leave the files.
  - Run the task with C(become) to migrate other users' homes; rewritten files keep their owner and mode.
  - In diff mode with O(state=restored) there is no diff, since the bytes before in a run's journal are not read as a setup.
"""

EXAMPLES = r"""
- name: Show what would change in every home (run the play with --check --diff)
  mailmigrate.mailmigrate.migrate:
    homes: /home
  become: true

- name: Migrate the connecting user's own setups
  mailmigrate.mailmigrate.migrate:
  register: mail

- name: Migrate two profile copies for another site's service
  mailmigrate.mailmigrate.migrate:
    path:
      - /srv/profiles/ab1
      - /srv/profiles/cd2
    set:
      incoming.host: imap.example.ac.uk
      outgoing.host: smtp.example.ac.uk
    jobs: 2

- name: Undo the run recorded above
  mailmigrate.mailmigrate.migrate:
    state: restored
    run: "{{ mail.run }}"
  when: mail.run
"""

RETURN = r"""
changed:
  description: Whether a file was (in check mode, would be) written or restored.
  returned: always
  type: bool
msg:
  description: The setups by outcome, as C(mailmigrate) sums them up.
  returned: always
  type: str
  sample: "4 setups: 3 changed, 1 unchanged"
accounts:
  description: Every account found, with its status.
  returned: when O(state=migrated)
  type: list
  elements: dict
  contains:
    file:
      description: The setup (a file, or a profile folder) holding the account.
      type: str
    home:
      description: The home (or path given) the setup was found in.
      type: str
    client:
      description: The mail program.
      type: str
    account:
      description: The account in words.
      type: str
    line:
      description: Where the account starts in its file.
      type: int
    status:
      description: V(migrated), V(will migrate), V(compliant), V(not this service) or V(failed).
      type: str
  sample:
    - file: /home/ab1/.fetchmailrc
      home: /home/ab1
      client: fetchmail
      account: poll pop.lboro.ac.uk, user ab1
      line: 9
      status: migrated
changes:
  description: "Every change made (in check mode, to be made), in words, one per line: C(file: account: change)."
  returned: when O(state=migrated)
  type: list
  elements: str
  sample:
    - "/home/ab1/.fetchmailrc: poll pop.lboro.ac.uk, user ab1: incoming protocol: pop3 -> imap"
notes:
  description: "What a person should know that the module does not change by itself: C(file: account: note)."
  returned: when O(state=migrated)
  type: list
  elements: str
run:
  description:
    - With O(state=migrated), the id of the run that recorded the files written (for O(state=restored)), or
      null when nothing was written.
    - With O(state=restored), the runs undone, comma-separated.
  returned: always
  type: str
  sample: 20261127T140000Z-1a2b
restored:
  description: The files put back (in check mode, to be put back).
  returned: when O(state=restored)
  type: list
  elements: str
failed_files:
  description: The files that failed, each with its one-line message; the task fails when there are any.
  returned: always
  type: list
  elements: dict
  contains:
    file:
      description: The setup.
      type: str
    msg:
      description: "The problem, as C(file:line:col: message) where the place is known."
      type: str
  sample:
    - file: /home/cd2/.fetchmailrc
      msg: "/home/cd2/.fetchmailrc:1:50: unexpected end of file after 'pass'"
skipped_files:
  description:
    - Setups left alone and why; C(live) is true where the mail program is running.
    - Not C(skipped), which Ansible reads as the task's own state.
  returned: when O(state=migrated)
  type: list
  elements: dict
  contains:
    file:
      description: The setup, or the home.
      type: str
    reason:
      description: Why it was left alone.
      type: str
    live:
      description: Whether its mail program is running.
      type: bool
summary:
  description: Counts of setups by outcome and of accounts by status, as C(mailmigrate --json) gives them.
  returned: when O(state=migrated)
  type: dict
diff:
  description: In diff mode, each file to change before and after, passwords masked.
  returned: in diff mode, when O(state=migrated)
  type: list
  elements: dict
"""

import os
import traceback
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

try:
    from migrate import api
    from migrate.errors import MigrateError
    from migrate.errors import WorkerLost
    from migrate.output import change_words
    from migrate.policy import load_policy
    from migrate.report import Report
    from migrate.report import account_status
    from migrate.runner import CHANGED
    from migrate.runner import FAILED
    from migrate.runner import RESTORED
    from migrate.runner import SKIPPED
    from migrate.runner import TEXTS
    from migrate.runs import new_run_id
except ImportError:
    MAILMIGRATE_IMPORT_ERROR = traceback.format_exc()
else:
    MAILMIGRATE_IMPORT_ERROR = None

ARGUMENTS = dict(
    path=dict(type="list", elements="path"),
    home=dict(type="list", elements="path"),
    homes=dict(type="path"),
    policy=dict(type="path"),
    set=dict(type="dict", default={}),
    format=dict(type="str"),
    jobs=dict(type="int"),
    state=dict(type="str", choices=["migrated", "restored"], default="migrated"),
    run=dict(type="str"),
    before=dict(type="str"),
    force=dict(type="bool", default=False),
    state_dir=dict(type="path"),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENTS, supports_check_mode=True,
                           mutually_exclusive=[("path", "home", "homes"), ("run", "before")])
    if MAILMIGRATE_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("mailmigrate"), exception=MAILMIGRATE_IMPORT_ERROR)
    params = module.params
    if params["state"] == "migrated" and (params["run"] or params["before"]):
        module.fail_json(msg="run and before go with state=restored")
    if params["state"] == "restored" and (params["path"] or params["homes"]):
        module.fail_json(msg="with state=restored, name the homes to undo with home")
    try:
        result = restored(module) if params["state"] == "restored" else migrated(module)
    except MigrateError as error:
        module.fail_json(msg=str(error))
    if result["failed_files"]:
        reasons = "; ".join(failed["msg"] for failed in result["failed_files"])
        module.fail_json(**{**result, "msg": f"{result['msg']}: {reasons}"})
    module.exit_json(**result)


def migrated(module):
    """Plan (check mode) or apply, and every outcome in the result."""
    params = module.params
    overrides = tuple(f"{key}={value}" for key, value in params["set"].items())
    policy = load_policy(params["policy"], overrides)
    request = api.Request(
        paths=tuple(Path(path) for path in params["path"] or ()), homes=_path(params["homes"]),
        home_list=tuple(params["home"]) if params["home"] else None, policy=params["policy"], overrides=overrides,
        format=params["format"], jobs=params["jobs"] or os.cpu_count() or 1, state_dir=_path(params["state_dir"]))
    command = "plan" if module.check_mode else "apply"
    run_id = new_run_id() if command == "apply" else None
    work = api.batch(command, request, run_id, TEXTS if module._diff else None)
    report, result = Report(policy, keep=False), Result(policy)
    results = work.outcomes()
    try:
        for outcomes in results:
            report.add(outcomes)
            report.homes += 1
            for outcome in outcomes:
                result.add(outcome)
    except WorkerLost as lost:
        raise MigrateError(f"{lost}; what was changed is recorded as run {run_id}: run again to finish,"
                           f" or undo with state=restored, run={run_id}") from None
    finally:
        results.close()
    values = dict(
        changed=result.written if command == "apply" else report.counts[CHANGED] > 0,
        msg=report.summary("changed" if command == "apply" else "to change"),
        run=run_id if result.written else None, summary=report.summary_json(), **result.values())
    if module._diff:
        values["diff"] = result.diffs
    return values


class Result:
    """The outcomes as the module returns them: accounts, changes and notes in words, failures, skips, diffs."""

    def __init__(self, policy):
        self.policy, self.written = policy, False
        self.accounts, self.changes, self.notes, self.failed, self.skipped, self.diffs = [], [], [], [], [], []

    def add(self, outcome):
        path = _shown(outcome.path)
        self.written |= outcome.written
        if outcome.status == FAILED:
            self.failed.append(dict(file=path, msg=_shown(outcome.reason)))
        elif outcome.status == SKIPPED:
            self.skipped.append(dict(file=path, reason=_shown(outcome.reason), live=outcome.live))
        self.diffs += [dict(before_header=_shown(name), after_header=_shown(name), before=_shown(before),
                            after=_shown(after)) for name, before, after in outcome.texts]
        if outcome.plan is not None:
            self._accounts(path, outcome)

    def _accounts(self, path, outcome):
        plan = outcome.plan
        labels = {account.key: _shown(account.label) for account in plan.accounts}
        for account in plan.accounts:
            label = labels[account.key]
            self.accounts.append(dict(file=path, home=_shown(outcome.home), client=outcome.client, account=label,
                                      line=account.line, status=account_status(outcome, account, self.policy)))
            self.changes += [f"{path}: {label}: {_shown(change_words(change))}" for change in plan.changes_of(account.key)]
        self.notes += [f"{path}: {labels[note.account] + ': ' if note.account in labels else ''}{_shown(note.message)}"
                       for note in plan.notes]

    def values(self):
        return dict(accounts=self.accounts, changes=self.changes, notes=self.notes, failed_files=self.failed,
                    skipped_files=self.skipped)


def restored(module):
    """Put back the bytes of the runs asked for (in check mode, only say which files)."""
    params, runs, outcomes = module.params, {}, []
    for home in [Path(home) for home in params["home"] or ()] or [None]:
        chosen, done = api.restore_runs(_path(params["state_dir"]), params["run"], params["before"], home,
                                        params["force"], write=not module.check_mode)
        runs.update((run.id, run) for run in chosen)
        outcomes += done
    report = Report()
    report.add(outcomes)
    return dict(
        changed=report.counts[RESTORED] > 0, run=",".join(runs),
        msg=("check mode, nothing written: " if module.check_mode else "") + report.summary("changed"),
        restored=[_shown(o.path) for o in outcomes if o.status == RESTORED],
        failed_files=[dict(file=_shown(o.path), msg=_shown(o.reason)) for o in outcomes if o.status == FAILED])


def _path(value):
    return None if value is None else Path(value)


def _shown(text):
    """Text as the module can return it: bytes that are not UTF-8 (kept through ``surrogateescape``) as ``\\xNN``."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


if __name__ == "__main__":
    main()
