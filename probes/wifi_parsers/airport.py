"""macOS ``airport -s`` fixed-column listing."""

from __future__ import annotations

import re

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, freq_of
from probes.wifi_parsers.ies import decode_ssid
from probes.wifi_parsers.model import Bss, ScanParse

ROW = re.compile(
    r"^(?P<ssid>.*?) (?P<bssid>[0-9A-Za-z]{2}(?::[0-9A-Za-z]{2}){5}) +(?P<rssi>-?\d+) +"
    r"(?P<channel>\d+)(?:,(?P<ext>[-+]?\d+))? +(?P<ht>[YN]) +(?P<cc>\S+) +(?P<security>.*)$"
)


def _security(text: str) -> str:
    labels: list[str] = []
    for family, auth in re.findall(r"(WPA3|WPA2|WPA)\(([^/)]+)", text):
        name = {"PSK": "PSK", "802.1x": "802.1X", "SAE": "SAE"}.get(auth, auth)
        labels.append(f"{family}-{name}")
    if labels:
        return " ".join(labels)
    return "WEP" if "WEP" in text else "open" if text.strip() in ("", "NONE") else text.strip()


def _width(ext: str | None) -> int:
    if ext is None:
        return 20
    return {"+1": 40, "-1": 40, "1": 40, "80": 80, "160": 160}.get(ext, 20)


def parse_airport(text: str) -> ScanParse:
    entries: list[Bss] = []
    warnings: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or ("BSSID" in line and "RSSI" in line):
            continue
        row = ROW.match(line)
        if row is None:
            warnings.append(f"airport line {number} not understood; skipped")
            continue
        channel = int(row.group("channel"))
        freq_mhz = freq_of(channel)
        ssid, hidden = decode_ssid(row.group("ssid").strip().encode("utf-8"))
        entries.append(
            Bss(
                bssid=row.group("bssid").lower(),
                ssid=ssid,
                freq_mhz=freq_mhz,
                channel=channel,
                width_mhz=_width(row.group("ext")),
                signal_dbm=float(row.group("rssi")),
                security=_security(row.group("security")),
                standard="HT" if row.group("ht") == "Y" else "legacy",
                hidden=hidden,
                band=band_of(freq_mhz),
            )
        )
    if not entries and warnings:
        raise ProbeParseError("airport output: no row has SSID BSSID RSSI CHANNEL columns")
    return ScanParse(bss=tuple(entries), format="airport", warnings=tuple(warnings))
