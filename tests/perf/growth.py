"""Growth with the size of one file: ``plan`` and ``apply`` of one big file per format at 1x, 4x and 16x.

The clock starts once the project and its parsers are imported, so the
times are the work on the file.  Growth is time(16x) / time(1x) / 16 on the
medians: 1.00 is linear, 16.00 would be quadratic.
"""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
from functools import partial
from pathlib import Path
from typing import Callable
from typing import Sequence

from tests.perf import big_files
from tests.perf.phase import json_report
from tests.perf.phase import phase

SCALES = (1, 4, 16)
#: Format -> (maker, accounts or groups at 1x): at 1x a large real file or more, and work well above the
#: fixed cost of a run (about 10 ms), which would otherwise flatter the growth.
FORMATS: dict[str, tuple[Callable[[int], tuple], int]] = {
    "fetchmail rc": (big_files.fetchmail, 150),
    "Thunderbird prefs.js": (big_files.thunderbird, 100),
    "muttrc": (big_files.mutt, 100),
    "pinerc": (big_files.pine, 300),
    "Evolution key file": (big_files.evolution_source, 1500),
    "Evolution GConf": (big_files.evolution_gconf, 100),
    "Windows .reg": (big_files.windows, 80),
    "msmtprc": (big_files.msmtp, 150),
    "mpoprc": (big_files.mpop, 150),
    "Eudora.ini": (big_files.eudora, 100),
    "Mulberry prefs": (big_files.mulberry, 100),
    "Apple Mail XML plist": (big_files.apple_mail, 100),
    "Apple Mail bin plist": (partial(big_files.apple_mail, binary=True), 100),
    "mbsyncrc": (big_files.mbsync, 100),
    "offlineimaprc": (big_files.offlineimap, 100),
    "getmailrc mailboxes": (big_files.getmail, 300),
    "Claws accountrc": (big_files.claws, 100),
}

#: Format -> options of its runs: mpop reads only POP, so its accounts of the service change only when the
#: policy comments them out.
OPTIONS: dict[str, list[str]] = {"mpoprc": ["--set", "incoming.pop_only=disable"]}


def _written(folder: Path, made: tuple) -> Path:
    """The maker's files under ``folder``; returns the one to time (the first)."""
    name, data, *beside = made
    for other, other_data in [(name, data), *(beside[0].items() if beside else [])]:
        path = folder / other
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(other_data)
        path.chmod(0o600)
    return folder / name


def _timed(command: str, path: Path, env: dict, options: Sequence[str] = ()) -> float:
    """Seconds for ``command`` on the one setup at ``path``, which it must change."""
    result = phase([command, str(path), *options, "--json", "--jobs", "1"], env, warm=True, output=True)
    (entry,) = json_report(result)["files"]
    if entry["status"] != "changed":
        raise RuntimeError(f"{command} {path}: {entry['status']}, not changed: {entry.get('reason', '')}")
    return result["seconds"]


def measure_growth(rounds: int, only: Sequence[str] = ()) -> None:
    """With ``only``, just the formats whose names contain one of those words (any case)."""
    work = Path(tempfile.mkdtemp(prefix="mailmigrate-growth-"))
    env = {**os.environ, "MAILMIGRATE_STATE_DIR": str(work / "state"), "PYTHONPATH": str(Path.cwd())}
    print(f"one file per format at {', '.join(f'{s}x' for s in SCALES)}; medians of {rounds} round(s);"
          " growth = time(16x) / time(1x) / 16, 1.00 is linear")
    try:
        tiny = work / "tiny.fetchmailrc"
        tiny.write_text("poll pop.lboro.ac.uk proto pop3 user ab\n")
        fixed = statistics.median(_timed("plan", tiny, env) for _ in range(rounds))
        print(f"  fixed cost of a run (plan of a one-line file): {fixed * 1000:.0f} ms")
        print(f"  {'format':22} {'1x KB':>6}   {'plan 1x':>8} {'4x':>7} {'16x':>7} {'growth':>6}"
              f"   {'apply 1x':>8} {'4x':>7} {'16x':>7} {'growth':>6}")
        for name, (make, units) in FORMATS.items():
            if only and not any(word.lower() in name.lower() for word in only):
                continue
            times: dict[str, dict[int, list[float]]] = {"plan": {s: [] for s in SCALES}, "apply": {s: [] for s in SCALES}}
            try:
                for _ in range(rounds):
                    for scale in SCALES:
                        folder = work / "setup"
                        folder.mkdir()
                        path = _written(folder, make(units * scale))
                        if scale == 1:
                            kilobytes = path.stat().st_size / 1000
                        for command in ("plan", "apply"):
                            times[command][scale].append(_timed(command, path, env, OPTIONS.get(name, ())))
                        shutil.rmtree(folder)
            except RuntimeError as error:
                print(f"  {name:22} not measured: {error}")
                shutil.rmtree(work / "setup", ignore_errors=True)
                continue
            cells = []
            for command in ("plan", "apply"):
                medians = {scale: statistics.median(values) for scale, values in times[command].items()}
                cells.append(" ".join(f"{medians[s]:6.2f}s" for s in SCALES)
                             + f" {medians[SCALES[-1]] / medians[1] / SCALES[-1]:6.2f}")
            print(f"  {name:22} {kilobytes:6.0f}   {cells[0]:>31}   {cells[1]:>31}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
