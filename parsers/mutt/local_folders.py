"""After a POP setup's ``pop_host`` line becomes the service's ``folder`` and inbox, mutt's final values
must still be the service's, and local folders must stay where they were.

mutt runs the setup top to bottom, and a later ``set folder=~/Mail`` or
``set spoolfile=~/Mail/inbox`` (the local spool ``<fetch-mail>`` filled) would
win over the lines put at ``pop_host``.  So, in mutt's order:

- a later ``folder``/``spoolfile`` that is not a server's is commented out
  (a server's is that account's own, and is reported when it would win);
- ``=x``/``+x`` names after that point that were read against a ``$folder``
  which is now the service's (one set before it) or gone (a local one after
  it) are written out in full (``+sent`` -> ``~/Mail/sent``): they keep
  naming the same folders.  Macros and hook commands expand theirs when they
  run, against the last ``$folder`` (unless the hook sets its own first);
  a ``$folder`` of another server set after that point stays, and so do the
  names read against it;
- the plan says where the old mail and the local folders are.
"""
from __future__ import annotations

from typing import Optional

from migrate.model import Note
from parsers.mutt.references import Findings
from parsers.mutt.references import Ref
from parsers.mutt.references import Setting
from parsers.mutt.rewrite import MuttRewrite
from parsers.mutt.urls import Url
from parsers.mutt.urls import parse_url

INBOX_VARIABLES = ("folder", "spoolfile", "spool_file")


def keep_after(rewrite: MuttRewrite, found: Findings, switched: list[Setting], account: str) -> None:
    """Make the service's folder and inbox, set where the ``switched`` lines stand, the final ones."""
    old_spool = _old_spool(found)
    first = switched[0].at
    for name in INBOX_VARIABLES:
        for setting in found.settings.get(name, []):
            if setting.at > first:
                _undoing(rewrite, setting, account)
    kept: list[str] = []
    for ref in found.refs:
        if ref.text[:1] not in "=+" or ref.pattern or ref.folder is None or not (ref.runtime or ref.at > first):
            continue
        if ref.inner_quote is not None and not ref.runtime:
            continue  # read against the hook's own $folder
        url = ref.server if ref.url is None else None
        at = len(found.commands) if ref.runtime else ref.at
        # the $folder it was read against is now the service's (a switched line came between) or gone (a local
        # one after the first switched line)
        replaced = any(ref.folder_at < setting.at < at for setting in switched)
        if replaced and (url is None or _host(url) not in rewrite.migrating) or (
                url is None and ref.folder[0] in "~/" and ref.folder_at > first):
            kept.append(_written_out(rewrite, ref, ref.folder, url is not None))
    where = f"the mail POP fetched stays in {old_spool}" if old_spool else "the mail POP fetched stays where it is"
    stay = f"; these stay where they were: {', '.join(dict.fromkeys(kept))}" if kept else ""
    rewrite.notes.append(Note(account, "mutt", f"{where} (open it with mutt -f){stay}; + and = now name the"
                                               " service's folders"))


def _undoing(rewrite: MuttRewrite, setting: Setting, account: str) -> None:
    assignment = setting.assignment
    written = rewrite.setup.muttrcs[setting.file].tokens[assignment.first: assignment.last + 1]
    shown = "".join(token.text for token in written)
    line = rewrite.setup.muttrcs[setting.file].position(assignment.first)[0]
    value = assignment.value.value if assignment.value is not None else ""
    if value is None:
        rewrite.notes.append(Note(account, "mutt", f"{setting.file}, line {line}: {shown} comes after the service's"
                                                   " folder and may undo it; check it by hand"))
    elif parse_url(value) is not None:
        rewrite.notes.append(Note(account, "mutt", f"{setting.file}, line {line}: {shown} comes after the service's"
                                                   " folder and names a server, so it wins as before; check it"))
    else:
        rewrite.drop(setting)
        rewrite.notes.append(Note(account, "mutt", f"{setting.file}, line {line}: {shown} commented out: it came"
                                                   " after the service's folder and would undo it"))


def _host(url: Url) -> str:
    return url.host.replace("\\", "").lower()


def _written_out(rewrite: MuttRewrite, ref: Ref, folder: str, server: bool) -> str:
    """``ref`` written in full against ``folder``, as mutt joins them (no ``/`` added after a server's ``/``)."""
    name = ref.text[1:]
    joined = not name or (server and folder.endswith("/"))
    full = folder + name if joined else f"{folder}/{name}"
    rewrite.replace(ref, full)
    return f"{ref.context} {full}"


def _old_spool(found: Findings) -> Optional[str]:
    """Where mutt found new mail before: the last local ``spoolfile`` set outside hooks."""
    for name in ("spool_file", "spoolfile"):
        for setting in reversed(found.settings.get(name, [])):
            value = setting.assignment.value.value if setting.assignment.value is not None else None
            if value and parse_url(value) is None:
                return value
    return None
