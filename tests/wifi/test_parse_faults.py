"""Our own recordings of what goes wrong in the field: hidden SSIDs, garbage bytes,
truncated output, missing or malformed BSS Load, files nobody can read."""

from __future__ import annotations

from pathlib import Path

import pytest

from probes.base import ProbeParseError
from probes.wifi_parsers import detect_format, parse_link, parse_scan
from probes.wifi_parsers.ies import decode_ssid, parse_bss_load
from probes.wifi_parsers.iw import parse_bitrate


def faults(wifi_fixtures: Path, name: str) -> bytes:
    return (wifi_fixtures / "faults" / name).read_bytes()


def test_own_beacon_capture(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "beacons.pcap"))
    by_bssid = {b.bssid: b for b in parsed.bss}
    school = by_bssid["02:5a:00:00:01:20"]
    assert (school.ssid, school.freq_mhz, school.channel, school.width_mhz) == (
        "Skola",
        5180,
        36,
        80,
    )
    assert school.signal_dbm == -52.0  # median of -50, -52, -54
    assert school.noise_dbm == -92.0
    assert (school.station_count, school.channel_utilization_ratio) == (12, 51 / 255)
    assert (school.security, school.standard) == ("WPA2-802.1X", "VHT")
    neighbour = by_bssid["7c:10:c9:aa:bb:01"]
    assert neighbour.ssid == "Kaimiņš"
    assert (neighbour.security, neighbour.standard) == ("WPA3-SAE", "HE")
    assert neighbour.station_count is None  # malformed BSS Load: unknown, not 0
    assert any("7c:10:c9:aa:bb:01: BSS Load element malformed" in w for w in parsed.warnings)
    hidden = by_bssid["b4:fb:e4:00:00:07"]
    assert hidden.hidden and hidden.ssid is None
    assert by_bssid["b4:fb:e4:00:00:08"].ssid == "\\xff\\xfeBad\\x01"
    assert by_bssid["b4:fb:e4:00:00:09"].ssid == "Probe only"  # probe responses count too


def test_truncated_capture_keeps_whole_frames_and_says_so(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "truncated.pcap"))
    assert len(parsed.bss) == 4
    assert "truncated" in parsed.warnings[0]


def test_iw_cut_mid_value_does_not_invent_a_signal(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "truncated.iw"))
    assert [b.signal_dbm for b in parsed.bss] == [-61.0, None]
    assert any("ends mid-line" in w for w in parsed.warnings)
    assert any("entry incomplete" in w for w in parsed.warnings)


def test_iw_cut_in_a_header_skips_that_entry(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "cut-header.iw"))
    assert [b.bssid for b in parsed.bss] == ["02:5a:00:00:01:10"]
    assert "truncated" in parsed.warnings[0] and "BSS 02:5a:00:0" in parsed.warnings[0]


def test_raw_and_escaped_garbage_in_ssids(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "garbage-ssid.iw"))
    first, second = parsed.bss
    assert first.ssid == "Raw\\xff\\xfe bytes \\ "  # iw's \x5c\x20 escapes decoded too
    assert first.station_count is None  # "300/255" is not a utilisation
    assert second.hidden and second.ssid is None


def test_nmcli_live_layout_with_escapes_and_hidden(wifi_fixtures: Path) -> None:
    parsed = parse_scan(faults(wifi_fixtures, "live.nmcli"))
    assert detect_format(faults(wifi_fixtures, "live.nmcli")) == "nmcli"
    in_use, _, hidden, escaped = parsed.bss
    assert in_use.associated and in_use.freq_mhz == 5180 and in_use.signal_percent == 80.0
    assert in_use.signal_dbm == -34.0  # NetworkManager: -90 dBm + 70 dB x 80 %
    assert hidden.hidden
    assert escaped.ssid == "Lab:3 \\ net" and escaped.security == "open"


