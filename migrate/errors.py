"""One exception root; every per-file problem carries where it happened."""
from __future__ import annotations


class MigrateError(Exception):
    """Root of every error the tool reports to people rather than as a bug."""


class ParseError(MigrateError, ValueError):
    """Input a parser does not accept, located as ``file:line:col``."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{col}: {message}")
        self.path = path
        self.line = line
        self.col = col
        self.message = message

    @classmethod
    def in_text(cls, path: str, text: str, offset: int, message: str) -> ParseError:
        """Located at ``offset`` of ``text``: its line and column, counted from 1 (lines end at LF)."""
        return cls(path, text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset), message)


class PolicyError(MigrateError):
    """A policy file that is missing, malformed or fails validation."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(f"{path}: invalid policy\n" + "\n".join(f"  {p}" for p in problems))
        self.path = path
        self.problems = problems


class SkipFile(MigrateError):
    """A file that must be left alone this run, e.g. because its client is running."""


class UsageError(MigrateError):
    """A request that cannot be read as asked: an unknown format, a date not understood."""


class RestoreError(MigrateError):
    """A run that cannot be restored as asked."""


class WorkerLost(MigrateError):
    """A worker process ended abruptly (killed by the OOM killer, say): the run stopped part-way."""
