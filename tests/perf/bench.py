"""Benchmark: scan, plan and apply over N synthetic homes, against an honest floor.

    python -m tests.perf.bench --homes 1000 [--homes 10000] [--jobs 2] [--rounds 3]
    python -m tests.perf.bench --size [--rounds 3] [--formats WORD ...]

The floor (tests/perf/floor.py) is only the safe I/O on the files ``apply``
actually changed, found by comparing the tree after ``apply`` with a pristine
copy: read, backup with fsync, write back through a temporary file with fsync,
rename, fsync the folder; in as many processes as ``apply`` has jobs, and
without importing the project.  Per phase it prints seconds, CPU seconds, setups/s, MB/s
and peak memory (the main process and the largest worker), the largest share of
the machine's time its host gave to others during a run of the phase (a virtual
machine's "steal": the spread it explains), then apply, plan and scan over the floor.  The phases take turns for ``--rounds`` rounds (the
machine's speed wanders): medians, with the range over the rounds in brackets.
It also times ``plan`` with one job against ``--jobs``, and ``mailmigrate --version``.

``--size`` times ``plan`` and ``apply`` of one big file of each format instead
(tests/perf/growth.py, with the files of tests/perf/big_files.py).
"""
from __future__ import annotations

import argparse
import json
import os
import pwd
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.perf.homes import make_homes
from tests.perf.phase import json_report
from tests.perf.phase import phase
from tests.perf.phase import spread


def changed_files(pristine: Path, applied: Path) -> dict[str, list[str]]:
    """Home -> the files in it whose bytes ``apply`` changed; it must neither add nor remove any."""
    changed: dict[str, list[str]] = {}
    before = {p.relative_to(pristine) for p in pristine.rglob("*") if p.is_file()}
    after = {p.relative_to(applied) for p in applied.rglob("*") if p.is_file()}
    if before != after:
        raise RuntimeError(f"apply added or removed files, which the floor does not model: {sorted(before ^ after)[:5]}")
    for relative in sorted(before):
        if (pristine / relative).read_bytes() != (applied / relative).read_bytes():
            changed.setdefault(str(applied / relative.parts[0]), []).append(str(applied / relative))
    return changed


def fresh_homes(pristine: Path, homes: Path) -> None:
    """A copy of the pristine homes.  Run as root, it belongs to ``nobody``, as homes belong to their users:
    a mail client of root's running meanwhile (another project's tests) would have its setups left alone."""
    shutil.copytree(pristine, homes, symlinks=True)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        for folder, _, names in os.walk(homes):
            for name in [folder, *(os.path.join(folder, n) for n in names)]:
                os.lchown(name, nobody.pw_uid, nobody.pw_gid)


def measure(homes: int, jobs: int, rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="mailmigrate-bench-"))
    try:
        made = make_homes(work / "pristine", homes)
        size = sum(p.stat().st_size for p in (work / "pristine").rglob("*") if p.is_file()) / 1e6
        env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(work / "state"), "PYTHONPATH": str(Path.cwd())}
        tree = ["--homes", str(work / "homes"), "--json"]
        results: dict[str, list[dict]] = {"scan": [], "plan": [], "plan-1": [], "apply": [], "floor": []}
        files, live = 0, []
        for number in range(rounds):  # the phases take turns, so a slow spell of the machine hits them all
            fresh_homes(work / "pristine", work / "homes")
            results["scan"].append(phase(["scan", *tree, "--jobs", str(jobs)], env))
            results["plan"].append(phase(["plan", *tree, "--jobs", str(jobs)], env))
            if jobs > 1:
                results["plan-1"].append(phase(["plan", *tree, "--jobs", "1"], env))
            results["apply"].append(phase(["apply", *tree, "--jobs", str(jobs)], env, output=True))
            live.append(json_report(results["apply"][-1])["summary"]["skipped_live"])
            changed = changed_files(work / "pristine", work / "homes")
            files = sum(map(len, changed.values()))
            shutil.rmtree(work / "homes")
            fresh_homes(work / "pristine", work / "homes")
            listing = work / "changed.json"
            listing.write_text(json.dumps(changed))
            results["floor"].append(phase(["floor", str(listing), str(work / f"floor-{number}"), str(jobs)], env))
            shutil.rmtree(work / "homes")
        print(f"{homes} homes, {made['setups']} setups, {size:.1f} MB, {files} files changed by apply,"
              f" {jobs} job(s), {rounds} round(s)")
        if any(live):
            print(f"  (apply left setups alone, their client running: {', '.join(map(str, live))} in the rounds)")
        for name, runs in results.items():
            if runs:
                seconds = statistics.median(run["seconds"] for run in runs)
                main_mb, worker_mb = max(run["main_mb"] for run in runs), max(run["worker_mb"] for run in runs)
                print(f"  {name:6} {spread([run['seconds'] for run in runs], ' s'):22}"
                      f" cpu {spread([run['cpu'] for run in runs], ' s'):22}"
                      f" {made['setups'] / seconds:5.0f} setups/s {size / seconds:5.2f} MB/s"
                      f"  peak {main_mb:5.1f} MB main, {worker_mb:5.1f} MB largest worker"
                      f"  stolen {max(run['steal'] for run in runs):4.0%} at most")
        ratios = [("apply / floor", "apply", "floor"), ("plan / floor", "plan", "floor"), ("scan / floor", "scan", "floor"),
                  (f"plan, 1 job / {jobs} jobs", "plan-1", "plan")]
        for label, slow, fast in ratios:
            if results[slow]:
                each = [a["seconds"] / b["seconds"] for a, b in zip(results[slow], results[fast])]
                print(f"  {label + ':':24} {spread(each, 'x')}")
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "migrate", "--version"], capture_output=True, check=True, env=env)
            times.append(time.perf_counter() - start)
        print(f"  mailmigrate --version:   {spread([t * 1000 for t in times], ' ms', 0)} (7 runs)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, action="append", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each phase, taking turns; medians and ranges")
    parser.add_argument("--size", action="store_true", help="growth with the size of one file, per format")
    parser.add_argument("--formats", nargs="+", default=[], metavar="WORD",
                        help="with --size: only the formats whose names contain one of these words")
    args = parser.parse_args()
    if args.size:
        from tests.perf.growth import measure_growth

        measure_growth(args.rounds, args.formats)
    for homes in args.homes or ([] if args.size else [1000]):
        measure(homes, args.jobs, args.rounds)


if __name__ == "__main__":
    main()
