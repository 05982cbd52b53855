"""Issue #16: BSSIDs masked in a shared scan file (``BSS xx:xx:xx:xx:xx:xx``) are said
to be masked, instead of being dropped as cut-off headers (real output, see
tests/fixtures/wifi/redacted/README.md)."""

from __future__ import annotations

from pathlib import Path

from probes.wifi_parsers import detect_format, parse_scan


def test_masked_bssids_are_kept_and_named_in_one_warning(wifi_fixtures: Path) -> None:
    data = (wifi_fixtures / "redacted" / "iw-scan-masked.out").read_bytes()
    assert detect_format(data) == "iw"
    parsed = parse_scan(data)
    first = parsed.bss[0]
    assert (first.bssid, first.ssid, first.signal_dbm, first.channel) == (
        "xx:xx:xx:xx:xx:xx",
        "kebab",
        -44.0,
        1,
    )
    assert (first.security, first.station_count) == ("WPA2-PSK", 0)
    redacted = [w for w in parsed.warnings if "redacted" in w]
    assert redacted == [
        "2 BSSID(s) in this file are redacted (xx:xx:xx:xx:xx:xx, yy:yy:yy:yy:yy:yy): their "
        "SSID, signal and channel are kept, but they cannot be matched to an access point "
        "or told apart by BSSID"
    ]
    assert not any("header cut off" in w for w in parsed.warnings)


def test_real_bssids_give_no_redaction_warning(corpus: Path) -> None:
    parsed = parse_scan((corpus / "wifi" / "iw_scan" / "iw-scan1.out").read_bytes())
    assert not any("redacted" in w for w in parsed.warnings)
