"""Windows ``netsh wlan show networks mode=bssid`` (any UI language: the labels are
recognised by position and value shape, with English/Dutch/German/Latvian names)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, freq_of
from probes.wifi_parsers.ies import decode_ssid
from probes.wifi_parsers.model import Bss, ScanParse
from probes.wifi_parsers.percent import windows_percent_to_dbm

SSID_LINE = re.compile(r"^SSID \d+\s*:\s?(.*)$")
BSSID_LINE = re.compile(r"^\s+BSSID \d+\s*:\s*((?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2})\s*$")
KEY_VALUE = re.compile(r"^\s+([^:]+?)\s*:\s*(.*?)\s*$")
CHANNEL_KEYS = {"channel", "kanaal", "kanal", "kanāls", "canal", "canale"}
AUTH_KEYS = {"authentication", "verificatie", "authentifizierung", "autentifikācija"}
RADIO_STANDARD = {"ax": "HE", "ac": "VHT", "n": "HT", "be": "EHT"}
SECURITY = {
    "open": "open",
    "wep": "WEP",
    "wpa-personal": "WPA-PSK",
    "wpa-enterprise": "WPA-802.1X",
    "wpa2-personal": "WPA2-PSK",
    "wpa2-enterprise": "WPA2-802.1X",
    "wpa3-personal": "WPA3-SAE",
    "wpa3-enterprise": "WPA3-802.1X",
}


def _standard(radio: str | None) -> str | None:
    if radio is None:
        return None
    match = re.fullmatch(r"802\.11([a-z]+)", radio.strip())
    if not match:
        return None
    return RADIO_STANDARD.get(match.group(1), "legacy")


@dataclass
class _Network:
    """The SSID block being read: its name and the security its header lines state."""

    ssid: str | None = None
    hidden: bool = False
    security: str | None = None


def _bss(fields: dict[str, str], network: _Network) -> Bss:
    percent_text = re.match(r"(\d+)\s*%", fields.get("signal", ""))
    percent = float(percent_text.group(1)) if percent_text else None
    channel = int(fields["channel"]) if fields.get("channel", "").isdigit() else None
    freq_mhz = freq_of(channel)
    return Bss(
        bssid=fields["bssid"],
        ssid=network.ssid,
        freq_mhz=freq_mhz,
        channel=channel,
        signal_dbm=windows_percent_to_dbm(percent) if percent is not None else None,
        security=network.security,
        standard=_standard(fields.get("radio")),
        hidden=network.hidden,
        band=band_of(freq_mhz),
        signal_percent=percent,
    )


def _note_network_line(network: _Network, key: str, value: str) -> None:
    if key in AUTH_KEYS or value.lower() in SECURITY:
        network.security = SECURITY.get(value.lower(), value)


def _note_bss_line(fields: dict[str, str], key: str, value: str) -> None:
    """A BSSID block's line, recognised by its value's shape whatever the UI language."""
    if value.endswith("%") and "signal" not in fields:
        fields["signal"] = value
    elif value.startswith("802.11"):
        fields["radio"] = value
    elif (key in CHANNEL_KEYS or "(" not in key) and value.isdigit() and "channel" not in fields:
        fields["channel"] = value


def parse_netsh(text: str) -> ScanParse:
    entries: list[Bss] = []
    network = _Network()
    current: dict[str, str] | None = None
    for line in text.splitlines():
        ssid_match = SSID_LINE.match(line)
        bssid_match = None if ssid_match else BSSID_LINE.match(line)
        if (ssid_match or bssid_match) and current is not None:
            entries.append(_bss(current, network))
        if ssid_match:
            current = None
            ssid, hidden = decode_ssid(ssid_match.group(1).encode("utf-8"))
            network = _Network(ssid=ssid, hidden=hidden)
            continue
        if bssid_match:
            current = {"bssid": bssid_match.group(1).lower().replace("-", ":")}
            continue
        pair = KEY_VALUE.match(line)
        if not pair:
            continue
        key, value = pair.group(1).strip().lower(), pair.group(2)
        if current is None:
            _note_network_line(network, key, value)
        else:
            _note_bss_line(current, key, value)
    if current is not None:
        entries.append(_bss(current, network))
    if not entries and text.strip():
        raise ProbeParseError("netsh output has no 'BSSID n : xx:xx:..' lines")
    return ScanParse(bss=tuple(entries), format="netsh")
