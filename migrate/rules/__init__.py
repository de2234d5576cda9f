"""Rules: small pure functions from an ``Account`` and the ``Policy`` to findings.

Each rule lives in its own module, named like its id (``force-tls`` is
``force_tls.py``), and registers itself with ``@rule``.  Rules never touch
syntax, never do I/O and never print; they yield ``Change`` and ``Note`` values.
"""
from __future__ import annotations

import functools
import importlib
from typing import Callable
from typing import Iterator
from typing import NamedTuple

from migrate.model import Account
from migrate.model import Endpoint
from migrate.model import Finding
from migrate.policy import Policy
from migrate.policy import ServerPolicy

RuleFunction = Callable[[Account, Policy], Iterator[Finding]]

#: Module names in the order their findings are listed in a plan.
_ORDER = (
    "new_server",
    "pop_to_imap",
    "force_tls",
    "verify_certificates",
    "plain_auth",
    "username_suffix",
    "folder_prefix",
    "subscriptions_off",
    "saved_passwords",
)
RULES: dict[str, RuleFunction] = {}
#: Protocols that read a mailbox; anything else (ETRN, ODMR, ...) is never migrated.
MAILBOX_PROTOCOLS = frozenset({"imap", "pop", "pop2", "pop3", "apop", "rpop", "kpop", "sdps", "auto"})


def rule(rule_id: str) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        function.rule_id = rule_id  # type: ignore[attr-defined]
        RULES[rule_id] = function
        return function

    return register


class Side(NamedTuple):
    name: str  #: ``"incoming"`` or ``"outgoing"``
    endpoint: Endpoint
    server: ServerPolicy


def sides(account: Account, policy: Policy) -> Iterator[Side]:
    """The account's endpoints that belong to the service, with the policy for each.

    A POP-only client's incoming server is none: no setting of it can reach the service (``pop-to-imap``).
    """
    incoming = account.incoming
    if policy.matches(incoming.host) and (incoming.protocol or "imap") in MAILBOX_PROTOCOLS and not account.pop_only:
        yield Side("incoming", incoming, policy.incoming)
    if account.outgoing is not None and policy.matches(account.outgoing.host):
        yield Side("outgoing", account.outgoing, policy.outgoing)


@functools.cache
def ordered_rules() -> tuple[RuleFunction, ...]:
    """Every built-in rule in plan order, whatever order their modules were imported in.

    Worked out once a process: ``review`` runs for every account, twice for a changed setup.
    """
    for name in _ORDER:
        importlib.import_module(f"{__name__}.{name}")
    return tuple(RULES[name.replace("_", "-")] for name in _ORDER)


def review(account: Account, policy: Policy) -> list[Finding]:
    """Every rule's findings for one account, in plan order."""
    return [finding for function in ordered_rules() for finding in function(account, policy)]
