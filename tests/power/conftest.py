"""Fixtures for the charging-cart tests: the test school, visits made from it, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from netsurvey.inventory import load_inventory
from netsurvey.lab.snmpsim import SnmpsimAgent
from netsurvey.records import create_visit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "power"
SCHOOL_ID = "test-power"


@pytest.fixture(scope="session")
def power_inventory() -> Path:
    return FIXTURES / "school.yaml"


@pytest.fixture
def make_visit(tmp_path: Path, power_inventory: Path) -> Callable[..., Path]:
    """A fresh visit of the test school (or of ``school_json``) under tmp_path."""

    def make(visit_id: str = "v1", school_json: dict[str, object] | None = None) -> Path:
        inventory = load_inventory(power_inventory)
        school = inventory.school(SCHOOL_ID)
        return create_visit(
            tmp_path / "visits",
            school_id=SCHOOL_ID,
            school_json=school_json if school_json is not None else school.to_json(),
            inventory_path=inventory.path,
            inventory_sha256=inventory.sha256,
            operator="test",
            visit_id=visit_id,
        )

    return make


@pytest.fixture
def run_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `netsurvey` command in a child process."""

    def run(*args: str, timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
        return subprocess.run(
            [sys.executable, "-m", "netsurvey", *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=env,
            check=False,
        )

    return run


@pytest.fixture(scope="session")
def pdu_agent(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnmpsimAgent]:
    """snmpsim serving the corpus AP7900B PDU (community apc_ap7900b, switched, no outlet
    metering), the corpus Eaton 5PX UPS (eaton-mgeups_5px) and our metered-by-outlet
    AP8858 fixture (apc_ap8858_metered).
    The files are copied into a scratch dir: snmpsim does not follow symlinks."""
    data_dir = tmp_path_factory.mktemp("pdu-snmprec")
    shutil.copy(corpus / "snmprec" / "apc_ap7900b.snmprec", data_dir)
    shutil.copy(corpus / "snmprec" / "eaton-mgeups_5px.snmprec", data_dir)
    shutil.copy(FIXTURES / "apc_ap8858_metered.snmprec", data_dir)
    with SnmpsimAgent(data_dir) as agent:
        yield agent


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run `netsurvey` in this process (fast); ``run_cli`` is the child-process variant."""
    from netsurvey.cli import main

    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse --help / usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
