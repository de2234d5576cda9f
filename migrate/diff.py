"""Unified diffs with every saved password masked."""
from __future__ import annotations

import difflib

from migrate.document import Document


def unified_diff(before: Document, after: Document, path: str) -> str:
    """``""`` when nothing changed; secrets show as ``********`` on both sides."""
    old = before.render_redacted().splitlines(keepends=True)
    new = after.render_redacted().splitlines(keepends=True)
    lines = []
    before_label, after_label = (path, path) if path.startswith("/") else (f"a/{path}", f"b/{path}")
    for line in difflib.unified_diff(old, new, before_label, after_label):
        lines.append(line)
        if not line.endswith(("\n", "\r")):
            lines.append("\n\\ No newline at end of file\n")
    return "".join(lines)
