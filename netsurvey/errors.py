"""The netsurvey exception tree.

Every error a user can cause or meet in the field derives from ``NetsurveyError``.
The CLI catches the base class, prints its one-line message on stderr and exits
with the class's ``exit_code``; ``--debug`` shows the traceback instead.

    NetsurveyError                      exit 1  (base; never raised bare)
    ├── UsageError                      exit 2  bad command-line arguments
    ├── InventoryError                  exit 2  invalid inventory (FILE:LINE: path: what)
    │   └── SecretError                 exit 2  literal secret, or a secret env/file missing
    ├── ScopeError                      exit 2  an address outside the school's declared scope
    ├── RecordsError                    exit 3  visit directory unreadable or inconsistent
    │   └── SchemaVersionError          exit 3  a file written by a newer netsurvey
    ├── IntegrityError                  exit 4  verify found changed, missing or added files
    ├── ProfileError                    exit 2  invalid scoring profile or features file
    ├── ReportError                     exit 5  report or summary could not be rendered
    └── LabError                        exit 6  the simulated lab could not be brought up

Probe-level failures (``probes.base.ProbeError`` and subclasses) never reach the
CLI as exceptions: the runner turns them into ``failed`` records. Hostile input (an
oversized file, an alias bomb, a non-finite number, a look-alike id, a plan image outside
the inventory's folder) is an ``InventoryError`` or ``ProfileError`` like any other
invalid input. Interruptions are not errors: cli.py ends Ctrl-C with 130 and SIGTERM
with 143.
"""

from __future__ import annotations

from typing import ClassVar


class NetsurveyError(Exception):
    """Base of every error netsurvey reports to a user."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message as printed by the CLI: what, where, and what to do."""
        text = f"{self.message} ({self.hint})" if self.hint else self.message
        return " ".join(text.split())  # always one line, whatever the message held


class UsageError(NetsurveyError, ValueError):
    exit_code = 2


class InventoryError(NetsurveyError, ValueError):
    exit_code = 2


class SecretError(InventoryError):
    exit_code = 2


class ScopeError(NetsurveyError, PermissionError):
    exit_code = 2


class RecordsError(NetsurveyError, OSError):
    exit_code = 3


class SchemaVersionError(RecordsError):
    exit_code = 3


class IntegrityError(NetsurveyError):
    exit_code = 4


class ProfileError(NetsurveyError, ValueError):
    exit_code = 2


class ReportError(NetsurveyError):
    exit_code = 5


class LabError(NetsurveyError, RuntimeError):
    exit_code = 6
