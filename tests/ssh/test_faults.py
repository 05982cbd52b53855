"""Bad input and faults give failed or partial records with a clear reason; other
devices in the same run still finish."""

from __future__ import annotations

import asyncio
from pathlib import Path

import paramiko
import pytest

from netsurvey.lab.fakenos_host import Behaviour, FakeDevice
from netsurvey.lab.ports import free_port
from probes.base import (
    ProbeAuthFailed,
    ProbeError,
    ProbeFailed,
    ProbeParamError,
    ProbeRefused,
    ProbeTimeout,
    RawOutput,
    Target,
)
from probes.device import Device
from probes.ssh import SshProbe, collect_many
from tests.jsonread import obj, objs
from tests.ssh.ssh_lab import (
    PASSWORD_ENV,
    USERNAME,
    StartFakenos,
    device,
    recorded_outputs,
    ssh_params,
)

QUESTIONS = "system,interfaces,poe"


def _collect(port: int, platform: str = "cisco_ios", **params: str) -> RawOutput:
    target = Target("127.0.0.1", port)
    return asyncio.run(SshProbe().collect(target, ssh_params(platform, **params)))


def test_mixed_run_keeps_order_and_every_device_gets_its_own_outcome(
    corpus: Path, ssh_password: str, start_fakenos: StartFakenos
) -> None:
    recorded = recorded_outputs("cisco_ios", corpus)
    hanging: dict[str, str | Behaviour] = dict(recorded)
    hanging["show interfaces"] = Behaviour(output=recorded["show interfaces"], delay_s=30)
    odd_prompt: dict[str, str | Behaviour] = dict(recorded)
    odd_prompt["show interfaces"] = Behaviour(
        output="GigabitEthernet0/0 is up, line protocol is up", new_prompt=" --More-- "
    )
    garbage = dict(recorded)
    garbage["show power inline"] = "\u0001\u0002 garbage the switch printed \u0003\n42 zz"
    rejected = dict(recorded)
    rejected["show power inline"] = "                  ^\n% Invalid input detected at '^' marker."
    lab = start_fakenos(
        [
            device("good", "cisco_ios", recorded),
            device("hangs", "cisco_ios", hanging),
            device("prompt", "cisco_ios", odd_prompt),
            device("garbled", "cisco_ios", garbage),
            device("rejects", "cisco_ios", rejected),
            FakeDevice("wrongpw", "cisco_ios", USERNAME, "another password", recorded),
        ]
    )
    names = ["good", "hangs", "prompt", "garbled", "rejects", "wrongpw"]
    closed_port = free_port()  # nothing listens there
    jobs = [
        (
            Target("127.0.0.1", lab.port(n)),
            ssh_params("cisco_ios", questions=QUESTIONS, timeout_s="3"),
        )
        for n in names
    ]
    jobs.append((Target("127.0.0.1", closed_port), ssh_params("cisco_ios")))
    outcomes = dict(zip([*names, "refused"], asyncio.run(collect_many(jobs)), strict=True))
    probe = SshProbe()

    good = probe.parse(_raw(outcomes["good"]))
    assert good.status == "ok" and good.warnings == () and good.details["partial"] is False

    hangs = probe.parse(_raw(outcomes["hangs"]))
    assert hangs.status == "ok" and hangs.details["partial"] is True
    assert Device.from_json(obj(hangs.details["device"])).system.sys_name == "Switch-Hostname"
    assert any("stopped answering during 'show interfaces'" in w for w in hangs.warnings)
    statuses = {c["command"]: c["status"] for c in objs(hangs.details["commands"])}
    assert statuses == {
        "show version": "ok",
        "show interfaces": "no_answer",
        "show power inline": "no_answer",
    }

    prompt = probe.parse(_raw(outcomes["prompt"]))
    assert prompt.details["partial"] is True
    assert any("unexpected prompt '--More--'" in w for w in prompt.warnings), prompt.warnings

    garbled = probe.parse(_raw(outcomes["garbled"]))
    assert garbled.details["partial"] is True
    assert obj(garbled.details["device"])["poe"] is None
    assert any("'show power inline': output not understood" in w for w in garbled.warnings)

    rejects = probe.parse(_raw(outcomes["rejects"]))
    assert any("device rejected the command" in w for w in rejects.warnings), rejects.warnings

    assert isinstance(outcomes["wrongpw"], ProbeAuthFailed)
    assert "login refused for user 'survey'" in str(outcomes["wrongpw"])
    assert isinstance(outcomes["refused"], ProbeRefused)
    assert f"127.0.0.1:{closed_port}: connection refused" in str(outcomes["refused"])


