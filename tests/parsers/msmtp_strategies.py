"""Hypothesis strategies that write msmtp and mpop files in the programs' real syntax: defaults, accounts
copying earlier ones, quoting, indentation, CRLF, no final newline."""
from __future__ import annotations

from hypothesis import strategies as st

SMTP_HOSTS = ["smtp.lboro.ac.uk", "staff-mail.lboro.ac.uk", "lboro.ac.uk", "smtp.gmail.com", "mail.example.org"]
POP_HOSTS = ["pop.lboro.ac.uk", "pop3.lboro.ac.uk", "pop.gmail.com", "mail.example.org"]
#: a SHA256 fingerprint, the form msmtp takes
FINGERPRINT = ":".join(["AB"] * 32)
_SMTP_COMMANDS = {
    "host": SMTP_HOSTS, "port": ["25", "587", "465", "2525", "0x1d1"], "tls": ["on", "off", ""],
    "tls_starttls": ["on", "off", ""], "tls_nostarttls": [""], "tls_certcheck": ["on", "off"], "tls_nocertcheck": [""],
    "tls_fingerprint": [FINGERPRINT, ""], "auth": ["on", "off", "", "plain", "login", "cram-md5", "digest-md5", "gssapi"],
    "user": ["ccano", "LBORO\\ccano", "jdoe@lboro.ac.uk", "carla@gmail.com", "", "your-login"],
    "password": ["s3cret", "two words", '"quoted"', "x#y"], "passwordeval": ["cat ~/.pw"],
    "from": ["ccano@lboro.ac.uk", "c@example.org"], "logfile": ["~/.msmtp.log"], "syslog": ["LOG_MAIL"],
}
_POP_COMMANDS = {
    "host": POP_HOSTS, "port": ["110", "995"], "tls": ["on", "off"], "tls_starttls": ["on", "off"],
    "auth": ["on", "user", "apop", "plain", "cram-md5"], "user": ["ccano", "b@gmail.com"], "password": ["s3cret"],
    "keep": ["on", "off"], "delivery": ["maildir ~/Maildir", "mbox ~/mbox"], "only_new": ["on"],
}
_COMMENTS = ["# a comment", "   # indented comment", "#", ""]


@st.composite
def _line(draw, commands: dict[str, list[str]], comments: bool = True) -> str:
    if comments and draw(st.integers(0, 6)) == 0:
        return draw(st.sampled_from(_COMMENTS))
    command = draw(st.sampled_from(sorted(commands)))
    value = draw(st.sampled_from(commands[command]))
    if value and draw(st.booleans()) and command not in ("delivery",):
        value = f'"{value}"'
    indent = draw(st.sampled_from(["", "", "  ", "\t"]))
    gap = draw(st.sampled_from([" ", " ", "  ", "\t"]))
    trail = draw(st.sampled_from(["", "", " ", "\t "]))
    return f"{indent}{command}{gap if value else ''}{value}{trail}"


@st.composite
def rcfile(draw, program: str = "msmtp", evals: bool = True) -> str:
    """A whole file: an msmtp one may start with settings of the implicit account ``default``."""
    commands = _SMTP_COMMANDS if program == "msmtp" else _POP_COMMANDS
    lines: list[str] = []
    names: list[str] = []
    if program == "msmtp" and draw(st.integers(0, 4)) == 0:
        lines.append(draw(_line(commands, comments=False)))  # a command: it makes the account "default"
        lines += draw(st.lists(_line(commands), max_size=3))
        names.append("default")
    for index in range(draw(st.integers(0 if names else 1, 5))):
        if draw(st.integers(0, 3)) == 0:
            lines.append("defaults")
        else:
            name = draw(st.sampled_from(["lboro", "gmail", "work", "default", "acc x"]))
            name = name if name not in names else f"{name}{index}"
            parents = draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []
            lines.append(f"account {name}" + (f" : {', '.join(parents)}" if parents else ""))
            names.append(name)
        lines += draw(st.lists(_line(commands), max_size=7))
        if program == "mpop" and not lines[-1].startswith(("delivery", "defaults")):
            lines.append("delivery maildir ~/Maildir")
    if evals and draw(st.integers(0, 6)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), "eval echo syslog LOG_MAIL")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from([newline, ""]))
