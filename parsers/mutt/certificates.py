"""Certificate checks back on for the service's connections.

mutt checks a server's certificate unless ``ssl_verify_host`` (the name) or
``ssl_verify_dates`` (the validity dates) is off, and trusts the system's
authorities unless ``ssl_usesystemcerts`` (NeoMutt ``ssl_use_system_certs``)
is off, when only certificates accepted by hand (``$certificate_file``: the
old server's) pass.  ``ssl_verify_partial_chains`` only lets more chains be
checked, so it stays.

These are global.  When every account of the setup is the service's, the
settings are switched on where they stand.  When another account shares the
setup, its connections keep what the user chose: the global settings stay,
and two ``account-hook``s (run before every connection) put the user's values
back for any server and switch the checks on for the service's.

CAVEATS: a hook of the user's that switches a check off is left alone.
"""
from __future__ import annotations

import re

from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from migrate.model import by_account
from parsers.mutt.references import Findings
from parsers.mutt.references import Setting
from parsers.mutt.rewrite import MuttRewrite

VERIFY = ("ssl_verify_host", "ssl_verify_dates", "ssl_usesystemcerts", "ssl_use_system_certs")


def switched_off(found: Findings) -> list[str]:
    """The certificate checks the setup switches off."""
    return [name for name in VERIFY if (found.value(name) or "").lower() == "no"]


def unchecked(found: Findings, host: str) -> bool:
    """Whether mutt skips a certificate check when it connects to ``host``: a check switched off, and
    not switched on again by the ``account-hook``s that run before it connects there."""
    values = {name: "no" for name in switched_off(found)}
    if not values:
        return False
    for hook in found.hooks_setting(values):
        pattern = hook.command.args[0].value
        if pattern is None:
            continue
        try:
            matches = re.search(pattern, f"imaps://{host}/") is not None
        except re.error:
            matches = False
        if matches:
            for assignment in hook.assignments:
                if assignment.name in values and assignment.value is not None and assignment.value.value:
                    values[assignment.name] = assignment.value.value.lower()
    return "no" in values.values()


def check_again(rewrite: MuttRewrite, found: Findings, accounts: list[Account], changes: list[Change]) -> None:
    turning = {change.account for change in changes if change.field.endswith(".certificate")}
    names = switched_off(found)
    if not turning or not names:
        return
    mine_of = by_account(changes)
    hosts = sorted({_new_host(account, mine_of[account.key]) for account in accounts if account.key in turning} - {""})
    last = max((s for name in names for s in found.settings.get(name, [])), key=lambda s: s.at)
    key = sorted(turning)[0]
    others = [account.label for account in accounts if account.key not in turning]
    if others:
        pattern = "|".join(host.replace(".", "\\.") for host in hosts)
        # the user's values back for every connection, where the global ones are set; the service's after every
        # account-hook of the user's that sets them, so that it wins for the service's connections
        rewrite.add_after(last.file, last.command, f"account-hook . 'set {' '.join(f'{n}=no' for n in names)}'")
        hooks = [(hook.at, hook.file, hook.command) for hook in found.hooks_setting(names)]
        at, file, command = max([(last.at, last.file, last.command), *hooks], key=lambda hook: hook[0])
        rewrite.add_after(file, command, f"account-hook '[/@]({pattern})[:/]' 'set {' '.join(f'{n}=yes' for n in names)}'")
        rewrite.notes.append(Note(key, "mutt", f"{', '.join(names)} switched back on for the service's connections"
                                               f" (an account-hook); still off for {', '.join(others)}"))
        return
    for name in names:
        _switch_on(rewrite, found.settings[name][-1], name)
    rewrite.notes.append(Note(key, "mutt", f"{', '.join(names)} switched back on: mutt now checks the service's"
                                           " certificate"))


def _new_host(account: Account, changes: list[Change]) -> str:
    """The host the account connects to once migrated (``changes``: its own)."""
    moved = [str(c.new) for c in changes if c.field.endswith(".host")]
    endpoint = account.outgoing if account.outgoing is not None and account.outgoing.host else account.incoming
    return moved[0] if moved else endpoint.host or ""


def _switch_on(rewrite: MuttRewrite, setting: Setting, name: str) -> None:
    """The last setting of ``name`` says yes, in its own form: ``=no`` -> ``=yes``, ``noX`` -> ``X``,
    ``unset X`` -> ``set X``."""
    assignment = setting.assignment
    if assignment.value is not None:
        rewrite.set_value(setting.file, assignment.value, "yes")
    elif assignment.prefix == "no":
        rewrite.set_value(setting.file, assignment.target, name)
    elif setting.command.name == "unset" and len(setting.command.assignments) == 1:
        rewrite.rename_command(setting.file, setting.command, "set")
    else:
        rewrite.drop(setting)
        rewrite.add_after(setting.file, setting.command, f"set {name}=yes")
