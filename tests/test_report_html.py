"""``--report FILE.html``: a page with totals, a chart of accounts by client and status, the homes and
every failure, written as the run goes so memory does not grow with the homes."""
from __future__ import annotations

import html.parser
import pathlib
import re
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from migrate.cli import main
from migrate.engine import REPLACE
from migrate.engine import Plan
from migrate.model import Account
from migrate.model import Endpoint
from migrate.policy import load_policy
from migrate.report import Report
from migrate.report_html import STATUSES
from migrate.report_html import HtmlReport
from migrate.runner import Outcome
from tests.perf.homes import make_homes


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    return tmp_path / "state"


class _Page(html.parser.HTMLParser):
    """The page's text, and whether every element it opens is closed (a page an admin's browser reads)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ("meta", "br", "rect", "link") and not tag.startswith("!"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag != "rect":
            assert self.open.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("command", ["scan", "plan", "apply"])
def test_the_page_of_a_batch_with_a_failing_home(tmp_path: Path, state: Path, command: str, capsys) -> None:
    homes = tmp_path / "homes"
    made = make_homes(homes, 30, broken_every=7)
    page = tmp_path / "report.html"
    assert main([command, "--homes", str(homes), "--jobs", "2", "--report", str(page)]) == 3
    errors = [line for line in capsys.readouterr().err.splitlines() if re.search(r":\d+:\d+: ", line)]
    assert len(errors) == made["broken"]
    data = page.read_text("utf-8")
    parsed = _Page()
    parsed.feed(data)
    assert parsed.open == []
    text = " ".join(" ".join(parsed.text).split())
    svg = ET.fromstring(data[data.index("<svg"):data.index("</svg>") + 6])
    bars = svg.findall("{http://www.w3.org/2000/svg}rect")
    assert bars and {bar.findtext("{http://www.w3.org/2000/svg}title").split(":")[0] for bar in bars} >= {"fetchmail"}
    assert f"{made['homes']} homes" in text and f"{made['broken']} setups failed" in text
    for error in errors:  # every failure, with its file:line:col message
        assert error in text
    for home in sorted(homes.iterdir()):
        assert str(home) in text
    status = "migrated" if command == "apply" else "will migrate"
    assert f"fetchmail: " in data and re.search(rf"<title>fetchmail: \d+ {status}</title>", data)
    summary = re.search(r"<p>(\d+ setups: [^<]*)</p>", data).group(1)  # in the command's words
    assert re.search(r"\d+ changed\b", summary) if command == "apply" else re.search(r"\d+ to change\b", summary)
    assert not re.search(r"\d+ to change\b" if command == "apply" else r"\d+ changed\b", summary), summary
    assert "src=" not in data and "<script" not in data and "<link" not in data


def test_accounts_to_replace_by_hand_are_counted_and_coloured(tmp_path: Path) -> None:
    policy = load_policy()
    account = Account(key="a", label="mpop account", line=1, pop_only=True,
                      incoming=Endpoint(protocol="pop3", host="pop.lboro.ac.uk", port=995, username="u"))
    plan = Plan(client="mpop", accounts=(account,), findings=(), files=())
    assert plan.status(account, policy) == REPLACE
    outcome = Outcome("/homes/u/.mpoprc", "unchanged", "mpop", plan, home="/homes/u")
    report = Report(policy, keep=False)
    report.add([outcome])
    page = HtmlReport(tmp_path / "report.html", policy, "to change")
    page.add(outcome)
    page.close(report)
    data = (tmp_path / "report.html").read_text("utf-8")
    assert f"<li><b>1</b> accounts {REPLACE}</li>" in data
    assert f'fill="{STATUSES[REPLACE]}"><title>mpop: 1 {REPLACE}</title>' in data
    assert f'<span style="background: {STATUSES[REPLACE]}"></span>{REPLACE}</li>' in data
    assert len(set(STATUSES.values())) == len(STATUSES)  # a colour of its own


def test_a_link_at_the_temporary_name_is_not_followed(tmp_path: Path, state: Path) -> None:
    """The page was once written through ``.NAME.mailmigrate-tmp``: a link planted there is left alone."""
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    page = tmp_path / "out" / "report.html"
    page.parent.mkdir()
    (page.parent / ".report.html.mailmigrate-tmp").symlink_to(victim)
    assert main(["scan", str(tmp_path / "none"), "--report", str(page)]) == 0
    assert victim.read_text() == "precious\n" and "<html" in page.read_text()
    assert sorted(path.name for path in page.parent.iterdir()) == [".report.html.mailmigrate-tmp", "report.html"]


def test_an_unwritable_report_is_one_line(tmp_path: Path, state: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:  # known before any work, as a usage error (as .csv and .json)
        main(["scan", str(tmp_path), "--report", str(tmp_path / "missing" / "report.html")])
    assert caught.value.code == 2 and capsys.readouterr().err.count("\n") == 1


def _outcomes(home: int) -> list[Outcome]:
    """A home's outcomes, made up: an account to migrate, and a setup that failed."""
    account = Account(key="a", label=f"poll pop.lboro.ac.uk, user u{home}", line=1,
                      incoming=Endpoint(protocol="pop3", host="pop.lboro.ac.uk", port=110, username=f"u{home}"))
    plan = Plan(client="fetchmail", accounts=(account,), findings=(), files=())
    where = f"/homes/u{home:05d}"
    return [Outcome(f"{where}/.fetchmailrc", "changed", "fetchmail", plan, home=where),
            Outcome(f"{where}/.muttrc", "failed", "mutt", reason=f"{where}/.muttrc:3:7: unexpected quote", home=where)]


def _peak(tmp_path: Path, homes: int) -> int:
    """The memory held once ``homes`` homes are in, before the page is put together.  Not counted: CPython's
    table of interned strings, which ``pathlib`` fills with the path parts it meets (the owner of each
    file is looked up by path) and which grows once to its size, whatever writes the report."""
    policy = load_policy()
    page, report = HtmlReport(tmp_path / f"{homes}.html", policy), Report(policy, keep=False)
    tracemalloc.start()
    for home in range(homes):
        outcomes = _outcomes(home)
        report.add(outcomes)
        for outcome in outcomes:
            page.add(outcome)
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, pathlib.__file__)])
    tracemalloc.stop()
    page.close(report)
    return sum(stat.size for stat in snapshot.statistics("filename"))


def test_memory_stays_flat_over_ten_thousand_homes(tmp_path: Path) -> None:
    small, large = _peak(tmp_path, 1000), _peak(tmp_path, 10_000)
    assert large < small * 1.2 + 50_000, (small, large)
    text = (tmp_path / "10000.html").read_text()
    assert text.count("unexpected quote") == 2 * 10_000 and text.count('<tr class="home">') == 10_000
