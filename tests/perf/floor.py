"""The floor for the benchmark: the safe I/O on the files ``apply`` changed, and nothing else.

Written apart from the project on purpose (it imports nothing of it, which
the benchmark checks): no discovery, no parsing, no parser loading, no run
record.  For each file: read it, write its backup and fsync it, write it
back through a temporary file beside it (fsync, rename), fsync the folder.
Two processes by default, as ``apply --jobs 2``, each taking whole homes.
"""
from __future__ import annotations

import itertools
import json
import os
from concurrent.futures import ProcessPoolExecutor


def _write(path: str, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _rewrite(job: tuple[int, list[str], str]) -> int:
    """One home's changed files, backed up into ``backups`` and replaced atomically."""
    number, paths, backups = job
    for count, path in enumerate(paths):
        with open(path, "rb") as handle:
            data, mode = handle.read(), os.fstat(handle.fileno()).st_mode & 0o7777
        _write(os.path.join(backups, f"{number:06d}-{count:03d}"), data, 0o600)
        folder, name = os.path.split(path)
        temp = os.path.join(folder, f".{name}.floor-tmp")
        _write(temp, data, mode)
        os.replace(temp, path)
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    return len(paths)


def floor(listing: str, backups: str, jobs: int) -> int:
    """``listing``: a JSON object of home -> the files in it that ``apply`` changed."""
    with open(listing, encoding="utf-8") as handle:
        homes = json.load(handle)
    os.makedirs(backups, mode=0o700, exist_ok=True)
    work = [(number, paths, backups) for number, paths in zip(itertools.count(), homes.values())]
    with ProcessPoolExecutor(jobs) as pool:
        return sum(pool.map(_rewrite, work, chunksize=16))