def test_unrecognisable_file_gets_one_clear_sentence(wifi_fixtures: Path) -> None:
    with pytest.raises(ProbeParseError, match="cannot tell which tool wrote this file"):
        parse_scan(faults(wifi_fixtures, "garbage.bin"))
    with pytest.raises(ProbeParseError, match="not a readable pcap"):
        parse_scan(b"\xd4\xc3\xb2\xa1" + b"\x00" * 5, "pcap")
    with pytest.raises(ProbeParseError, match="no 'BSS"):
        parse_scan(b"hello\n", "iw")


def test_empty_scan_is_no_networks_not_an_error() -> None:
    assert parse_scan(b"", "iw").bss == ()


def test_links(wifi_fixtures: Path) -> None:
    he = parse_link(faults(wifi_fixtures, "link-he.txt"))
    assert (he.bssid, he.signal_dbm, he.tx_bitrate_bps, he.tx_mcs, he.nss) == (
        "02:5a:00:00:01:20",
        -58.0,
        864.8e6,
        8,
        2,
    )
    assert (he.width_mhz, he.standard) == (80, "HE")
    assert not parse_link(faults(wifi_fixtures, "link-none.txt")).connected
    station = parse_link(faults(wifi_fixtures, "station-dump.txt"))
    assert (station.signal_avg_dbm, station.rx_bitrate_bps, station.nss) == (-57.0, 300e6, 2)


@pytest.mark.parametrize(
    ("text", "bps", "mcs", "nss", "width", "standard"),
    [
        ("866.7 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2", 866.7e6, 9, 2, 80, "VHT"),
        ("300.0 MBit/s MCS 15 40MHz short GI", 300e6, 15, 2, 40, "HT"),
        ("54.0 MBit/s", 54e6, None, 1, 20, "legacy"),
        ("2882.4 MBit/s 160MHz EHT-MCS 13 EHT-NSS 2 EHT-GI 0", 2882.4e6, 13, 2, 160, "EHT"),
    ],
)
def test_bitrates(
    text: str, bps: float, mcs: int | None, nss: int, width: int, standard: str
) -> None:
    rate = parse_bitrate(text)
    assert (rate.bps, rate.mcs, rate.nss, rate.width_mhz, rate.standard) == (
        bps,
        mcs,
        nss,
        width,
        standard,
    )


def test_element_decoders() -> None:
    assert decode_ssid(b"") == (None, True)
    assert decode_ssid(b"\x00\x00") == (None, True)
    assert decode_ssid(b"Sk\x07ola") == ("Sk\\x07ola", False)
    load = parse_bss_load(b"\x05\x00\xff\x00\x00")
    assert load is not None and (load.station_count, load.channel_utilization_ratio) == (5, 1.0)
    assert parse_bss_load(b"\x05\x00") is None


def test_nmcli_other_layout_needs_fields(netsurvey_fields_file: Path) -> None:
    text = netsurvey_fields_file.read_bytes()
    with pytest.raises(ProbeParseError, match="pass --param fields="):
        parse_scan(text, "nmcli")
    parsed = parse_scan(text, "nmcli", ("BSSID", "SIGNAL", "SSID"))
    assert [(b.bssid, b.signal_percent, b.ssid) for b in parsed.bss] == [
        ("02:5a:00:00:01:20", 70.0, "Skola")
    ]


@pytest.fixture
def netsurvey_fields_file(tmp_path: Path) -> Path:
    path = tmp_path / "three.nmcli"
    path.write_text("02\\:5A\\:00\\:00\\:01\\:20:70:Skola\n")
    return path


def test_empty_and_ethernet_captures(tmp_path: Path) -> None:
    from scapy.layers.l2 import Ether
    from scapy.utils import wrpcap

    empty, wired = tmp_path / "empty.pcap", tmp_path / "wired.pcap"
    wrpcap(str(empty), [])
    wrpcap(str(wired), [Ether(dst="ff:ff:ff:ff:ff:ff") / b"x"])
    assert parse_scan(empty.read_bytes(), "pcap").warnings == ("capture holds no frames",)
    with pytest.raises(ProbeParseError, match=r"link type 1 is not 802\.11"):
        parse_scan(wired.read_bytes())
