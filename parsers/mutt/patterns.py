"""Hook patterns: regular expressions matched against a mailbox's or an account's URL.

``folder-hook imaps://h/INBOX\\.Lists ...`` matches every folder whose URL
holds that text: ``INBOX.Lists``, ``INBOX.Lists.debian``.  When the folders
move to the top level, the pattern must match the new names of exactly those
folders, and nothing else:

- only an ``INBOX`` level that is a *prefix* of the names goes
  (``INBOX\\.Lists`` -> ``Lists``), and the separators after it become the new
  server's (``Lists\\.debian`` -> ``Lists/debian``);
- a pattern for ``INBOX`` itself (``INBOX$``, ``INBOX.?$``) stays: ``INBOX``
  keeps its name;
- a pattern for ``INBOX`` and everything under it (``INBOX`` unanchored) now
  names the whole server.

Every rewrite is checked with Python's ``re`` against names the pattern is
about; a pattern that cannot be rewritten exactly keeps its folder part and
is reported.

CAVEATS: mutt's patterns are POSIX extended expressions; one that Python
cannot read, or that names folders in a way not listed above (alternatives,
character classes at the INBOX level), is reported, not guessed.
"""
from __future__ import annotations

import re
from typing import Callable
from typing import Optional

#: A delimiter after INBOX, written as a regular expression, and the delimiter it stands for.
_DELIMITERS = {r"\.": ".", ".": ".", "[.]": ".", "[./]": ".", "[/.]": ".", "/": "/", r"\/": "/"}
_LEVEL = re.compile(r"(?i)INBOX(?P<delimiter>\\\.|\\/|\[\./\]|\[/\.\]|\[\.\]|\.|/)?(?P<many>[?*])?")
_SPECIAL = set(".[]()*+?{}|^$\\")


def host_pattern(host: str) -> str:
    """A regular expression finding ``host`` in a pattern, its dots escaped or not."""
    return "(?i)" + re.escape(host).replace(r"\.", r"\\?\.")


def folder_start(pattern: str, host: str) -> Optional[int]:
    """Where the folder part of ``pattern`` starts: after ``host``, a port, and a ``/``."""
    found = re.search(host_pattern(host) + r"(?::[0-9]+)?\\?/", pattern)
    return found.end() if found else None


def skeleton(part: str) -> Optional[str]:
    """The folder under INBOX that a pattern's folder part names, written plainly
    (``INBOX\\.Lists\\.debian`` -> ``INBOX.Lists.debian``); ``None`` when it names none."""
    level = _LEVEL.match(part)
    if level is None or level.group("delimiter") is None or level.group("many"):
        return None
    rest = re.sub(r"\\(.)", r"\1", part[level.end():])
    delimiter = _DELIMITERS[level.group("delimiter")]
    rest = re.sub(r"[\^$?*+()\[\]|{}]", "", rest).rstrip(delimiter)
    return f"INBOX{delimiter}{rest}" if rest else None


def renamed_part(part: str, rename: Callable[[str], str]) -> Optional[str]:
    """The folder part for the folders' new names, or ``None`` when it cannot be written exactly.

    ``rename`` is the rule's answer for a name (``INBOX.a.b`` -> ``a/b``, ``INBOX`` -> ``INBOX``).
    """
    level = _LEVEL.match(part)
    if level is None:  # no INBOX level: the names it matches do not change
        return part if _same_folders(part, part, rename) else None
    rest = part[level.end():]
    delimiter, many = level.group("delimiter"), level.group("many")
    if delimiter is None and rest.startswith("$") or many and rest.startswith("$"):
        new = part  # INBOX itself
    elif not rest and (delimiter is None or many):
        new = ""  # INBOX and everything under it: now every folder
    elif delimiter is not None and not many and rest and not rest.startswith("$"):
        new = _separators(rest, _DELIMITERS[delimiter], rename)
    else:
        return None
    return new if new is not None and _same_folders(part, new, rename) else None


def _separators(rest: str, delimiter: str, rename: Callable[[str], str]) -> Optional[str]:
    """``rest`` with each delimiter it names written as the new server's."""
    new = rename(f"INBOX{delimiter}a{delimiter}b")
    if not new.startswith("a") or not new.endswith("b") or len(new) != 3:
        return None
    separator = new[1]
    if separator == delimiter:
        return rest
    written = "\\" + separator if separator in _SPECIAL else separator
    out, i, in_class = [], 0, False
    while i < len(rest):
        char = rest[i]
        if char == "\\" and i + 1 < len(rest):
            out.append(written if rest[i + 1] == delimiter and not in_class else rest[i : i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif in_class and char == delimiter:
            char = separator
        elif char == delimiter and delimiter not in _SPECIAL:
            char = written
        out.append(char)
        i += 1
    return "".join(out)


def _same_folders(old: str, new: str, rename: Callable[[str], str]) -> bool:
    """``new`` matches the new name of every folder ``old`` matches, and of no other one."""
    try:
        old_re, new_re = re.compile(old), re.compile(new)
    except re.error:
        return False
    return all(bool(old_re.match(name)) == bool(new_re.match(rename(name))) for name in _names(old))


def _names(part: str) -> list[str]:
    """Folders a pattern is about: INBOX, the folder it names and those around it, a folder under INBOX
    for each word it holds.  (The old server kept every personal folder under INBOX.)"""
    named = skeleton(part)
    delimiter = named[5] if named else "."
    names = ["INBOX", f"INBOX{delimiter}Sent", f"INBOX{delimiter}a{delimiter}b", "INBOXa"]
    names += [f"INBOX{delimiter}{word}" for word in re.findall(r"[A-Za-z0-9_-]+", part) if word.upper() != "INBOX"]
    if named:
        names += [named, named + "x", f"{named}{delimiter}x", f"INBOX{delimiter}x{delimiter}{named[6:]}", named[:-1]]
    return names
