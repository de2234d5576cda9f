"""The fetchmail 6.4 run-control lexer, reproduced token for token.

fetchmail's flex lexer takes the longest match at each point, and on a tie the
rule listed first: quoted string, then (only after ``user``/``pass``/``is``/
``to``/``=``) any word as a string, then keywords, comment-and-newline,
numbers, unquoted words, and last whitespace.  We keep that order so that
``pass "se"cret`` or ``user keep`` mean here what they mean to fetchmail.
Every character lands in exactly one token: ``WS`` and ``COMMENT`` tokens keep
the layout, ``NOISE`` keeps ``with``/``and``/``:``/``;``/``,``.
"""
from __future__ import annotations

import re
from typing import Iterator
from typing import NamedTuple

from migrate.document import Token

_KEYWORD_SPELLINGS = {
    "SET": "set", "LOGFILE": "logfile", "IDFILE": "idfile", "PIDFILE": "pidfile",
    "DAEMON": "daemon", "SYSLOG": "syslog", "INVISIBLE": "invisible", "SHOWDOTS": "showdots",
    "POSTMASTER": "postmaster", "BOUNCEMAIL": "bouncemail", "SPAMBOUNCE": "spambounce",
    "SOFTBOUNCE": "softbounce", "WARNINGS": "warnings", "TRACEPOLLS": "tracepolls",
    "DEFAULTS": "defaults", "POLL": "poll server", "SKIP": "skip", "VIA": "via", "AKA": "aka",
    "LOCALDOMAINS": "local localdomains", "PROTOCOL": "proto protocol", "SERVICE": "service",
    "PORT": "port", "INTERVAL": "interval",
    "AUTHENTICATE": "auth authenticate preauth preauthenticate",
    "AUTHTYPE": "any gssapi kerberos4 kerberos_v4 kerberos5 kerberos_v5 kerberos ssh implicit"
    " external otp opie cram cram-md5 msn ntlm",
    "TIMEOUT": "timeout", "ENVELOPE": "envelope", "QVIRTUAL": "qvirtual", "PRINCIPAL": "principal",
    "ESMTPNAME": "esmtpname", "ESMTPPASSWORD": "esmtppassword", "BADHEADER": "bad-header",
    "ACCEPT": "accept", "REJECT": "reject", "USERNAME": "user username",
    "PASSWORD": "pass password", "FOLDER": "folder folders", "SMTPHOST": "smtp smtphost",
    "FETCHDOMAINS": "fetchdomains", "SMTPADDRESS": "smtpaddress", "SMTPNAME": "smtpname",
    "SPAMRESPONSE": "antispam", "MDA": "mda", "BSMTP": "bsmtp", "LMTP": "lmtp",
    "PRECONNECT": "pre preconnect", "POSTCONNECT": "post postconnect", "INTERFACE": "interface",
    "MONITOR": "monitor", "PLUGIN": "plugin", "PLUGOUT": "plugout", "BATCHLIMIT": "batchlimit",
    "FETCHLIMIT": "fetchlimit", "FETCHSIZELIMIT": "fetchsizelimit", "FASTUIDL": "fastuidl",
    "EXPUNGE": "expunge", "PROPERTIES": "properties", "IS": "is", "HERE": "here",
    "THERE": "there", "TO": "to", "NO": "no", "KEEP": "keep", "FLUSH": "flush",
    "LIMITFLUSH": "limitflush", "FETCHALL": "fetchall", "REWRITE": "rewrite",
    "FORCECR": "forcecr", "STRIPCR": "stripcr", "PASS8BITS": "pass8 pass8bits",
    "DROPSTATUS": "dropstatus", "DROPDELIVERED": "dropdelivered",
    "MIMEDECODE": "mimedec mimedecode", "IDLE": "idle", "DNS": "dns", "UIDL": "uidl",
    "SSL": "ssl", "SSLKEY": "sslkey", "SSLCERT": "sslcert", "SSLPROTO": "sslproto",
    "SSLCERTCK": "sslcertck", "SSLCERTFILE": "sslcertfile", "SSLCERTPATH": "sslcertpath",
    "SSLCOMMONNAME": "sslcommonname", "SSLFINGERPRINT": "sslfingerprint",
    "CHECKALIAS": "checkalias", "LIMIT": "limit",
    "NOISE": "with and has wants options",
    "PROTO": "auto AUTO pop2 POP2 sdps SDPS pop3 POP3 imap IMAP apop APOP rpop RPOP"
    " etrn ETRN odmr ODMR kpop KPOP",
}
KEYWORDS = {word: kind for kind, words in _KEYWORD_SPELLINGS.items() for word in words.split()}
_LONGEST_KEYWORD = max(map(len, KEYWORDS))
#: ``nokeep`` is ``no`` followed by ``keep`` (fetchmail pushes the rest back).
NO_PREFIXED = frozenset(
    "nobouncemail nouidl nocheckalias nodns noenvelope nokeep noflush nolimitflush nofetchall"
    " norewrite noforcecr nostripcr nopass8 nopass8bits nodropstatus nodropdelivered nomimedec"
    " nomimedecode nospambounce noidle".split()
)
_NAME_STATE_AFTER = frozenset({"USERNAME", "PASSWORD", "IS", "TO", "MAP"})
_WORD = re.compile(r"[^=;:, \t\r\n]+")
_NUMBER = re.compile(r"-?[0-9]+")
_COMMENT_NEWLINE = re.compile(r"(#[^\n]*)?\\?\n")
_BLANK = re.compile(r"[ \t\r]+")


