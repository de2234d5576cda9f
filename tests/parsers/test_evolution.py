"""Evolution: key files lossless, migrated in place, and read back by GLib's own GKeyFile."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from migrate.cli import main
from migrate.engine import plan_data
from migrate.engine import plan_setup
from migrate.policy import load_policy
from parsers.evolution import EvolutionParser
from parsers.evolution.keyfile import escape
from parsers.evolution.keyfile import parse_keyfile
from parsers.evolution.keyfile import unescape
from parsers.processes import RunningPrograms
from tests.conftest import SAMPLES
from tests.oracles import require

EVOLUTION = SAMPLES / "evolution"
PARSER = EvolutionParser()
ACCOUNTS = sorted(p for p in EVOLUTION.rglob("*.source") if list(PARSER.setups(p)))
KEY_FILES = sorted(EVOLUTION.rglob("*.source"))
_GKEYFILE = """
import json, sys
import gi
gi.require_version("GLib", "2.0")
from gi.repository import GLib
out = {}
for path in sys.argv[1:]:
    kf = GLib.KeyFile()
    kf.load_from_file(path, GLib.KeyFileFlags.KEEP_COMMENTS)
    out[path] = {g: {k: kf.get_string(g, k) for k in kf.get_keys(g)[0]} for g in kf.get_groups()[0]}
print(json.dumps(out))
"""


def read(name: str):
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        return None


def gkeyfile(*paths: Path) -> dict:
    python = require("/usr/bin/python3")
    done = subprocess.run([python, "-c", _GKEYFILE, *map(str, paths)], capture_output=True, text=True, timeout=60)
    if "No module named 'gi'" in done.stderr:
        require("python3-gi for /usr/bin/python3")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("path", KEY_FILES, ids=lambda p: p.name)
def test_key_files_round_trip(path: Path) -> None:
    assert parse_keyfile(path.read_bytes(), str(path)).to_bytes() == path.read_bytes()


@given(st.lists(st.sampled_from(["[Group]", "[Mail Account]", "Key=value", "Key = v", "Name[de]=x", "# c", "",
                                 "K=a\\sb\\n", "bad line", "[Broken", "Host=pop.lboro.ac.uk"]), max_size=12),
       st.sampled_from(["\n", "\r\n"]))
def test_generated_key_files_round_trip(lines: list, newline: str) -> None:
    data = (newline.join(lines)).encode()
    assert parse_keyfile(data, "x.source").to_bytes() == data


@given(st.text(max_size=20).filter(lambda s: "\0" not in s))
def test_escape_reads_back(value: str) -> None:
    assert unescape(escape(value)) == value


def test_every_account_migrates_to_expected_and_stays() -> None:
    changed = set()
    for path in ACCOUNTS:
        plan = plan_setup(read, PARSER, load_policy(), str(path), "nobody")
        for file in plan.files:
            assert file.before.to_bytes() == Path(file.path).read_bytes()
            if file.changed:
                changed.add(file.path)
                assert file.after.to_bytes() == Path(file.path + ".expected").read_bytes()
        assert plan.changed == ("gmail" not in path.name)
        again = plan_setup({f.path: f.after.to_bytes() for f in plan.files}.get, PARSER, load_policy(), str(path), "nobody")
        assert not again.changed
    assert changed == {str(p)[: -len(".expected")] for p in EVOLUTION.rglob("*.expected")
                       if "/.config/evolution/" in str(p)}


@pytest.mark.oracle
@pytest.mark.parametrize("sample", ["3.x-pop", "3.x-imap"])
def test_gkeyfile_reads_the_migrated_accounts(sample: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / sample
    shutil.copytree(EVOLUTION / sample, home, ignore=shutil.ignore_patterns("*.expected"))
    sources = home / ".config" / "evolution" / "sources"
    before = gkeyfile(*sorted(sources.glob("*.source")))
    assert main(["apply", str(home)]) == 0
    after = gkeyfile(*sorted(sources.glob("*.source")))
    policy = load_policy()
    for path, groups in after.items():
        old = before[path]
        if Path(path).name.startswith("gmail"):
            assert groups == old, "a foreign source changed"
            continue
        if "Authentication" not in groups:
            continue
        auth, security = groups["Authentication"], groups["Security"]["Method"]
        assert auth["Host"] == policy.incoming.host and auth["User"].endswith("@lboro.ac.uk")
        if "Mail Account" in groups:
            assert groups["Mail Account"]["BackendName"] == "imapx" and "Pop Backend" not in groups
            assert (security, auth["Port"]) in (("ssl-on-alternate-port", "993"), ("starttls-on-standard-port", "143"))
            imapx = groups["Imapx Backend"]
            assert imapx["UseSubscriptions"] == "false" and imapx["UseNamespace"] == "false"
            assert auth["Method"] in ("none", "PLAIN", "LOGIN")
        else:
            assert (security, auth["Port"]) in (("ssl-on-alternate-port", "465"), ("starttls-on-standard-port", "587"),
                                                ("starttls-on-standard-port", "25"))
            assert auth["Method"] == "PLAIN"
    for path, groups in after.items():
        for group in ("Mail Submission", "Mail Composition"):
            for value in groups.get(group, {}).values():
                assert "/INBOX/" not in value
    filters = (home / ".config" / "evolution" / "mail" / "filters.xml").read_text()
    assert "/INBOX/" not in filters


def applied_key_files(sample: str, tmp_path: Path, monkeypatch) -> tuple[Path, dict]:
    """A copy of a sample home after ``apply``, and every key file in it as GLib's GKeyFile reads it, by name."""
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / sample
    shutil.copytree(EVOLUTION / sample, home, ignore=shutil.ignore_patterns("*.expected"))
    assert main(["apply", str(home)]) == 0
    sources = home / ".config" / "evolution" / "sources"
    return home, {Path(path).name: groups for path, groups in gkeyfile(*sorted(sources.glob("*.source"))).items()}


