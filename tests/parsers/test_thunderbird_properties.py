"""Generated profiles: lossless, stable on a second pass, foreign accounts untouched, the rest compliant."""
from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.engine import plan_setup
from migrate.model import Change
from migrate.policy import load_policy
from parsers.thunderbird import ThunderbirdParser
from parsers.thunderbird.accounts import account
from parsers.thunderbird.accounts import host_and_port
from parsers.thunderbird.accounts import mail_accounts
from parsers.thunderbird.accounts import number
from parsers.thunderbird.accounts import outgoing_key
from parsers.thunderbird.prefs import parse_prefs
from parsers.thunderbird.prefs_lexer import escape
from parsers.thunderbird.profile import Profile

POLICY = load_policy()
PARSER = ThunderbirdParser()
HOSTS = ["imap.lboro.ac.uk", "pop.lboro.ac.uk", "staff-mail.lboro.ac.uk", "imap.gmail.com", "mail.example.org"]
USERS = ["ccano", "LBORO\\jdoe", "a.b@lboro.ac.uk", "me@example.org"]
FOLDERS = ["INBOX/Sent", "Sent Items", "INBOX/Lists/debian", "INBOX", "Drafts", "[Gmail]/Sent Mail"]


@st.composite
def profile_text(draw) -> str:
    prefs: dict[str, object] = {}
    count = draw(st.integers(1, 3))
    keys = []
    for n in range(1, count + 1):
        kind = draw(st.sampled_from(["imap", "pop3"]))
        host, user = draw(st.sampled_from(HOSTS)), draw(st.sampled_from(USERS))
        scheme = "imap" if kind == "imap" else "mailbox"
        root = f"{scheme}://{user.replace('@', '%40').replace(chr(92), '%5C')}@{host}"
        # Netscape-era spellings too: a host name with its port, an identity's smtp_server
        port_in_name = draw(st.sampled_from(["", ":143", ":110", ":993"]))
        smtp_name = draw(st.sampled_from(["smtpServer", "smtp_server"]))
        prefs.update({
            f"mail.account.account{n}.server": f"server{n}", f"mail.account.account{n}.identities": f"id{n}",
            f"mail.server.server{n}.type": kind, f"mail.server.server{n}.hostname": host + port_in_name,
            f"mail.server.server{n}.userName": user,
            f"mail.identity.id{n}.useremail": "x@lboro.ac.uk", f"mail.identity.id{n}.{smtp_name}": f"smtp{n}",
            f"mail.smtpserver.smtp{n}.hostname": draw(st.sampled_from(["smtp.lboro.ac.uk", "smtp.gmail.com"])),
        })
        for name, choices in (("socketType", [0, 1, 2, 3, "3", True]), ("port", [110, 143, 993, 995, -1, "993"]),
                              ("authMethod", [3, 4, 6, 8, 10, 99, "3"]), ("isSecure", [True, False]),
                              ("using_subscription", [True, False]), ("server_sub_directory", ["INBOX.", ""])):
            if draw(st.booleans()):
                prefs[f"mail.server.server{n}.{name}"] = draw(st.sampled_from(choices))
        for pref in ("fcc_folder", "draft_folder"):
            if draw(st.booleans()):
                prefs[f"mail.identity.id{n}.{pref}"] = f"{root}/{draw(st.sampled_from(FOLDERS))}"
        for name, choices in (("try_ssl", [0, 1, 2, 3, "x"]), ("port", [25, 465, 587, False]), ("authMethod", [1, 3, 4])):
            if draw(st.booleans()):
                prefs[f"mail.smtpserver.smtp{n}.{name}"] = draw(st.sampled_from(choices))
        keys.append(f"account{n}")
    prefs["mail.accountmanager.accounts"] = ",".join(keys)
    prefs["mail.smtpservers"] = ",".join(f"smtp{n}" for n in range(1, count + 1))
    prefs["mail.accountmanager.defaultaccount"] = keys[0]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = sorted(f"user_pref({escape(k)}, {_literal(v)});" for k, v in prefs.items())
    return "// Mozilla User Preferences" + newline + newline + newline.join(lines) + newline


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int) else escape(str(value))


@settings(max_examples=150, deadline=None)
@given(profile_text())
def test_generated_profiles_migrate_once_and_for_all(text: str) -> None:
    data = text.encode()
    files = {"p/prefs.js": data}
    plan = plan_setup(files.get, PARSER, POLICY, "p", "nobody")  # raises if a second pass would change it
    (prefs,) = plan.files
    assert prefs.before.to_bytes() == data
    before = Profile("p", parse_prefs(data, "prefs.js"), None)
    after = Profile("p", parse_prefs(prefs.after.to_bytes(), "prefs.js"), None)
    migrated = {finding.account for finding in plan.findings if isinstance(finding, Change)}
    for mail in mail_accounts(before):
        branch = f"mail.server.{mail.server}."
        host, port = host_and_port(before.server(mail.server, "hostname"))
        if not POLICY.matches(host):
            # untouched, but for a host:port name written apart in a profile being migrated (else it does not load)
            split = {f"{branch}hostname": host, f"{branch}port": port} if port is not None and migrated else {}
            assert {p.name: p.value for p in before.prefs.prefs if p.name.startswith(branch)} | split == {
                p.name: p.value for p in after.prefs.prefs if p.name.startswith(branch)}
    accounts_before = {mail.key for mail in mail_accounts(before)}
    for mail in mail_accounts(after):
        if POLICY.matches(host_and_port(after.server(mail.server, "hostname"))[0]):
            # a wrongly typed value counts as the default, as in Thunderbird (3: normal password)
            assert mail.type == "imap" and number(after.server(mail.server, "authMethod"), 3) == 3
            for identity in mail.identities if mail.key in migrated or mail.key not in accounts_before else ():
                # named so that Thunderbird sends through the migrated server
                assert after.value(f"mail.identity.{identity}.smtp_server") is None
                if before.value(f"mail.identity.{identity}.useremail"):  # else a copy of a POP account's identity
                    named = outgoing_key(before, identity)[0] or before.value("mail.smtp.defaultserver") or mail.smtp
                    assert after.value(f"mail.identity.{identity}.smtpServer") == named
                else:
                    assert after.value(f"mail.identity.{identity}.smtpServer") is not None
            user = str(after.server(mail.server, "userName"))
            assert user.endswith("@lboro.ac.uk") or "@" in user  # another domain is reported, not guessed
    # Thunderbird loads one account a server: no migrated account is left the same server as another
    servers = [(m.key, m.type, *(lambda end: (end.host.lower(), end.username, end.port))(
        account(after, m, frozenset(), 1).incoming)) for m in mail_accounts(after) if m.key in after.keys(
        "mail.accountmanager.accounts")]
    for key, *server in servers:
        if (key in migrated or key not in accounts_before) and POLICY.matches(server[1]):
            assert [other for other, *same in servers if same == server] == [key]