def _raw(outcome: RawOutput | ProbeError) -> RawOutput:
    assert isinstance(outcome, RawOutput), outcome
    return outcome


def test_first_command_never_answering_fails_with_the_transcript_attached(
    ssh_password: str, start_fakenos: StartFakenos
) -> None:
    lab = start_fakenos([device("mute", "cisco_ios", {"show version": Behaviour(delay_s=30)})])
    with pytest.raises(ProbeTimeout, match="stopped answering during 'show version'") as error:
        _collect(lab.port("mute"), questions="system", timeout_s="2")
    raw = error.value.raw  # type: ignore[attr-defined]
    assert isinstance(raw, RawOutput) and b"show version" in raw.artifact("ssh-transcript.txt").data


@pytest.mark.slow  # netmiko waits ~20 s for a prompt before it gives up
def test_a_login_that_ends_at_an_unexpected_prompt_fails_clearly(
    ssh_password: str, start_fakenos: StartFakenos
) -> None:
    expired = FakeDevice(
        "sw", "cisco_ios", USERNAME, ssh_password, {}, prompt="Enter new password: "
    )
    lab = start_fakenos([expired])
    with pytest.raises(ProbeFailed, match="never showed a prompt"):
        _collect(lab.port("sw"), questions="system", timeout_s="3")


def _rsa_key(path: Path) -> paramiko.RSAKey:
    key = paramiko.RSAKey.generate(2048)
    key.write_private_key_file(str(path))
    return key


def test_new_host_key_is_remembered_and_a_changed_one_refused(
    tmp_path: Path, ssh_password: str, start_fakenos: StartFakenos
) -> None:
    original = _rsa_key(tmp_path / "original.key")
    known_hosts = tmp_path / "known_hosts"
    outputs = {"show version": "Cisco IOS Software, Version 15.2(7)E4"}
    lab = start_fakenos(
        [device("sw", "cisco_ios", outputs, host_key_file=tmp_path / "original.key")]
    )
    port = lab.port("sw")
    _collect(port, questions="system", known_hosts=str(known_hosts))
    remembered = paramiko.HostKeys(str(known_hosts)).lookup(f"[127.0.0.1]:{port}")
    assert remembered is not None and remembered["ssh-rsa"] == original

    # The device is "replaced": same address, another key.
    _rsa_key(tmp_path / "intruder.key")
    lines = known_hosts.read_text().replace(f"[127.0.0.1]:{port}", "[127.0.0.1]:PORT")
    lab2 = start_fakenos(
        [device("sw", "cisco_ios", outputs, host_key_file=tmp_path / "intruder.key")]
    )
    known_hosts.write_text(lines.replace("PORT", str(lab2.port("sw"))))
    with pytest.raises(ProbeAuthFailed, match="SSH host key changed"):
        _collect(lab2.port("sw"), questions="system", known_hosts=str(known_hosts))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"platform": "cisco_nxos"}, "supported platforms: aruba_aoscx, cisco_ios"),
        ({"password": "hunter2"}, "would put a secret on the command line"),
        ({"password_env": "NETSURVEY_UNSET_VARIABLE"}, "is not set"),
        ({"username": ""}, "missing --param username"),
        ({"questions": "system,firmware"}, "unknown firmware"),
        ({"timeout_s": "0"}, "must be above 0"),
    ],
)
def test_bad_params_are_one_clear_line(
    params: dict[str, str], message: str, ssh_password: str
) -> None:
    full = {**ssh_params("cisco_ios"), **params}
    if "password" in params:
        del full["password_env"]
    with pytest.raises(ProbeParamError, match=message):
        asyncio.run(SshProbe().collect(Target("127.0.0.1", 22), full))


def test_password_file_is_accepted(tmp_path: Path, start_fakenos: StartFakenos) -> None:
    from tests.ssh.ssh_lab import PASSWORD

    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    lab = start_fakenos([device("sw", "cisco_ios", {"show version": "Cisco IOS Software"})])
    params = {k: v for k, v in ssh_params("cisco_ios").items() if k != "password_env"}
    raw = asyncio.run(
        SshProbe().collect(
            Target("127.0.0.1", lab.port("sw")),
            {**params, "password_file": str(secret), "questions": "system"},
        )
    )
    assert raw.secrets_used == (PASSWORD,)
    assert PASSWORD_ENV not in raw.text("ssh-commands.json")
