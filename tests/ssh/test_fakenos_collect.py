"""End to end: netmiko logs in to FakeNOS devices serving real recordings."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from probes.base import RawOutput, Target
from probes.ssh import COMMANDS_ARTIFACT, TRANSCRIPT_ARTIFACT, SshProbe, collect_many
from probes.ssh_platforms import supported_platforms
from tests.jsonread import obj, objs
from tests.ssh.ssh_lab import (
    PASSWORD,
    StartFakenos,
    device,
    first_samples,
    recorded_outputs,
    ssh_params,
)
from tests.ssh.ssh_samples import check_expected


def test_every_platform_collects_and_parses_over_ssh(
    corpus: Path, ssh_password: str, start_fakenos: StartFakenos
) -> None:
    platforms = supported_platforms()
    lab = start_fakenos(
        [device(f"dev-{p.replace('_', '-')}", p, recorded_outputs(p, corpus)) for p in platforms]
    )
    jobs = [
        (Target("127.0.0.1", lab.port(f"dev-{p.replace('_', '-')}"), platform=p), ssh_params(p))
        for p in platforms
    ]
    outputs = asyncio.run(collect_many(jobs, max_concurrency=len(jobs)))
    probe = SshProbe()
    for platform, raw in zip(platforms, outputs, strict=True):
        assert isinstance(raw, RawOutput), f"{platform}: {raw}"
        assert all(PASSWORD.encode() not in a.data for a in raw.artifacts), platform
        result = probe.parse(raw)
        assert result.status == "ok", platform
        assert result.warnings == (), f"{platform}: {result.warnings}"
        assert result.details["platform"] == platform
        assert result.details["partial"] is False
        assert all(c["status"] == "ok" for c in objs(result.details["commands"])), platform
        device_json = obj(result.details["device"])
        for sample in first_samples(platform):
            check_expected(
                device_json, sample.expected, f"{platform} over SSH: {sample.id}", combined=True
            )
        assert set(obj(device_json["sources"]).values()) == {"ssh"}


def test_transcript_is_kept_and_the_password_never_is(
    corpus: Path, ssh_password: str, start_fakenos: StartFakenos
) -> None:
    lab = start_fakenos([device("sw1", "cisco_ios", recorded_outputs("cisco_ios", corpus))])
    target = Target("127.0.0.1", lab.port("sw1"))
    raw = asyncio.run(SshProbe().collect(target, ssh_params("cisco_ios", questions="system,poe")))
    assert raw.secrets_used == (PASSWORD,)
    assert raw.tool == "netmiko"
    for artifact in raw.artifacts:
        assert PASSWORD.encode() not in artifact.data, artifact.name
    transcript = raw.text(TRANSCRIPT_ARTIFACT)
    assert "show version" in transcript and "show power inline" in transcript
    assert "show lldp" not in transcript  # only the questions asked
    commands = json.loads(raw.text(COMMANDS_ARTIFACT))["commands"]
    assert [c["command"] for c in commands] == ["show version", "show power inline"]
    assert json.loads(raw.text(COMMANDS_ARTIFACT))["host_key_sha256"].startswith("SHA256:")
    result = SshProbe().parse(raw)
    poe_sample = next(s for s in first_samples("cisco_ios") if s.question == "poe")
    (group,) = poe_sample.expected["poe_groups"]
    assert result.metrics["poe_budget_w"] == group["budget_w"]
    assert result.metrics["poe_consumption_w"] == group["consumption_w"]
