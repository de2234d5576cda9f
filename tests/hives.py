"""Registry hives for the tests, made here rather than copied: an empty hive written from the format
(hivex cannot make one from nothing), then a ``.reg`` file merged into it by hivex's own ``hivexregedit``.

The empty hive is what Windows' base block and cells need and hivex checks
(layout after Maxim Suhanov's "Windows registry file format specification"):
a 4 KiB base block (``regf``, equal sequence numbers, version 1.3, the root
cell's offset, the bins' size, the XOR checksum of its first 508 bytes), then
one 4 KiB bin holding the root key node, the security cell every key points to
(a self-relative descriptor with no owner and no access list, which hivex
carries over to new keys and never reads) and the rest free.
"""
from __future__ import annotations

import re
import struct
import subprocess
from functools import reduce
from pathlib import Path

from tests.oracles import require

BIN = 4096
_NO_CELL = 0xFFFFFFFF
_ROOT_FLAGS = 0x0004 | 0x0008 | 0x0020  # root of the hive, cannot be deleted, name in Latin-1


def empty_hive(root_name: str = "ROOT", file_name: str = "NTUSER.DAT") -> bytes:
    root_at, name = 0x20, root_name.encode("latin-1")
    security_at = root_at + _cell_size(76 + len(name))
    root = _cell(b"nk" + struct.pack(
        "<HQ15IHH", _ROOT_FLAGS, 0, 0, 0, 0, 0, _NO_CELL, _NO_CELL, 0, _NO_CELL, security_at, _NO_CELL,
        0, 0, 0, 0, 0, len(name), 0) + name)
    descriptor = struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)  # revision 1, self-relative, nothing else
    security = _cell(b"sk" + struct.pack("<HIIII", 0, security_at, security_at, 1, len(descriptor)) + descriptor)
    cells = root + security
    free = BIN - 0x20 - len(cells)
    hive_bin = b"hbin" + struct.pack("<IIQQI", 0, BIN, 0, 0, 0) + cells + struct.pack("<i", free) + bytes(free - 4)
    header = b"regf" + struct.pack("<IIQIIIIIII", 1, 1, 0, 1, 3, 0, 1, root_at, BIN, 1)
    header += file_name.encode("utf-16-le").ljust(64, b"\0")
    return checksummed(header.ljust(BIN, b"\0") + hive_bin)


def checksummed(hive: bytes) -> bytes:
    """The hive with its base block's checksum made right (after the tests change its header)."""
    return hive[:508] + struct.pack("<I", reduce(lambda a, b: a ^ b, struct.unpack_from("<127I", hive))) + hive[512:]


def _cell(record: bytes) -> bytes:
    """An allocated cell: its size (negative: in use), then the record, padded to the size."""
    size = _cell_size(len(record))
    return struct.pack("<i", -size) + record.ljust(size - 4, b"\0")


def _cell_size(record: int) -> int:
    return (record + 4 + 7) // 8 * 8


def hive_with(folder: Path, reg: str, name: str = "NTUSER.DAT") -> Path:
    """An NTUSER.DAT in ``folder`` holding what the ``.reg`` text (keys under HKEY_CURRENT_USER) says.

    hivexregedit makes no key whose parent is missing, so the parents of every
    key are merged first.  It takes the file's bytes as they are: names must be
    UTF-8 (a Latin-1 name crashes hivex 1.3.23 once its key has a second
    value), and quoted data is read byte by byte as Latin-1: the file is
    written in UTF-8, and quoted data that is not ASCII as ``hex(1):``, the
    UTF-16LE the hive holds.
    """
    hive, source = folder / name, folder / f"{name}.merged.reg"
    hive.write_bytes(empty_hive(file_name=name))
    head, *lines = reg.splitlines()
    body = "".join(f"{_hex_if_not_ascii(line)}\n" for line in lines)
    source.write_text(f"{head}\n\n{_parents(body)}{body}", encoding="utf-8")
    subprocess.run([require("hivexregedit"), "--merge", "--prefix", "HKEY_CURRENT_USER", str(hive), str(source)],
                   check=True, capture_output=True)
    source.unlink()
    return hive


_QUOTED = re.compile(r'^((?:"(?:[^"\\]|\\.)*"|@)=)"((?:[^"\\]|\\.)*)"\s*$')


def _hex_if_not_ascii(line: str) -> str:
    found = _QUOTED.match(line)
    if found is None or found.group(2).isascii():
        return line
    data = re.sub(r"\\(.)", r"\1", found.group(2)) + "\0"
    return found.group(1) + "hex(1):" + ",".join(f"{byte:02x}" for byte in data.encode("utf-16-le"))


def _parents(reg: str) -> str:
    """An empty section (which changes nothing in a key that exists) for each key some key of ``reg``
    is below, parents first."""
    keys = {line.strip()[1:-1] for line in reg.splitlines() if line.startswith("[") and not line.startswith("[-")}
    parents = {"\\".join(key.split("\\")[:depth]) for key in keys for depth in range(2, key.count("\\") + 1)}
    return "".join(f"[{key}]\n\n" for key in sorted(parents, key=lambda key: key.count("\\")))


def exported(hive: Path, key: str = "\\") -> str:
    """hivexregedit's own .reg export of ``key`` and below, as HKEY_CURRENT_USER."""
    done = subprocess.run([require("hivexregedit"), "--export", "--prefix", "HKEY_CURRENT_USER", str(hive), key],
                          check=True, capture_output=True)
    return done.stdout.decode("latin-1")  # names as Latin-1 bytes, data as hex


def hivexget(hive: Path, key: str, name: str) -> str:
    return subprocess.run([require("hivexget"), str(hive), key, name], check=True, capture_output=True, text=True).stdout
