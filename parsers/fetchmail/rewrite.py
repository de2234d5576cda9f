"""Neutral changes turned into edits of a fetchmailrc, touching only what must change.

Values are replaced in their own tokens, keeping their quoting.  A setting
that is missing, or that only the ``defaults`` entry gives, is added to the
poll itself (server options after the last server option, user options after
the user's last option), since a poll's own setting overrides the defaults and
the defaults may serve other servers.  Dropped options take their noise words
and spacing with them, or their whole line when they had it to themselves.
"""
from __future__ import annotations

import functools
from collections import defaultdict

from migrate.document import Document
from migrate.document import Edit
from migrate.model import Account
from migrate.model import Change
from migrate.model import Note
from parsers.fetchmail.accounts import Scope
from parsers.fetchmail.grammar import Option
from parsers.fetchmail.strings import is_quoted
from parsers.fetchmail.strings import quote
from parsers.fetchmail.strings import value

MODERN_SSLPROTO = "tls1.2+"
_LANES = ("server", "userdef", "user")  #: what is added at one spot goes in this order


class Rewrite:
    def __init__(self, document: Document) -> None:
        self.tokens = document.tokens
        self.deleted: set[int] = set()
        self.replaced: dict[int, str] = {}
        self.added: dict[tuple[int, ...], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.notes: list[Note] = []

    @functools.cached_property
    def preferred_quote(self) -> str:
        """The quote character the file uses most for its values; none (bare when safe) if it quotes nothing."""
        marks = [t.text[0] for t in self.tokens if t.kind == "STRING" and is_quoted(t.text)]
        return max(('"', "'"), key=marks.count) if marks else ""

    # -- primitives ---------------------------------------------------------
    def replace(self, index: int, new_value: str) -> None:
        """Put ``new_value`` in token ``index``, quoted as that token was."""
        old = self.tokens[index].text
        self.replaced[index] = quote(new_value, old[0] if is_quoted(old) else "")

    def replace_number(self, index: int, number: int) -> None:
        """A port: bare unless the old value was quoted (``port`` takes no quoted value)."""
        old = self.tokens[index].text
        self.replaced[index] = quote(str(number), old[0]) if is_quoted(old) else str(number)

    def drop(self, option: Option) -> None:
        first, last = option.first, option.last
        start = first
        while start > 0 and self._blank_or_noise(start - 1):
            start -= 1
        end = last + 1
        while end < len(self.tokens) and self._blank_or_noise(end):
            end += 1
        line_start = start == 0 or "\n" in self.tokens[start - 1].text
        line_end = end == len(self.tokens) or "\n" in self.tokens[end].text
        if line_start and line_end:  # the option had the line to itself
            span = range(start, min(end + 1, len(self.tokens)))
        elif line_start:  # keep the indent, drop what separates it from the next token
            span = range(first, end)
        else:
            span = range(start, last + 1)
        self.deleted.update(span)

    def add(self, after: tuple[int, ...], lane: str, words: str) -> None:
        """Add ``words`` after the last of the tokens ``after`` that is still there at the end."""
        texts = self.added[after][lane]
        if " " + words not in texts:
            texts.append(" " + words)

    def edits(self) -> list[Edit]:
        edits = [Edit(i, i + 1, text) for i, text in self.replaced.items() if i not in self.deleted]
        edits += [Edit(i, i + 1, "") for i in sorted(self.deleted)]
        at_position: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for after, lanes in self.added.items():
            position = max(i for i in after if i not in self.deleted) + 1
            for lane, texts in lanes.items():
                at_position[position][lane] += [t for t in texts if t not in at_position[position][lane]]
        for position, lanes in at_position.items():
            edits.append(Edit(position, position, "".join(t for lane in _LANES for t in lanes.get(lane, []))))
        return _merge_deletions(edits)

    def _blank_or_noise(self, index: int) -> bool:
        token = self.tokens[index]
        return (token.kind == "WS" and "\n" not in token.text) or token.kind == "NOISE"


def _merge_deletions(edits: list[Edit]) -> list[Edit]:
    merged: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        previous = merged[-1] if merged else None
        if previous and not edit.text and not previous.text and previous.end == edit.start and edit.end > edit.start:
            merged[-1] = Edit(previous.start, edit.end, "")
        else:
            merged.append(edit)
    return merged


class AccountRewrite:
    """The edits for one account's changes, within its poll."""

    def __init__(
        self, rewrite: Rewrite, scope: Scope, account: Account, changes: list[Change], security_target: str = ""
    ) -> None:
        self.rewrite, self.scope, self.account, self.changes = rewrite, scope, account, changes
        self.security_target = security_target  #: what the poll's new port asks of every user
        self.tokens = rewrite.tokens

    @functools.cached_property
    def folder_changes(self) -> list[Change]:
        return [change for change in self.changes if change.field == "folder"]

    @functools.cached_property
    def folder_tokens(self) -> dict[str, list[int]]:
        """The value tokens of this user's own ``folder`` options, by the name each holds."""
        found: dict[str, list[int]] = {}
        for option in self.own("FOLDER"):
            for token in option.values:
                found.setdefault(value(self.tokens[token].text), []).append(token)
        return found

    def own(self, *names: str, server: bool = False) -> list[Option]:
        options = self.scope.entry.options if server else (self.scope.user.options if self.scope.user else [])
        return [option for option in options if option.name in names]

    @property
    def server_end(self) -> tuple[int, ...]:
        entry = self.scope.entry
        return self._significant(entry.first, max([entry.name, *(o.last for o in entry.options)]))

    @property
    def user_end(self) -> tuple[int, ...]:
        user = self.scope.user
        if user is None:
            return self.server_end
        first = user.first if user.first is not None else user.options[0].first
        return self.server_end + self._significant(first, user.last)

    def _significant(self, first: int, last: int) -> tuple[int, ...]:
        """The tokens from ``first`` to ``last`` that text can follow: no blanks, comments or noise."""
        return tuple(i for i in range(first, last + 1) if self.tokens[i].kind not in ("WS", "COMMENT", "NOISE"))

    def add_user_option(self, words: str) -> None:
        self.rewrite.add(self.user_end, "user", words)

    def note(self, message: str) -> None:
        self.rewrite.notes.append(Note(self.account.key, "fetchmail", message))
