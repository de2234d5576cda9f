"""The exit codes scripts rely on (the README lists them)."""
from __future__ import annotations

EXIT_OK = 0  #: nothing to do, or everything asked was done
EXIT_PENDING = 1  #: ``plan --check``: changes are pending
EXIT_USAGE = 2  #: the command line is wrong
EXIT_FAILED = 3  #: some files failed (the others were processed)
EXIT_POLICY = 4  #: the policy is invalid
EXIT_INTERRUPTED = 130  #: stopped by Ctrl-C (128 + SIGINT, as the shell reports a tool killed by it)
EXIT_BROKEN_PIPE = 141  #: the reader of the output went away (128 + SIGPIPE, as the shell reports a tool killed by it)
