"""Benchmark: the hive layer (``parsers/windows/hive.py``) on a large NTUSER.DAT made by ``tests/hives.py``.

    python -m tests.perf.hive [--keys 20000]

Prints the hive's size, then the median of 5 runs of: reading every value,
reading one account subtree (what the account rules need), and an edited
copy with one value changed; each includes starting hivex's process.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from parsers.windows.hive import HiveValue
from parsers.windows.hive import edited
from parsers.windows.hive import read_values
from tests.hives import hive_with

ACCOUNT = r"Software\Microsoft\Internet Account Manager\Accounts\00000001"


def generated_reg(keys: int) -> str:
    """``keys`` keys of five strings each, under 100 vendors, and one Outlook Express account."""
    lines = ["REGEDIT4", ""]
    for number in range(keys):
        lines += [f"[HKEY_CURRENT_USER\\Software\\Vendor{number % 100}\\Application{number}]"]
        lines += [f'"Setting{value}"="a setting of application {number}, number {value}"' for value in range(5)] + [""]
    return "\n".join(lines + [f"[HKEY_CURRENT_USER\\{ACCOUNT}]", '"POP3 Server"="pop.lboro.ac.uk"', ""])


def median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=20000)
    keys = parser.parse_args().keys
    with tempfile.TemporaryDirectory(prefix="mailmigrate-hive-bench-") as folder:
        data = hive_with(Path(folder), generated_reg(keys)).read_bytes()
    change = [HiveValue(ACCOUNT, "POP3 Server", 1, "staff-mail.lboro.ac.uk\0".encode("utf-16-le"))]
    print(f"hive of {keys + 1} keys, {5 * keys + 1} values, {len(data) / 1e6:.1f} MB")
    print(f"  read every value    {median_seconds(lambda: read_values(data, 'NTUSER.DAT')):6.2f} s")
    print(f"  read one account    {median_seconds(lambda: read_values(data, 'NTUSER.DAT', [ACCOUNT])):6.2f} s")
    print(f"  edited copy         {median_seconds(lambda: edited(data, 'NTUSER.DAT', change)):6.2f} s")


if __name__ == "__main__":
    main()
