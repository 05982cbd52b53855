"""Parse-level pieces: vendor value conversions, raw evidence, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsurvey.lab.snmpsim import SnmpsimAgent
from probes.base import ProbeParseError, RawArtifact, RawOutput
from probes.snmp import SnmpProbe
from probes.snmp_sample import Value, parse_sample
from probes.snmp_vendors import channel_band, convert, mhz_band, mhz_channel
from probes.snmp_walk import Credentials, protocol_key


@pytest.mark.parametrize(
    ("mhz", "channel", "band"),
    [(2412, 1, "2.4GHz"), (2484, 14, "2.4GHz"), (5180, 36, "5GHz"), (5955, 1, "6GHz")],
)
def test_frequency_conversions(mhz: int, channel: int, band: str) -> None:
    assert mhz_channel(mhz) == channel
    assert mhz_band(mhz) == band


def test_channel_band_and_unknowns() -> None:
    assert channel_band(11) == "2.4GHz" and channel_band(100) == "5GHz"
    assert channel_band(0) is None
    assert convert(Value("2", "-1"), {"missing": [-1], "scale": 0.1}) is None
    assert convert(Value("2", "7"), {"map": {1: "up"}}) is None  # unmapped = unknown
    assert convert(Value("4", "2412/20-Ce/gn"), {"regex": r"^\d+/(\d+)", "type": "int"}) == 20
    assert convert(Value("4x", "001122334455"), {"type": "mac"}) == "00:11:22:33:44:55"


def test_protocol_names_are_forgiving() -> None:
    assert [protocol_key(p) for p in ("sha", "SHA256", "sha-512", "aes", "AES256")] == [
        "SHA",
        "SHA-256",
        "SHA-512",
        "AES",
        "AES-256",
    ]


def test_secrets_never_appear_in_repr() -> None:
    credentials = Credentials(version="2c", community="s3cret-community")
    assert "s3cret" not in repr(credentials)
    assert credentials.secrets() == ("s3cret-community",)


def test_garbage_raw_is_a_parse_error() -> None:
    with pytest.raises(ProbeParseError, match="header"):
        parse_sample("not a sample\n")
    raw = RawOutput(artifacts=(RawArtifact("other.txt", b""),), tool="pysnmp")
    with pytest.raises(ProbeParseError, match="no snmp-sample"):
        SnmpProbe().parse(raw)


def test_raw_evidence_replays_as_a_recording(
    fixture_agent: SnmpsimAgent, run_probe, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A sample artifact is an snmprec file: serving it again gives the same device."""
    raw, result = run_probe(fixture_agent, "controller")
    replay = tmp_path / "replay"
    replay.mkdir()
    lines = [line for line in raw.text().splitlines() if not line.startswith("#")]
    (replay / "evidence.snmprec").write_text("\n".join(lines) + "\n")
    with SnmpsimAgent(replay) as agent:
        _, again = run_probe(agent, "evidence")
    first, second = result.details["device"], again.details["device"]
    assert second["interfaces"] == first["interfaces"]
    assert second["wireless"] == first["wireless"]
    assert second["system"]["sys_name"] == first["system"]["sys_name"]
