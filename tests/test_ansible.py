"""The Ansible collection in ``ansible/``, run by real ansible-core against localhost over a local connection.

The collection is installed from ``ansible/`` into a temporary collections path; the module runs with
this Python (``ansible_python_interpreter``), where mailmigrate is installed, over homes made of the
bundled samples.  Every playbook runs at ``-vvv``, and no password may appear in what it prints.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

from migrate.lock import home_lock
from tests.conftest import SAMPLES
from tests.oracles import unavailable
from tests.test_cli import sample_passwords
from tests.test_secrets import PASSWORDS
from tests.test_secrets import with_passwords

COLLECTION = SAMPLES.parent / "ansible"
BIN = Path(sys.executable).parent
#: home -> (file in the home, the sample it is a copy of); each sample has its migrated form beside it
SETUPS = {
    "ab1": [(".fetchmailrc", "fetchmail/pop-keep-uidl.fetchmailrc")],
    "cd2": [(".muttrc", "mutt/imap-inbox.muttrc")],
    "ef3": [(".pinerc", "pine/pine4-pop.pinerc")],
    "gh4": [(f".thunderbird/p.default/{name}", f"thunderbird/imap-inbox-folders/{name}")
            for name in ("prefs.js", "virtualFolders.dat", "ImapMail/imap.lboro.ac.uk/msgFilterRules.dat")],
    "mn7": [("outlook-express.reg", "windows/outlook-express.reg")],  # its saved passwords hold "Zq7-oe-..."
}
SECRETS = (set(PASSWORDS.values()) - {PASSWORDS["verify"]} | sample_passwords()
           | {",".join(f"{byte:02x}" for byte in b"Zq7-oe-")})  # as the .reg export writes them


def tool(name: str) -> str:
    """An ansible-core (or ansible-lint) command installed beside this Python, as the test extra installs it."""
    path = BIN / name
    if not path.exists():
        unavailable(f"{name} is not installed beside {sys.executable}: pip install '.[test]'")
    return str(path)


class Ansible:
    """ansible-playbook and friends over one temporary collections path, localhost as the only host."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                    "ANSIBLE_COLLECTIONS_PATH": str(root / "collections"), "ANSIBLE_HOME": str(root / "ansible-home"),
                    "ANSIBLE_REMOTE_TEMP": str(root / "remote-tmp"),
                    "ANSIBLE_CONFIG": str(root / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
                    "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_RETRY_FILES_ENABLED": "0",
                    "ANSIBLE_DEPRECATION_WARNINGS": "0", "ANSIBLE_SYSTEM_WARNINGS": "0"}
        (root / "ansible.cfg").write_text("[defaults]\n")
        (root / "inventory.ini").write_text(
            f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
        self.said: list[str] = []  #: every line any run printed, to look for passwords in

    def run(self, *command: str, cwd: Optional[Path] = None, env: Optional[dict] = None,
            timeout: int = 300) -> subprocess.CompletedProcess:
        done = subprocess.run(command, cwd=cwd or self.root, env={**self.env, **(env or {})}, capture_output=True,
                              text=True, errors="replace", timeout=timeout)
        self.said += [done.stdout, done.stderr]
        return done

    def playbook(self, tasks: str, *options: str) -> subprocess.CompletedProcess:
        """A play of ``tasks`` on localhost, at -vvv."""
        play = "- hosts: localhost\n  gather_facts: false\n  tasks:\n" + textwrap.indent(textwrap.dedent(tasks), "    ")
        (self.root / "play.yml").write_text(play)
        return self.run(tool("ansible-playbook"), "-i", str(self.root / "inventory.ini"), "-vvv", *options,
                        str(self.root / "play.yml"))


@pytest.fixture(scope="module")
def ansible(tmp_path_factory: pytest.TempPathFactory) -> Ansible:
    here = Ansible(tmp_path_factory.mktemp("ansible"))
    done = here.run(tool("ansible-galaxy"), "collection", "install", str(COLLECTION), "-p", str(here.root / "collections"))
    assert done.returncode == 0, done.stderr
    assert (here.root / "collections/ansible_collections/mailmigrate/mailmigrate/plugins/modules/migrate.py").exists()
    return here


def make_homes(homes: Path) -> None:
    for home, files in SETUPS.items():
        for name, sample in files:
            (homes / home / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SAMPLES / sample, homes / home / name)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def recap(done: subprocess.CompletedProcess) -> dict[str, int]:
    found = re.search(r"^localhost\s*:(.*)$", done.stdout, re.M)
    assert found, done.stdout + done.stderr
    return {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", found.group(1))}


def result_of(done: subprocess.CompletedProcess, task: str) -> dict:
    """The result of ``task`` as the default callback prints it at -v and more (without its diff)."""
    shown = done.stdout[done.stdout.index(f"TASK [{task}]"):]
    found = re.search(r"^(?:ok|changed|fatal|skipping): \[localhost\](?:: FAILED!)? => ", shown, re.M)
    assert found, shown
    return json.JSONDecoder().raw_decode(shown[found.end():])[0]


def test_check_diff_then_apply_then_again_then_restored(ansible: Ansible, tmp_path: Path) -> None:
    homes, state = tmp_path / "homes", tmp_path / "state"
    make_homes(homes)
    (homes / "ij5").mkdir()
    with_passwords(homes / "ij5")
    (homes / "kl6").mkdir()
    shutil.copyfile(SAMPLES / "fetchmail/pop-keep-uidl.fetchmailrc", homes / "kl6/.fetchmailrc")
    (homes / "kl6/.fetchmail.pid").write_text(f"{os.getpid()}\n")  # fetchmail runs as this process
    original = snapshot(homes)
    migrate = f"""
        - name: Migrate the homes
          mailmigrate.mailmigrate.migrate:
            homes: {homes}
            state_dir: {state}
            jobs: 2
    """

    checked = ansible.playbook(migrate, "--check", "--diff")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert recap(checked)["changed"] == 1
    assert f"--- before: {homes}/ab1/.fetchmailrc" in checked.stdout
    assert "-poll pop.lboro.ac.uk with proto POP3 uidl" in checked.stdout
    assert "+poll staff-mail.lboro.ac.uk with proto IMAP service 993 auth password" in checked.stdout
    assert "********" in checked.stdout
    assert snapshot(homes) == original and not state.exists()
    planned = result_of(checked, "Migrate the homes")
    assert planned["changed"] and planned["run"] is None
    assert {"will migrate"} >= {a["status"] for a in planned["accounts"] if a["home"].endswith("ab1")}

    applied = ansible.playbook(migrate, "--diff")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert recap(applied)["changed"] == 1
    result = result_of(applied, "Migrate the homes")
    assert result["changed"] and re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{4}", result["run"])
    for home, files in SETUPS.items():
        for name, sample in files:
            assert (homes / home / name).read_bytes() == (SAMPLES / f"{sample}.expected").read_bytes(), name
    assert any(a["status"] == "migrated" and a["file"].endswith("ab1/.fetchmailrc") for a in result["accounts"])
    assert any("ab1/.fetchmailrc: poll pop.lboro.ac.uk, user ccano: incoming protocol: pop3 -> imap" in change
               for change in result["changes"])
    assert b"staff-mail.lboro.ac.uk" in (homes / "ij5/.fetchmailrc").read_bytes()
    (live,) = result["skipped_files"]  # a running client is reported, not a failure
    assert live["live"] and live["file"] == f"{homes}/kl6/.fetchmailrc" and "fetchmail is running" in live["reason"]
    assert (homes / "kl6/.fetchmailrc").read_bytes() == original["kl6/.fetchmailrc"]
    assert result["failed_files"] == [] and not result.get("failed")
    migrated = snapshot(homes)

    again = ansible.playbook(migrate)
    assert again.returncode == 0 and recap(again)["changed"] == 0 and recap(again)["ok"] >= 1
    assert not result_of(again, "Migrate the homes")["changed"] and result_of(again, "Migrate the homes")["run"] is None
    assert snapshot(homes) == migrated

    restore = f"""
        - name: Undo the run
          mailmigrate.mailmigrate.migrate:
            state: restored
            run: {result['run']}
            state_dir: {state}
    """
    looked = ansible.playbook(restore, "--check")
    assert looked.returncode == 0 and recap(looked)["changed"] == 1, looked.stdout + looked.stderr
    assert f"{homes}/ab1/.fetchmailrc" in result_of(looked, "Undo the run")["restored"] and snapshot(homes) == migrated
    restored = ansible.playbook(restore)
    assert restored.returncode == 0 and recap(restored)["changed"] == 1, restored.stdout + restored.stderr
    assert result_of(restored, "Undo the run")["run"] == result["run"]
    assert snapshot(homes) == original
    assert recap(ansible.playbook(restore))["changed"] == 0  # already as before the run

    said = "".join(ansible.said)
    assert "<localhost> EXEC" in said  # at -vvv
    for secret in SECRETS:
        assert secret not in said, "a password was shown"
        assert secret not in json.dumps([planned, result]), "a password was returned"


def test_a_broken_file_fails_the_task_with_its_place_after_the_other_homes_are_migrated(
        ansible: Ansible, tmp_path: Path) -> None:
    homes = tmp_path / "homes"
    make_homes(homes)
    broken = homes / "zz9/.fetchmailrc"
    broken.parent.mkdir()
    shutil.copyfile(Path(__file__).parent / "hostile/fetchmail-truncated/.fetchmailrc", broken)
    before, held = broken.read_bytes(), homes / "ef3"
    with home_lock(held):  # another run holds this home: it is skipped, not failed
        done = ansible.playbook(f"""
            - name: Migrate the homes
              mailmigrate.mailmigrate.migrate:
                homes: {homes}
                state_dir: {tmp_path / 'state'}
        """)
    assert done.returncode != 0 and recap(done)["failed"] == 1
    result = result_of(done, "Migrate the homes")
    assert f"{broken}:1:50: " in result["msg"]
    assert [f["file"] for f in result["failed_files"]] == [str(broken)]
    assert result["failed_files"][0]["msg"].startswith(f"{broken}:1:50: ")
    assert result["changed"] and result["run"]  # what was done is said, and can be undone
    assert [(f["file"], f["live"]) for f in result["skipped_files"]] == [(str(held), False)]
    assert broken.read_bytes() == before
    assert (held / ".pinerc").read_bytes() == (SAMPLES / "pine/pine4-pop.pinerc").read_bytes()
    for home, files in SETUPS.items():
        for name, sample in files:
            if home != held.name:
                assert (homes / home / name).read_bytes() == (SAMPLES / f"{sample}.expected").read_bytes(), name


def test_missing_homes_fail_the_task_in_one_line(ansible: Ansible, tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    done = ansible.playbook(f"""
        - name: Migrate the homes
          mailmigrate.mailmigrate.migrate:
            homes: {missing}
            state_dir: {tmp_path / 'state'}
    """)
    assert done.returncode != 0 and recap(done)["failed"] == 1
    result = result_of(done, "Migrate the homes")
    assert result["msg"] == f"{missing}: cannot list the homes in it: No such file or directory"
    assert "Traceback" not in done.stdout + done.stderr and "exception" not in result


def test_the_role_installs_mailmigrate_and_migrates_a_list_of_homes(ansible: Ansible, tmp_path: Path) -> None:
    homes = tmp_path / "homes"
    make_homes(homes)
    chosen = [str(homes / "ab1"), str(homes / "cd2")]
    original = snapshot(homes)
    # the virtualenv is this one, where mailmigrate is installed: pip finds it there, and nothing is fetched
    role = f"""
        - name: Run the role
          ansible.builtin.include_role:
            name: mailmigrate.mailmigrate.migrate_homes
          vars:
            migrate_homes_list: {json.dumps(chosen)}
            migrate_homes_package: mailmigrate
            migrate_homes_venv: {sys.prefix}
            migrate_homes_state_dir: {tmp_path / 'state'}
    """
    migrate = "mailmigrate.mailmigrate.migrate_homes : Migrate the mail setups of the homes"
    for options in (("--check", "--diff"), ()):
        done = ansible.playbook(role, *options)
        assert done.returncode == 0, done.stdout + done.stderr
        assert re.search(r"TASK \[mailmigrate.mailmigrate.migrate_homes : Install mailmigrate into its virtualenv\]"
                         r"\s.*?ok: \[localhost\]", done.stdout, re.S)
        result = result_of(done, migrate)
        assert result["changed"] and {a["home"] for a in result["accounts"]} == set(chosen)
        if options:
            assert f"--- before: {homes}/cd2/.muttrc" in done.stdout and snapshot(homes) == original
    assert (homes / "ab1/.fetchmailrc").read_bytes() == (SAMPLES / "fetchmail/pop-keep-uidl.fetchmailrc.expected").read_bytes()
    assert (homes / "ef3/.pinerc").read_bytes() == (SAMPLES / "pine/pine4-pop.pinerc").read_bytes()  # not in the list


def test_ansible_doc_prints_the_module_documentation(ansible: Ansible) -> None:
    done = ansible.run(tool("ansible-doc"), "mailmigrate.mailmigrate.migrate")
    assert done.returncode == 0, done.stderr
    for words in ("Finds the mail client setups", "check_mode", "state_dir", "failed_files", "EXAMPLES",
                  "mailmigrate.mailmigrate.migrate:", "RETURN VALUES", "requirements"):
        assert words.lower() in done.stdout.lower(), words
    role = ansible.run(tool("ansible-doc"), "-t", "role", "mailmigrate.mailmigrate.migrate_homes")
    assert role.returncode == 0 and "migrate_homes_package" in role.stdout, role.stderr


def test_the_collection_builds(ansible: Ansible, tmp_path: Path) -> None:
    done = ansible.run(tool("ansible-galaxy"), "collection", "build", str(COLLECTION), "--output-path", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "mailmigrate-mailmigrate-0.1.0.tar.gz").exists()


def in_collection_root(tmp_path: Path) -> Path:
    """A copy of the collection where ansible-test wants it: ``ansible_collections/NAMESPACE/NAME``."""
    root = tmp_path / "ansible_collections" / "mailmigrate" / "mailmigrate"
    shutil.copytree(COLLECTION, root, ignore=shutil.ignore_patterns("tests/output", "*.tar.gz"))
    return root


def test_ansible_test_sanity_passes(ansible: Ansible, tmp_path: Path) -> None:
    """Every sanity test of ansible-test (those needing docker or PowerShell have nothing to check here).

    ansible-test makes a virtualenv per test and bootstraps pip into it with a script it downloads from
    its own file server, which this machine cannot reach (only package registries): in its place goes
    the pip wheel Python ships (``ensurepip``), which installs the pip ansible-test asks for from the
    package index, as the script would.  The virtualenvs are kept between runs in the user's cache.
    """
    from ansible_test._internal.python_requirements import get_venv_packages

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    pip = get_venv_packages(type("Python", (), {"version": version})())["pip"]
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mailmigrate-tests" / "ansible-test"
    (home / ".ansible/test/cache").mkdir(parents=True, exist_ok=True)
    (home / f".ansible/test/cache/get_pip_{pip.replace('.', '_')}.py").write_text(PIP_BOOTSTRAP)
    done = ansible.run(tool("ansible-test"), "sanity", "--local", "--python", version, "--color", "no",
                       cwd=in_collection_root(tmp_path), env={"HOME": str(home)}, timeout=900)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    assert 'Running sanity test "validate-modules"' in done.stdout + done.stderr


PIP_BOOTSTRAP = '''\
"""Stand-in for pip's bootstrap script: the pip wheel that ensurepip ships installs the pip asked for."""
import glob
import os
import runpy
import sys

import ensurepip

sys.path.insert(0, glob.glob(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled", "pip-*.whl"))[0])
sys.argv = ["pip", "install", *(arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel"))]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
'''


def test_ansible_lint_passes_on_the_role_the_playbook_and_the_examples(ansible: Ansible, tmp_path: Path) -> None:
    root = in_collection_root(tmp_path)
    module = ast.parse((root / "plugins/modules/migrate.py").read_text())
    (examples,) = [node.value.value for node in module.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXAMPLES"]
    (root / "playbooks/module_examples.yml").write_text(  # the module's examples as a play, to be linted too
        "---\n- name: The module's examples\n  hosts: all\n  tasks:\n" + textwrap.indent(examples.lstrip("\n"), "    "))
    done = ansible.run(tool("ansible-lint"), "--offline", "--nocolor", "-v", cwd=root,
                       env={"ANSIBLE_COLLECTIONS_PATH": str(tmp_path), "HOME": str(tmp_path)})
    said = done.stdout + done.stderr
    assert done.returncode == 0 and "Passed: 0 failure(s), 0 warning(s)" in said, said
    for linted in ("playbook playbooks/module_examples.yml", "playbook playbooks/migrate_fleet.yml",
                   "role roles/migrate_homes"):
        assert f"Executing syntax check on {linted}" in said
