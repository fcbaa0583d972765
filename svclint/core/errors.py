"""What svclint tells its user when it cannot do what was asked, and the exit codes a run ends with.

Every error a user can fix (an option, a configuration file, a rule file, a path, a baseline, an output)
is a SvclintError: it carries its exit code and its message lines, and the command line catches this one
class (svclint/cli.py). Anything else reaching the command line is a bug, reported as an internal error.
"""

from __future__ import annotations

EXIT_CLEAN = 0  # nothing at or above the fail level
EXIT_FINDINGS = 1  # findings at or above the fail level (or: examples that fail, a newly exposed entry)
EXIT_ERROR = 2  # usage, configuration, rule or input errors


class SvclintError(Exception):
    """An error the user can fix, told as `svclint: <label>: <message>` on standard error."""

    exit_code = EXIT_ERROR
    label = "error"

    def messages(self) -> list[str]:
        return [str(self)]
