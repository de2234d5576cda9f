"""Benchmark: scan, plan and apply over N synthetic homes, against the floor of the same safe I/O.

    python -m tests.perf.bench --homes 1000 [--jobs 2]

Prints, per phase: setups, MB, seconds, setups/s, MB/s and peak memory (the
main process and the largest worker); the floor reads every file the
parsers claim, backs it up and writes it back atomically, with no parsing.
The phases take turns for ``--rounds`` rounds (the machine's speed wanders),
and the medians count.
It also times ``mailmigrate --version`` and ``plan`` with one job against two.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.perf.homes import make_homes

_PHASE = """
import json, resource, sys, time
args = json.loads(sys.argv[1])
start = time.perf_counter()
if args[0] == "floor":
    from tests.perf.floor import floor
    floor(args[1], args[2], int(args[3]))
else:
    from migrate.cli import main
    main(args)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: that one starts from the benchmark's own size, inherited through fork and exec
with open("/proc/self/status") as status:
    self_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "main_mb": self_kb / 1024, "worker_mb": children_kb / 1024}), file=sys.stderr)
"""


def phase(args: list[str], env: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", _PHASE, json.dumps(args)], capture_output=True, text=True, env=env)
    return json.loads(done.stderr.strip().splitlines()[-1])


def measure(homes: int, jobs: int, rounds: int) -> None:
    import os

    work = Path(tempfile.mkdtemp(prefix="mailmigrate-bench-"))
    try:
        made = make_homes(work / "homes", homes)
        size = sum(p.stat().st_size for p in (work / "homes").rglob("*") if p.is_file()) / 1e6
        env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(work / "state"), "PYTHONPATH": str(Path.cwd())}
        print(f"{homes} homes, {made['setups']} setups, {size:.1f} MB, {jobs} job(s), {rounds} round(s)")
        tree = ["--homes", str(work / "homes"), "--jobs", str(jobs), "--json"]
        results: dict[str, list[dict]] = {"scan": [], "plan": [], "plan-1": [], "apply": [], "floor": []}
        for number in range(rounds):  # the phases take turns, so a slow spell of the machine hits them all
            if number:
                shutil.rmtree(work / "homes")
                make_homes(work / "homes", homes)
            results["scan"].append(phase(["scan", *tree], env))
            results["plan"].append(phase(["plan", *tree], env))
            if jobs > 1:
                results["plan-1"].append(phase(["plan", *tree[:-3], "--jobs", "1", "--json"], env))
            results["apply"].append(phase(["apply", *tree], env))
            shutil.rmtree(work / "homes")
            make_homes(work / "homes", homes)
            results["floor"].append(phase(["floor", str(work / "homes"), str(work / f"floor-{number}"), str(jobs)], env))
        for name, runs in results.items():
            if not runs:
                continue
            seconds = statistics.median(run["seconds"] for run in runs)
            main_mb, worker_mb = max(run["main_mb"] for run in runs), max(run["worker_mb"] for run in runs)
            print(f"  {name:6} {seconds:7.2f} s  {made['setups'] / seconds:8.0f} setups/s  {size / seconds:6.2f} MB/s"
                  f"  peak {main_mb:6.1f} MB main, {worker_mb:6.1f} MB largest worker")
        for label, slow, fast in (("apply / floor", "apply", "floor"), (f"plan, 1 job / {jobs} jobs", "plan-1", "plan")):
            ratios = [a["seconds"] / b["seconds"] for a, b in zip(results[slow], results[fast])]
            if ratios:
                print(f"  {label}: {statistics.median(ratios):.2f}x (each round: {', '.join(f'{r:.2f}' for r in ratios)})")
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "migrate", "--version"], capture_output=True, check=True, env=env)
            times.append(time.perf_counter() - start)
        print(f"  mailmigrate --version: {statistics.median(times) * 1000:.0f} ms (median of 7)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, action="append", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each phase, taking turns; the medians count")
    args = parser.parse_args()
    for homes in args.homes or [1000]:
        measure(homes, args.jobs, args.rounds)


if __name__ == "__main__":
    main()
