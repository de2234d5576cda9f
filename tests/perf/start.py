"""Start cost: one small command against a bare Python start, measured in the same run.

    python -m tests.perf.start [--rounds 15] [--cpu]

Prints the median wall time (``--cpu``: user and system time, steadier on a
busy machine) of ``python -c pass``, ``mailmigrate --version``
and ``mailmigrate plan`` of one small sample file of each format, each with
its ratio to the bare start (the target for ``plan``: within 6x).  The
commands take turns, round after round, so a slow spell of the machine hits
them all.  Their stderr is not a terminal, as in scripts and cron jobs.

Each command runs twice a round: with compiled bytecode cached (in a
temporary ``PYTHONPYCACHEPREFIX``), as an installed copy has it, and with
our modules compiled from source at every start, as under
``PYTHONDONTWRITEBYTECODE`` with no ``__pycache__`` (a fresh checkout).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 6.0
BARE = "python -c pass"
SAMPLES = {
    "evolution": "samples/evolution/3.x-imap/.config/evolution/sources/6f8e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e.source",
    "fetchmailrc": "samples/fetchmail/pop-keep-uidl.fetchmailrc",
    "muttrc": "samples/mutt/pop-fetch.muttrc",
    "pinerc": "samples/pine/latin1.pinerc",
    "thunderbird": "samples/thunderbird/windows-crlf/prefs.js",
}


def _seconds(command: list[str], env: dict, cpu: bool) -> float:
    def now() -> float:
        if not cpu:
            return time.perf_counter()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    start = now()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return now() - start


def measure(rounds: int, cpu: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="mailmigrate-start-") as work:
        plain = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
        plain["MAILMIGRATE_STATE_DIR"] = work
        envs = {"bytecode": {**plain, "PYTHONPYCACHEPREFIX": os.path.join(work, "pycache")},
                "source": {**plain, "PYTHONDONTWRITEBYTECODE": "1"}}
        commands = {BARE: [sys.executable, "-c", "pass"],
                    "mailmigrate --version": [sys.executable, "-m", "migrate", "--version"]}
        for name, sample in SAMPLES.items():
            size = (ROOT / sample).stat().st_size
            commands[f"plan, one {name} ({size} B)"] = [sys.executable, "-m", "migrate", "plan", sample]
        for command in commands.values():  # the bytecode cache filled
            _seconds(command, envs["bytecode"], cpu)
        times: dict[tuple[str, str], list[float]] = {(label, kind): [] for label in commands for kind in envs}
        for _ in range(rounds):
            for label, command in commands.items():
                for kind, env in envs.items():
                    times[label, kind].append(_seconds(command, env, cpu))
    medians = {key: statistics.median(runs) for key, runs in times.items()}
    what = "user and system time" if cpu else "wall time"
    print(f"start cost, {what}, median of {rounds} rounds (x: times a bare python start, in the same run)")
    print(f"  {'':44} {'with bytecode':>18} {'from source':>18}")
    for label in commands:
        cells = [f"{medians[label, kind] * 1000:6.0f} ms {medians[label, kind] / medians[BARE, kind]:5.1f}x"
                 for kind in envs]
        print(f"  {label:44} {cells[0]:>18} {cells[1]:>18}")
    for kind in envs:
        worst = max(medians[label, kind] / medians[BARE, kind] for label in commands if label.startswith("plan"))
        print(f"  slowest plan {kind:>8}: {worst:4.1f}x a bare start (target: within {TARGET:.0f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15, help="runs of each command, taking turns; the medians count")
    parser.add_argument("--cpu", action="store_true", help="user and system time instead of wall time")
    args = parser.parse_args()
    measure(args.rounds, args.cpu)


if __name__ == "__main__":
    main()
