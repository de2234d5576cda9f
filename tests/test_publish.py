"""``mailmigrate publish --out``: the files mail programs fetch and the setup pages, from the policy."""
from __future__ import annotations

import html.parser
import os
import plistlib
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.policy import default_policy_text
from tests.autoconfig_reader import read_autoconfig
from tests.oracles import require

AUTODISCOVER_NS = "{http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a}"
#: another site's values for every key of the built-in policy that holds a Loughborough one
ELSEWHERE = {
    "service": "Example College mail", "domain": "example.edu", "match": "example.edu, *.example.edu",
    "incoming.host": "imap.example.edu", "outgoing.host": "smtp.example.edu",
    "login.username_suffix": "@ad.example.edu", "login.domain_prefixes": "EXAMPLE",
    "publish.organisation": "Example College", "publish.short_name": "Example mail",
    "publish.url": "https://help.example.edu/mail/", "publish.webmail": "https://webmail.example.edu",
    "publish.accounts": "Example College network",
}
LOUGHBOROUGH = re.compile(r"lboro|loughborough", re.I)
PAGES = ("index", "outlook-2003", "outlook-2007", "outlook-express", "thunderbird", "apple-mail", "ical", "entourage",
         "eudora", "evolution", "mutt", "pine", "fetchmail", "nokia", "profimail", "iphone", "other")


def publish(out: Path, *options: str) -> dict[str, bytes]:
    assert main(["publish", "--out", str(out), *options]) == 0
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def elsewhere() -> list[str]:
    return [option for key, value in ELSEWHERE.items() for option in ("--set", f"{key}={value}")]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> dict[str, bytes]:
    return publish(tmp_path_factory.mktemp("site"))


def test_the_folder_holds_every_file_a_client_fetches_and_a_page_per_client(site) -> None:
    expected = {"mail/config-v1.1.xml", ".well-known/autoconfig/mail/config-v1.1.xml", "autodiscover/autodiscover.xml",
                "lboro.ac.uk.mobileconfig", *(f"{page}.html" for page in PAGES)}
    assert set(site) == expected
    assert site["mail/config-v1.1.xml"] == site[".well-known/autoconfig/mail/config-v1.1.xml"]


def test_autoconfig_as_thunderbird_reads_it(site) -> None:
    ET.fromstring(site["mail/config-v1.1.xml"])
    account = read_autoconfig(site["mail/config-v1.1.xml"], "ccano@lboro.ac.uk")
    assert account["domains"] == ["lboro.ac.uk"] and account["id"] == "lboro.ac.uk"
    assert account["displayName"] == "Loughborough University staff e-mail"
    assert account["documentation"] == "https://www.lboro.ac.uk/it/email/setup/"
    incoming = [account["incoming"], *account["incomingAlternatives"]]
    assert [(s["type"], s["hostname"], s["port"], s["socketType"], s["auth"], s["username"]) for s in incoming] == [
        ("imap", "staff-mail.lboro.ac.uk", 993, "SSL", "password-cleartext", "ccano@lboro.ac.uk"),
        ("imap", "staff-mail.lboro.ac.uk", 143, "STARTTLS", "password-cleartext", "ccano@lboro.ac.uk")]
    outgoing = [account["outgoing"], *account["outgoingAlternatives"]]
    assert [(s["hostname"], s["port"], s["socketType"], s["auth"]) for s in outgoing] == [
        ("staff-mail.lboro.ac.uk", 465, "SSL", "password-cleartext"),
        ("staff-mail.lboro.ac.uk", 587, "STARTTLS", "password-cleartext"),
        ("staff-mail.lboro.ac.uk", 25, "STARTTLS", "password-cleartext")]
    assert account["outgoing"]["username"] == "ccano@lboro.ac.uk"
    assert b"%EMAILLOCALPART%@lboro.ac.uk" in site["mail/config-v1.1.xml"]


