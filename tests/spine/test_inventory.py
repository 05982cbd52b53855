"""Inventory loading: inheritance, frozen objects, and errors that point at FILE:LINE."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from netsurvey.cli import main
from netsurvey.errors import InventoryError, SecretError
from netsurvey.inventory import load_inventory

REPO = Path(__file__).resolve().parents[2]

BASE = """\
schema_version: 1
defaults:
  snmp: {version: 2c, community_env: NETSURVEY_SNMP_COMMUNITY}
profiles:
  access:
    platform: cisco_ios
    snmp: {timeout_s: 5}
schools:
  - id: riga-12-vsk
    name: Rīgas 12. vidusskola
    municipality: Rīga
    pupils: {1: 52, 7: 61}
    scope: [10.12.0.0/16]
    rooms:
      - {id: "204", floor: 2, kind: classroom, capacity: 30}
    devices:
      - {id: sw-core, role: switch, mgmt_ip: 10.12.0.2, profile: access}
      - {id: ap-204, role: ap, mgmt_ip: 10.12.1.24, room: "204"}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(InventoryError) as info:
        load_inventory(write(tmp_path, text))
    return info.value.one_line()


def test_shipped_inventories_are_valid() -> None:
    files = sorted((REPO / "inventories").rglob("*.yaml"))
    assert files
    for path in files:
        assert load_inventory(path).schools


def test_inheritance_defaults_profile_device(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, BASE))
    school = inventory.school("riga-12-vsk")
    core = school.device("sw-core")
    assert core.platform == "cisco_ios"
    assert core.snmp is not None
    assert core.snmp.community_env == "NETSURVEY_SNMP_COMMUNITY"  # from defaults
    assert core.snmp.timeout_s == 5  # from the profile
    ap = school.device("ap-204")
    assert ap.snmp is not None and ap.snmp.timeout_s == 2.0
    assert school.pupils == {1: 52, 7: 61}
    assert len(inventory.sha256) == 64
    with pytest.raises(dataclasses.FrozenInstanceError):
        core.mgmt_ip = "10.0.0.1"  # type: ignore[misc]


def test_bad_ip_names_file_line_and_path(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE.replace("10.12.1.24", "10.0.0.300"))
    assert message.startswith(f"{tmp_path / 'inv.yaml'}:18: schools[0].devices[1].mgmt_ip:")
    assert "not an IP address (got '10.0.0.300')" in message


def test_literal_secret_says_which_env_field(tmp_path: Path) -> None:
    text = BASE.replace(
        "{version: 2c, community_env: NETSURVEY_SNMP_COMMUNITY}", "{version: 2c, community: public}"
    )
    with pytest.raises(SecretError) as info:
        load_inventory(write(tmp_path, text))
    assert ":3: defaults.snmp.community: literal secret" in info.value.one_line()
    assert "community_env" in info.value.one_line()


def test_ssh_password_literal_refused(tmp_path: Path) -> None:
    text = BASE.replace("snmp: {timeout_s: 5}", "ssh: {username: u, password: hunter2}")
    message = error_of(tmp_path, text)
    assert "profiles.access.ssh.password" in message and "password_env" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("kind: classroom", "kind: clasroom"), "did you mean 'classroom'?"),
        (("role: ap,", "role: ap, rooom: '204',"), "unknown key (did you mean 'room'?)"),
        (("profile: access", "profile: acess"), "did you mean 'access'?"),
        (('room: "204"', 'room: "205"'), "no room '205'"),
        (("schema_version: 1", "schema_version: 9"), "newer netsurvey"),
        (("scope: [10.12.0.0/16]", "scope: [10.12.0.0/33]"), "not a subnet"),
        (("{1: 52, 7: 61}", "{1: 52, 13: 61}"), "grades are numbers 1-12"),
        (("    devices:", "    devices: 3\n    x:"), ":"),
    ],
)
def test_friendly_errors(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert expected in error_of(tmp_path, BASE.replace(*change))


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE.replace("    rooms:", "    rooms: [\n"))
    assert "inv.yaml:" in message and "YAML syntax" in message


def test_cli_check_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, BASE)
    assert main(["inventory", "check", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE.replace("10.12.1.24", "10.0.0.300"))
    assert main(["inventory", "check", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml:18: schools[0].devices[1].mgmt_ip" in err
    assert "Traceback" not in err


def test_scope_guard(tmp_path: Path) -> None:
    school = load_inventory(write(tmp_path, BASE)).schools[0]
    guard = school.scope_guard()
    assert guard.allows("10.12.200.1")
    assert guard.allows("127.0.0.5")
    assert not guard.allows("10.13.0.1")
    from probes.base import ScopeViolation

    with pytest.raises(ScopeViolation, match=r"10\.13\.0\.1.*scope"):
        guard.check("10.13.0.1")


def test_named_test_server_stands_for_its_addresses(tmp_path: Path) -> None:
    from probes.base import ScopeViolation

    text = BASE.replace(
        "    scope: [10.12.0.0/16]\n",
        "    scope: [10.12.0.0/16]\n    test_servers: {speedtest_url: 'http://speedtest.example.lv:8080/'}\n",
    )
    guard = load_inventory(write(tmp_path, text)).schools[0].scope_guard()
    guard.check_resolved("speedtest.example.lv", "203.0.113.9")  # the declared server's address
    with pytest.raises(ScopeViolation, match=r"resolves to 203\.0\.113\.9"):
        guard.check_resolved("other.example.lv", "203.0.113.9")


def test_adhoc_scope_includes_hosts_named_in_params() -> None:
    from netsurvey.commands.probe import adhoc_scope

    scope = adhoc_scope(
        None, {"server_url": "http://speed.example.lv/x", "resolvers": "198.18.0.1,198.18.0.9"}
    )
    assert scope.allows("speed.example.lv") and scope.allows("198.18.0.9")
    assert not scope.allows("198.18.0.2")
