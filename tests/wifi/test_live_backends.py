"""Live backends without Wi-Fi hardware: this lab has no adapter and no mac80211_hwsim,
so `iw` is stood in for by a small script that answers like iw does (its real output
recorded in our fixtures, its real error texts). Everything after the process call
is the production path."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from probes.base import ProbeAuthFailed, ProbeRefused, ProbeTimeout, ProbeUnavailable, Target
from probes.wifi_scan import (
    WifiLinkProbe,
    WifiScanProbe,
    classify_iw_error,
    pick_interface,
    run_tool,
    wifi_interfaces,
)
from tests.jsonread import arr


def stand_in_iw(tmp_path: Path, script: str) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    path = folder / "iw"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.fixture
def on_path(monkeypatch: pytest.MonkeyPatch) -> object:
    def put(folder: Path) -> None:
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")

    return put


def test_permission_denied_falls_back_to_cached_results(
    tmp_path: Path, on_path: object, wifi_fixtures: Path
) -> None:
    scan = wifi_fixtures / "walk" / "101-2.iw"
    folder = stand_in_iw(
        tmp_path,
        f"""
case "$*" in
  --version) echo "iw version 5.19";;
  "dev wlan0 scan") echo "command failed: Operation not permitted (-1)" >&2; exit 255;;
  "dev wlan0 scan dump") cat {scan};;
esac
""",
    )
    on_path(folder)  # type: ignore[operator]
    probe = WifiScanProbe()
    raw = asyncio.run(probe.collect(Target(), {"interface": "wlan0", "backend": "iw"}))
    result = probe.parse(raw)
    assert raw.tool == "iw" and raw.tool_version == "iw version 5.19"
    assert len(arr(result.details["bss"])) == 8
    assert "cached results" in result.warnings[0]


def test_busy_device_and_missing_tool(tmp_path: Path, on_path: object) -> None:
    folder = stand_in_iw(
        tmp_path, 'echo "command failed: Device or resource busy (-16)" >&2; exit 240\n'
    )
    on_path(folder)  # type: ignore[operator]
    with pytest.raises(ProbeRefused, match="wlan0 is busy"):
        asyncio.run(WifiScanProbe().collect(Target(), {"interface": "wlan0", "backend": "iw"}))
    with pytest.raises(ProbeUnavailable, match="nmcli is not installed"):
        WifiScanProbe().live_requirements({"interface": "wlan0", "backend": "nmcli"})


def test_link_probe_live_path(tmp_path: Path, on_path: object, wifi_fixtures: Path) -> None:
    link = wifi_fixtures / "faults" / "link-he.txt"
    dump = wifi_fixtures / "faults" / "station-dump.txt"
    folder = stand_in_iw(
        tmp_path,
        f"""
case "$*" in
  "dev wlan0 link") cat {link};;
  "dev wlan0 station dump") cat {dump};;
esac
""",
    )
    on_path(folder)  # type: ignore[operator]
    probe = WifiLinkProbe()
    result = probe.parse(asyncio.run(probe.collect(Target(), {"interface": "wlan0"})))
    assert result.metrics["signal_dbm"] == -58.0
    assert result.details["signal_avg_dbm"] == -57.0  # filled in from the station dump


def test_error_texts_and_timeouts(tmp_path: Path) -> None:
    assert isinstance(
        classify_iw_error("wlan0", b"command failed: Operation not permitted (-1)"), ProbeAuthFailed
    )
    assert "ip link set wlan0 up" in str(
        classify_iw_error("wlan0", b"command failed: Network is down (-100)")
    )
    assert "unplugged" in str(classify_iw_error("wlan0", b"command failed: No such device (-19)"))
    with pytest.raises(ProbeTimeout, match=r"no answer within 0\.2 s"):
        asyncio.run(run_tool(["sleep", "5"], 0.2))
    sysfs = tmp_path / "net"
    (sysfs / "wlp2s0" / "wireless").mkdir(parents=True)
    (sysfs / "eth0").mkdir()
    assert wifi_interfaces(sysfs) == ["wlp2s0"]


@pytest.mark.skipif(bool(wifi_interfaces()), reason="this machine has a Wi-Fi adapter")
def test_no_adapter_is_one_sentence() -> None:
    with pytest.raises(ProbeUnavailable, match=r"no Wi-Fi adapter found .*rfkill unblock wifi"):
        pick_interface({})