def test_autodiscover_is_the_pox_answer_for_imap_and_smtp(site) -> None:
    root = ET.fromstring(site["autodiscover/autodiscover.xml"])
    assert root.tag == "{http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006}Autodiscover"
    account = root.find(f"{AUTODISCOVER_NS}Response/{AUTODISCOVER_NS}Account")
    assert account.findtext(f"{AUTODISCOVER_NS}AccountType") == "email"
    protocols = {p.findtext(f"{AUTODISCOVER_NS}Type"): {c.tag[len(AUTODISCOVER_NS):]: c.text for c in p}
                 for p in account.findall(f"{AUTODISCOVER_NS}Protocol")}
    assert set(protocols) == {"IMAP", "SMTP"}  # no POP3
    for kind, port in (("IMAP", "993"), ("SMTP", "465")):
        assert protocols[kind]["Server"] == "staff-mail.lboro.ac.uk" and protocols[kind]["Port"] == port
        assert (protocols[kind]["SSL"], protocols[kind]["SPA"], protocols[kind]["AuthRequired"]) == ("on", "off", "on")
        assert "LoginName" not in protocols[kind]  # only the responder knows the address


def test_mobileconfig_is_an_apple_profile_with_one_mail_payload(site) -> None:
    profile = plistlib.loads(site["lboro.ac.uk.mobileconfig"])
    assert (profile["PayloadType"], profile["PayloadVersion"]) == ("Configuration", 1)
    assert profile["PayloadIdentifier"] == "uk.ac.lboro.mail" and profile["PayloadOrganization"] == "Loughborough University"
    [mail] = profile["PayloadContent"]
    assert {"PayloadType", "PayloadVersion", "PayloadIdentifier", "PayloadUUID", "PayloadDisplayName"} <= set(mail)
    assert mail["PayloadType"] == "com.apple.mail.managed" and mail["EmailAccountType"] == "EmailTypeIMAP"
    assert (mail["IncomingMailServerHostName"], mail["IncomingMailServerPortNumber"]) == ("staff-mail.lboro.ac.uk", 993)
    assert (mail["OutgoingMailServerHostName"], mail["OutgoingMailServerPortNumber"]) == ("staff-mail.lboro.ac.uk", 465)
    assert mail["IncomingMailServerUseSSL"] is mail["OutgoingMailServerUseSSL"] is True
    assert mail["IncomingMailServerAuthentication"] == mail["OutgoingMailServerAuthentication"] == "EmailAuthPassword"
    assert mail["OutgoingPasswordSameAsIncomingPassword"] is True
    assert not {"IncomingPassword", "OutgoingPassword", "EmailAddress", "IncomingMailServerUsername"} & set(mail)
    for uuid in (profile["PayloadUUID"], mail["PayloadUUID"]):
        assert re.fullmatch(r"[0-9A-F]{8}-([0-9A-F]{4}-){3}[0-9A-F]{12}", uuid)
    assert profile["PayloadUUID"] != mail["PayloadUUID"]


def test_publishing_again_gives_the_same_bytes(tmp_path: Path, site) -> None:
    assert publish(tmp_path / "again") == site
    assert publish(tmp_path / "a", *elsewhere()) == publish(tmp_path / "b", *elsewhere())


def test_a_changed_policy_gives_a_new_profile(tmp_path: Path, site) -> None:
    other = plistlib.loads(publish(tmp_path, "--set", "incoming.accept=ssl:10993")["lboro.ac.uk.mobileconfig"])
    assert other["PayloadUUID"] != plistlib.loads(site["lboro.ac.uk.mobileconfig"])["PayloadUUID"]


def test_the_test_changes_every_loughborough_value_of_the_policy() -> None:
    """If the built-in policy gains a key with a Loughborough value, ELSEWHERE must change it too."""
    keys, section = set(), ""
    for line in default_policy_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]") + "."
        elif "=" in line and not line.lstrip().startswith("#") and LOUGHBOROUGH.search(line.partition("=")[2]):
            keys.add(section + line.partition("=")[0].strip())
    assert keys == set(ELSEWHERE)


