"""SNMP and SSH views of one switch merge into one device; each fact keeps its source."""

from __future__ import annotations

from pathlib import Path

from probes.device import (
    Device,
    Interface,
    LldpNeighbor,
    Poe,
    PoeGroup,
    PoePort,
    SystemInfo,
    merge_devices,
)
from probes.ssh_normalise import build_device
from probes.ssh_parse import parse_command
from probes.ssh_platforms import platform_spec
from tests.ssh.ssh_lab import first_samples
from tests.ssh.ssh_samples import load_samples


def _snmp_view() -> Device:
    """What the SNMP probe reports for the stack: counters and ifIndex, PoE budget,
    but no per-port watts and no neighbours (LLDP-MIB off)."""
    return Device(
        system=SystemInfo(
            sys_name="Switch-Hostname",
            sys_descr="Cisco IOS Software, Catalyst L3 Switch Software",
            sys_object_id="1.3.6.1.4.1.9.1.2494",
            uptime_s=4295600.0,
        ),
        interfaces=(
            Interface(
                if_index=1,
                name="GigabitEthernet1/0/2",
                speed_bps=1e9,
                oper_up=True,
                in_bps=1.2e6,
                out_bps=3.4e6,
                in_errors=0,
            ),
            Interface(if_index=2, name="GigabitEthernet1/0/3", oper_up=False),
            Interface(if_index=99, name="Vlan1", oper_up=True),
        ),
        poe=Poe(
            groups=(PoeGroup(1, budget_w=740.0, consumption_w=None),),
            ports=(PoePort("GigabitEthernet1/0/1", if_index=1, status="delivering"),),
        ),
        sources={"system": "snmp", "interfaces": "snmp", "poe": "snmp"},
    )


def _ssh_view(corpus: Path) -> Device:
    platform = platform_spec("cisco_ios")
    answers = {}
    for sample in first_samples("cisco_ios"):
        spec = next(c for c in platform.questions[sample.question] if c.command == sample.command)
        answers[sample.question] = parse_command(platform, spec, sample.output(corpus))
    # the stack_740w recording has per-port watts for Gi1/0/1
    stack = next(s for s in load_samples() if s.name == "stack_740w")
    poe_spec = platform.questions["poe"][0]
    answers["poe"] = parse_command(platform, poe_spec, stack.output(corpus))
    return build_device(answers, platform.vendor)


def test_ssh_fills_what_snmp_lacked_and_sources_say_who_said_what(corpus: Path) -> None:
    merged = merge_devices(_snmp_view(), _ssh_view(corpus), "snmp", "ssh")

    assert merged.system.sys_object_id == "1.3.6.1.4.1.9.1.2494"  # SNMP kept
    assert merged.system.uptime_s == 4295600.0  # SNMP wins where both know
    assert merged.system.model == "C9500-48Y4C"  # filled from the CLI
    assert merged.sources["system"] == "snmp+ssh"
    assert merged.sources["system.model"] == "ssh"
    assert merged.sources["system.os_version"] == "ssh"
    assert "system.sys_name" not in merged.sources  # primary's own facts

    by_name = {i.name: i for i in merged.interfaces}
    port = by_name["GigabitEthernet1/0/2"]  # SNMP's name, matched to the CLI's Gi1/0/2
    assert port.if_index == 1 and port.in_bps == 1.2e6  # SNMP facts kept
    assert port.alias == "AccessPoint"  # description from "show interfaces status"
    assert "Gi1/0/2" not in by_name  # merged, not duplicated
    assert "Vlan1" in by_name  # only SNMP knew it
    assert merged.sources["interfaces"] == "snmp+ssh"
    assert merged.sources["interfaces.alias"] == "ssh"

    assert merged.poe is not None
    assert merged.poe.groups[0].budget_w == 740.0
    assert merged.poe.groups[0].consumption_w == 330.0  # SNMP lacked it
    gi1 = next(p for p in merged.poe.ports if p.port == "GigabitEthernet1/0/1")
    assert gi1.if_index == 1 and gi1.power_w == 30.0 and gi1.device == "AIR-AP1562I-E-K9"
    assert merged.sources["poe"] == "snmp+ssh"
    assert merged.sources["poe.ports.power_w"] == "ssh"

    assert merged.lldp and all(isinstance(n, LldpNeighbor) for n in merged.lldp)
    assert merged.sources["lldp"] == "ssh"
    assert merged.wireless is None and "wireless" not in merged.sources


def test_merge_round_trips_through_json(corpus: Path) -> None:
    merged = merge_devices(_snmp_view(), _ssh_view(corpus), "snmp", "ssh")
    assert Device.from_json(merged.to_json()) == merged


def test_one_sided_merges_keep_the_only_view() -> None:
    snmp = _snmp_view()
    alone = merge_devices(snmp, Device(), "snmp", "ssh")
    assert alone.interfaces == snmp.interfaces and alone.poe == snmp.poe
    assert alone.sources == {"system": "snmp", "interfaces": "snmp", "poe": "snmp"}
    flipped = merge_devices(Device(), snmp, "ssh", "snmp")
    assert flipped.interfaces == snmp.interfaces
    assert flipped.sources["interfaces"] == "snmp"


def test_a_school_with_snmp_and_ssh_devices_gives_one_merged_list(corpus: Path) -> None:
    """How a survey combines records: group views by device id, merge, one list."""
    views: dict[str, list[tuple[str, Device]]] = {
        "sw-core": [("snmp", _snmp_view()), ("ssh", _ssh_view(corpus))],
        "sw-gym": [("ssh", _ssh_view(corpus))],
        "ups-1": [("snmp", Device(system=SystemInfo(sys_name="ups-1")))],
    }
    school: dict[str, Device] = {}
    for device_id, ((first_source, merged), *others) in views.items():
        for source, view in others:
            merged = merge_devices(merged, view, first_source, source)
        school[device_id] = merged
    assert sorted(school) == ["sw-core", "sw-gym", "ups-1"]
    assert school["sw-core"].sources["interfaces"] == "snmp+ssh"
    assert school["sw-gym"].sources["poe"] == "ssh"
    assert school["ups-1"].system.sys_name == "ups-1"
