"""Our own recordings: PoE access switch, AP controller, PDU, utilisation, v3."""

from __future__ import annotations

import pytest

from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.snmp_normalise import normalise
from probes.snmp_sample import parse_sample
from probes.snmp_vendors import load_vendor_data

# The rates written by make_fixtures.py.
UPLINK_IF_INDEX = 49
UPLINK_IN_BYTES_PER_S = 1_250_000
UPLINK_OUT_BYTES_PER_S = 3_125_000


def test_poe_switch_budget_ports_and_neighbours(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "poe48")
    device = result.details["device"]
    assert len(device["interfaces"]) == 50
    assert list(device["poe"]["groups"]) == [
        {"group": 1, "budget_w": 740.0, "consumption_w": 123.0, "status": "on"}
    ]
    ports = device["poe"]["ports"]
    assert len(ports) == 48
    delivering = [p for p in ports if p["status"] == "delivering"]
    assert len(delivering) == 12
    assert all(p["power_w"] == pytest.approx(9.5) and p["class"] == 4 for p in delivering)
    assert result.metrics["poe_budget_w"] == 740.0
    aps = {n["remote_sys_name"]: n for n in device["lldp"]}
    assert aps["ap-room-101"]["local_port"] == "Gi1/0/1"
    assert list(aps["ap-room-101"]["remote_capabilities"]) == ["wlanAccessPoint"]
    assert aps["ap-room-103"]["remote_chassis_id"] == "a4:b2:39:01:00:03"


def test_controller_clients_per_radio(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "controller")
    wireless = result.details["device"]["wireless"]
    radios = {r["name"]: r for r in wireless["radios"]}
    assert radios["ap-room-101/1"]["clients"] == 27
    assert radios["ap-room-101/1"]["band"] == "5GHz"
    assert radios["ap-room-102/0"]["channel"] == 11
    assert radios["ap-room-102/1"]["clients"] == 0
    assert wireless["clients_total"] == 41


def test_cisco_wlc_radios_named_by_ap(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "cisco_wlc")
    wireless = result.details["device"]["wireless"]
    radios = {r["name"]: r for r in wireless["radios"]}
    assert set(radios) == {"ap-hall/0", "ap-hall/1", "ap-gym/0", "ap-gym/1"}
    assert (radios["ap-hall/1"]["band"], radios["ap-hall/1"]["channel"]) == ("5GHz", 44)
    assert radios["ap-hall/1"]["clients"] == 31
    assert wireless["clients_total"] == 52
    assert {a["name"] for a in wireless["access_points"]} == {"ap-hall", "ap-gym"}


def test_pdu_outlets(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "pdu")
    power = result.details["device"]["power"]
    assert power["kind"] == "pdu"
    assert (power["load_w"], power["load_a"], power["capacity_a"]) == (1840.0, 8.0, 16.0)
    outlets = power["outlets"]
    assert [o["name"] for o in outlets] == [f"cart slot {n}" for n in range(1, 9)]
    assert [o["state_on"] for o in outlets] == [True] * 7 + [False]
    assert outlets[0]["power_w"] == 230.0 and outlets[0]["current_a"] == 1.0


