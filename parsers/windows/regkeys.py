"""The keys a ``.reg`` export leaves in the registry when imported, and value edits written back into it.

Importing a ``.reg`` is a merge: each line sets (or with ``=-`` deletes) one
value, a later line wins, ``[-KEY]`` removes the key.  ``keys`` gives each
key's values after the file is imported; ``value_edits`` turns the rules'
``ValueEdits`` into edits of the lines: a changed value's data is replaced on
its last line, a deleted one becomes ``"name"=-`` there (so the migrated
export, imported over the live registry, removes it), a new one is added
after the key's last value line.
"""
from __future__ import annotations

from typing import NamedTuple

from migrate.document import Edit
from parsers.windows.regfile import RegFile
from parsers.windows.regfile import ValueLine
from parsers.windows.regfile import format_data
from parsers.windows.regfile import quote
from parsers.windows.values import RegValue
from parsers.windows.values import ValueEdits


class Key(NamedTuple):
    path: str  #: as written in its last section
    values: dict[str, RegValue]  #: what the key holds once the export is imported
    lines: dict[str, ValueLine]  #: the last line of each value named in the file, by lower-case name
    end: int  #: token index where new values go (after the last value line of its last section)
    line: int  #: the line of its first section


def keys(reg: RegFile) -> dict[str, Key]:
    """Every key the export writes, by lower-case path, in file order (a deleted key is left out)."""
    found: dict[str, Key] = {}
    for section in reg.sections:
        lower = section.path.lower()
        if section.deleted:
            found.pop(lower, None)
            continue
        key = found.get(lower) or Key(section.path, {}, {}, section.end, section.line)
        for line in section.values:
            spelled = next((name for name in key.values if name.lower() == line.name.lower()), line.name)
            if line.value is None:
                key.values.pop(spelled, None)
            else:
                key.values[spelled] = line.value
            key.lines[line.name.lower()] = line
        found[lower] = key._replace(path=section.path, end=section.end)
    return found


def value_edits(reg: RegFile, key: Key, edits: ValueEdits) -> list[Edit]:
    newline = reg.newline if "\n" in reg.render() else "\r\n"
    changed, added = [], []
    for name, value in edits.items():
        line = key.lines.get(name.lower())
        if line is not None:
            width = len(reg.tokens[line.data - 2].text) + len(reg.tokens[line.data - 1].text)
            changed.append(Edit(line.data, line.data + 1, format_data(value, width, newline)))
        elif value is not None:
            spelled = "@" if name == "" else quote(name)
            added.append(f"{spelled}={format_data(value, len(spelled) + 1, newline)}{newline}")
    if added:
        lead = "" if key.end == 0 or reg.tokens[key.end - 1].kind == "NL" else newline
        changed.append(Edit(key.end, key.end, lead + "".join(added)))
    return changed
