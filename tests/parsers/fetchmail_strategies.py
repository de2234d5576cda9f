"""Hypothesis strategies that write fetchmailrc files in fetchmail's real syntax."""
from __future__ import annotations

from hypothesis import strategies as st

from parsers.fetchmail.strings import quote

HOSTS = ["pop.lboro.ac.uk", "imap.lboro.ac.uk", "lboro.ac.uk", "mail.example.org", "pop.gmail.com"]
ALPHABET = "abcXYZ019 .@#:,;=-_/'\"\\é"
#: fetchmail's --configdump mangles bytes above 0x7f, so the oracle gets ASCII only
ASCII = ALPHABET.replace("é", "")

separators = st.sampled_from([" ", "  ", "\t", "\n    ", " \n\t", " # note\n  ", ", ", " with ", " ; ", "\r\n  ", " and "])


def values(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=1, max_size=10)


@st.composite
def string(draw, inner: st.SearchStrategy[str]) -> str:
    return quote(draw(inner), draw(st.sampled_from(["", '"', "'"])))


@st.composite
def server_option(draw) -> str:
    kind = draw(st.sampled_from(["proto", "service", "port", "auth", "uidl", "no uidl", "via", "timeout"]))
    if kind == "proto":
        return "proto " + draw(st.sampled_from(["pop3", "POP3", "imap", "IMAP", "apop", "auto"]))
    if kind == "service":
        return "service " + draw(st.sampled_from(["110", "995", "143", "993", "pop3s", "imaps", '"993"']))
    if kind == "port":
        return "port " + draw(st.sampled_from(["110", "143", "993"]))
    if kind == "auth":
        return "auth " + draw(st.sampled_from(["password", "cram-md5", "any", "ntlm", "gssapi"]))
    if kind == "via":
        return "via " + draw(st.sampled_from(HOSTS))
    if kind == "timeout":
        return f"timeout {draw(st.integers(1, 999))}"
    return kind


@st.composite
def user_option(draw, alphabet: str) -> str:
    kind = draw(st.sampled_from(
        ["pass", "is", "folder", "keep", "no keep", "nokeep", "ssl", "no ssl", "sslproto", "fetchall", "limit", "mda",
         "sslcertck", "no sslcertck", "sslfingerprint", "sslcertfile"]))
    if kind == "pass":
        return f"{draw(st.sampled_from(['pass', 'password']))} {draw(string(values(alphabet)))}"
    if kind == "is":
        return f"is {draw(st.sampled_from(['alice', 'bob', '*']))} here"
    if kind == "folder":
        names = draw(st.lists(string(values(alphabet)), min_size=1, max_size=3))
        return "folder " + draw(st.sampled_from([", ", " "])).join(names)
    if kind == "sslproto":
        return "sslproto " + draw(st.sampled_from(["tls1.2+", "''", '""', "tls1", "ssl23", "'auto'", "TLS1"]))
    if kind == "sslfingerprint":
        return "sslfingerprint " + draw(st.sampled_from(["'AB:CD:EF'", '"01:23:45"']))
    if kind == "sslcertfile":
        return "sslcertfile " + draw(string(st.sampled_from(["/etc/old.pem", "certs/a b.pem"])))
    if kind == "limit":
        return f"limit {draw(st.integers(0, 99999))}"
    if kind == "mda":
        return f"mda {draw(string(values(alphabet)))}"
    return kind


@st.composite
def user_block(draw, alphabet: str) -> str:
    remote = draw(string(st.sampled_from(["ccano", "LBORO\\jdoe", "a.b", "x@lboro.ac.uk", "me@example.org", "recent:ccano",
                                                    "Recent:me@example.org", "<email-address>", "your-login"])))
    head = f"user {remote}" + draw(st.sampled_from(["", " there"]))
    return head + "".join(draw(separators) + o for o in draw(st.lists(user_option(alphabet), max_size=5)))


@st.composite
def entry(draw, alphabet: str) -> str:
    head = draw(st.sampled_from(["poll", "skip", "server"])) + " " + draw(string(st.sampled_from(HOSTS)))
    parts = [head] + draw(st.lists(server_option(), max_size=4)) + draw(st.lists(user_block(alphabet), min_size=1, max_size=3))
    return "".join(p + draw(separators) for p in parts)


@st.composite
def rcfile(draw, alphabet: str = ALPHABET) -> str:
    text = draw(st.sampled_from(["", "# fetchmailrc\n", "set daemon 300\n"]))
    if draw(st.booleans()):
        defaults = ["defaults"] + draw(st.lists(server_option(), max_size=2)) + draw(st.lists(user_option(alphabet), max_size=2))
        text += " ".join(defaults) + "\n"
    text += "\n".join(draw(st.lists(entry(alphabet), min_size=1, max_size=3)))
    return text + "\n"
