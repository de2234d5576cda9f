"""The service as the published files and pages describe it: every value taken from the policy, once."""
from __future__ import annotations

import dataclasses
from typing import Optional

from migrate.policy import Policy
from migrate.policy import ServerPolicy

#: Thunderbird's ``socketType`` words for the policy's encryption names
SOCKET_TYPES = {"ssl": "SSL", "starttls": "STARTTLS"}


@dataclasses.dataclass(frozen=True)
class Endpoint:
    security: str  #: ``ssl`` (encrypted from the start) or ``starttls``
    port: int

    @property
    def socket_type(self) -> str:
        return SOCKET_TYPES[self.security]


@dataclasses.dataclass(frozen=True)
class Server:
    host: str
    endpoints: tuple[Endpoint, ...]  #: the preferred one first, then the other accepted ones in the policy's order
    auth_required: bool = True

    @property
    def preferred(self) -> Endpoint:
        return self.endpoints[0]

    def first(self, *securities: str) -> Optional[Endpoint]:
        """The first endpoint, in the service's order, that a client able to do ``securities`` can use."""
        return next((e for e in self.endpoints if e.security in securities), None)

    def ports(self, security: str) -> tuple[int, ...]:
        return tuple(e.port for e in self.endpoints if e.security == security)


@dataclasses.dataclass(frozen=True)
class Service:
    name: str
    short_name: str
    organisation: str
    domain: str
    url: str  #: where the published folder is served; the setup pages' address
    webmail: str
    accounts: str  #: whose usernames and passwords people log in with ("" = the service's own)
    imap: Server
    smtp: Server
    username_suffix: str
    example_user: str
    inbox_prefixes: tuple[str, ...]
    old_separator: str
    new_separator: str
    special_folders: dict
    subscriptions_off: bool
    passwords: str  #: the policy's ``passwords.saved``: warn, remove or keep

    @property
    def example_login(self) -> str:
        return self.example_user + self.username_suffix

    @property
    def login_template(self) -> str:
        """The login as Thunderbird's autoconfig spells it: the address's local part plus the suffix."""
        return "%EMAILLOCALPART%" + self.username_suffix

    @property
    def old_prefix(self) -> str:
        """The INBOX level old setups put before personal folders, as people saw it (``INBOX.``)."""
        return self.inbox_prefixes[0]

    @property
    def profile_id(self) -> str:
        """The Apple profile's identifier: the domain reversed, as Apple's reverse-DNS style asks."""
        return ".".join(reversed(self.domain.split("."))) + ".mail"


def _server(policy: ServerPolicy) -> Server:
    preferred = Endpoint(policy.security, policy.port)
    others = [Endpoint(security, port) for security, port in policy.accept if Endpoint(security, port) != preferred]
    return Server(policy.host, (preferred, *others), policy.auth_required)


def describe(policy: Policy) -> Service:
    site = policy.publish
    return Service(
        name=policy.service,
        short_name=site.short_name or policy.service,
        organisation=site.organisation,
        domain=policy.domain,
        url=site.url or f"https://autoconfig.{policy.domain}/",
        webmail=site.webmail,
        accounts=site.accounts,
        imap=_server(policy.incoming),
        smtp=_server(policy.outgoing),
        username_suffix=policy.username_suffix,
        example_user=site.example_user,
        inbox_prefixes=policy.inbox_prefixes,
        old_separator=policy.old_separator,
        new_separator=policy.new_separator,
        special_folders=dict(policy.special_folders),
        subscriptions_off=policy.subscriptions == "off",
        passwords=policy.saved_passwords,
    )