class Lexeme(NamedTuple):
    token: Token  #: kinds: a keyword kind, ``STRING``, ``NUMBER``, ``MAP``, ``NOISE``, ``WS``, ``COMMENT``
    offset: int
    words: tuple[str, ...] = ()  #: grammar symbols, e.g. ``("NO", "KEEP")`` for ``nokeep``


def tokenize(text: str) -> Iterator[Lexeme]:
    pos, state = 0, ""
    while pos < len(text):
        rule, length = _longest(text, pos, state)
        piece = text[pos : pos + length]
        if rule == "COMMENT":  # one flex match, two tokens: the comment, then its newline
            yield Lexeme(Token("COMMENT", piece[:-1]), pos)
            yield Lexeme(Token("WS", "\n"), pos + length - 1)
        else:
            kind, words = _classify(rule, piece, state)
            yield Lexeme(Token(kind, piece), pos, words)
            state = _next_state(rule, kind, state)
        pos += length


def _classify(rule: str, piece: str, state: str) -> tuple[str, tuple[str, ...]]:
    if rule == "NOPREFIXED":
        return "KEYWORD", ("NO", KEYWORDS[piece[2:]])
    if rule == "KEYWORD":
        kind = "AUTHTYPE" if state == "AUTH" and piece == "password" else KEYWORDS[piece]
        return kind, () if kind == "NOISE" else (kind,)
    kind = {"QUOTED": "STRING", "NAMEWORD": "STRING", "WORD": "STRING", "BLANK": "WS"}.get(rule, rule)
    return kind, (kind,) if kind in ("STRING", "NUMBER", "MAP") else ()


def _next_state(rule: str, kind: str, state: str) -> str:
    if kind in _NAME_STATE_AFTER:
        return "NAME"
    if kind == "AUTHENTICATE":
        return "AUTH"
    if rule in ("QUOTED", "NAMEWORD") or kind == "AUTHTYPE":
        return ""
    return state


def _longest(text: str, pos: int, state: str) -> tuple[str, int]:
    """The winning flex rule at ``pos`` and its length; on a tie the earlier rule wins."""
    char = text[pos]
    candidates = []
    if char in "\"'":
        end = text.find(char, pos + 1)
        if end != -1:
            candidates.append(("QUOTED", end + 1 - pos))
    word = _WORD.match(text, pos)
    if word and state == "NAME":
        candidates.append(("NAMEWORD", word.end() - pos))
    if word:
        piece = word.group()
        if piece in NO_PREFIXED:
            candidates.append(("NOPREFIXED", len(piece)))
        candidates += [("KEYWORD", len(k)) for k in _keywords_starting(piece, state)]
    newline = _COMMENT_NEWLINE.match(text, pos)
    if newline:
        candidates.append(("COMMENT" if char == "#" else "WS", newline.end() - pos))
    number = _NUMBER.match(text, pos)
    if number:
        candidates.append(("NUMBER", number.end() - pos))
    if word:
        candidates.append(("WORD", word.end() - pos))
    if char in ";:,":
        candidates.append(("NOISE", 1))
    elif char == "=":
        candidates.append(("MAP", 1))
    blank = _BLANK.match(text, pos)
    if blank:
        candidates.append(("BLANK", blank.end() - pos))
    return max(candidates, key=lambda candidate: candidate[1])  # max() keeps the first of equals


def _keywords_starting(word: str, state: str) -> Iterator[str]:
    """Keywords that ``word`` starts with; ``pass(word)`` is not one after ``auth``."""
    for end in range(1, min(len(word), _LONGEST_KEYWORD) + 1):
        keyword = word[:end]
        if keyword in KEYWORDS and (state != "AUTH" or KEYWORDS[keyword] != "PASSWORD" or keyword == "password"):
            yield keyword
