"""Unified diffs with every saved password masked.

A document made by ``Document.apply`` knows its edits: only the lines around
them are compared (with ``difflib``, a few lines at a time), so a diff costs
what the file's size costs to read, not a general diff of the whole text.
Lines end at LF, as ``patch`` reads them.
"""
from __future__ import annotations

import bisect
import collections
import difflib
from typing import Iterator
from typing import Sequence

from migrate.document import REDACTED
from migrate.document import Document
from migrate.document import Edit
from migrate.document import Token
from migrate.document import edits_between
from migrate.document import line_starts

CONTEXT = 3  #: unchanged lines around each change, and half the gap that still joins two changes into one hunk
Opcode = tuple[str, int, int, int, int]  #: as ``difflib.SequenceMatcher.get_opcodes`` gives them


def unified_diff(before: Document, after: Document, path: str) -> str:
    """``""`` when nothing changed; secrets show as ``********`` on both sides."""
    old, new = before.render_redacted(), after.render_redacted()
    if old == new:
        return ""
    old_lines, new_lines = _lines(old), _lines(new)
    edits = edits_between(before, after)
    if edits is None:  # not made by one apply: compare it all
        opcodes = whole_text_opcodes(old_lines, new_lines)
    else:
        opcodes = _around_edits(before.tokens, after.tokens, edits, old, new, old_lines, new_lines)
    before_label, after_label = (path, path) if path.startswith("/") else (f"a/{path}", f"b/{path}")
    out = [f"--- {before_label}\n", f"+++ {after_label}\n"]
    for hunk in _hunks(opcodes, len(old_lines), len(new_lines)):
        first, last = hunk[0], hunk[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in hunk:
            if tag == "equal":
                out += [" " + line for line in old_lines[i1:i2]]
                continue
            out += ["-" + line for line in old_lines[i1:i2]]
            out += ["+" + line for line in new_lines[j1:j2]]
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)


#: Lines a side beyond which a whole-text comparison is anchored first: difflib alone grows with the
#: square of the lines when many repeat (a property list's ``<key>`` lines).
ANCHORED = 2000


def whole_text_opcodes(old: list[str], new: list[str]) -> list[Opcode]:
    """How ``new`` differs from ``old``, in time about linear in the lines for a big text: the lines found
    once on each side, in the same order on both, anchor the comparison (patience), and ``difflib``
    compares only the stretches between anchors.  Small texts go to ``difflib`` whole."""
    if len(old) <= ANCHORED and len(new) <= ANCHORED:
        return difflib.SequenceMatcher(None, old, new).get_opcodes()
    opcodes: list[Opcode] = []
    i = j = 0
    for anchor_i, anchor_j in [*_anchors(old, new), (len(old), len(new))]:
        gap = difflib.SequenceMatcher(None, old[i:anchor_i], new[j:anchor_j]).get_opcodes()
        opcodes += [(tag, i + i1, i + i2, j + j1, j + j2) for tag, i1, i2, j1, j2 in gap if i1 < i2 or j1 < j2]
        if anchor_i < len(old):
            opcodes.append(("equal", anchor_i, anchor_i + 1, anchor_j, anchor_j + 1))
        i, j = anchor_i + 1, anchor_j + 1
    return _joined(opcodes)


