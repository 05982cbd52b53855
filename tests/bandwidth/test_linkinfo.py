"""Which laptop interface reaches a host, wired or Wi-Fi, and its speed."""

from __future__ import annotations

from pathlib import Path

from probes.linkinfo import (
    LinkInfo,
    describe_interface,
    limited_by_laptop,
    link_for,
    parse_iw_link,
    parse_route_get,
)

IW_LINK = """Connected to 04:F0:21:2E:3F:10 (on wlp2s0)
\tSSID: skola-wifi
\tfreq: 5180
\tRX: 1234567 bytes (2345 packets)
\tTX: 234567 bytes (1234 packets)
\tsignal: -52 dBm
\trx bitrate: 866.7 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2
\ttx bitrate: 780.0 MBit/s VHT-MCS 8 80MHz short GI VHT-NSS 2
"""


def _fake_interface(root: Path, name: str, *, arp_type: int, speed: str | None,
                    physical: bool, wireless: bool = False) -> None:  # fmt: skip
    base = root / name
    base.mkdir(parents=True)
    (base / "type").write_text(f"{arp_type}\n")
    if speed is not None:
        (base / "speed").write_text(f"{speed}\n")
    if physical:
        (base / "device").mkdir()
    if wireless:
        (base / "wireless").mkdir()


def test_parse_iw_link() -> None:
    assert parse_iw_link(IW_LINK) == ("04:f0:21:2e:3f:10", "skola-wifi", 780e6)
    assert parse_iw_link("Not connected.\n") == (None, None, None)


def test_parse_route_get() -> None:
    text = (
        '[{"dst":"198.18.0.2","dev":"eth0","prefsrc":"198.18.0.1","flags":[],"uid":0,"cache":[]}]'
    )
    assert parse_route_get(text) == ("eth0", "198.18.0.1")
    assert parse_route_get("garbage") == (None, None)


def test_describe_wired_and_unknown_speed(tmp_path: Path) -> None:
    _fake_interface(tmp_path, "enp3s0", arp_type=1, speed="1000", physical=True)
    _fake_interface(tmp_path, "enx0", arp_type=1, speed="-1", physical=True)
    gig = describe_interface("enp3s0", tmp_path)
    assert (gig.kind, gig.link_speed_bps, gig.virtual) == ("wired", 1e9, False)
    assert describe_interface("enx0", tmp_path).link_speed_bps is None
    assert describe_interface("missing0", tmp_path).kind == "unknown"


def test_describe_wifi_and_loopback(tmp_path: Path) -> None:
    _fake_interface(tmp_path, "wlan0", arp_type=1, speed=None, physical=True, wireless=True)
    _fake_interface(tmp_path, "lo", arp_type=772, speed=None, physical=False)
    assert describe_interface("wlan0", tmp_path).kind == "wifi"
    assert describe_interface("lo", tmp_path).kind == "loopback"


def test_limited_by_laptop() -> None:
    fast_ethernet = LinkInfo(interface="eth0", kind="wired", link_speed_bps=100e6)
    assert limited_by_laptop(94e6, fast_ethernet)
    assert not limited_by_laptop(60e6, fast_ethernet)
    assert not limited_by_laptop(None, fast_ethernet)
    assert not limited_by_laptop(94e6, LinkInfo(interface="eth0", kind="wired"))
    wifi = LinkInfo(interface="wlan0", kind="wifi", link_speed_bps=300e6)
    assert limited_by_laptop(200e6, wifi)


def test_link_for_loopback() -> None:
    link = link_for("127.0.0.1")
    assert link.kind == "loopback"
    assert link.interface == "lo"
    assert link.to_json(1e9)["limited_by_laptop"] is False
