"""The floor for the benchmark: the same safe I/O as ``apply``, with no parsing at all."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from migrate.discover import Found
from migrate.discover import discover
from migrate.files import Ownership
from migrate.files import read_source
from migrate.files import write_atomic
from migrate.plugins import load_parsers


def _home(job: tuple[str, str, int]) -> int:
    home, state, number = Path(job[0]), Path(job[1]), job[2]
    backups = state / f"{number:06d}"
    backups.mkdir(parents=True, exist_ok=True)
    files = [p for item in discover([home], load_parsers(), within=home) if isinstance(item, Found)
             for p in ([item.path] if item.path.is_file() else [item.path / "prefs.js"])]
    private = Ownership.private()
    for count, path in enumerate(files):
        source = read_source(path, home)
        write_atomic(backups / f"{count:05d}", source.data, private)
        write_atomic(path, source.data, Ownership.of(source.stat), unchanged_since=source.stat, root=home)
    return len(files)


def floor(homes: str, state: str, jobs: int) -> int:
    folders = sorted(p for p in Path(homes).iterdir() if p.is_dir())
    with ProcessPoolExecutor(jobs) as pool:
        return sum(pool.map(_home, [(str(h), state, n) for n, h in enumerate(folders)], chunksize=16))