def rule_file_uris(path: Path) -> list:
    import xml.etree.ElementTree as ElementTree

    return [folder.get("uri") for folder in ElementTree.parse(path).iter("folder")]


@pytest.mark.oracle
def test_gkeyfile_sees_every_key_naming_a_folder_follow_the_move(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, item 10: trash, junk, archive, sent and drafts, filters and search folders all leave INBOX."""
    home, files = applied_key_files("3.x-special-folders", tmp_path, monkeypatch)
    account, identity = files["1712000000.4242.1@lab.source"], files["1712000000.4242.2@lab.source"]
    root = "folder://1712000000.4242.1%40lab/"
    assert account["Imapx Backend"]["RealTrashPath"] == "Deleted Items"
    assert account["Imapx Backend"]["RealJunkPath"] == "Junk E-mail"
    assert account["Imapx Backend"]["RealNotJunkPath"] == ""
    assert account["Mail Account"]["ArchiveFolder"] == root + "Archive%202012"
    assert identity["Mail Submission"]["SentFolder"] == root + "Sent%20Items"
    assert identity["Mail Composition"]["DraftsFolder"] == root + "Drafts"
    assert identity["Mail Composition"]["TemplatesFolder"] == "folder://local/Templates"
    mail = home / ".config" / "evolution" / "mail"
    assert rule_file_uris(mail / "filters.xml") == [root + "Junk%20E-mail", root + "Deleted%20Items"]
    assert rule_file_uris(mail / "vfolders.xml") == [root + "Projects", root + "Projects/2026", root + "INBOX",
                                                     "folder://someone-else/INBOX/Projects"]


@pytest.mark.oracle
def test_gkeyfile_sees_the_ssh_tunnel_off_and_tls_to_the_service(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, item 11: a shell command would now be run against the new host, which has no ssh for mail."""
    _, files = applied_key_files("3.x-ssh-tunnel", tmp_path, monkeypatch)
    for name in ("tunnel-account.source", "tunnel-new-host.source"):
        groups = files[name]
        assert groups["Imapx Backend"]["UseShellCommand"] == "false"
        assert groups["Authentication"]["Host"] == load_policy().incoming.host
        assert (groups["Security"]["Method"], groups["Authentication"]["Port"]) == ("ssl-on-alternate-port", "993")
    assert files["tunnel-account.source"]["Imapx Backend"]["ShellCommand"] == "ssh -C -l %u %h exec /usr/sbin/imapd"


@pytest.mark.parametrize(("raw", "moves", "expected"), [
    ("INBOX/Sent%20Items", {"INBOX/Sent Items": "Sent Items"}, "Sent%20Items"),
    ("INBOX/a%2Fb/c", {"INBOX/a/b/c": "a/b/c"}, "a/b/c"),  # a level's own "/" was encoded: written anew
    ("INBOX/Drafts", {"INBOX/Sent": "Sent"}, None),
    ("INBOX", {"INBOX/x": "x"}, None),
])
def test_a_folder_path_moves_keeping_the_spelling_of_what_stays(raw: str, moves: dict, expected) -> None:
    from parsers.evolution.folders import moved_path

    assert moved_path(raw, moves) == expected


def test_a_tunnel_in_the_3_6_imap_settings_is_switched_off_too_and_a_foreign_one_is_kept() -> None:
    account = ("[Mail Account]\nBackendName=imap\n\n[Security]\nMethod=ssl-on-alternate-port\n\n[Authentication]\n"
               "Host={host}\nPort=993\nUser=ccano\n\n[Imap Backend]\nUseShellCommand=true\nRealTrashPath=INBOX/Trash\n")
    for host, migrated in (("imap.lboro.ac.uk", True), ("imap.example.org", False)):
        text = account.format(host=host)
        plan = plan_setup({"/h/a.source": text.encode()}.get, PARSER, load_policy(), "/h/a.source", "ccano")
        after = plan.only.after.render()
        assert ("UseShellCommand=false" in after and "RealTrashPath=Trash" in after) is migrated
        assert (after == text) is not migrated
        if migrated:
            assert any("UseShellCommand switched off" in note.message for note in plan.notes)


def test_a_running_evolution_means_skip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(EVOLUTION / "3.x-pop", home)
    config = home / ".config" / "evolution"
    process = subprocess.Popen(["evolution", "60"], executable=shutil.which("sleep"))
    for _ in range(100):  # until the child has become "evolution"
        if Path(f"/proc/{process.pid}/cmdline").read_bytes().startswith(b"evolution"):
            break
        time.sleep(0.01)
    try:
        (config / ".running").write_text(str(process.pid))
        account = next(p for p in (config / "sources").glob("*.source") if list(PARSER.setups(p)))
        assert "Evolution is running" in PARSER.live(account)
    finally:
        process.kill()
        process.wait()
    assert PARSER.live(account) is None


def test_one_scan_of_processes_answers_until_it_is_too_old() -> None:
    program = f"mailmigrate-test-{os.getpid()}".encode()
    kept, fresh = RunningPrograms(max_age=3600), RunningPrograms(max_age=0)
    assert program not in kept.of(os.getuid())
    process = subprocess.Popen([program, "60"], executable=shutil.which("sleep"))
    for _ in range(100):  # until the child has become the program
        if Path(f"/proc/{process.pid}/cmdline").read_bytes().startswith(program):
            break
        time.sleep(0.01)
    try:
        assert program not in kept.of(os.getuid())  # the scan made before it started still answers
        assert program in fresh.of(os.getuid())
    finally:
        process.kill()
        process.wait()


GCONF = EVOLUTION / "2.x" / ".gconf" / "apps" / "evolution" / "mail" / "%gconf.xml"


def gconf_accounts(root: Path) -> list:
    """The account documents as GConf's own tool reads them, parsed."""
    import re
    import xml.etree.ElementTree as ElementTree

    tool = require("gconftool-2")
    done = subprocess.run([tool, "--direct", f"--config-source=xml:readonly:{root}", "--get", "/apps/evolution/mail/accounts"],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(root.parent)})
    assert done.returncode == 0, done.stderr
    items = re.split(r"(?<!\\),", done.stdout.strip()[1:-1])
    return [ElementTree.fromstring(re.sub(r"\\(.)", r"\1", item).strip()) for item in items]


