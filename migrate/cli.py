"""mailmigrate: move legacy mail client setups (fetchmail, ...) to the new staff mail service."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable
from typing import Optional
from typing import Sequence

from tqdm import tqdm

from migrate import __version__
from migrate.dates import parse_when
from migrate.discover import Found
from migrate.discover import discover
from migrate.errors import MigrateError
from migrate.errors import PolicyError
from migrate.output import plan_text
from migrate.output import scan_text
from migrate.output import to_json
from migrate.plugins import Parser
from migrate.plugins import load_parsers
from migrate.policy import Policy
from migrate.policy import default_policy_text
from migrate.policy import load_policy
from migrate.report import EXIT_FAILED
from migrate.report import EXIT_OK
from migrate.report import EXIT_POLICY
from migrate.report import EXIT_USAGE
from migrate.report import Report
from migrate.runner import SKIPPED
from migrate.runner import Outcome
from migrate.runner import apply
from migrate.runner import examine
from migrate.runner import restore
from migrate.runs import Run
from migrate.runs import default_state_dir
from migrate.runs import load_runs
from migrate.runs import select_runs

EPILOG = """exit codes: 0 nothing to do or all done; 1 changes pending (plan --check);
2 usage error; 3 some files failed (the others were processed); 4 invalid policy"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--policy", metavar="FILE", help="site policy file (default: the built-in Loughborough one)")
    common.add_argument("--set", metavar="SECTION.KEY=VALUE", action="append", default=[],
                        help="change one policy value for this run, e.g. incoming.host=imap.example.ac.uk")
    common.add_argument("--state-dir", metavar="DIR", type=Path, default=None,
                        help="where runs and backups are kept (default: $MAILMIGRATE_STATE_DIR or ~/.local/state/mailmigrate)")
    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="a file, or a folder such as a home directory (default: your home)")
    paths.add_argument("--format", metavar="NAME", help="read the given files as this format (see 'mailmigrate formats')")
    paths.add_argument("--json", action="store_true", help="print JSON for scripts")

    parser = argparse.ArgumentParser(prog="mailmigrate", description=__doc__, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"mailmigrate {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("scan", parents=[common, paths], help="list the accounts found, one row each")
    plan = commands.add_parser("plan", parents=[common, paths], help="show what would change; writes nothing")
    plan.add_argument("--check", action="store_true", help="exit 1 when changes are pending")
    commands.add_parser("apply", parents=[common, paths], help="make the changes, with backups and a run record")
    undo = commands.add_parser("restore", parents=[common], help="put back the files a recorded run changed")
    which = undo.add_mutually_exclusive_group()
    which.add_argument("--run", metavar="ID", help="the run to undo (default: the last one)")
    which.add_argument("--before", metavar="DATE", help="undo every run since DATE, e.g. 'yesterday 14:00'")
    undo.add_argument("--force", action="store_true", help="also restore files changed since the run")
    undo.add_argument("--json", action="store_true", help="print JSON for scripts")
    commands.add_parser("runs", parents=[common], help="list the recorded runs")
    commands.add_parser("policy", parents=[common], help="print the policy, commented, as a start for another site")
    commands.add_parser("formats", parents=[common], help="list the client formats the parser plugins read")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]
    args = build_parser().parse_args(argv)
    try:
        policy = load_policy(args.policy, args.set)
    except PolicyError as error:
        print(f"mailmigrate: {error}", file=sys.stderr)
        return EXIT_POLICY
    try:
        return COMMANDS[args.command](args, policy)
    except MigrateError as error:
        print(f"mailmigrate: {error}", file=sys.stderr)
        return EXIT_FAILED


def _found(args: argparse.Namespace) -> tuple[list[Found], list[Outcome]]:
    parsers = load_parsers()
    forced: Optional[Parser] = None
    if args.format:
        if args.format not in parsers:
            _usage(f"unknown format {args.format!r}; known: {', '.join(parsers)}")
        forced = parsers[args.format]
    found, passed = [], []
    for item in discover(args.paths or [Path.home()], parsers, forced):
        if isinstance(item, Found):
            found.append(item)
        else:
            passed.append(Outcome(str(item.path), SKIPPED, reason=item.reason))
    return found, passed


def _progress(items: list[Found]) -> tqdm:
    return tqdm(items, unit="file", disable=None, file=sys.stderr, leave=False)


def _problems(report: Report) -> None:
    for outcome in report.outcomes:
        if outcome.reason and outcome.status in ("failed", "skipped"):
            tqdm.write(outcome.reason, file=sys.stderr)


def scan(args: argparse.Namespace, policy: Policy) -> int:
    found, passed = _found(args)
    report = Report(passed)
    report.add(examine(item.path, item.parser, policy)[0] for item in _progress(found))
    _problems(report)
    sys.stdout.write(to_json("scan", report, policy) if args.json else scan_text(report, policy))
    return report.return_code()


def plan(args: argparse.Namespace, policy: Policy) -> int:
    found, passed = _found(args)
    report = Report(passed)
    report.add(examine(item.path, item.parser, policy)[0] for item in _progress(found))
    _problems(report)
    if args.json:
        sys.stdout.write(to_json("plan", report, policy, with_diff=True))
    else:
        sys.stdout.write("".join(plan_text(outcome, policy) for outcome in report.outcomes))
        print(report.summary("to change"))
    return report.return_code(check=args.check)


def apply_command(args: argparse.Namespace, policy: Policy) -> int:
    found, passed = _found(args)
    run = Run.new(args.state_dir or default_state_dir(), policy.source, __version__)
    report = Report(passed)
    report.add(apply(item.path, item.parser, policy, run) for item in _progress(found))
    run.finish()
    _problems(report)
    recorded = run.id if run.directory.exists() else None
    if args.json:
        sys.stdout.write(to_json("apply", report, policy, run=recorded))
    else:
        sys.stdout.write("".join(plan_text(o, policy, with_diff=False, done=True) for o in report.outcomes if o.written))
        print(report.summary("changed"))
        if recorded:
            print(f"run {recorded}: backups in {run.directory}; undo with: mailmigrate restore --run {recorded}")
    return report.return_code()


def restore_command(args: argparse.Namespace, policy: Policy) -> int:
    since = None
    if args.before:
        try:
            since = parse_when(args.before)
        except ValueError as error:
            _usage(str(error))
    runs = select_runs(load_runs(args.state_dir or default_state_dir()), args.run, since)
    report = Report()
    for run in runs:
        report.add(restore(run, args.force))
    _problems(report)
    if args.json:
        sys.stdout.write(to_json("restore", report, policy, run=",".join(run.id for run in runs)))
    else:
        for outcome in report.outcomes:
            if outcome.written:
                print(f"restored {outcome.path}")
        print(f"{report.summary('changed')} (run{'s' * (len(runs) > 1)} {', '.join(run.id for run in runs)})")
    return report.return_code()


def runs_command(args: argparse.Namespace, policy: Policy) -> int:
    for run in load_runs(args.state_dir or default_state_dir()):
        manifest = run.manifest
        restored = f", restored {manifest['restored'][-1]}" if manifest.get("restored") else ""
        print(f"{run.id}  started {manifest['started']}  {len(manifest['files'])} file(s){restored}")
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


def _usage(message: str) -> None:
    print(f"mailmigrate: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


COMMANDS: dict[str, Callable[[argparse.Namespace, Policy], int]] = {
    "scan": scan, "plan": plan, "apply": apply_command, "restore": restore_command,
    "runs": runs_command, "policy": policy_command, "formats": formats_command,
}
