from __future__ import annotations

import json
import subprocess
import sys
import types
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import migrate.plugins
from migrate.errors import MigrateError
from migrate.plugins import Parser
from migrate.plugins import load_parsers
from parsers.fetchmail import FetchmailParser
from tests.conftest import SAMPLES


class ThirdPartyParser(Parser):
    name = "thirdparty"
    client = "Third Party Mail"
    patterns = (".thirdpartyrc",)


def _installed(monkeypatch: pytest.MonkeyPatch, *points: EntryPoint) -> None:
    monkeypatch.setattr(migrate.plugins, "entry_points", lambda group: list(points) if group == migrate.plugins.GROUP else [])


def _declaring_module(monkeypatch: pytest.MonkeyPatch, patterns: tuple[str, ...]) -> list[str]:
    """A plugin module that declares ``patterns`` and hands out its parser on demand; returns who asked for it."""
    asked: list[str] = []

    def parser_class(name: str) -> type:
        if name != "ThirdPartyParser":
            raise AttributeError(name)
        asked.append(name)
        return ThirdPartyParser

    module = types.ModuleType("declared_plugin")
    module.MAILMIGRATE_PATTERNS = patterns  # type: ignore[attr-defined]
    module.__getattr__ = parser_class  # type: ignore[method-assign]
    monkeypatch.setitem(sys.modules, "declared_plugin", module)
    return asked


def test_builtin_parsers_come_through_entry_points() -> None:
    assert isinstance(load_parsers()["fetchmailrc"], FetchmailParser)


def test_a_third_party_plugin_is_found_by_its_entry_point(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, EntryPoint("thirdparty", f"{__name__}:ThirdPartyParser", migrate.plugins.GROUP))
    assert list(load_parsers()) == ["thirdparty"]
    assert list(load_parsers(disabled=frozenset({"thirdparty"}))) == []
    assert load_parsers().claimant(Path("/home/a/.thirdpartyrc")).client == "Third Party Mail"  # type: ignore[union-attr]


def test_a_declared_plugin_is_loaded_only_for_a_file_it_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _declaring_module(monkeypatch, (".thirdpartyrc",))
    _installed(monkeypatch, EntryPoint("thirdparty", "declared_plugin:ThirdPartyParser", migrate.plugins.GROUP))
    plugins = load_parsers()
    assert plugins.claimant(Path("/home/a/.muttrc")) is None and "thirdparty" in plugins and asked == []
    assert isinstance(plugins.claimant(Path("/home/a/.thirdpartyrc")), ThirdPartyParser) and asked == ["ThirdPartyParser"]
    assert plugins.claimant(Path("/home/b/.thirdpartyrc")) is plugins["thirdparty"] and len(asked) == 1  # made once


def test_a_declaration_that_is_not_its_parsers_patterns_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _declaring_module(monkeypatch, (".otherrc",))
    _installed(monkeypatch, EntryPoint("thirdparty", "declared_plugin:ThirdPartyParser", migrate.plugins.GROUP))
    with pytest.raises(MigrateError, match="MAILMIGRATE_PATTERNS differ from its parser's patterns"):
        load_parsers().claimant(Path(".otherrc"))


def test_a_plugin_that_is_not_a_parser_is_refused_when_it_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, EntryPoint("bad", "os:getcwd", migrate.plugins.GROUP))
    plugins = load_parsers()
    with pytest.raises(MigrateError, match="not a Parser"):
        plugins.claimant(Path(".fetchmailrc"))  # os declares nothing: it is asked through its parser
    with pytest.raises(MigrateError, match="not a Parser"):
        plugins["bad"]


def test_a_plugin_that_cannot_be_imported_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    _installed(monkeypatch, EntryPoint("gone", "no_such_module_here:Parser", migrate.plugins.GROUP))
    with pytest.raises(MigrateError, match=r"plugin gone \(no_such_module_here:Parser\) cannot be imported"):
        load_parsers().claimant(Path(".fetchmailrc"))


def test_a_plan_of_one_file_imports_its_parser_and_no_other() -> None:
    code = ("import json, sys; from migrate.cli import main; main(['plan', sys.argv[1]]); print(json.dumps("
            "sorted(name for name in sys.modules if name.startswith(('parsers.', 'tqdm', 'dateutil', 'concurrent')))))")
    done = subprocess.run([sys.executable, "-c", code, str(SAMPLES / "mutt" / "pop-fetch.muttrc")], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    imported = json.loads(done.stdout.splitlines()[-1])
    assert "parsers.mutt.parser" in imported
    assert [name for name in imported if not name.startswith("parsers.mutt")] == [
        "parsers.applemail", "parsers.claws", "parsers.eudora", "parsers.evolution", "parsers.fetchmail",
        "parsers.getmail", "parsers.kmail", "parsers.mbsync", "parsers.msmtp", "parsers.msmtp.mpop_format",
        "parsers.mulberry", "parsers.windows", "parsers.windows.iaf_format"]  # declarations only:
    # the entry points whose names sort before muttrc's


def test_a_pattern_naming_a_folder_matches_the_files_last_folders_and_no_more() -> None:
    from migrate.plugins import _matches
    assert _matches(Path("/home/a/.config/offlineimap/config"), ("offlineimap/config",))
    assert not _matches(Path("/home/a/.config/msmtp/config"), ("offlineimap/config",))
    assert _matches(Path("/home/a/.getmail/getmailrc"), (".getmail/*",))
    assert not _matches(Path("/home/a/.getmail/old/getmailrc"), (".getmail/*",))  # "*" spans no folder
    assert not _matches(Path("config"), ("offlineimap/config",))
