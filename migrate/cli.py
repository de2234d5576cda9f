"""mailmigrate: move legacy mail client setups (fetchmail, Thunderbird, mutt, Pine, Evolution) to the new staff mail service."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional
from typing import Sequence

from migrate import __version__
from migrate.exitcodes import EXIT_BROKEN_PIPE
from migrate.exitcodes import EXIT_FAILED
from migrate.exitcodes import EXIT_INTERRUPTED
from migrate.exitcodes import EXIT_POLICY
from migrate.exitcodes import EXIT_USAGE

EPILOG = """exit codes: 0 nothing to do or all done; 1 changes pending (plan --check);
2 usage error; 3 some files failed (the others were processed); 4 invalid policy"""


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--policy", metavar="FILE", help="site policy file (default: the built-in Loughborough one)")
    common.add_argument("--set", metavar="SECTION.KEY=VALUE", action="append", default=[],
                        help="change one policy value for this run, e.g. incoming.host=imap.example.ac.uk")
    common.add_argument("--state-dir", metavar="DIR", type=Path, default=None,
                        help="where the run records (with the bytes before) are kept "
                             "(default: $MAILMIGRATE_STATE_DIR or ~/.local/state/mailmigrate)")
    paths = argparse.ArgumentParser(add_help=False)
    paths.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="a file, or a folder such as a home directory (default: your home)")
    paths.add_argument("--homes", metavar="DIR", type=Path, help="every folder in DIR is a home (for admins)")
    paths.add_argument("--homes-from", metavar="FILE", type=Path, help="the homes to do, one path a line")
    paths.add_argument("--user", metavar="NAME", action="append", default=[],
                       help="only the homes of this user (by owner or folder name); may be repeated")
    paths.add_argument("--modified-since", metavar="DATE", help="only setups changed since DATE, e.g. 'yesterday'")
    paths.add_argument("--jobs", metavar="N", type=int, default=os.cpu_count() or 1,
                       help="worker processes (default: the number of cores)")
    paths.add_argument("--report", metavar="FILE", type=Path, help="write a per-account report (.json, .csv or .html)")
    paths.add_argument("--format", metavar="NAME", help="read the given files as this format (see 'mailmigrate formats')")
    paths.add_argument("--json", action="store_true", help="print JSON for scripts")

    parser = argparse.ArgumentParser(prog="mailmigrate", description=__doc__, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"mailmigrate {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("scan", parents=[common, paths], help="list the accounts found, one row each")
    plan = commands.add_parser("plan", parents=[common, paths], help="show what would change; writes nothing")
    plan.add_argument("--check", action="store_true", help="exit 1 when changes are pending")
    commands.add_parser("apply", parents=[common, paths],
                        help="make the changes, recording the bytes before in a run record")
    undo = commands.add_parser("restore", parents=[common], help="put back the files a recorded run changed")
    which = undo.add_mutually_exclusive_group()
    which.add_argument("--run", metavar="ID", help="the run to undo (default: the last one)")
    which.add_argument("--before", metavar="DATE", help="undo every run since DATE, e.g. 'yesterday 14:00'")
    undo.add_argument("--home", metavar="DIR", type=Path, help="undo only the files under DIR (by default in the last run that changed DIR)")
    undo.add_argument("--force", action="store_true", help="also restore files changed since the run")
    undo.add_argument("--json", action="store_true", help="print JSON for scripts")
    check = commands.add_parser("verify", parents=[common, paths], help="log in to the service with each account's settings")
    check.add_argument("--cafile", metavar="FILE", help="trust the certificates in FILE (default: the system's)")
    check.add_argument("--password-file", metavar="FILE", type=Path,
                       help="the password, on the first line of FILE (default: $MAILMIGRATE_PASSWORD, or a prompt)")
    check.add_argument("--send-test", metavar="ADDRESS", help="also send a test message to ADDRESS from each account")
    check.add_argument("--timeout", metavar="SECONDS", type=float, default=15.0, help="give up on a server after this")
    commands.add_parser("runs", parents=[common], help="list the recorded runs")
    commands.add_parser("policy", parents=[common], help="print the policy, commented, as a start for another site")
    commands.add_parser("formats", parents=[common], help="list the client formats the parser plugins read")
    publish = commands.add_parser("publish", parents=[common],
                                  help="describe the service for mail programs and people: autoconfig, autodiscover, "
                                       "an Apple profile and setup pages")
    publish.add_argument("--out", metavar="DIR", type=Path, help="write the files into DIR, ready to be served as they are")
    publish.add_argument("--serve", metavar="HOST:PORT",
                         help="answer autoconfig and autodiscover requests per address, and serve the files")
    publish.add_argument("--logins", metavar="FILE", type=Path,
                         help="with --serve: an address,login CSV for addresses whose login is not their local part")
    publish.add_argument("--sign-cert", metavar="FILE", type=Path, help="sign the Apple profile with this certificate (PEM)")
    publish.add_argument("--sign-key", metavar="FILE", type=Path, help="the certificate's private key (PEM)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]
    args = build_parser().parse_args(argv)
    from migrate import commands  # the heavy part, only once there is work to do
    from migrate.errors import MigrateError
    from migrate.errors import PolicyError
    from migrate.errors import UsageError
    from migrate.policy import load_policy

    try:
        policy = load_policy(args.policy, args.set)
    except PolicyError as error:
        print(f"mailmigrate: {error}", file=sys.stderr)
        return EXIT_POLICY
    try:
        return commands.COMMANDS[args.command](args, policy)
    except UsageError as error:  # as argparse stops on a wrong command line
        print(f"mailmigrate: {error}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    except MigrateError as error:
        print(f"mailmigrate: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        print("mailmigrate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _reader_gone() -> int:
    """The reader of our output left (``mailmigrate plan | head``): stop quietly, as Unix tools do.

    Python would report the failed flush of stdout at exit; stdout goes to /dev/null first.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_BROKEN_PIPE
