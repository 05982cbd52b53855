"""Parsers for Wi-Fi scan and link output, one module per tool format.

``parse_scan(data, fmt=None)`` -> ``ScanParse`` (BSS list + warnings);
``parse_link(data, fmt=None, interface=None)`` -> ``Link`` (``read_link`` adds the
warnings); ``detect_format(data)`` names the tool.
"""

from probes.wifi_parsers.detect import (
    LINK_FORMATS,
    SCAN_FORMATS,
    detect_format,
    parse_link,
    parse_scan,
    read_link,
)
from probes.wifi_parsers.model import BSS_FIELDS, Bss, Link, LinkParse, ScanParse

__all__ = [
    "BSS_FIELDS",
    "LINK_FORMATS",
    "SCAN_FORMATS",
    "Bss",
    "Link",
    "LinkParse",
    "ScanParse",
    "detect_format",
    "parse_link",
    "parse_scan",
    "read_link",
]
