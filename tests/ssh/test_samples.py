"""Every platform/question in the command table has a recorded sample that parses into
the shared device model with the expected values (napalm/ntc style: raw + expected)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from probes.ssh_normalise import build_device
from probes.ssh_parse import parse_command, parse_with_template
from probes.ssh_platforms import TEMPLATES_DIR, load_platforms, platform_spec
from tests.ssh.ssh_samples import Sample, check_expected, load_samples

SAMPLES = load_samples()


def test_every_platform_question_has_a_recorded_sample() -> None:
    have = {(s.platform, s.question, s.command) for s in SAMPLES}
    missing = [
        f"{platform.name}/{question} ({spec.command})"
        for platform in load_platforms().values()
        for question, spec in platform.commands()
        if (platform.name, question, spec.command) not in have
    ]
    assert not missing, f"no recorded sample under tests/fixtures/cli for: {missing}"


def test_every_sample_names_a_command_of_the_table() -> None:
    for sample in SAMPLES:
        commands = [c.command for c in platform_spec(sample.platform).questions[sample.question]]
        assert sample.command in commands, sample.id


def test_every_template_of_ours_has_a_sample_with_its_expected_parse() -> None:
    covered: set[str] = set()
    for sample in SAMPLES:
        parsed = sample.folder / "parsed.yml"
        if parsed.is_file():
            spec = next(
                c
                for c in platform_spec(sample.platform).questions[sample.question]
                if c.command == sample.command
            )
            covered.update(t for t in spec.templates if (TEMPLATES_DIR / t).is_file())
    ours = {p.name for p in TEMPLATES_DIR.glob("*.textfsm")}
    assert ours - covered == set(), "templates without a raw.txt + parsed.yml case"


@pytest.mark.parametrize(
    "sample", [s for s in SAMPLES if (s.folder / "parsed.yml").is_file()], ids=lambda s: s.id
)
def test_own_template_parses_its_sample_exactly(sample: Sample) -> None:
    expected = yaml.safe_load((sample.folder / "parsed.yml").read_text(encoding="utf-8"))
    spec = next(
        c
        for c in platform_spec(sample.platform).questions[sample.question]
        if c.command == sample.command
    )
    template = next(t for t in spec.templates if (TEMPLATES_DIR / t).is_file())
    rows = parse_with_template(TEMPLATES_DIR / template, sample.output(None))
    assert rows == expected["parsed_sample"]


def _device_facts(sample: Sample, corpus: Path) -> dict[str, Any]:
    platform = platform_spec(sample.platform)
    spec = next(c for c in platform.questions[sample.question] if c.command == sample.command)
    rows = parse_command(platform, spec, sample.output(corpus))
    return build_device({sample.question: rows}, platform.vendor).to_json()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_sample_parses_into_the_shared_model(sample: Sample, corpus: Path) -> None:
    assert sample.expected, f"{sample.id}: case.yaml has no expected values"
    device = _device_facts(sample, corpus)
    check_expected(device, sample.expected, sample.id)
    assert device["sources"], sample.id
