"""The command table: read-only by construction, unknown platforms named clearly."""

from __future__ import annotations

import pytest

from probes.base import ProbeParamError
from probes.ssh_platforms import (
    CommandTableError,
    is_read_only,
    load_platforms,
    parse_table,
    platform_spec,
)
from probes.ssh_session import SessionRequest, run_session

REQUIRED = {
    "cisco_ios",
    "hp_procurve",
    "aruba_aoscx",
    "hp_comware",
    "juniper_junos",
    "mikrotik_routeros",
    "ubiquiti_edgeswitch",
    "ruckus_fastiron",
    "cisco_wlc_ssh",
}


def test_table_covers_the_required_platforms() -> None:
    assert set(load_platforms()) >= REQUIRED


# Switch platforms whose PoE is not read over the CLI yet, and why.
SWITCHES_WITHOUT_CLI_POE = {
    "cisco_s300": "no real recording of Cisco SB 'show power inline' yet; SNMP reads its PoE",
}


def test_switches_answer_the_switch_questions_and_controllers_the_wireless_ones() -> None:
    for platform in load_platforms().values():
        if platform.name == "cisco_wlc_ssh":
            assert {"system", "aps", "clients"} <= set(platform.questions)
        elif platform.name in SWITCHES_WITHOUT_CLI_POE:
            assert {"system", "interfaces"} <= set(platform.questions)
            assert "poe" not in platform.questions, "drop it from SWITCHES_WITHOUT_CLI_POE"
            assert {"lldp", "cdp"} & set(platform.questions)
        else:
            assert {"system", "interfaces", "poe"} <= set(platform.questions)
            assert {"lldp", "cdp"} & set(platform.questions)


def test_unknown_platform_lists_the_supported_ones() -> None:
    with pytest.raises(ProbeParamError) as error:
        platform_spec("cisco_nxos")
    message = str(error.value)
    assert "cisco_nxos" in message
    for name in REQUIRED:
        assert name in message


def test_missing_platform_says_how_to_give_it() -> None:
    with pytest.raises(ProbeParamError, match="--param platform=NAME"):
        platform_spec(None)


def test_every_command_in_the_table_is_read_only() -> None:
    for platform in load_platforms().values():
        for _, spec in platform.commands():
            assert is_read_only(spec.command), f"{platform.name}: {spec.command}"


@pytest.mark.parametrize(
    "command",
    [
        "show version",
        "display poe interface",
        "interface ethernet poe print without-paging",
        "system resource print",
    ],
)
def test_read_only_commands_are_accepted(command: str) -> None:
    assert is_read_only(command)


@pytest.mark.parametrize(
    "command",
    [
        "configure terminal",
        "conf t",
        "reload",
        "write memory",
        "copy running-config tftp://10.0.0.1/x",
        "show running-config | redirect flash:x",
        "show version ; reload",
        "interface ethernet poe set ether2 poe-out=off",
        "system reboot",
        "set cli screen-length 0",
        "display current-configuration > flash:/x",
        "",
    ],
)
def test_anything_else_is_refused(command: str) -> None:
    assert not is_read_only(command)


def test_a_table_with_a_write_command_does_not_load() -> None:
    table = {
        "evil": {
            "netmiko": "cisco_ios",
            "ntc_platform": "cisco_ios",
            "questions": {"system": [{"command": "configure terminal"}]},
        }
    }
    with pytest.raises(CommandTableError, match="show/display/print"):
        parse_table(table)


def test_the_session_refuses_a_write_command_before_connecting() -> None:
    request = SessionRequest(
        host="127.0.0.1",
        port=9,  # never contacted: refused before any socket is opened
        device_type="cisco_ios",
        username="u",
        password="p",
        commands=("show version", "reload"),
        timeout_s=1.0,
    )
    with pytest.raises(CommandTableError, match="reload"):
        run_session(request)
