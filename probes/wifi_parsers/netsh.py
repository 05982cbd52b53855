"""Windows ``netsh wlan show networks mode=bssid`` (any UI language: the labels are
recognised by position and value shape, with English/Dutch/German/Latvian names)."""

from __future__ import annotations

import re

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


def parse_netsh(text: str) -> ScanParse:
    entries: list[Bss] = []
    ssid: str | None = None
    hidden = False
    security: str | None = None
    current: dict[str, str] | None = None

    def flush() -> None:
        if current is None:
            return
        percent_text = re.match(r"(\d+)\s*%", current.get("signal", ""))
        percent = float(percent_text.group(1)) if percent_text else None
        channel = int(current["channel"]) if current.get("channel", "").isdigit() else None
        freq_mhz = freq_of(channel)
        entries.append(
            Bss(
                bssid=current["bssid"],
                ssid=ssid,
                freq_mhz=freq_mhz,
                channel=channel,
                signal_dbm=windows_percent_to_dbm(percent) if percent is not None else None,
                security=security,
                standard=_standard(current.get("radio")),
                hidden=hidden,
                band=band_of(freq_mhz),
                signal_percent=percent,
            )
        )

    for line in text.splitlines():
        ssid_match = SSID_LINE.match(line)
        if ssid_match:
            flush()
            current = None
            ssid, hidden = decode_ssid(ssid_match.group(1).encode("utf-8"))
            security = None
            continue
        bssid_match = BSSID_LINE.match(line)
        if bssid_match:
            flush()
            current = {"bssid": bssid_match.group(1).lower().replace("-", ":")}
            continue
        pair = KEY_VALUE.match(line)
        if not pair:
            continue
        key, value = pair.group(1).strip().lower(), pair.group(2)
        if current is None:
            if key in AUTH_KEYS or value.lower() in SECURITY:
                security = SECURITY.get(value.lower(), value)
        elif value.endswith("%") and "signal" not in current:
            current["signal"] = value
        elif value.startswith("802.11"):
            current["radio"] = value
        elif (
            (key in CHANNEL_KEYS or "(" not in key) and value.isdigit() and "channel" not in current
        ):
            current["channel"] = value
    flush()
    if not entries and text.strip():
        raise ProbeParseError("netsh output has no 'BSSID n : xx:xx:..' lines")
    return ScanParse(bss=tuple(entries), format="netsh")
