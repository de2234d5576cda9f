"""The engine's second pass: run for a setup that changes, caught when it fails, skipped when it would repeat the first."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

import migrate.rules
from migrate.document import FileDocument
from migrate.document import Token
from migrate.document import decode
from migrate.engine import plan_data
from migrate.errors import MigrateError
from migrate.errors import ParseError
from migrate.model import Account
from migrate.model import Endpoint
from migrate.plugins import Parser
from migrate.plugins import read_required
from migrate.policy import load_policy
from migrate.rules import ordered_rules
from migrate.rules import review

OLD = b"host=imap.lboro.ac.uk\nport=143\nsecurity=none\nauth=any\nusername=ab\n"


class KeyValueParser(Parser):
    """A toy format, one incoming server as ``field=value`` lines; it counts its parses.

    ``restless``: its rewrite adds a comment every time; ``garble``: its rewrite is unreadable.
    """

    name, client, patterns = "keyvalue", "toy", ("*.kv",)

    def __init__(self, restless: bool = False, garble: bool = False) -> None:
        self.restless, self.garble, self.parses = restless, garble, 0

    def parse(self, read, path):
        self.parses += 1
        text = decode(read_required(read, path))
        if "=" not in text:
            raise ParseError(path, 1, 1, "no field=value")
        return FileDocument((Token("TEXT", text),), path)

    def accounts(self, parsed):
        fields = _fields(parsed)
        endpoint = Endpoint(protocol="imap", **{**fields, "port": int(fields["port"])})
        return [Account("1", "toy", 1, endpoint)]

    def apply(self, parsed, accounts, changes):
        fields = {**_fields(parsed), **{c.field.split(".")[1]: str(c.new) for c in changes}}
        text = "".join(f"{key}={value}\n" for key, value in fields.items())
        if self.restless:  # one comment more than it read, every time
            text = "# rewritten\n" * (parsed.render().count("#") + 1) + text
        if self.garble:
            text = "garbled\n"
        return {parsed.path: FileDocument((Token("TEXT", text),), parsed.path)}, []


def _fields(parsed: FileDocument) -> dict[str, str]:
    return dict(line.split("=", 1) for line in parsed.render().splitlines() if not line.startswith("#"))


def test_a_setup_that_changes_is_checked_by_a_second_pass() -> None:
    parser = KeyValueParser()
    plan = plan_data(OLD, parser, load_policy(), "a.kv")
    assert plan.changed and "host=staff-mail.lboro.ac.uk" in plan.only.after.render()
    assert parser.parses == 2


def test_a_setup_that_does_not_change_is_parsed_once() -> None:
    """Its second pass would read the same bytes and so be the first one again."""
    parser = KeyValueParser()
    done = plan_data(OLD, KeyValueParser(), load_policy(), "a.kv").only.after.to_bytes()
    assert not plan_data(done, parser, load_policy(), "a.kv").changed
    assert parser.parses == 1


def test_a_rewrite_a_second_pass_would_change_again_is_refused() -> None:
    with pytest.raises(MigrateError, match="a second pass would change it again"):
        plan_data(OLD, KeyValueParser(restless=True), load_policy(), "a.kv")


def test_a_rewrite_that_does_not_parse_is_refused() -> None:
    with pytest.raises(MigrateError, match="the rewritten setup does not parse"):
        plan_data(OLD, KeyValueParser(garble=True), load_policy(), "a.kv")


def test_the_rules_are_ordered_once_a_process(monkeypatch: pytest.MonkeyPatch) -> None:
    ordered_rules()
    monkeypatch.setattr(migrate.rules, "importlib", SimpleNamespace(import_module=lambda name: pytest.fail(name)))
    account = Account("1", "toy", 1, Endpoint("imap", "imap.lboro.ac.uk", 143, "none"))
    assert [f.rule for f in review(account, load_policy())][:2] == ["new-server", "force-tls"]
    assert ordered_rules() is ordered_rules()
    assert [rule.rule_id for rule in ordered_rules()] == [name.replace("_", "-") for name in migrate.rules._ORDER]
