"""Recognise a recorded Wi-Fi tool output and send it to the right parser."""

from __future__ import annotations

import re

from probes.base import ProbeParseError
from probes.wifi_parsers.airport import parse_airport
from probes.wifi_parsers.iw import parse_iw_link, parse_iw_scan, parse_station_dump
from probes.wifi_parsers.iwconfig import read_iwconfig
from probes.wifi_parsers.iwlist import parse_iwlist_scan
from probes.wifi_parsers.model import Link, LinkParse, ScanParse
from probes.wifi_parsers.netsh import parse_netsh
from probes.wifi_parsers.nmcli import parse_nmcli
from probes.wifi_parsers.pcap import parse_pcap

SCAN_FORMATS: tuple[str, ...] = ("iw", "iwlist", "nmcli", "pcap", "netsh", "airport")
LINK_FORMATS: tuple[str, ...] = ("iw-link", "station-dump", "iwconfig")
PCAP_MAGIC = (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
NMCLI_BSSID = re.compile(r"(?:[0-9A-Za-z]{2}\\:){5}[0-9A-Za-z]{2}")


def detect_format(data: bytes) -> str:
    """Name of the format of ``data`` (scan or link), or ProbeParseError."""
    if data[:4] in PCAP_MAGIC or data[:4] == PCAPNG_MAGIC:
        return "pcap"
    text = data[:65536].decode("utf-8", errors="replace")
    if re.search(r"^BSS [0-9A-Za-z*?]{2}:", text, re.MULTILINE):  # hex, or masked (xx:)
        return "iw"
    if re.search(r"Cell \d+ - Address:", text) or "Scan completed" in text:
        return "iwlist"
    if re.search(r"^Connected to |^Not connected\.", text, re.MULTILINE):
        return "iw-link"
    if re.search(r"^Station [0-9A-Fa-f]{2}:", text, re.MULTILINE):
        return "station-dump"
    if re.search(r"^\s+BSSID \d+\s*:", text, re.MULTILINE):
        return "netsh"
    if re.search(r"^\s*SSID BSSID\s+RSSI", text, re.MULTILINE):
        return "airport"
    if "IEEE 802.11" in text and "ESSID" in text:
        return "iwconfig"
    if NMCLI_BSSID.search(text):
        return "nmcli"
    raise ProbeParseError(
        "cannot tell which tool wrote this file (expected iw, iwlist, nmcli -t, netsh, "
        "airport or a pcap); name it with --param format=iw|iwlist|nmcli|pcap"
    )


def parse_scan(
    data: bytes, fmt: str | None = None, nmcli_fields: tuple[str, ...] | None = None
) -> ScanParse:
    """Parse a recorded scan; ``fmt`` None means detect."""
    fmt = fmt or detect_format(data)
    if fmt == "pcap":
        return parse_pcap(data)
    if fmt in ("iw", "iwlist"):
        # surrogateescape keeps raw SSID bytes, which the parsers turn into \xNN escapes.
        raw_text = data.decode("utf-8", errors="surrogateescape")
        return parse_iw_scan(raw_text) if fmt == "iw" else parse_iwlist_scan(raw_text)
    text = data.decode("utf-8", errors="replace")
    if fmt == "nmcli":
        return parse_nmcli(text, nmcli_fields)
    if fmt == "netsh":
        return parse_netsh(text)
    if fmt == "airport":
        return parse_airport(text)
    if fmt in LINK_FORMATS:
        raise ProbeParseError(
            f"this file is {fmt} output (the connected link), not a scan; "
            "use the wifi_link probe for it"
        )
    raise ProbeParseError(f"unknown scan format {fmt!r}; use one of {', '.join(SCAN_FORMATS)}")


def read_link(data: bytes, fmt: str | None = None, interface: str | None = None) -> LinkParse:
    """The link in ``data``; ``interface`` picks one where the output holds several
    (iwconfig without an interface name), the others are named in the warnings."""
    fmt = fmt or detect_format(data)
    text = data.decode("utf-8", errors="replace")
    if fmt == "iw-link":
        return LinkParse(parse_iw_link(text))
    if fmt == "station-dump":
        return LinkParse(parse_station_dump(text))
    if fmt == "iwconfig":
        parsed = read_iwconfig(text, interface)
        return LinkParse(parsed.link, parsed.warnings, parsed.interface)
    raise ProbeParseError(f"{fmt!r} is not a link format; use one of {', '.join(LINK_FORMATS)}")


def parse_link(data: bytes, fmt: str | None = None, interface: str | None = None) -> Link:
    return read_link(data, fmt, interface).link
