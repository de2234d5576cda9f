"""The site policy: one frozen object built once from a validated INI file."""
from __future__ import annotations

import dataclasses
import fnmatch
import functools
import re
from importlib import resources
from urllib.parse import urlsplit
from typing import Mapping
from typing import Optional
from typing import Sequence

from configobj import ConfigObj
from configobj import ConfigObjError
from configobj import flatten_errors
from configobj import get_extra_values
from configobj.validate import Validator
from configobj.validate import VdtValueError

from migrate.errors import PolicyError

BUILTIN = "built-in (lboro)"
# Labels as the mail clients take them: DNS letters, digits and hyphens, and the underscore that
# real setups use (``mail_server.example.com``), which resolvers and every client accept.
_HOSTNAME = re.compile(r"(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?", re.I)


@dataclasses.dataclass(frozen=True)
class ServerPolicy:
    host: str
    security: str  #: preferred: written where a setup's encryption is not accepted
    port: int  #: the port that goes with the preferred encryption
    accept: tuple[tuple[str, int], ...]  #: every (security, port) pair the server takes
    protocol: Optional[str] = None
    auth_required: bool = True


@dataclasses.dataclass(frozen=True)
class PublishPolicy:
    """What ``publish`` tells clients and people beside the servers; empty values are left out or derived."""

    organisation: str = ""  #: who runs the service
    short_name: str = ""  #: the name a client shows in its account list (default: the service's name)
    url: str = ""  #: where the published folder is served (default: ``https://autoconfig.DOMAIN/``)
    webmail: str = ""  #: the service's webmail, where folders can be subscribed to
    accounts: str = ""  #: whose usernames and passwords people log in with
    example_user: str = "jsmith"  #: the username shown in examples


@dataclasses.dataclass(frozen=True)
class Policy:
    source: str
    service: str
    domain: str
    match: tuple[str, ...]
    incoming: ServerPolicy
    outgoing: ServerPolicy
    login_method: str
    username_suffix: str
    domain_prefixes: tuple[str, ...]
    inbox_prefixes: tuple[str, ...]
    old_separator: str
    new_separator: str
    special_folders: Mapping[str, str]  #: role (``sent``, ``drafts``, ``trash``) to name
    subscriptions: str
    saved_passwords: str
    verify_certificates: bool = True  #: the service's certificate is checked, whatever the setup said
    publish: PublishPolicy = PublishPolicy()
    pop_only: str = "keep"  #: accounts of POP-only programs (mpop): ``keep`` them, or ``disable`` (comment them out)

    def matches(self, host: Optional[str]) -> bool:
        """Whether an account on ``host`` belongs to this service."""
        host = (host or "").strip().rstrip(".").lower()
        return bool(host) and self._match_expression.match(host) is not None

    @functools.cached_property
    def _match_expression(self) -> re.Pattern[str]:
        """The ``match`` patterns as one expression, compiled once: every account's every side asks."""
        return re.compile("|".join(fnmatch.translate(pattern.lower()) for pattern in self.match) or "(?!)")


def default_policy_text() -> str:
    return resources.files("migrate").joinpath("policies/lboro.ini").read_text("utf-8")


def load_policy(path: Optional[str] = None, overrides: Sequence[str] = ()) -> Policy:
    """Read, validate and freeze a policy; every bad key is named in one ``PolicyError``."""
    source = path or BUILTIN
    config, problems = _read(path, overrides)
    result = config.validate(Validator(_CHECKS), preserve_errors=True)
    if result is not True:
        for sections, key, error in flatten_errors(config, result):
            where = ".".join([*sections, key] if key else sections)
            problems.append(f"{where}: {error or 'missing'}")
    problems += [f"{'.'.join([*sections, key])}: unknown key" for sections, key in get_extra_values(config)]
    problems = [p for p in problems if p] or [_unaccepted(config, side) for side in ("incoming", "outgoing")]
    problems = [p for p in problems if p]
    if problems:
        raise PolicyError(source, problems)
    return _freeze(source, config)


def policy_text(path: Optional[str] = None, overrides: Sequence[str] = ()) -> str:
    """The policy's values with ``overrides`` written in, as a file for another run (``publish`` hands it out).

    The comments go: they describe the file it came from, whose values the overrides may have replaced.
    """
    config, _ = _read(path, overrides)
    _uncomment(config)
    config.initial_comment = ["# mailmigrate policy ('mailmigrate policy' prints the built-in one, every key explained)"]
    config.final_comment = []
    config.encoding = None  # lines of text, not bytes
    return "\n".join(config.write()) + "\n"