def test_another_site_flows_into_every_file_and_no_loughborough_value_remains(tmp_path: Path) -> None:
    files = publish(tmp_path, *elsewhere())
    assert "example.edu.mobileconfig" in files and "policy.ini" in files
    for name, data in files.items():
        assert not LOUGHBOROUGH.search(data.decode("utf-8")), name
    account = read_autoconfig(files["mail/config-v1.1.xml"], "jsmith@example.edu")
    assert (account["incoming"]["hostname"], account["incoming"]["username"]) == ("imap.example.edu", "jsmith@ad.example.edu")
    assert account["outgoing"]["hostname"] == "smtp.example.edu"
    assert account["documentation"] == "https://help.example.edu/mail/"
    assert b"<Server>imap.example.edu</Server>" in files["autodiscover/autodiscover.xml"]
    profile = plistlib.loads(files["example.edu.mobileconfig"])
    assert profile["PayloadContent"][0]["IncomingMailServerHostName"] == "imap.example.edu"
    for page in PAGES:
        text = files[f"{page}.html"].decode()
        assert "Example College mail" in text, page
        if page not in ("ical", "index"):
            assert "imap.example.edu" in text and "@ad.example.edu" in text, page
    assert "mailmigrate apply --policy policy.ini" in files["thunderbird.html"].decode()
    assert "mailmigrate apply</pre>" in publish(tmp_path / "lboro")["thunderbird.html"].decode()


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.loads: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "a":
            self.links.append(values.get("href", ""))
        for name in ("src", "srcset", "data", "poster", "background") if tag != "a" else ():
            if name in values:
                self.loads.append((tag, values[name]))
        if tag == "link" or tag == "script":
            self.loads.append((tag, str(values)))


def test_every_page_is_linked_from_the_index_and_loads_nothing(site) -> None:
    index = _Links()
    index.feed(site["index.html"].decode())
    assert {f"{page}.html" for page in PAGES if page != "index"} <= set(index.links)
    for page in PAGES:
        found = _Links()
        text = site[f"{page}.html"].decode()
        found.feed(text)
        assert found.loads == [], page
        assert "<style>" in text and "url(" not in text and "@import" not in text, page
        assert "default-src 'none'" in text, page
        for link in found.links:  # relative links name files of the folder
            assert link.startswith(("https://", "http://")) or link in site, (page, link)


def test_signed_profile_carries_the_same_profile(tmp_path: Path, site) -> None:
    openssl = require("openssl")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=profile signer"], check=True, capture_output=True)
    files = publish(tmp_path / "out", "--sign-cert", str(cert), "--sign-key", str(key))
    signed = tmp_path / "signed"
    signed.write_bytes(files["lboro.ac.uk.mobileconfig"])
    done = subprocess.run([openssl, "smime", "-verify", "-noverify", "-inform", "der", "-in", str(signed)],
                          capture_output=True, check=True)
    assert done.stdout == site["lboro.ac.uk.mobileconfig"]


@pytest.mark.parametrize("options", [[], ["--out", "x", "--sign-key", "k"], ["--serve", "nowhere"],
                                     ["--out", "x", "--logins", "l.csv"]])
def test_usage_errors_are_one_line_and_exit_2(tmp_path: Path, options: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "migrate", "publish", *options], capture_output=True, text=True,
                          cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "x").exists()


def test_bad_signing_key_is_one_line_and_exit_3(tmp_path: Path) -> None:
    require("openssl")
    (tmp_path / "k").write_text("not a key\n")
    done = subprocess.run([sys.executable, "-m", "migrate", "publish", "--out", "x", "--sign-cert", "k", "--sign-key", "k"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 3 and done.stderr.count("\n") == 1 and "openssl" in done.stderr


def test_a_link_at_the_temporary_name_is_not_followed(tmp_path: Path) -> None:
    """The files were once written through ``.NAME.mailmigrate-tmp``: a link planted there is left alone,
    and the files are readable by the web server as a new file is (the umask's permissions)."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".index.html.mailmigrate-tmp").symlink_to(victim)
    files = publish(out)
    assert victim.read_text() == "precious\n" and files["index.html"].startswith(b"<!DOCTYPE html>")
    assert [p.name for p in out.rglob(".*mailmigrate-tmp")] == [".index.html.mailmigrate-tmp"]
    assert (out / "index.html").stat().st_mode & 0o777 == 0o666 & ~current_umask()


def current_umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask
