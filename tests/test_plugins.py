from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

import migrate.plugins
from migrate.errors import MigrateError
from migrate.plugins import Parser
from migrate.plugins import load_parsers
from parsers.fetchmail import FetchmailParser


class ThirdPartyParser(Parser):
    name = "thirdparty"
    client = "Third Party Mail"
    patterns = (".thirdpartyrc",)


def test_builtin_parsers_come_through_entry_points() -> None:
    assert isinstance(load_parsers()["fetchmailrc"], FetchmailParser)


def test_a_third_party_plugin_is_found_by_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint("thirdparty", f"{__name__}:ThirdPartyParser", migrate.plugins.GROUP)
    monkeypatch.setattr(migrate.plugins, "entry_points", lambda group: [point] if group == migrate.plugins.GROUP else [])
    assert list(load_parsers()) == ["thirdparty"]
    assert list(load_parsers(disabled=frozenset({"thirdparty"}))) == []


def test_a_plugin_that_is_not_a_parser_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    point = EntryPoint("bad", "os:getcwd", migrate.plugins.GROUP)
    monkeypatch.setattr(migrate.plugins, "entry_points", lambda group: [point])
    with pytest.raises(MigrateError, match="not a Parser"):
        load_parsers()
