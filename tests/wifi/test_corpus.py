"""Every recorded scan in the corpus parses to the BSS list written by hand in
tests/fixtures/wifi/expected/ (one TSV per sample, "-" = unknown)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from probes.wifi_parsers import detect_format, parse_link, parse_scan

SAMPLES = {
    "iw_scan/iw-scan0.out": ("iw", "iw-scan0.tsv"),
    "iw_scan/iw-scan1.out": ("iw", "iw-scan1.tsv"),
    "iwlist_scan/iwlist_test.txt": ("iwlist", "iwlist_test.tsv"),
    "nmcli/nmcli_test.txt": ("nmcli", "nmcli_test.tsv"),
    "other_os/windows_netsh_test.txt": ("netsh", "windows_netsh_test.tsv"),
    "other_os/osx_airport_test.txt": ("airport", "osx_airport_test.tsv"),
    "pcap/ieee802.11_exthdr.pcap": ("pcap", "ieee802.11_exthdr.tsv"),
    "pcap/ieee802.11_meshid.pcap": ("pcap", "ieee802.11_meshid.tsv"),
    "pcap/test1.pcap": ("pcap", "test1.tsv"),
    "pcap/wpa3-psk.pcap": ("pcap", "wpa3-psk.tsv"),
    "pcap/wpa-psk-linksys.cap": ("pcap", "wpa-psk-linksys.tsv"),
}
INTS = {"freq_mhz", "channel", "width_mhz", "station_count"}
FLOATS = {"signal_dbm", "noise_dbm", "signal_percent"}


def read_expected(path: Path) -> list[dict[str, str]]:
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")
    ]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def actual_value(bss: dict[str, Any], column: str) -> Any:
    if column == "utilization_255":
        ratio = bss["channel_utilization_ratio"]
        return None if ratio is None else round(ratio * 255)
    return bss[column]


def expected_value(column: str, text: str) -> Any:
    if text == "-":
        return None
    if column in ("hidden", "associated"):
        return text == "yes"
    if column in INTS or column == "utilization_255":
        return int(text)
    if column in FLOATS:
        return float(text)
    return text


def test_every_corpus_scan_has_an_expected_file(corpus: Path) -> None:
    recorded = {
        str(p.relative_to(corpus / "wifi"))
        for p in (corpus / "wifi").rglob("*")
        if p.is_file() and ".expected." not in p.name
    }
    recorded.discard("iwconfig/iwconfig.out")  # a link, not a scan: see test_iwconfig_link
    assert recorded <= set(SAMPLES), (
        f"corpus scans without an expected file: {recorded - set(SAMPLES)}"
    )


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_corpus_scan_parses_to_hand_written_bss_list(
    corpus: Path, wifi_fixtures: Path, sample: str
) -> None:
    fmt, expected_name = SAMPLES[sample]
    data = (corpus / "wifi" / sample).read_bytes()
    assert detect_format(data) == fmt
    parsed = parse_scan(data)
    expected = read_expected(wifi_fixtures / "expected" / expected_name)
    actual = [b.to_json() for b in parsed.bss]
    assert len(actual) == len(expected), [b["bssid"] for b in actual]
    for index, (got, want) in enumerate(zip(actual, expected, strict=True)):
        for column, text in want.items():
            assert actual_value(got, column) == expected_value(column, text), (
                f"{sample} entry {index + 1} ({want['bssid']}): {column}"
            )


def test_iwconfig_link(corpus: Path) -> None:
    link = parse_link((corpus / "wifi" / "iwconfig" / "iwconfig.out").read_bytes())
    assert link.connected
    assert (link.bssid, link.ssid, link.freq_mhz, link.channel) == (
        "e6:63:da:16:50:bf",
        "BLABLABLA",
        5180,
        36,
    )
    assert link.signal_dbm == -52.0
    assert link.tx_bitrate_bps == 6e6


def test_percent_signals_become_estimated_dbm(corpus: Path) -> None:
    netsh = parse_scan((corpus / "wifi/other_os/windows_netsh_test.txt").read_bytes())
    first = netsh.bss[0]
    assert first.signal_percent == 63.0
    assert first.signal_dbm == -68.5  # Windows: quality/2 - 100
    assert first.freq_mhz == 5200 and first.band == "5GHz"
