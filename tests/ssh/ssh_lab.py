"""Helpers shared by the SSH tests: credentials, params and FakeNOS device builders."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from netsurvey.lab.fakenos_host import Behaviour, FakeDevice, FakenosHosts
from tests.ssh.ssh_samples import Sample, load_samples

USERNAME = "survey"
PASSWORD = "Sk0la-2026!"
PASSWORD_ENV = "NETSURVEY_TEST_SSH_PASSWORD"

StartFakenos = Callable[[Sequence[FakeDevice]], FakenosHosts]  # the start_fakenos fixture


def ssh_params(platform: str, **extra: str) -> dict[str, str]:
    return {"platform": platform, "username": USERNAME, "password_env": PASSWORD_ENV, **extra}


def first_samples(platform: str) -> list[Sample]:
    """The first recorded sample of each (question, command) of ``platform``."""
    seen: set[tuple[str, str]] = set()
    chosen = []
    for sample in load_samples():
        key = (sample.question, sample.command)
        if sample.platform == platform and key not in seen:
            seen.add(key)
            chosen.append(sample)
    return chosen


def recorded_outputs(platform: str, corpus: Path) -> dict[str, str]:
    return {s.command: s.output(corpus) for s in first_samples(platform)}


def device(
    name: str,
    platform: str,
    outputs: Mapping[str, str | Behaviour],
    host_key_file: Path | None = None,
) -> FakeDevice:
    return FakeDevice(name, platform, USERNAME, PASSWORD, outputs, host_key_file=host_key_file)