def _anchors(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """The longest run, in order on both sides, of the lines each side has once (patience sorting)."""
    in_old: dict[str, list[int]] = {}  # line -> [times, place]
    for place, line in enumerate(old):
        in_old.setdefault(line, [0, place])[0] += 1
    in_new = collections.Counter(new)
    pairs = [(in_old[line][1], place) for place, line in enumerate(new)
             if in_new[line] == 1 and in_old.get(line, (0,))[0] == 1]
    pairs.sort()
    ends: list[int] = []  # ends[k]: the place in ``pairs`` ending the best run of k + 1 found so far
    previous: list[int] = []
    for place, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(ends, j, key=lambda end: pairs[end][1])
        previous.append(ends[k - 1] if k else -1)
        ends[k:k + 1] = [place]
    run, place = [], ends[-1] if ends else -1
    while place >= 0:
        run.append(pairs[place])
        place = previous[place]
    return run[::-1]


def _joined(opcodes: list[Opcode]) -> list[Opcode]:
    """Neighbouring opcodes of one kind made one, as difflib gives them."""
    joined: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if joined and joined[-1][0] == tag:
            joined[-1] = (tag, joined[-1][1], i2, joined[-1][3], j2)
        else:
            joined.append((tag, i1, i2, j1, j2))
    return joined


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def _shown(tokens: Sequence[Token]) -> int:
    """Length of the tokens' text as the diff shows it (secrets masked)."""
    return sum(len(REDACTED) if token.secret else len(token.text) for token in tokens)


def _around_edits(
    base: Sequence[Token], tokens: Sequence[Token], edits: tuple[Edit, ...], old: str, new: str,
    old_lines: list[str], new_lines: list[str],
) -> list[Opcode]:
    """Opcodes for the whole text from the edits: the lines they touch, compared with each other; the rest equal."""
    old_starts, new_starts = line_starts(old), line_starts(new)
    regions: list[list[int]] = []  #: [old first line, old end line, new first line, new end line]
    # ``at``: the first base token not yet counted, ``offset``: where it starts in ``old``; ``shift`` and
    # ``delta``: how far the new tokens and the new text have moved from the old ones so far
    at = offset = shift = delta = 0
    for edit in edits:
        offset += _shown(base[at : edit.start])
        removed = _shown(base[edit.start : edit.end])
        made = 1 if edit.text else 0
        added = _shown(tokens[edit.start + shift : edit.start + shift + made])
        region = [bisect.bisect_right(old_starts, offset) - 1, bisect.bisect_right(old_starts, offset + removed),
                  bisect.bisect_right(new_starts, offset + delta) - 1,
                  bisect.bisect_right(new_starts, offset + delta + added)]
        if regions and region[0] <= regions[-1][1]:  # shares a line with the one before, or follows it
            last = regions[-1]
            last[1], last[3] = max(last[1], region[1]), max(last[3], region[3])
        else:
            regions.append(region)
        at, offset = edit.end, offset + removed
        shift, delta = shift + made - (edit.end - edit.start), delta + added - removed
    opcodes: list[Opcode] = []
    done_old = done_new = 0
    for old_first, old_end, new_first, new_end in regions:
        old_end, new_end = min(old_end, len(old_lines)), min(new_end, len(new_lines))
        opcodes.append(("equal", done_old, old_first, done_new, new_first))
        matcher = difflib.SequenceMatcher(None, old_lines[old_first:old_end], new_lines[new_first:new_end])
        opcodes += [(tag, old_first + i1, old_first + i2, new_first + j1, new_first + j2)
                    for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
        done_old, done_new = old_end, new_end
    opcodes.append(("equal", done_old, len(old_lines), done_new, len(new_lines)))
    return opcodes


def _hunks(opcodes: list[Opcode], old_count: int, new_count: int) -> Iterator[list[Opcode]]:
    """Changes with ``CONTEXT`` lines around them; changes at most twice that apart share a hunk (as in difflib)."""
    changes = [op for op in opcodes if op[0] != "equal"]
    start = 0
    while start < len(changes):
        end = start + 1
        while end < len(changes) and changes[end][1] - changes[end - 1][2] <= 2 * CONTEXT:
            end += 1
        group = changes[start:end]
        lead = min(CONTEXT, group[0][1], group[0][3])
        trail = min(CONTEXT, old_count - group[-1][2], new_count - group[-1][4])
        hunk: list[Opcode] = [("equal", group[0][1] - lead, group[0][1], group[0][3] - lead, group[0][3]), group[0]]
        for previous, change in zip(group, group[1:]):
            hunk += [("equal", previous[2], change[1], previous[4], change[3]), change]
        hunk.append(("equal", group[-1][2], group[-1][2] + trail, group[-1][4], group[-1][4] + trail))
        yield [op for op in hunk if op[0] != "equal" or op[1] < op[2]]
        start = end


def _range(start: int, stop: int) -> str:
    """A hunk's line range as difflib writes it: ``first,count``; an empty one names the line before it."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start if not length else start + 1},{length}"
