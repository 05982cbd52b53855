"""Fixtures of the Wi-Fi survey tests: our own recordings, a visit of a 3-room floor,
and a way to run the real CLI."""

from __future__ import annotations

import contextlib
import io
import logging
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from netsurvey.cli import main
from netsurvey.inventory import load_inventory
from netsurvey.records import create_visit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "wifi"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def wifi_fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def visit(tmp_path: Path) -> Path:
    """A fresh visit of the test school (3 classrooms on one floor with a plan)."""
    inventory = load_inventory(FIXTURES / "school.yaml")
    school = inventory.schools[0]
    return create_visit(
        tmp_path / "visits",
        school_id=school.id,
        school_json=school.to_json(),
        inventory_path=inventory.path,
        inventory_sha256=inventory.sha256,
        operator="test",
        visit_id="v1",
    )


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real CLI entry point in this process (argument parsing, handlers, error
    mapping); only the interpreter start-up is saved. The walk runs in a real pty."""
    stdout, stderr = io.StringIO(), io.StringIO()
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse errors and --help
            code = exc.code if isinstance(exc.code, int) else 2
        finally:
            root.handlers[:] = saved_handlers  # main() configures logging for a terminal
            root.setLevel(saved_level)
    return subprocess.CompletedProcess(
        ["netsurvey", *args], code, stdout.getvalue(), stderr.getvalue()
    )


@pytest.fixture(scope="session")
def netsurvey() -> RunCli:
    return _run