def _uncomment(section: Mapping) -> None:
    for key in section:
        nested = isinstance(section[key], Mapping)
        section.comments[key], section.inline_comments[key] = [""] if nested else [], None  # type: ignore[attr-defined]
        if nested:
            _uncomment(section[key])


def _read(path: Optional[str], overrides: Sequence[str]) -> tuple[ConfigObj, list[str]]:
    lines = default_policy_text().splitlines() if path is None else path
    spec = resources.files("migrate").joinpath("policy.spec").read_text("utf-8").splitlines()
    try:
        config = ConfigObj(lines, configspec=spec, file_error=True, interpolation=False, encoding="utf-8")
    except (ConfigObjError, OSError) as error:
        raise PolicyError(path or BUILTIN, [str(error)]) from None
    return config, [_override(config, item) for item in overrides]


def _override(config: ConfigObj, item: str) -> str:
    name, sep, value = item.partition("=")
    *sections, key = name.strip().split(".")
    if not sep or not key:
        return f"--set {item!r}: expected SECTION.KEY=VALUE"
    target = config
    for section in sections:
        target = target.setdefault(section, {})
    target[key] = value.strip()
    return ""


def _as_list(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value).split(",")
    return [item.strip() for item in items if item.strip()]


def _hostname(value: object) -> str:
    if not isinstance(value, str) or not _HOSTNAME.fullmatch(value):
        raise VdtValueError(value)
    return value.lower()


def _host_patterns(value: object) -> list[str]:
    patterns = _as_list(value)
    if not patterns or not all(_HOSTNAME.fullmatch(p.replace("*", "x")) for p in patterns):
        raise VdtValueError(value)
    return [p.lower() for p in patterns]


def _endpoints(value: object) -> list[tuple[str, int]]:
    pairs = []
    for item in _as_list(value):
        security, _, port = item.partition(":")
        if security not in ("ssl", "starttls") or not port.isdigit() or not 0 < int(port) < 65536:
            raise VdtValueError(item)
        pairs.append((security, int(port)))
    if not pairs:
        raise VdtValueError(value)
    return pairs


def _web_address(value: object) -> str:
    """An ``http(s)://host/...`` address, or nothing; it goes into pages and XML as it is."""
    if value == "":
        return ""
    try:
        parts = urlsplit(value)  # type: ignore[arg-type]
        parts.port  # a port that is no number raises
    except (TypeError, ValueError, AttributeError):
        raise VdtValueError(value) from None
    if (parts.scheme not in ("http", "https") or not _HOSTNAME.fullmatch(parts.hostname or "")
            or any(c.isspace() or c in '"<>\\`' for c in value)):
        raise VdtValueError(value)
    return value


_CHECKS = {"hostname": _hostname, "host_patterns": _host_patterns, "endpoints": _endpoints,
           "web_address": _web_address}


def _unaccepted(config: ConfigObj, side: str) -> str:
    section = config[side]
    if any(security == section["security"] for security, _ in section["accept"]):
        return ""
    return f"{side}.security: {section['security']} has no port in {side}.accept"


def _server(section: Mapping) -> ServerPolicy:
    return ServerPolicy(
        host=section["host"],
        security=section["security"],
        port=next(port for security, port in section["accept"] if security == section["security"]),
        accept=tuple(section["accept"]),
        protocol=section.get("protocol"),
        auth_required=section.get("auth_required", True),
    )


def _freeze(source: str, config: ConfigObj) -> Policy:
    folders = config["folders"]
    return Policy(
        source=source,
        service=config["service"],
        domain=config["domain"],
        match=tuple(config["match"]),
        incoming=_server(config["incoming"]),
        outgoing=_server(config["outgoing"]),
        login_method=config["login"]["method"],
        username_suffix=config["login"]["username_suffix"],
        domain_prefixes=tuple(p.upper() for p in _as_list(config["login"]["domain_prefixes"])),
        inbox_prefixes=tuple(_as_list(folders["inbox_prefixes"])),
        old_separator=folders["old_separator"],
        new_separator=folders["new_separator"],
        special_folders={role: folders[role] for role in ("sent", "drafts", "trash")},
        subscriptions=config["subscriptions"]["mode"],
        saved_passwords=config["passwords"]["saved"],
        verify_certificates=config["certificates"]["verify"],
        publish=PublishPolicy(**config["publish"]),
        pop_only=config["incoming"]["pop_only"],
    )
