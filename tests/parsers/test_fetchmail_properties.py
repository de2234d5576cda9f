"""Properties on generated input: lossless, stable, faithful to fetchmail itself."""
from __future__ import annotations

import os
import pwd
import tempfile
from pathlib import Path

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.engine import plan_data
from migrate.errors import ParseError
from migrate.policy import load_policy
from parsers.fetchmail import FetchmailParser
from parsers.fetchmail.accounts import remote_name
from parsers.fetchmail.accounts import scopes
from parsers.fetchmail.accounts import split_login
from parsers.fetchmail.strings import value
from tests.oracles import fetchmail_dump
from tests.parsers.fetchmail_strategies import ASCII
from tests.parsers.fetchmail_strategies import rcfile

PARSER = FetchmailParser()
POLICY = load_policy()
SOUP = st.lists(
    st.sampled_from(["poll", "skip", "defaults", "user", "pass", "is", "here", "there", "proto", "pop3", "imap",
                     "auth", "password", "folder", "keep", "no", "ssl", "set", "daemon", "=", ",", ";", "#c",
                     "'q x'", '"d#"', "'", '"', "\\", "993", "x", "\n", " ", "\r", "\t", "é", "\udce9"]),
).map("".join)


@given(SOUP)
def test_any_text_round_trips_or_is_refused_with_a_location(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    try:
        document = PARSER.parse_bytes(data, "rc")
    except ParseError as error:
        assert error.line >= 1 and error.col >= 1
        return
    assert document.to_bytes() == data


@given(rcfile())
def test_generated_files_round_trip_and_migrate_idempotently(text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    plan = plan_data(data, PARSER, POLICY, "rc", local_user="alice")
    assert plan.only.before.to_bytes() == data
    again = plan_data(plan.only.after.to_bytes(), PARSER, POLICY, "rc", local_user="alice")
    assert again.only.after.to_bytes() == plan.only.after.to_bytes()


@given(rcfile())
def test_foreign_accounts_keep_every_setting(text: str) -> None:
    plan = plan_data(text.encode(), PARSER, POLICY, "rc", local_user="alice")
    after = {a.key: a for a in PARSER.accounts(PARSER.parse_bytes(plan.only.after.to_bytes(), "rc"))}
    for account in plan.accounts:
        if not POLICY.matches(account.incoming.host):
            assert after[account.key].incoming == account.incoming


@given(rcfile())
def test_the_services_accounts_check_certificates_and_lose_pop_login_prefixes(text: str) -> None:
    plan = plan_data(text.encode(), PARSER, POLICY, "rc", local_user="alice")
    documents = [PARSER.parse_bytes(data, "rc") for data in (text.encode(), plan.only.after.to_bytes())]
    before, after = ([remote_name(scope, d.tokens) for scope in scopes(list(d.entries), d.tokens)] for d in documents)
    migrated = PARSER.accounts(documents[1])
    for account, old, new, now in zip(plan.accounts, before, after, migrated, strict=True):
        if POLICY.matches(account.incoming.host):
            assert not now.incoming.certificate_unchecked
            assert split_login(new or "")[0] == ""


def our_reading(data: bytes) -> list[dict]:
    """What our parser says fetchmail will use, in ``--configdump``'s terms."""
    document = PARSER.parse_bytes(data, "rc")
    tokens = document.tokens

    def text(option):
        return value(tokens[option.values[-1]].text) if option and option.values else None

    servers: dict[int, dict] = {}
    for scope in scopes(list(document.entries), tokens):
        server = servers.setdefault(scope.entry.first, {
            "pollname": value(tokens[scope.entry.name].text), "active": scope.entry.kind != "skip",
            "via": text(scope.find("VIA")[0]), "users": [],
            "protocol": (text(scope.find("PROTOCOL")[0]) or "auto").upper(),
            "service": text(scope.find("SERVICE", "PORT")[0]),
            "auth": text(scope.find("AUTHENTICATE")[0]) or "any",
            "uidl": getattr(scope.find("UIDL", "NO UIDL")[0], "name", "") == "UIDL",
        })
        folders = scope.find_all("FOLDER")[0]
        remote = next((value(tokens[u.remote].text) for u in (scope.user, scope.default_user)
                       if u is not None and u.remote is not None), None)
        server["users"].append({
            "remote": remote,
            "password": text(scope.find("PASSWORD")[0]),
            "mailboxes": [value(tokens[i].text) for option in folders for i in option.values],
            "ssl": getattr(scope.find("SSL", "NO SSL")[0], "name", "") == "SSL",
            "sslproto": text(scope.find("SSLPROTO")[0]),
            "keep": getattr(scope.find("KEEP", "NO KEEP")[0], "name", "") == "KEEP",
            "fetchall": scope.find("FETCHALL")[0] is not None,
            "sslcertck": getattr(scope.find("SSLCERTCK", "NO SSLCERTCK")[0], "name", "SSLCERTCK") == "SSLCERTCK",
            "sslfingerprint": text(scope.find("SSLFINGERPRINT")[0]),
        })
    return list(servers.values())


def fetchmail_reading(dump: dict) -> list[dict]:
    keys = ("pollname", "active", "via", "protocol", "service", "auth", "uidl")
    users = ("remote", "password", "mailboxes", "ssl", "sslproto", "keep", "fetchall", "sslcertck", "sslfingerprint")
    return [
        {**{k: server[k] for k in keys}, "users": [{k: user[k] for k in users} for user in server["users"]]}
        for server in dump["servers"]
    ]


def _normalise(reading: list[dict], login: str) -> list[dict]:
    for server in reading:
        server["uidl"] = bool(server["uidl"])
        server["protocol"] = server["protocol"].upper()
        server["active"] = bool(server["active"])
        for user in server["users"]:
            user["remote"] = user["remote"] or login
            if server["auth"] in ("gssapi", "kerberos", "kerberos_v5", "ssh", "external"):
                user["password"] = None  # fetchmail puts the login name there as a stand-in
            for flag in ("ssl", "keep", "fetchall", "sslcertck"):
                user[flag] = bool(user[flag])
    return reading


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rcfile(ASCII))
def test_we_read_generated_files_as_fetchmail_does(text: str) -> None:
    data = text.encode()
    with tempfile.TemporaryDirectory() as workdir:
        dump = fetchmail_dump(data, Path(workdir))
        migrated = plan_data(data, PARSER, POLICY, "rc", local_user="alice").only.after.to_bytes()
        fetchmail_dump(migrated, Path(workdir))  # fetchmail must accept what we write, too
    login = pwd.getpwuid(os.geteuid()).pw_name
    assert _normalise(our_reading(data), login) == _normalise(fetchmail_reading(dump), login)
