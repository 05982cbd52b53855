"""``nmcli -t -f FIELDS device wifi list`` terse output (``:`` separated, ``\\:`` escaped)."""

from __future__ import annotations

import re

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, channel_of, freq_of
from probes.wifi_parsers.ies import decode_ssid
from probes.wifi_parsers.model import Bss, ScanParse
from probes.wifi_parsers.percent import nm_percent_to_dbm

# What the live backend asks for; replayed files with 4 fields are the common
# ``ssid,bssid,signal,security`` layout.
LIVE_FIELDS: tuple[str, ...] = ("IN-USE", "BSSID", "SSID", "CHAN", "FREQ", "SIGNAL", "SECURITY")
SHORT_FIELDS: tuple[str, ...] = ("SSID", "BSSID", "SIGNAL", "SECURITY")
KNOWN_LAYOUTS = {len(LIVE_FIELDS): LIVE_FIELDS, len(SHORT_FIELDS): SHORT_FIELDS}
MAC_LIKE = re.compile(r"^[0-9A-Za-z]{2}(?::[0-9A-Za-z]{2}){5}$")


def split_terse(line: str) -> list[str]:
    """Split on unescaped ``:``; ``\\:`` and ``\\\\`` are literal."""
    fields: list[str] = []
    current: list[str] = []
    chars = iter(line)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ":":
            fields.append("".join(current))
            current = []
        else:
            current.append(char)
    fields.append("".join(current))
    return fields


def _security(text: str) -> str | None:
    tokens = text.split()
    if not text.strip() or tokens == ["--"]:
        return "open"
    enterprise = "802.1X" in tokens
    labels: list[str] = []
    for token in tokens:
        if token in ("WPA1", "WPA2"):
            suffix = "802.1X" if enterprise else "PSK"
            labels.append(f"{'WPA' if token == 'WPA1' else 'WPA2'}-{suffix}")
        elif token == "WPA3":
            labels.append("WPA3-802.1X" if enterprise else "WPA3-SAE")
        elif token in ("WEP", "OWE"):
            labels.append(token if token == "WEP" else "WPA3-OWE")
    return " ".join(labels) or text.strip()


def parse_nmcli(text: str, fields: tuple[str, ...] | None = None) -> ScanParse:
    entries: list[Bss] = []
    warnings: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        values = split_terse(line)
        layout = fields or KNOWN_LAYOUTS.get(len(values))
        if layout is None or len(layout) != len(values):
            raise ProbeParseError(
                f"nmcli line {number}: {len(values)} fields, expected "
                f"{' or '.join(str(n) for n in KNOWN_LAYOUTS)}; pass --param fields=A,B,..."
            )
        row = dict(zip((f.upper() for f in layout), values, strict=True))
        bssid = row.get("BSSID", "").strip().lower()
        if not MAC_LIKE.match(bssid):
            warnings.append(f"nmcli line {number}: {bssid!r} is not a BSSID; line skipped")
            continue
        freq_text = re.match(r"\d+", row.get("FREQ", ""))
        chan_text = re.match(r"\d+", row.get("CHAN", ""))
        freq_mhz = int(freq_text.group()) if freq_text else None
        channel = channel_of(freq_mhz) if freq_mhz else None
        if channel is None and chan_text:
            channel = int(chan_text.group())
            freq_mhz = freq_of(channel)
        signal_text = re.match(r"\d+", row.get("SIGNAL", ""))
        percent = float(signal_text.group()) if signal_text else None
        ssid, hidden = decode_ssid(row.get("SSID", "").encode("utf-8"))
        if row.get("SSID", "") == "--":
            ssid, hidden = None, True
        entries.append(
            Bss(
                bssid=bssid,
                ssid=ssid,
                freq_mhz=freq_mhz,
                channel=channel,
                signal_dbm=nm_percent_to_dbm(percent) if percent is not None else None,
                security=_security(row["SECURITY"]) if "SECURITY" in row else None,
                hidden=hidden,
                band=band_of(freq_mhz),
                signal_percent=percent,
                associated=row.get("IN-USE", "").strip() == "*",
            )
        )
    return ScanParse(bss=tuple(entries), format="nmcli", warnings=tuple(warnings))
