"""Fixtures for the SSH collector tests: the test password and FakeNOS labs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from netsurvey.lab.fakenos_host import FakeDevice, FakenosHosts
from tests.ssh.ssh_lab import PASSWORD, PASSWORD_ENV, StartFakenos


@pytest.fixture
def ssh_password(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    return PASSWORD


@pytest.fixture
def start_fakenos() -> Iterator[StartFakenos]:
    """Start FakeNOS devices on free 127.0.0.1 ports; all stopped by PID after the test."""
    labs: list[FakenosHosts] = []

    def start(devices: Sequence[FakeDevice]) -> FakenosHosts:
        lab = FakenosHosts(devices)
        labs.append(lab)
        return lab.start()

    try:
        yield start
    finally:
        for lab in labs:
            lab.stop()
