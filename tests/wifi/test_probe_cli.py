"""`netsurvey probe wifi_scan|wifi_link` end to end, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from probes.wifi_parsers import BSS_FIELDS
from probes.wifi_scan import wifi_interfaces
from tests.wifi.conftest import RunCli


def record(result: object) -> dict[str, object]:
    stdout = getattr(result, "stdout", "")
    data: dict[str, object] = json.loads(stdout.strip().splitlines()[-1])
    return data


def test_replay_prints_the_bss_list(netsurvey: RunCli, corpus: Path) -> None:
    scan = corpus / "wifi" / "iw_scan" / "iw-scan1.out"
    result = netsurvey("probe", "wifi_scan", "--param", f"replay={scan}", "--json")
    assert result.returncode == 0, result.stderr
    data = record(result)
    assert data["status"] == "ok" and data["tool"] == "replay:iw"
    details = data["details"]
    assert isinstance(details, dict)
    bss = details["bss"]
    assert len(bss) == 26
    assert set(BSS_FIELDS) <= set(bss[0])
    assert bss[0]["channel_utilization_ratio"] == pytest.approx(103 / 255)
    assert data["metrics"] == {"bss_count": 26.0, "strongest_signal_dbm": -30.0}


def test_replay_with_explicit_format(netsurvey: RunCli, corpus: Path) -> None:
    capture = corpus / "wifi" / "pcap" / "test1.pcap"
    result = netsurvey(
        "probe", "wifi_scan", "--param", f"replay={capture}", "--param", "format=pcap", "--json"
    )
    assert record(result)["status"] == "ok"
    wrong = netsurvey(
        "probe", "wifi_scan", "--param", f"replay={capture}", "--param", "format=wat", "--json"
    )
    error = record(wrong)["error"]
    assert isinstance(error, dict) and "format=wat" in error["message"]


def test_missing_and_unreadable_files_fail_the_record_with_one_sentence(
    netsurvey: RunCli, wifi_fixtures: Path, tmp_path: Path
) -> None:
    missing = record(
        netsurvey("probe", "wifi_scan", "--param", f"replay={tmp_path / 'nope'}", "--json")
    )
    assert missing["status"] == "failed"
    assert "cannot read (No such file or directory)" in str(missing["error"])
    garbage = wifi_fixtures / "faults" / "garbage.bin"
    result = netsurvey("probe", "wifi_scan", "--param", f"replay={garbage}", "--json")
    data = record(result)
    assert data["status"] == "failed" and "Traceback" not in result.stderr
    assert "cannot tell which tool wrote this file" in str(data["error"])


def test_link_probe_replay(netsurvey: RunCli, wifi_fixtures: Path) -> None:
    link = wifi_fixtures / "faults" / "link-he.txt"
    data = record(netsurvey("probe", "wifi_link", "--param", f"replay={link}", "--json"))
    assert data["metrics"] == {
        "signal_dbm": -58.0,
        "tx_bitrate_bps": 864.8e6,
        "rx_bitrate_bps": 1200.9e6,
    }
    details = data["details"]
    assert isinstance(details, dict)
    assert (details["bssid"], details["mcs"], details["width_mhz"]) == ("02:5a:00:00:01:20", 8, 80)


@pytest.mark.skipif(bool(wifi_interfaces()), reason="this machine has a Wi-Fi adapter")
def test_live_scan_without_adapter_says_so(netsurvey: RunCli) -> None:
    data = record(netsurvey("probe", "wifi_scan", "--json"))
    assert data["status"] == "failed"
    assert "no Wi-Fi adapter found" in str(data["error"])
    assert data["error"]["type"] == "ProbeUnavailable"  # type: ignore[index]
