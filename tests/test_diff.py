"""Diffs made from the plan's own edits: correct unified diffs, as ``patch`` reads them, and difflib's own where
both compare the same lines (the samples).

difflib over the whole text may pair lines otherwise (it ignores lines that are frequent in a big file),
so on big generated files only ``patch`` is the judge: the diff must turn the file into the migrated one.
"""
from __future__ import annotations

import difflib
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from migrate.diff import ANCHORED
from migrate.diff import unified_diff
from migrate.discover import Found
from migrate.discover import discover
from migrate.document import Document
from migrate.document import Edit
from migrate.document import Token
from migrate.document import encode
from migrate.engine import FilePlan
from migrate.engine import plan_setup
from migrate.plugins import load_parsers
from migrate.policy import load_policy
from migrate.runner import SetupReader
from tests.conftest import SAMPLES
from tests.oracles import require
from tests.perf import big_files
from tests.perf.homes import make_homes


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


def patched(old: str, diff: str) -> str:
    """``old`` with the unified diff applied, every hunk checked against it line by line."""
    source, rows, out, at = _lines(old), _lines(diff), [], 0
    assert rows[0].startswith("--- ") and rows[1].startswith("+++ ")
    number = 2
    while number < len(rows):
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", rows[number])
        assert header, rows[number]
        start = int(header.group(1)) - (0 if header.group(2) == "0" else 1)
        old_count, new_count = int(header.group(2) or 1), int(header.group(4) or 1)
        assert start >= at
        out += source[at:start]
        at, number = start, number + 1
        while number < len(rows) and not rows[number].startswith("@@"):
            row, number = rows[number], number + 1
            if number < len(rows) and rows[number] == "\\ No newline at end of file\n":
                row, number = row[:-1], number + 1
            if row[0] in " -":
                assert source[at] == row[1:], (source[at], row)
                at, old_count = at + 1, old_count - 1
            if row[0] in " +":
                out.append(row[1:])
                new_count -= 1
        assert old_count == 0 and new_count == 0
    return "".join(out + source[at:])


def difflib_diff(before: Document, after: Document, path: str) -> str:
    """The same diff made by difflib over the whole text (lines end at LF)."""
    old, new = _lines(before.render_redacted()), _lines(after.render_redacted())
    rows = difflib.unified_diff(old, new, path if path.startswith("/") else f"a/{path}", path if path.startswith("/") else f"b/{path}")
    return "".join(row if row.endswith("\n") else row + "\n\\ No newline at end of file\n" for row in rows)


def planned(root: Path) -> list[FilePlan]:
    """Every file a plan of the setups under ``root`` changes."""
    files, policy = [], load_policy()
    for found in discover([root], load_parsers(), within=root):
        if isinstance(found, Found):
            try:
                plan = plan_setup(SetupReader(), found.parser, policy, str(found.path))
            except Exception:  # a broken file of the synthetic homes: nothing to diff
                continue
            files += [file for file in plan.files if file.changed]
    return files


