"""Issue #16: what a device printed is never dropped without a word.

Real outputs only (provenance in each case's case.yaml): an LLDP detail output with
no "Local Intf:" lines, a three-member stack's "show power inline", RouterOS PoE
monitor columns and Cisco SB tables.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from probes.base import ProbeResult, RawArtifact, RawOutput, Target
from probes.device import Device, Poe, PoeGroup
from probes.ssh import COMMANDS_ARTIFACT, SshProbe
from probes.ssh_completeness import unread_blocks
from probes.ssh_normalise import UNKNOWN_PORT
from probes.ssh_platforms import platform_spec
from probes.ssh_routeros import parse_poe_monitor
from tests.jsonread import obj, objs
from tests.ssh.ssh_lab import StartFakenos, device, recorded_outputs, ssh_params
from tests.ssh.ssh_samples import Sample, load_samples

SAMPLES = {s.id: s for s in load_samples()}
NO_LOCAL_INTF = SAMPLES["cisco_ios/lldp/no_local_intf"]
STACK = SAMPLES["cisco_ios/poe/stack_3_members"]


def _raw(platform: str, *samples: Sample, corpus: Path | None = None) -> RawOutput:
    """A collected record as the ssh probe writes it, holding ``samples``' outputs."""
    commands = [
        {
            "question": s.question,
            "command": s.command,
            "output": s.output(corpus),
            "error": None,
            "duration_s": 0.1,
        }
        for s in samples
    ]
    document = {"platform": platform, "host": "127.0.0.1", "port": 22, "commands": commands}
    return RawOutput(
        artifacts=(RawArtifact(COMMANDS_ARTIFACT, json.dumps(document).encode()),),
        tool="netmiko",
    )


def _device(result: ProbeResult) -> Device:
    """The device the record holds, read back through the typed model."""
    return Device.from_json(obj(result.details["device"]))


def test_lldp_without_local_interface_keeps_every_neighbour_and_says_so() -> None:
    result = SshProbe().parse(_raw("cisco_ios", NO_LOCAL_INTF))
    neighbours = _device(result).lldp
    assert [n.remote_sys_name for n in neighbours] == [
        "USSC-CAMPUS-CORE-GW2",
        "USSC-CAMPUS-CORE-GW1.acme123.com",
        "DMZ-SW1",
    ]
    assert {n.local_port for n in neighbours} == {UNKNOWN_PORT}
    assert result.status == "ok"
    assert result.details["partial"] is True
    assert [c["status"] for c in objs(result.details["commands"])] == ["partial"]
    (warning,) = result.warnings
    assert "3 neighbour(s) without a local port" in warning
    assert "USSC-CAMPUS-CORE-GW2" in warning and "DMZ-SW1" in warning


def test_lldp_with_local_interface_takes_it_from_the_block(corpus: Path) -> None:
    sample = SAMPLES["cisco_ios/lldp/detail"]
    result = SshProbe().parse(_raw("cisco_ios", sample, corpus=corpus))
    ports = [n.local_port for n in _device(result).lldp]
    assert ports == ["Gi1/0/2", "Gi1/0/1", "Gi1/0/9"]
    assert result.warnings == () and result.details["partial"] is False


def test_stack_poe_reads_every_members_budget_and_consumption() -> None:
    result = SshProbe().parse(_raw("cisco_ios", STACK))
    poe = _device(result).poe
    assert poe is not None
    assert [(g.group, g.budget_w, g.consumption_w) for g in poe.groups] == [
        (1, 390.0, 230.0),
        (2, 390.0, 138.2),
        (3, 390.0, 127.5),
    ]
    assert result.metrics["poe_budget_w"] == 1170.0
    assert result.metrics["poe_consumption_w"] == 495.7
    assert result.warnings == () and result.details["partial"] is False


def test_module_blocks_that_were_not_read_are_named() -> None:
    """The check that caught the stack defect: 3 module blocks, 1 group read."""
    spec = platform_spec("cisco_ios").questions["poe"][0]
    module_1_only = Device(poe=Poe(groups=(PoeGroup(1, 390.0, 230.0),)))
    warning = unread_blocks(spec, STACK.output(None), module_1_only)
    assert warning == (
        "'show power inline': the output has 3 PoE module budget(s) but only 1 could be "
        "read; 2 dropped"
    )


def test_neighbour_blocks_with_zero_neighbours_read_are_never_silent() -> None:
    spec = platform_spec("cisco_ios").questions["lldp"][0]
    warning = unread_blocks(spec, NO_LOCAL_INTF.output(None), Device())
    assert warning is not None and "3 LLDP neighbour block(s)" in warning


def test_routeros_poe_monitor_reads_every_port_column() -> None:
    two = SAMPLES["mikrotik_routeros/poe/monitor_two_ports"].output(None)
    assert parse_poe_monitor(two) == [
        {
            "port": "pe1-ether2",
            "status": "powered-on",
            "voltage_v": "52.8V",
            "current_ma": "123mA",
            "power_w": "6.4W",
        },
        {
            "port": "pe1-ether3",
            "status": "powered-on",
            "voltage_v": "52.9V",
            "current_ma": "95mA",
            "power_w": "5W",
        },
    ]
    # netmiko may strip the first line's indentation: columns still line up.
    assert parse_poe_monitor(two.lstrip()) == parse_poe_monitor(two)


def test_fakenos_stack_and_lldp_record_is_partial_with_the_reason(
    corpus: Path, ssh_password: str, start_fakenos: StartFakenos
) -> None:
    outputs = recorded_outputs("cisco_ios", corpus)
    outputs["show power inline"] = STACK.output(None)
    outputs["show lldp neighbors detail"] = NO_LOCAL_INTF.output(None)
    lab = start_fakenos([device("stack", "cisco_ios", outputs)])
    target = Target("127.0.0.1", lab.port("stack"))
    raw = asyncio.run(SshProbe().collect(target, ssh_params("cisco_ios", questions="poe,lldp")))
    result = SshProbe().parse(raw)
    assert result.metrics["poe_budget_w"] == 1170.0
    assert len(_device(result).lldp) == 3
    assert result.details["partial"] is True
    assert any("without a local port" in w for w in result.warnings)


def test_every_recorded_sample_reads_all_its_blocks(corpus: Path) -> None:
    """The block patterns of the table match the real outputs: no false alarms."""
    for sample in load_samples():
        spec = next(
            c
            for c in platform_spec(sample.platform).questions[sample.question]
            if c.command == sample.command
        )
        if spec.blocks is None:
            continue
        result = SshProbe().parse(_raw(sample.platform, sample, corpus=corpus))
        unread = [w for w in result.warnings if "could be read" in w]
        assert unread == [], sample.id
        assert spec.blocks.pattern.search(sample.output(corpus)), (
            f"{sample.id}: pattern never matches"
        )
