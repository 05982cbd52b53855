"""What `probe --target` accepts, decided without any lookup: IP literals and localhost
always, names only when the inventory given with --inventory declares them."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsurvey.commands.probe import NamedTarget, resolve_target
from netsurvey.errors import UsageError

from .conftest import inventory_text


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(
        inventory_text(
            extra="    test_servers: {iperf3: speed.school.example, latency_hosts: [198.18.10.9]}\n"
        )
        + "  - id: second-school\n"
        "    name: Second\n"
        "    municipality: Test\n"
        "    scope: [198.18.20.0/24]\n"
        "    devices:\n"
        "      - {id: sw-1, role: switch, mgmt_ip: 198.18.20.2}\n"
        "      - {id: ap-9, role: ap, mgmt_ip: 198.18.20.9, platform: unifi}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("text", "host"),
    [("198.18.10.2", "198.18.10.2"), ("[::1]", "::1"), ("localhost", "127.0.0.1")],
)
def test_ip_literals_and_localhost_need_no_inventory(text: str, host: str) -> None:
    assert resolve_target(text, None, None) == NamedTarget(host)


@pytest.mark.parametrize("text", ["999.1.1.1", "10.0.0", "printer", "sw-1"])
def test_names_without_an_inventory_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="not an IP address") as caught:
        resolve_target(text, None, None)
    assert caught.value.exit_code == 2 and "--inventory" in caught.value.one_line()


def test_device_ids_stand_for_their_mgmt_ip(inventory: Path) -> None:
    assert resolve_target("ap-9", inventory, None) == NamedTarget("198.18.20.9", "ap-9", "unifi")
    assert resolve_target("sw-1", inventory, "second-school").host == "198.18.20.2"


def test_a_declared_test_server_name_is_kept(inventory: Path) -> None:
    assert resolve_target("speed.school.example", inventory, None) == NamedTarget(
        "speed.school.example"
    )


def test_ambiguous_and_unknown_names_are_usage_errors(inventory: Path) -> None:
    with pytest.raises(UsageError, match="several schools") as caught:
        resolve_target("sw-1", inventory, None)
    assert "choose one with --school" in caught.value.one_line()
    with pytest.raises(UsageError, match="neither an IP address nor a device id"):
        resolve_target("999.1.1.1", inventory, None)
