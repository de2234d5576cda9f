"""The commands behind ``mailmigrate``: they turn parsed arguments into jobs and print the results."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import sys
from pathlib import Path
from typing import Callable

from migrate import api
from migrate.batch import homes_listed
from migrate.errors import WorkerLost
from migrate.exitcodes import EXIT_FAILED
from migrate.exitcodes import EXIT_INTERRUPTED
from migrate.exitcodes import EXIT_OK
from migrate.exitcodes import EXIT_USAGE
from migrate.model import Account
from migrate.output import JsonStream
from migrate.output import plan_text
from migrate.output import scan_text
from migrate.output import to_json
from migrate.plugins import load_parsers
from migrate.policy import Policy
from migrate.policy import default_policy_text
from migrate.progress import progress
from migrate.report import Report
from migrate.report import open_report
from migrate.runner import UNIFIED
from migrate.runner import Outcome
from migrate.runs import default_state_dir
from migrate.runs import load_runs
from migrate.runs import new_run_id
from migrate.runs import run_recorded


def _request(args: argparse.Namespace) -> api.Request:
    listed = tuple(homes_listed(args.homes_from)) if args.homes_from is not None else None
    return api.Request(tuple(args.paths), args.homes, listed, tuple(args.user), args.policy, tuple(args.set),
                       args.format, args.modified_since, args.jobs, args.state_dir)


def _run(args: argparse.Namespace, policy: Policy, command: str, each: Callable[[Outcome], None],
         run_id: str = "", keep: bool = False) -> Report:
    """Do the jobs, handing each outcome to ``each`` (and to the report file) as it comes."""
    work = api.batch(command, _request(args), run_id or None, UNIFIED if command == "plan" else None)
    report = Report(policy, keep)
    changed_word = "changed" if command == "apply" else "to change"
    report_file = open_report(args.report, policy, changed_word) if args.report else None
    # closed on the way out, not when collected: a Ctrl-C while the workers finish must reach the caller
    results = work.outcomes()
    unit = "home" if args.homes or args.homes_from else "path"
    with progress(len(work.jobs), unit) as shown, contextlib.closing(results):
        for outcomes in results:
            report.add(outcomes)
            report.homes += 1
            for outcome in outcomes:
                if outcome.reason and outcome.status in ("failed", "skipped"):
                    shown.write(outcome.reason)
                each(outcome)
                if report_file is not None:
                    report_file.add(outcome)
            shown.advance(setups=report.setups, failed=report.counts["failed"])
    if report_file is not None:
        report_file.close(report)
    return report


def scan(args: argparse.Namespace, policy: Policy) -> int:
    if args.json:
        stream = JsonStream(sys.stdout, "scan", policy)
        report = _run(args, policy, "scan", stream.add)
        stream.close(report)
    else:  # the table is aligned, so its rows wait for the last one
        report = _run(args, policy, "scan", lambda outcome: None, keep=True)
        sys.stdout.write(scan_text(report, policy))
    return report.return_code()


def plan(args: argparse.Namespace, policy: Policy) -> int:
    if args.json:
        stream = JsonStream(sys.stdout, "plan", policy, with_diff=True)
        report = _run(args, policy, "plan", stream.add)
        stream.close(report)
    else:
        report = _run(args, policy, "plan", lambda outcome: sys.stdout.write(plan_text(outcome, policy)))
        print(report.summary("to change"))
        print(report.accounts_summary())
    return report.return_code(check=args.check)


def apply_command(args: argparse.Namespace, policy: Policy) -> int:
    run_id, written = new_run_id(), False
    stream = JsonStream(sys.stdout, "apply", policy) if args.json else None

    def show(outcome: Outcome) -> None:
        nonlocal written
        written |= outcome.written
        if stream is not None:
            stream.add(outcome)
        elif outcome.written:
            sys.stdout.write(plan_text(outcome, policy, with_diff=False, done=True))

    state_dir = args.state_dir or default_state_dir()
    try:
        report = _run(args, policy, "apply", show, run_id)
    except KeyboardInterrupt:
        return _stopped("interrupted", state_dir, run_id, EXIT_INTERRUPTED)
    except WorkerLost as lost:
        return _stopped(str(lost), state_dir, run_id, EXIT_FAILED)
    recorded = run_id if written else None
    if stream is not None:
        stream.close(report, recorded)
    else:
        print(report.summary("changed"))
        print(report.accounts_summary())
        if recorded:
            where = state_dir / "runs" / recorded
            print(f"run {recorded}: recorded with the bytes before in {where}; undo with: mailmigrate restore --run {recorded}")
    return report.return_code()


def _stopped(why: str, state_dir: Path, run_id: str, code: int) -> int:
    """``apply`` stopped part-way (Ctrl-C, a worker killed): one line on what is left, no traceback."""
    if run_recorded(state_dir, run_id):
        print(f"mailmigrate: {why}; what was changed is recorded as run {run_id}: run apply again to finish,"
              f" or undo with: mailmigrate restore --run {run_id}", file=sys.stderr)
    else:
        print(f"mailmigrate: {why}; nothing was changed", file=sys.stderr)
    return code


def restore_command(args: argparse.Namespace, policy: Policy) -> int:
    runs, outcomes = api.restore_runs(args.state_dir, args.run, args.before, args.home, args.force)
    report = Report()
    report.add(outcomes)
    for outcome in report.outcomes:
        if outcome.reason and outcome.status == "failed":
            print(outcome.reason, file=sys.stderr)
    if args.json:
        sys.stdout.write(to_json("restore", report, policy, run=",".join(run.id for run in runs)))
    else:
        for outcome in report.outcomes:
            if outcome.written:
                print(f"restored {outcome.path}")
        print(f"{report.summary('changed')} (run{'s' * (len(runs) > 1)} {', '.join(run.id for run in runs)})")
    return report.return_code()


def verify_command(args: argparse.Namespace, policy: Policy) -> int:
    import json
    import ssl

    from migrate import verify

    found: list[tuple[Outcome, Account]] = []

    def collect(outcome: Outcome) -> None:
        found.extend((outcome, account) for account in (outcome.plan.accounts if outcome.plan else ()))

    _run(args, policy, "scan", collect)
    mine = [(outcome, account) for outcome, account in found if verify.of_service(account, policy)]
    try:
        tls = ssl.create_default_context(cafile=args.cafile)
    except (OSError, ssl.SSLError) as error:
        _usage(f"--cafile {args.cafile}: {error.strerror or error}")
    settings = verify.Settings(_passwords(args), tls, args.timeout, args.send_test)
    results = []
    for outcome, account in mine:
        result = verify.verify_account(account, outcome.path, outcome.client or "", policy, settings)
        results.append(result)
        if not args.json:
            print(f"{result.path} ({result.client}): {result.account}, server {result.server}")
            for check in result.checks:
                print(f"  {'ok  ' if check.ok else 'FAIL'}  {check.what}{': ' + check.detail if check.detail else ''}")
    working = sum(result.ok for result in results)
    summary = {"accounts": len(results), "working": working, "failing": len(results) - working,
               "other_services": len(found) - len(mine)}
    if args.json:
        accounts = [{**dataclasses.asdict(r), "ok": r.ok} for r in results]
        print(json.dumps({"command": "verify", "accounts": accounts, "summary": summary}, indent=2))
    else:
        print(f"{len(results)} account{'s' * (len(results) != 1)} of the service: {working} working,"
              f" {len(results) - working} not; {summary['other_services']} of other services left alone")
    return EXIT_OK if working == len(results) else EXIT_FAILED


def _passwords(args: argparse.Namespace) -> Callable[[str], str]:
    """The password for a login name: from --password-file, $MAILMIGRATE_PASSWORD, or asked once per name."""
    import getpass

    if args.password_file:
        try:
            secret = args.password_file.read_text("utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError) as error:
            _usage(f"--password-file {args.password_file}: {getattr(error, 'strerror', None) or 'no password in it'}")
        return lambda user: secret
    if os.environ.get("MAILMIGRATE_PASSWORD"):
        return lambda user: os.environ["MAILMIGRATE_PASSWORD"]
    asked: dict[str, str] = {}

    def ask(user: str) -> str:
        if user not in asked:
            if not sys.stdin.isatty():
                _usage("no password: give --password-file or set MAILMIGRATE_PASSWORD")
            asked[user] = getpass.getpass(f"Password for {user}: ")
        return asked[user]
    return ask


def runs_command(args: argparse.Namespace, policy: Policy) -> int:
    for run in load_runs(args.state_dir or default_state_dir()):
        restored = [stamp for part in run.parts for stamp in part.manifest.get("restored", [])]
        note = f", restored {max(restored)}" if restored else ""
        print(f"{run.id}  started {run.started.isoformat(timespec='seconds')}  {run.files} file(s){note}")
    return EXIT_OK


def policy_command(args: argparse.Namespace, policy: Policy) -> int:
    if args.policy:
        print(f"{args.policy}: a valid policy")
    else:
        sys.stdout.write(default_policy_text())
    return EXIT_OK


def formats_command(args: argparse.Namespace, policy: Policy) -> int:
    for name, parser in load_parsers().items():
        print(f"{name}  ({parser.client}): {', '.join(parser.patterns)}")
    return EXIT_OK


def publish_command(args: argparse.Namespace, policy: Policy) -> int:
    from migrate.policy import policy_text
    from migrate.publish import mobileconfig
    from migrate.publish.site import build_site
    from migrate.publish.site import mobileconfig_name
    from migrate.publish.site import write_site
    from migrate.publish.service import describe

    if args.out is None and args.serve is None:
        _usage("publish: give --out DIR, --serve HOST:PORT, or both")
    if (args.sign_cert is None) != (args.sign_key is None):
        _usage("publish: --sign-cert and --sign-key go together")
    if args.logins is not None and args.serve is None:
        _usage("publish: --logins is for --serve")
    address = _address(args.serve) if args.serve is not None else None
    # the pages' commands name the site's policy, published beside them, unless it is the built-in one as it is
    custom = args.policy is not None or bool(args.set)
    files = build_site(policy, policy_text(args.policy, args.set) if custom else None)
    if args.sign_cert is not None:
        name = mobileconfig_name(describe(policy))
        files[name] = mobileconfig.sign(files[name], args.sign_cert, args.sign_key)
    if args.out is not None:
        write_site(args.out, files)
        print(f"published {len(files)} files in {args.out}")
    if address is not None:
        from migrate.publish.logins import load_logins
        from migrate.publish.server import Responder
        from migrate.publish.server import serve

        logins = load_logins(args.logins) if args.logins is not None else {}
        serve(Responder(describe(policy), files, logins), *address)
    return EXIT_OK


def _address(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        _usage(f"publish: --serve {text!r}: expected HOST:PORT, e.g. 127.0.0.1:8080")
    return host.strip("[]") or "127.0.0.1", int(port)


def _usage(message: str) -> None:
    print(f"mailmigrate: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


COMMANDS = {
    "scan": scan, "plan": plan, "apply": apply_command, "restore": restore_command,
    "runs": runs_command, "policy": policy_command, "formats": formats_command, "verify": verify_command,
    "publish": publish_command,
}