@pytest.fixture(scope="module")
def samples() -> list[FilePlan]:
    return planned(SAMPLES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[FilePlan]:
    root = tmp_path_factory.mktemp("generated")
    for size in (1, 7, 40):
        for make in (big_files.fetchmail, big_files.thunderbird, big_files.mutt, big_files.pine,
                     big_files.evolution_source, big_files.evolution_filters, big_files.evolution_gconf,
                     lambda n: big_files.evolution_filters(n, gconf=True)):
            name, data = make(size)
            path = root / f"big{size}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    make_homes(root / "homes", 60)
    return planned(root)


def test_on_the_samples_the_diff_is_difflibs(samples) -> None:
    assert len(samples) >= 50
    for file in samples:
        assert unified_diff(file.before, file.after, file.path) == difflib_diff(file.before, file.after, file.path), file.path


def test_on_the_samples_and_generated_files_the_diff_turns_each_file_into_the_migrated_one(samples, generated) -> None:
    assert len(generated) >= 100
    for file in samples + generated:
        diff = unified_diff(file.before, file.after, file.path)
        assert patched(file.before.render_redacted(), diff) == file.after.render_redacted(), file.path


@pytest.mark.oracle
def test_patch_applies_every_diff_where_it_says(samples, generated, tmp_path: Path) -> None:
    patch = require("patch")
    for number, file in enumerate(samples + generated):
        target = tmp_path / f"{number}"
        target.write_bytes(encode(file.before.render_redacted()))
        diff = encode(unified_diff(file.before, file.after, file.path))
        done = subprocess.run([patch, "--binary", "--force", "--fuzz=0", str(target)], input=diff, capture_output=True)
        assert done.returncode == 0, (file.path, done.stdout, done.stderr)
        assert b"offset" not in done.stdout and b"fuzz" not in done.stdout, (file.path, done.stdout)
        assert target.read_bytes() == encode(file.after.render_redacted()), file.path


TEXTS = st.text(alphabet="ab \n\r", max_size=6)


@st.composite
def edited(draw) -> tuple[Document, Document]:
    tokens = draw(st.lists(st.builds(Token, st.just("T"), TEXTS, st.booleans()), max_size=30))
    cuts = sorted(draw(st.lists(st.integers(0, len(tokens)), max_size=12)))
    edits = [Edit(start, end, draw(TEXTS)) for start, end in zip(cuts[::2], cuts[1::2]) if start < end or draw(st.booleans())]
    edits = [edit for edit, following in zip(edits, edits[1:] + [None])
             if following is None or (following.start, following.end) != (edit.start, edit.end)]
    document = Document(tuple(tokens))
    return document, document.apply(edits)


@given(edited())
def test_a_diff_from_edits_makes_the_new_text_from_the_old(pair: tuple[Document, Document]) -> None:
    before, after = pair
    diff = unified_diff(before, after, "f")
    if before.render_redacted() == after.render_redacted():
        assert diff == ""
    else:
        assert patched(before.render_redacted(), diff) == after.render_redacted()


@given(edited())
def test_a_document_not_made_by_apply_is_compared_in_full(pair: tuple[Document, Document]) -> None:
    before, after = pair
    rebuilt = Document(tuple(after.tokens))  # the same text, with no record of the edits
    assert unified_diff(before, rebuilt, "/f") == difflib_diff(before, rebuilt, "/f")


def test_lines_end_at_lf_and_a_last_line_without_one_is_marked() -> None:
    before = Document((Token("A", "one\r\ntwo\fthree\n"), Token("B", "last")))
    after = before.apply([Edit(1, 2, "final")])
    assert unified_diff(before, after, "f") == (
        "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n one\r\n two\fthree\n-last\n\\ No newline at end of file\n"
        "+final\n\\ No newline at end of file\n")


def test_a_password_stays_masked_in_a_diff_from_edits() -> None:
    before = Document((Token("K", "pass "), Token("V", "old-secret", secret=True), Token("WS", "\n")))
    after = before.apply([Edit(1, 2, "new-secret"), Edit(3, 3, "ssl\n")])
    assert unified_diff(before, after, "f") == "--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n pass ********\n+ssl\n"


def test_a_big_text_not_made_by_apply_is_compared_from_its_anchors() -> None:
    """Past ``ANCHORED`` lines the lines found once on each side anchor the comparison (difflib alone grows
    with the square of the lines when many repeat): the diff still turns the old text into the new."""
    rows = [f"<key>K{i % 7}</key>\n" if i % 2 else f"<string>v{i}</string>\n" for i in range(3 * ANCHORED)]
    before = Document((Token("VIEW", "".join(rows)),))
    rows[10:12] = ["<string>new</string>\n"]
    rows[4000] = "<key>K9</key>\n"
    rows.insert(5000, "<key>K0</key>\n")
    after = Document((Token("VIEW", "".join(rows)),))
    diff = unified_diff(before, after, "/f")
    assert patched(before.render_redacted(), diff) == after.render_redacted()
    assert diff.count("@@ -") == 3
