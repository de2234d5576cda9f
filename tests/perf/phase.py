"""One timed run of ``mailmigrate`` (or of the floor) in a fresh process: seconds, CPU seconds, peak memory.

The CPU seconds (the process and its workers, user and system) are what a
busy machine disturbs least; the seconds are what the ratios use.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Optional
from typing import Sequence

_SCRIPT = """
import contextlib, json, os, resource, sys, time
args, warm = json.loads(sys.argv[1]), sys.argv[2] == "warm"
if warm:  # imports, parsers and policy out of the clock, through a command that needs them all: only the work counts
    from migrate.cli import main
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        main(["formats"])
start = time.perf_counter()
if args[0] == "floor":
    from tests.perf.floor import floor
    floor(args[1], args[2], int(args[3]))
    code = 0
    project = sorted({name.split(".")[0] for name in sys.modules} & {"migrate", "parsers"})
    if project:
        sys.exit(f"the floor imported {', '.join(project)}: it must stand apart from the project")
else:
    from migrate.cli import main
    code = main(args)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: that one starts from the benchmark's own size, inherited through fork and exec
with open("/proc/self/status") as status:
    self_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "code": code, "main_mb": self_kb / 1024,
                  "worker_mb": children.ru_maxrss / 1024}), file=sys.stderr)
"""


def phase(args: Sequence[str], env: dict, warm: bool = False, output: bool = False) -> dict:
    """``args`` as ``mailmigrate``'s command line, or ``["floor", listing, backups, jobs]``.

    With ``warm``, the clock starts once the project and its parsers are imported;
    the result has what the command wrote to stderr as ``"stderr"``, and with ``output`` its
    standard output as ``"stdout"``.
    """
    ticks = _machine_ticks()
    done = subprocess.run([sys.executable, "-c", _SCRIPT, json.dumps(list(args)), "warm" if warm else "cold"],
                          stdout=subprocess.PIPE if output else subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env=env)
    after = _machine_ticks()
    lines = done.stderr.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    result = json.loads(lines[-1])
    result["stderr"] = "\n".join(lines[:-1])
    # the share of the machine's time its host gave to others meanwhile (a virtual machine's "steal")
    result["steal"] = (after[0] - ticks[0]) / max(1, after[1] - ticks[1]) if ticks and after else 0.0
    if output:
        result["stdout"] = done.stdout
    return result


def _machine_ticks() -> Optional[tuple[int, int]]:
    """The machine's stolen and total CPU time so far, in ticks, where ``/proc/stat`` tells them."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(field) for field in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[7] if len(fields) > 7 else 0), sum(fields)


def json_report(run: dict) -> dict:
    """The ``--json`` report a run with ``output`` printed (and no longer kept in ``run``)."""
    try:
        return json.loads(run.pop("stdout"))
    except ValueError:
        raise RuntimeError(f"the run printed no whole JSON report: {run['stderr'][-2000:]}") from None


def spread(values: Sequence[float], unit: str = "", digits: int = 2) -> str:
    """The median, then the range: ``1.23x (1.20-1.31)``."""
    low, middle, high = min(values), statistics.median(values), max(values)
    return f"{middle:.{digits}f}{unit} ({low:.{digits}f}-{high:.{digits}f})"
