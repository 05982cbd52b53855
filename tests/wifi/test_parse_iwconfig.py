"""Issue #16: iwconfig with several Wi-Fi interfaces reads the one asked for and names
the others; values of one adapter never leak into another's link (real outputs, see
tests/fixtures/wifi/iwconfig/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.base import ProbeParseError
from probes.wifi_parsers import detect_format, parse_link, read_link
from tests.wifi.conftest import RunCli


def _iwconfig(wifi_fixtures: Path, name: str) -> bytes:
    return (wifi_fixtures / "iwconfig" / name).read_bytes()


def test_the_interface_asked_for_is_read_and_the_other_named(wifi_fixtures: Path) -> None:
    data = _iwconfig(wifi_fixtures, "two-associated.out")
    assert detect_format(data) == "iwconfig"
    parsed = read_link(data, interface="wlan0")
    assert parsed.interface == "wlan0"
    assert (parsed.link.signal_dbm, parsed.link.tx_bitrate_bps) == (-41.0, 58.5e6)
    (warning,) = parsed.warnings
    assert "also shows wlan1 (associated to 58:6d:8f:71:92:82)" in warning
    assert "only wlan0 was read" in warning


def test_without_a_name_the_first_is_read_alone_with_a_warning(wifi_fixtures: Path) -> None:
    parsed = read_link(_iwconfig(wifi_fixtures, "two-associated.out"))
    assert parsed.interface == "wlan1"
    # wlan1 gives "Signal level=100/100": unknown, and wlan0's -41 dBm is not borrowed.
    assert parsed.link.signal_dbm is None
    assert parsed.link.tx_bitrate_bps == 72e6
    assert any("also shows wlan0" in w for w in parsed.warnings)
    assert any("'100/100', not in dBm" in w for w in parsed.warnings)


def test_an_unassociated_second_adapter_is_still_named(wifi_fixtures: Path) -> None:
    data = _iwconfig(wifi_fixtures, "one-unassociated.out")
    parsed = read_link(data, interface="wlan0")
    assert parsed.link.connected and parsed.link.signal_dbm == -39.0
    assert parsed.warnings == (
        "iwconfig also shows wlan1; only wlan0 was read (name another with --param interface=NAME)",
    )
    assert not parse_link(data, interface="wlan1").connected


def test_an_interface_that_is_not_there_is_refused_with_the_choices(wifi_fixtures: Path) -> None:
    data = _iwconfig(wifi_fixtures, "two-associated.out")
    with pytest.raises(
        ProbeParseError, match="wlan2 is not in the output; Wi-Fi interfaces there: wlan1, wlan0"
    ):
        read_link(data, interface="wlan2")
    with pytest.raises(ProbeParseError, match="eth0 is not a Wi-Fi interface"):
        read_link(data, interface="eth0")


def test_single_interface_corpus_output_has_no_warning(corpus: Path) -> None:
    parsed = read_link((corpus / "wifi" / "iwconfig" / "iwconfig.out").read_bytes())
    assert parsed.interface == "wlp5s0" and parsed.warnings == ()
    assert parsed.link.signal_dbm == -52.0


def test_link_probe_replay_takes_the_interface_param(
    netsurvey: RunCli, wifi_fixtures: Path
) -> None:
    replay = wifi_fixtures / "iwconfig" / "two-associated.out"
    result = netsurvey(
        "probe", "wifi_link", "--param", f"replay={replay}", "--param", "interface=wlan0", "--json"
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["metrics"]["signal_dbm"] == -41.0
    assert record["details"]["interface"] == "wlan0"
    assert any("also shows wlan1" in w for w in record["warnings"])
