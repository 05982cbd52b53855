"""``iwlist IF scan`` (wireless-tools) text, including its raw ``IE: Unknown: HEX`` lines."""

from __future__ import annotations

import re

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, channel_of, freq_of
from probes.wifi_parsers.ies import (
    AKM_NAMES,
    EID_BSS_LOAD,
    decode_ssid,
    element_facts,
    iter_elements,
    security_label,
)
from probes.wifi_parsers.iw import unescape_iw
from probes.wifi_parsers.model import Bss, ScanParse

CELL = re.compile(r"Cell \d+ - Address: ((?:[0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2})")
UNKNOWN_IE = re.compile(r"IE: Unknown: ([0-9A-Fa-f]+)")
SUITES = re.compile(r"Authentication Suites \(\d+\) : (.*)")
FREQUENCY = re.compile(r"Frequency[:=](\d+(?:\.\d+)?) ?GHz")
SIGNAL_DBM = re.compile(r"Signal level[=:](-?\d+(?:\.\d+)?) ?dBm")
SIGNAL_OF_100 = re.compile(r"Signal level[=:](\d+)/100")
NOISE_DBM = re.compile(r"Noise level[=:](-?\d+(?:\.\d+)?) ?dBm")
ESSID = re.compile(r'ESSID:"(.*)"\s*$')


def _suite_names(text: str) -> list[str]:
    names: list[str] = []
    for token in text.split():
        number = re.fullmatch(r"\((\d+)\)", token)
        if token.lower() == "psk":
            names.append("PSK")
        elif token.lower() == "802.1x":
            names.append("802.1X")
        elif number:
            names.append(AKM_NAMES.get(int(number.group(1)), f"AKM-{number.group(1)}"))
    return names


def _parse_cell(bssid: str, lines: list[str]) -> Bss:
    warnings: list[str] = []
    text = "\n".join(lines)
    raw_elements = bytearray()
    for match in UNKNOWN_IE.finditer(text):
        hex_text = match.group(1)
        if len(hex_text) % 2 == 0:
            raw_elements += bytes.fromhex(hex_text)
    elements = list(iter_elements(bytes(raw_elements)))
    facts = element_facts(elements)
    rsn: list[str] | None = None
    wpa: list[str] | None = None
    current: list[str] | None = None
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("IE: IEEE 802.11i/WPA2"):
            rsn = current = []
        elif stripped.startswith("IE: WPA Version"):
            wpa = current = []
        elif stripped.startswith("IE:"):
            current = None
        suites = SUITES.match(stripped)
        if suites and current is not None:
            current += _suite_names(suites.group(1))
    freq_match = FREQUENCY.search(text)
    channel_match = re.search(r"Channel[:\s](\d+)", text)
    channel = int(channel_match.group(1)) if channel_match else facts.channel
    freq_mhz = round(float(freq_match.group(1)) * 1000) if freq_match else freq_of(channel)
    if freq_mhz is not None:
        channel = channel_of(freq_mhz) or channel
    signal = SIGNAL_DBM.search(text)
    noise = NOISE_DBM.search(text)
    percent = SIGNAL_OF_100.search(text)
    essid = ESSID.search(text)
    if essid is not None:
        ssid, hidden = decode_ssid(unescape_iw(essid.group(1)))
    else:
        ssid, hidden = facts.ssid, facts.hidden
    key = re.search(r"Encryption key:(on|off)", text)
    privacy = None if key is None else key.group(1) == "on"
    if any(eid == EID_BSS_LOAD for eid, _ in elements) and facts.bss_load is None:
        warnings.append(f"{bssid}: BSS Load element malformed; load left unknown")
    if freq_mhz is None and signal is None:
        warnings.append(f"{bssid}: entry incomplete (no frequency or signal); output truncated?")
    load = facts.bss_load
    return Bss(
        bssid=bssid,
        ssid=ssid,
        freq_mhz=freq_mhz,
        channel=channel,
        width_mhz=facts.width_mhz,
        signal_dbm=float(signal.group(1)) if signal else None,
        noise_dbm=float(noise.group(1)) if noise else None,
        security=security_label(
            rsn if rsn is not None else facts.security_rsn,
            wpa if wpa is not None else facts.security_wpa,
            privacy,
        ),
        standard=facts.standard,
        station_count=load.station_count if load else None,
        channel_utilization_ratio=load.channel_utilization_ratio if load else None,
        hidden=hidden,
        band=band_of(freq_mhz),
        signal_percent=float(percent.group(1)) if percent else None,
        warnings=tuple(warnings),
    )


def parse_iwlist_scan(text: str) -> ScanParse:
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        match = CELL.search(line)
        if match:
            cells.append((match.group(1).lower(), []))
        elif cells:
            cells[-1][1].append(line)
    if not cells:
        if "Scan completed" in text or "No scan results" in text:
            return ScanParse(bss=(), format="iwlist", warnings=("scan found no networks",))
        raise ProbeParseError("iwlist output has no 'Cell NN - Address:' entries")
    bss = tuple(_parse_cell(bssid, lines) for bssid, lines in cells)
    warnings = tuple(w for entry in bss for w in entry.warnings)
    return ScanParse(bss=bss, format="iwlist", warnings=warnings)
