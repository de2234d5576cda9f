"""Log in as ``user@domain``.

``ccano`` -> ``ccano@lboro.ac.uk``; ``LBORO\\ccano`` -> ``ccano@lboro.ac.uk``;
no username (the client sends the login name) -> ``<owner>@lboro.ac.uk``;
an outgoing server with no username takes the account's incoming login.

CAVEATS: a name that already ends in the suffix is kept (never doubled); a
name with another domain or an unknown Windows domain is reported, not
guessed; so is a template value that is no user name (``<email-address>``,
``your-login``: see ``is_placeholder``).
"""
from __future__ import annotations

import re
from typing import Iterator
from typing import Optional

from migrate.model import Account
from migrate.model import Change
from migrate.model import Finding
from migrate.model import Note
from migrate.policy import Policy
from migrate.rules import rule
from migrate.rules import sides


#: Characters no login has: blanks and controls, and the marks of templates (``<name>``, ``${USER}``).
_NOT_IN_LOGINS = re.compile(r"[\s\x00-\x1f\x7f<>{}$]")
#: Words that stand for a login in templates and examples, compared without case, ``-``, ``_`` or ``.``.
_TEMPLATE_WORDS = re.compile(
    r"your.*|x{3,}|user|username|userid|login|loginname|account|accountname|e?mail|e?mailaddress|changeme")


def is_placeholder(username: str) -> bool:
    """Whether a login is a template's stand-in (``<email-address>``, ``your-login``) rather than a user name."""
    return _NOT_IN_LOGINS.search(username) is not None or _TEMPLATE_WORDS.fullmatch(
        re.sub(r"[-_.]", "", username.lower())) is not None


def suffixed(username: str, policy: Policy) -> Optional[str]:
    """The service's form of ``username``, or ``None`` when it cannot be known."""
    if is_placeholder(username):
        return None
    if username.lower().endswith(policy.username_suffix.lower()):
        return username
    domain, backslash, name = username.rpartition("\\")
    if backslash:
        return name + policy.username_suffix if domain.upper() in policy.domain_prefixes and name else None
    return None if "@" in username or not username else username + policy.username_suffix


def _fallback(account: Account, policy: Policy) -> Optional[str]:
    """Who logs in when no name is set: the account's own login on the service, else the owner."""
    incoming = account.incoming
    if policy.matches(incoming.host) and incoming.username is not None:
        return incoming.username
    return account.local_user


@rule("username-suffix")
def username_suffix(account: Account, policy: Policy) -> Iterator[Finding]:
    for side in sides(account, policy):
        endpoint = side.endpoint
        if endpoint.auth == "none" and not side.server.auth_required:
            continue
        current = endpoint.username if endpoint.username is not None else _fallback(account, policy)
        if current is None:
            yield Note(
                account.key, "username-suffix",
                f"no {side.name} username is set and the login name is unknown;"
                f" set it to USER{policy.username_suffix} by hand",
            )
            continue
        new = suffixed(current, policy)
        if is_placeholder(current):
            yield Note(
                account.key, "username-suffix",
                f"{side.name} username {current!r} is a placeholder, not a user name;"
                f" set it to USER{policy.username_suffix} by hand",
            )
        elif new is None:
            yield Note(
                account.key, "username-suffix",
                f"{side.name} username {current!r} is not of the form USER{policy.username_suffix};"
                f" {'left as it is' if endpoint.username is not None else 'set as the account logs in'}, check it by hand",
            )
            if endpoint.username is None and side.name == "outgoing":
                # unset, a client may send without logging in, which the service refuses
                yield Change(account.key, "outgoing.username", None, current, "username-suffix",
                             "the service wants every outgoing server to log in, as the account does")
        elif new != endpoint.username:
            yield Change(
                account.key, f"{side.name}.username", endpoint.username, new,
                "username-suffix", f"the service wants logins of the form USER{policy.username_suffix}",
            )