GCONF_SAMPLES = sorted(EVOLUTION.rglob("%gconf.xml"))


@pytest.mark.parametrize("path", [p for p in GCONF_SAMPLES if p.parent.name == "mail"], ids=lambda p: p.parts[-6])
def test_gconf_file_round_trips_and_migrates_to_expected(path: Path) -> None:
    """With the rule files of the same Evolution (``~/.evolution/mail/``) that name the accounts' folders."""
    plan = plan_setup(read, PARSER, load_policy(), str(path), "nobody")
    for file in plan.files:
        assert file.before.to_bytes() == Path(file.path).read_bytes()
        expected = Path(file.path + ".expected")
        assert file.after.to_bytes() == (expected.read_bytes() if expected.exists() else file.before.to_bytes())
    again = plan_setup({f.path: f.after.to_bytes() for f in plan.files}.get, PARSER, load_policy(), str(path), "nobody")
    assert not again.changed and not again.changes


@pytest.mark.oracle
def test_gconftool_reads_the_migrated_accounts(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(EVOLUTION / "2.x", home, ignore=shutil.ignore_patterns("*.expected"))
    before = gconf_accounts(home / ".gconf")
    assert main(["apply", str(home)]) == 0
    after = gconf_accounts(home / ".gconf")
    assert [a.get("uid") for a in after] == [a.get("uid") for a in before]
    from parsers.evolution.camel import parse_camel
    from xml.etree.ElementTree import tostring

    policy = load_policy()
    for old, new in zip(before, after):
        source = parse_camel(old.findtext("source/url"))
        if not policy.matches(source.host):
            assert tostring(old) == tostring(new), "a foreign account changed"
            continue
        url = parse_camel(new.findtext("source/url"))
        assert url.scheme in ("imap", "imapx") and url.host == policy.incoming.host and url.user.endswith("@lboro.ac.uk")
        assert (url.port, url.param("use_ssl")) in ((993, ("use_ssl", "always")), (143, ("use_ssl", "when-possible")))
        assert not any(url.param(p) for p in ("namespace", "override_namespace", "use_lsub", "check_lsub", "keep_on_server"))
        assert url.auth in (None, "PLAIN", "LOGIN")
        smtp = parse_camel(new.findtext("transport/url"))
        assert smtp.host == policy.outgoing.host and smtp.user.endswith("@lboro.ac.uk") and smtp.auth in ("PLAIN", "LOGIN")
        assert (smtp.port, smtp.param("use_ssl")) in ((465, ("use_ssl", "always")), (587, ("use_ssl", "when-possible")))
        for folder in ("drafts-folder", "sent-folder"):
            uri = new.findtext(folder)
            assert "/INBOX/" not in uri and "imap.lboro.ac.uk" not in uri
    assert before[0].findtext("drafts-folder") == after[0].findtext("drafts-folder")  # the POP account's local folders


def applied_gconf(sample: str, tmp_path: Path, monkeypatch) -> tuple[list, list]:
    """A sample's GConf accounts before and after ``apply``, as gconftool-2 reads them, by Camel URL."""
    from parsers.evolution.camel import parse_camel

    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    shutil.copytree(EVOLUTION / sample, home, ignore=shutil.ignore_patterns("*.expected"))
    before = gconf_accounts(home / ".gconf")
    assert main(["apply", str(home)]) == 0
    after = gconf_accounts(home / ".gconf")
    assert [a.get("uid") for a in after] == [a.get("uid") for a in before]
    return before, [(parse_camel(a.findtext("source/url")), a) for a in after]


@pytest.mark.oracle
def test_gconftool_sees_every_folder_of_the_account_follow_the_move(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, item 10: trash and junk parameters (both spellings) and the drafts and sent folders in all three
    URI spellings leave INBOX; another provider's account stays as it was."""
    from xml.etree.ElementTree import tostring

    before, after = applied_gconf("2.x-special-folders", tmp_path, monkeypatch)
    (two, first), (three, second), (_, foreign) = after
    assert (two.param("real_trash_path"), two.param("real_junk_path")) == (("real_trash_path", "Deleted%20Items"),
                                                                         ("real_junk_path", "Junk%20E-mail"))
    assert (first.findtext("drafts-folder"), first.findtext("sent-folder")) == (
        "email://1300000000.5151.1@desk/Drafts", "imap://ccano%40lboro.ac.uk@staff-mail.lboro.ac.uk/Sent%20Items")
    assert (three.param("real-trash-path"), three.param("real-junk-path")) == (("real-trash-path", "Trash"),
                                                                             ("real-junk-path", "Spam"))
    assert (second.findtext("drafts-folder"), second.findtext("sent-folder")) == (
        "folder://1300000000.5151.2%40desk/Drafts", "folder://local/Sent")
    assert tostring(foreign) == tostring(before[2])
    rules = tmp_path / "home" / ".evolution" / "mail"
    assert rule_file_uris(rules / "filters.xml") == [
        "email://1300000000.5151.1@desk/Committees/Senate", "imap://ccano%40lboro.ac.uk@staff-mail.lboro.ac.uk/Committees",
        "email://1300000000.5151.3@desk/INBOX/Receipts"]
    assert rule_file_uris(rules / "vfolders.xml") == ["email://1300000000.5151.1@desk/Committees", "email://local@local/Inbox"]


@pytest.mark.oracle
def test_gconftool_sees_the_ssh_tunnel_off_and_tls_to_the_service(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, item 11: the box that made Evolution run the command is unticked (the command text stays, unused);
    the URL then reaches the service directly over SSL on 993."""
    from xml.etree.ElementTree import tostring

    from parsers.evolution.gconf_accounts import endpoint
    from parsers.evolution.gconf_accounts import tunnel_param

    before, after = applied_gconf("2.x-ssh-tunnel", tmp_path, monkeypatch)
    for url, _ in after[:3]:
        assert tunnel_param(url) is None and url.param("use_command") is None and url.param("use-shell-command") is None
        incoming = endpoint(url)
        assert (incoming.host, incoming.port, incoming.security) == (load_policy().incoming.host, 993, "ssl")
    assert after[0][0].param("command") == ("command", "ssh%20-C%20-l%20%25u%20%25h%20exec%20/usr/sbin/imapd")
    assert tostring(after[3][1]) == tostring(before[3])


def test_a_merged_gconf_tree_is_read_and_rewritten_the_same_way() -> None:
    inner = GCONF.read_text()
    body = inner[inner.index("<gconf>") + len("<gconf>"): inner.index("</gconf>")]
    tree = ('<?xml version="1.0"?>\n<gconf>\n<dir name="apps">\n<dir name="other">\n<entry name="accounts" mtime="1"'
            ' type="list" ltype="string"/>\n</dir>\n<dir name="evolution">\n<dir name="mail">' + body
            + "</dir>\n</dir>\n</dir>\n</gconf>\n")
    plan = plan_data(tree.encode(), PARSER, load_policy(), "%gconf-tree.xml")
    assert [a.key for a in plan.accounts] == ["1182791050.3299.20@psp", "1182791107.3299.21@psp", "1200000000.4000.1@psp"]
    expected = Path(str(GCONF) + ".expected").read_text()
    migrated_body = expected[expected.index("<gconf>") + len("<gconf>"): expected.index("</gconf>")]
    assert plan.only.after.render() == tree.replace(body, migrated_body)


def test_the_3_2_to_3_4_security_method_spelling_is_kept() -> None:
    from xml.sax.saxutils import escape

    account = ('<?xml version="1.0"?>\n<account name="W" uid="u1" enabled="true"><source><url>'
               + escape("imapx://ccano@imap.lboro.ac.uk/;security-method=none;use_lsub") + "</url></source></account>\n")
    text = ('<?xml version="1.0"?>\n<gconf>\n<entry name="accounts" mtime="1" type="list" ltype="string">\n'
            f'<li type="string"><stringvalue>{escape(account)}</stringvalue></li>\n</entry>\n</gconf>\n')
    after = plan_data(text.encode(), PARSER, load_policy(), "%gconf.xml").only.after.render()
    assert escape(escape("imapx://ccano%40lboro.ac.uk@staff-mail.lboro.ac.uk:993/;security-method=ssl-on-alternate-port")) in after


def test_a_gconf_file_that_is_not_utf8_is_refused_where_the_bad_byte_is() -> None:
    """Found by tests/test_fuzz.py: the XML reader was handed text it cannot encode."""
    from migrate.errors import ParseError
    from parsers.evolution.gconf import parse_gconf

    data = b'<?xml version="1.0"?>\n<gconf>\n  <entry name="accounts">\xff</entry>\n</gconf>\n'
    with pytest.raises(ParseError) as caught:
        parse_gconf(data, "%gconf.xml")
    assert (caught.value.line, caught.value.col) == (3, 26) and "UTF-8" in caught.value.message


@st.composite
def account_source(draw) -> tuple[str, bool]:
    """A generated account key file, and whether its server is the university's."""
    host = draw(st.sampled_from(["pop.lboro.ac.uk", "imap.lboro.ac.uk", "staff-mail.lboro.ac.uk", "imap.gmail.com",
                                 "mail.example.org"]))
    backend = draw(st.sampled_from(["imapx", "pop"]))
    groups = {
        "Data Source": ["DisplayName=Work mail", "Enabled=true", "Parent=", "X-Keep=untouched \\s value"],
        "Security": [f"Method={draw(st.sampled_from(['none', 'starttls-on-standard-port', 'ssl-on-alternate-port']))}"],
        "Authentication": [f"Host={host}", f"Method={draw(st.sampled_from(['none', 'PLAIN', 'LOGIN', 'CRAM-MD5']))}",
                           f"Port={draw(st.sampled_from([110, 143, 993, 995]))}",
                           "User=" + draw(st.sampled_from(["ccano", "LBORO\\\\jdoe", "a.b@lboro.ac.uk", "me@example.org"]))],
        "Mail Account": [f"BackendName={backend}", "IdentityUid=none-such", "NeedsInitialSetup=false"],
        f"{'Imapx' if backend == 'imapx' else 'Pop'} Backend": draw(st.lists(st.sampled_from(
            ["UseSubscriptions=true", "KeepOnServer=true", "UseNamespace=true", "Namespace=INBOX.", "Other=1",
             "UseShellCommand=true", "RealTrashPath=INBOX/Deleted Items", "RealJunkPath=Junk"]),
            unique=True)),
    }
    order = draw(st.permutations(list(groups)))
    newline = "\n"  # GKeyFile keeps a CR as part of the value: Evolution neither writes nor reads CRLF
    parts = []
    for name in order:
        lines = [f"[{name}]", *groups[name]]
        if draw(st.booleans()):  # a comment inside the POP group goes with it when the account becomes IMAP
            lines.insert(draw(st.integers(0, 0 if name == "Pop Backend" else len(lines))), "# note")
        parts.append(newline.join(lines) + newline)
    return newline.join(parts), host.endswith("lboro.ac.uk")


@settings(deadline=None)
@given(account_source())
@example(("[Mail Account]\nBackendName=imapx\n\n[Authentication]\nHost=pop.lboro.ac.uk\nPort=110\nUser=ccano\n\n"
          "[Imapx Backend]\n", True))  # found by it: keys added to an empty last group went before its line end
@example(("[Mail Account]\nBackendName=imapx\n[Authentication]\nHost=imap.lboro.ac.uk\n[Imapx Backend]", True))
def test_generated_accounts_migrate_once_keep_what_is_not_theirs_and_leave_others_alone(source: tuple[str, bool]) -> None:
    text, university = source
    files = {"/h/.config/evolution/sources/a.source": text.encode()}
    plan = plan_setup(files.get, PARSER, load_policy(), "/h/.config/evolution/sources/a.source", "ccano")
    (account,) = [file for file in plan.files if file.path.endswith("a.source")]
    assert account.before.to_bytes() == files[account.path]
    after = account.after.render()
    if not university:
        assert after == text
        return
    assert plan.changed
    kept = [line for line in ("DisplayName=Work mail", "X-Keep=untouched \\s value", "IdentityUid=none-such", "Parent=")
            if line in text]
    assert all(after.count(line) == text.count(line) for line in kept) and after.count("# note") >= min(1, text.count("# note"))
    assert "UseShellCommand=true" not in after and "RealTrashPath=INBOX/" not in after  # no tunnel, no folder under INBOX
    if "[Pop Backend]" not in text:  # (the POP group goes as a whole)
        assert after.count("RealJunkPath=Junk") == text.count("RealJunkPath=Junk")
