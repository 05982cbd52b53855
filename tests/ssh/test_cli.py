"""`netsurvey probe ssh ... --json` prints a record whose details.device is the shared model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netsurvey.lab.fakenos_host import FakenosHosts
from netsurvey.lab.netns import Namespace
from probes.device import Device
from tests.ssh.ssh_lab import PASSWORD, StartFakenos, device, recorded_outputs


def _probe(port: int, *params: str, json_output: bool = False) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "netsurvey", "probe", "ssh", "--target", f"127.0.0.1:{port}"]
    for param in params:
        argv += ["--param", param]
    if json_output:
        argv.append("--json")
    env = dict(os.environ, SCHOOL_SWITCH_PASSWORD=PASSWORD)
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=90, check=False)


def test_probe_ssh_json_prints_the_device(corpus: Path, start_fakenos: StartFakenos) -> None:
    lab = start_fakenos([device("sw1", "cisco_ios", recorded_outputs("cisco_ios", corpus))])
    done = _probe(
        lab.port("sw1"),
        "platform=cisco_ios",
        "username=survey",
        "password_env=SCHOOL_SWITCH_PASSWORD",
        json_output=True,
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[0])
    assert record["probe"] == "ssh" and record["status"] == "ok"
    assert record["details"]["platform"] == "cisco_ios"
    assert [c["status"] for c in record["details"]["commands"]] == ["ok"] * 6
    device_json = record["details"]["device"]
    assert Device.from_json(device_json).system.model == "C9500-48Y4C"
    assert PASSWORD not in done.stdout


def test_unknown_platform_is_one_line_listing_the_supported_ones() -> None:
    done = _probe(9, "platform=cisco_foo", "username=survey", "password_env=SCHOOL_SWITCH_PASSWORD")
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert (
        "supported platforms: aruba_aoscx, cisco_ios, cisco_s300, cisco_wlc_ssh"
        in done.stdout + done.stderr
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root for network namespaces")
@pytest.mark.skipif(shutil.which("ip") is None, reason="needs iproute2 (ip)")
def test_devices_inside_a_namespace_answer_the_cli_run_there(corpus: Path) -> None:
    """The demo lab's arrangement: FakeNOS and the survey share a namespace's loopback."""
    outputs = recorded_outputs("hp_procurve", corpus)
    with Namespace("sshlab") as namespace:
        hosts = FakenosHosts([device("edge", "hp_procurve", outputs)], namespace=namespace)
        with hosts:
            argv = namespace.argv(
                [
                    sys.executable, "-m", "netsurvey", "probe", "ssh",
                    "--target", f"127.0.0.1:{hosts.port('edge')}",
                    "--param", "platform=hp_procurve", "--param", "username=survey",
                    "--param", "password_env=SCHOOL_SWITCH_PASSWORD", "--param", "questions=poe",
                    "--json",
                ]
            )  # fmt: skip
            env = dict(os.environ, SCHOOL_SWITCH_PASSWORD=PASSWORD)
            done = subprocess.run(
                argv, capture_output=True, text=True, env=env, timeout=90, check=False
            )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout.splitlines()[0])
    assert record["metrics"]["poe_budget_w"] == 125.0