def test_utilisation_from_moving_hc_counters(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    raw, result = run_probe(fixture_agent, "poe48", interval_s="2")
    assert [a.name for a in raw.artifacts] == ["snmp-sample-1.txt", "snmp-sample-2.txt"]
    uplink = next(
        i for i in result.details["device"]["interfaces"] if i["if_index"] == UPLINK_IF_INDEX
    )
    # snmpsim moves the counters with its own clock; request timing costs a little.
    assert uplink["in_bps"] == pytest.approx(UPLINK_IN_BYTES_PER_S * 8, rel=0.03)
    assert uplink["out_bps"] == pytest.approx(UPLINK_OUT_BYTES_PER_S * 8, rel=0.03)
    idle = next(i for i in result.details["device"]["interfaces"] if i["if_index"] == 1)
    assert idle["in_bps"] == 0.0


def test_one_sample_means_no_utilisation(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    raw, result = run_probe(fixture_agent, "poe48", interval_s="0")
    assert len(raw.artifacts) == 1
    assert all(i["in_bps"] is None for i in result.details["device"]["interfaces"])


def test_32bit_only_agent_uses_ifinoctets(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "counters32", interval_s="2")
    port1 = result.details["device"]["interfaces"][0]
    assert port1["in_bps"] == pytest.approx(500_000 * 8, rel=0.03)


def test_counter_going_backwards_is_unknown_with_reason(
    fixture_agent: SnmpsimAgent, run_probe
) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "backwards", interval_s="0.5")
    assert result.details["device"]["interfaces"][0]["in_bps"] is None
    assert any("went backwards" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("user", "auth_protocol", "priv_protocol"),
    [("authpriv", "SHA-256", "AES-256"), ("authonly", "SHA", "")],
)
def test_snmpv3(
    fixture_agent: SnmpsimAgent, run_probe, monkeypatch, user, auth_protocol, priv_protocol
) -> None:  # type: ignore[no-untyped-def]
    keys = {"authpriv": ("auth-key-2026", "priv-key-2026"), "authonly": ("auth-only-2026", "")}
    monkeypatch.setenv("V3_AUTH", keys[user][0])
    monkeypatch.setenv("V3_PRIV", keys[user][1])
    params = {
        "version": "3",
        "user": user,
        "auth_protocol": auth_protocol,
        "auth_key_env": "V3_AUTH",
        "context": "pdu",
    }
    if priv_protocol:
        params |= {"priv_protocol": priv_protocol, "priv_key_env": "V3_PRIV"}
    raw, result = run_probe(fixture_agent, "unused", **params)
    assert result.details["device"]["system"]["sys_name"] == "pdu-cart-1"
    assert keys[user][0] in raw.secrets_used


# --------------------------------------------------------------------------- parse level


def sample_text(
    number: int, counters: dict[int, int], uptime: int, at_s: float, tag: str = "70"
) -> str:
    column = "1.3.6.1.2.1.31.1.1.1.6" if tag == "70" else "1.3.6.1.2.1.2.2.1.10"
    lines = [
        f"# netsurvey snmp sample {number}",
        "# target 127.0.0.1:161 version=2c",
        f"# walk {column} started_s={at_s - 0.001:.6f} finished_s={at_s + 0.001:.6f} rows={len(counters)}",
        f"1.3.6.1.2.1.1.3.0|67|{uptime}",
        *(f"1.3.6.1.2.1.2.2.1.5.{i}|66|100000000" for i in counters),
        *(f"{column}.{i}|{tag}|{value}" for i, value in counters.items()),
    ]
    return "\n".join(lines) + "\n"


def rates(first: str, second: str) -> tuple[list[float | None], tuple[str, ...]]:
    result = normalise([parse_sample(first), parse_sample(second)], load_vendor_data())
    return [i.in_bps for i in result.device.interfaces], result.warnings


def test_utilisation_is_exact_for_known_increments() -> None:
    got, warnings = rates(
        sample_text(1, {1: 1_000, 2: 5}, 100, 1.0), sample_text(2, {1: 1_251_000, 2: 5}, 600, 6.0)
    )
    assert got == [1_250_000 * 8 / 5, 0.0]
    assert warnings == ()


def test_32bit_wrap_is_unwrapped() -> None:
    got, warnings = rates(
        sample_text(1, {1: 2**32 - 1000}, 100, 0.0, tag="65"),
        sample_text(2, {1: 4000}, 200, 1.0, tag="65"),
    )
    assert got == [5000 * 8]
    assert any("wrapped" in w for w in warnings)


def test_32bit_wrap_faster_than_the_port_is_a_reset() -> None:
    got, warnings = rates(
        sample_text(1, {1: 4000}, 100, 0.0, tag="65"), sample_text(2, {1: 10}, 200, 1.0, tag="65")
    )
    assert got == [None]
    assert any("reset" in w for w in warnings)


def test_agent_restart_between_samples_gives_no_rates() -> None:
    got, warnings = rates(sample_text(1, {1: 10}, 9000, 0.0), sample_text(2, {1: 20}, 50, 1.0))
    assert got == [None]
    assert any("restarted" in w for w in warnings)
