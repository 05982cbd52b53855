"""Faults give failed or partial records with a clear reason, never a crash."""

from __future__ import annotations

import asyncio

import pytest

from netsurvey.lab.ports import free_port
from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.base import ProbeAuthFailed, ProbeParamError, ProbeTimeout, Target
from probes.snmp import SnmpProbe, poll_many


def test_unreachable_agent_times_out_with_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C", "public")
    target = Target("127.0.0.1", free_port("udp"))
    with pytest.raises(ProbeTimeout, match=r"no SNMP answer .* community"):
        asyncio.run(
            SnmpProbe().collect(target, {"community_env": "C", "timeout_s": "0.2", "retries": "0"})
        )


def test_wrong_community_times_out(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProbeTimeout):
        run_probe(fixture_agent, "no-such-community", timeout_s="0.3", retries="0")


@pytest.mark.parametrize(
    ("user", "auth_key", "priv_key"),
    [
        ("authonly", "not-the-key", None),
        ("authpriv", "not-the-key", "priv-key-2026"),
        ("authpriv", "auth-key-2026", "not-the-priv-key"),
        ("nobody", "auth-key-2026", None),
    ],
)
def test_wrong_v3_credentials_are_an_auth_failure(  # type: ignore[no-untyped-def]
    fixture_agent: SnmpsimAgent, run_probe, monkeypatch, user, auth_key, priv_key
) -> None:
    monkeypatch.setenv("V3_AUTH", auth_key)
    params = {"version": "3", "user": user, "auth_protocol": "SHA", "auth_key_env": "V3_AUTH"}
    if user == "authpriv":
        params["auth_protocol"] = "SHA-256"
    if priv_key:
        monkeypatch.setenv("V3_PRIV", priv_key)
        params |= {"priv_protocol": "AES-256", "priv_key_env": "V3_PRIV"}
    with pytest.raises(ProbeAuthFailed, match=r"authentication refused .* check user"):
        run_probe(fixture_agent, "unused", context="pdu", timeout_s="2", retries="0", **params)


def test_agent_error_mid_walk_gives_partial_record(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "midwalk_error")
    assert result.details["partial"] is True
    assert any("1.3.6.1.2.1.31.1.1.1.1" in w and "genError" in w for w in result.warnings)
    assert len(result.details["device"]["interfaces"]) == 40  # ifTable columns still complete


def test_agent_stalling_mid_walk_gives_partial_record(
    stalling_agent: SnmpsimAgent, run_probe
) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(stalling_agent, "midwalk_stall", timeout_s="1", retries="0")
    assert result.details["partial"] is True
    assert any("no SNMP answer" in w for w in result.warnings)


def test_empty_tables_are_empty_not_errors(fixture_agent: SnmpsimAgent, run_probe) -> None:  # type: ignore[no-untyped-def]
    _, result = run_probe(fixture_agent, "empty")
    device = result.details["device"]
    assert device["system"]["sys_name"] == "bare"
    assert len(device["interfaces"]) == 0 and device["poe"] is None and device["power"] is None
    assert result.details["partial"] is False


def test_literal_secret_and_missing_community_are_param_errors() -> None:
    probe = SnmpProbe()
    with pytest.raises(ProbeParamError, match="community_env"):
        asyncio.run(probe.collect(Target("127.0.0.1", 161), {"community": "public"}))
    with pytest.raises(ProbeParamError, match="user"):
        asyncio.run(probe.collect(Target("127.0.0.1", 161), {"version": "3"}))


def test_poll_many_keeps_order_and_survives_failures(
    fixture_agent: SnmpsimAgent, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs = []
    for number, community in enumerate(["pdu", "nope", "controller"]):
        monkeypatch.setenv(f"C{number}", community)
        jobs.append(
            (
                Target("127.0.0.1", fixture_agent.port, device_id=community),
                {
                    "community_env": f"C{number}",
                    "interval_s": "0",
                    # short for the device that never answers, patient for the others
                    "timeout_s": "0.3" if community == "nope" else "3",
                    "retries": "0",
                },
            )
        )
    outcomes = asyncio.run(poll_many(jobs, concurrency=2))
    assert [o.target.device_id for o in outcomes] == ["pdu", "nope", "controller"]
    assert outcomes[0].result is not None and outcomes[2].result is not None
    assert isinstance(outcomes[1].error, ProbeTimeout)
