"""``apply`` on the mbsync, offlineimap and getmail samples: the expected bytes, private modes kept, a second run
changes nothing, and ``restore`` gives the originals back."""
from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from migrate.cli import main
from tests.conftest import sample_files


@pytest.mark.parametrize("client", ["mbsync", "offlineimap", "getmail"])
def test_apply_writes_the_expected_files_keeps_their_mode_and_restore_undoes_it(
        client: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("MAILMIGRATE_STATE_DIR", str(tmp_path / "state"))
    home = tmp_path / "home"
    home.mkdir()
    samples = sample_files(client)
    for sample in samples:
        shutil.copy(sample, home / sample.name)
        (home / sample.name).chmod(0o600)
    assert main(["apply", str(home)]) == 0
    for sample in samples:
        copy = home / sample.name
        assert copy.read_bytes() == sample.with_name(sample.name + ".expected").read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["apply", str(home)]) == 0
    assert f"{len(samples)} setups: {len(samples)} unchanged" in capsys.readouterr().out
    assert main(["restore"]) == 0
    assert all((home / sample.name).read_bytes() == sample.read_bytes() for sample in samples)
