"""802.11 captures (pcap/pcapng, radiotap or plain 802.11): beacons and probe
responses become one ``Bss`` per BSSID, signal and noise are medians over frames."""

from __future__ import annotations

import io
import logging
import statistics
import struct
from dataclasses import dataclass, field
from typing import Any

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, channel_of, freq_of
from probes.wifi_parsers.ies import element_facts, security_label
from probes.wifi_parsers.model import Bss, ScanParse

logger = logging.getLogger(__name__)


@dataclass
class _Seen:
    bssid: str
    elements: list[tuple[int, bytes]]
    from_beacon: bool
    privacy: bool
    signals_dbm: list[float] = field(default_factory=list)
    noises_dbm: list[float] = field(default_factory=list)
    freqs_mhz: list[int] = field(default_factory=list)


def _elements(frame: Any) -> list[tuple[int, bytes]]:
    from scapy.layers.dot11 import Dot11Elt

    found: list[tuple[int, bytes]] = []
    element = frame.getlayer(Dot11Elt)
    while isinstance(element, Dot11Elt):
        info = bytes(getattr(element, "info", None) or b"")
        found.append((int(element.ID), info))
        element = element.payload
    return found


def _radiotap_value(frame: Any, name: str) -> Any:
    from scapy.layers.dot11 import RadioTap

    if not frame.haslayer(RadioTap):
        return None
    return getattr(frame[RadioTap], name, None)


DLT_IEEE802_11 = 105
DLT_RADIOTAP = 127
BEACON_OR_PROBE_RESPONSE = (0x80, 0x50)  # first frame-control byte (type 0, subtype 8/5)


def _wanted(raw: bytes, linktype: int) -> bool:
    """Cheap look at the 802.11 frame control so that only beacons and probe responses
    are dissected by scapy (a capture is mostly data frames, and dissecting is slow)."""
    offset = 0
    if linktype == DLT_RADIOTAP:
        if len(raw) < 4:
            return False
        offset = int.from_bytes(raw[2:4], "little")
    return len(raw) > offset and raw[offset] in BEACON_OR_PROBE_RESPONSE


def _dissect(raw: bytes, linktype: int) -> Any:
    from scapy.layers.dot11 import Dot11, RadioTap

    return RadioTap(raw) if linktype == DLT_RADIOTAP else Dot11(raw)


def _read_frames(data: bytes) -> tuple[int, list[Any]]:
    """(frames in the capture, the beacon/probe-response frames dissected)."""
    from scapy.error import Scapy_Exception
    from scapy.utils import PcapNgReader, RawPcapReader

    total = 0
    frames: list[Any] = []
    stream: Any = io.BytesIO(data)  # the readers take a file object as well as a path
    try:
        if data[:4] == b"\x0a\x0d\x0d\x0a":
            with PcapNgReader(stream) as reader:
                for frame in reader:
                    total += 1
                    frames.append(frame)
            return total, frames
        with RawPcapReader(stream) as reader:
            linktype = int(reader.linktype)
            for raw, _meta in reader:
                total += 1
                if linktype not in (DLT_RADIOTAP, DLT_IEEE802_11):
                    raise ProbeParseError(
                        f"capture link type {linktype} is not 802.11; capture on a "
                        "monitor-mode interface (radiotap)"
                    )
                if _wanted(raw, linktype):
                    try:
                        frames.append(_dissect(raw, linktype))
                    except (struct.error, Scapy_Exception, IndexError, ValueError):
                        logger.debug("skipped a frame scapy cannot dissect (%d bytes)", len(raw))
    except (Scapy_Exception, EOFError, ValueError, OSError, struct.error) as exc:
        if isinstance(exc, ProbeParseError):
            raise
        if not total:
            raise ProbeParseError(f"not a readable pcap/pcapng capture ({exc})") from None
        logger.debug("capture truncated after %d frames: %s", total, exc)
    return total, frames


def pcap_cut_short(data: bytes) -> bool:
    """Does a classic pcap end in the middle of a frame? (pcapng is not checked.)"""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        order = "little"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        order = "big"
    else:
        return False
    offset = 24
    while offset + 16 <= len(data):
        captured = int.from_bytes(data[offset + 8 : offset + 12], order)  # type: ignore[arg-type]
        offset += 16 + captured
    return offset != len(data)


def parse_pcap(data: bytes) -> ScanParse:
    from scapy.layers.dot11 import Dot11, Dot11Beacon, Dot11ProbeResp

    total, frames = _read_frames(data)
    seen: dict[str, _Seen] = {}
    for frame in frames:
        is_beacon = frame.haslayer(Dot11Beacon)
        if not (is_beacon or frame.haslayer(Dot11ProbeResp)):
            continue
        bssid = str(frame[Dot11].addr3).lower()
        layer = frame[Dot11Beacon] if is_beacon else frame[Dot11ProbeResp]
        privacy = "privacy" in str(layer.cap)
        entry = seen.get(bssid)
        if entry is None or (is_beacon and not entry.from_beacon):
            # A beacon describes the BSS better than a probe response does.
            previous = entry
            entry = _Seen(bssid, _elements(frame), is_beacon, privacy)
            if previous is not None:
                entry.signals_dbm, entry.noises_dbm = previous.signals_dbm, previous.noises_dbm
                entry.freqs_mhz = previous.freqs_mhz
            seen[bssid] = entry
        signal = _radiotap_value(frame, "dBm_AntSignal")
        noise = _radiotap_value(frame, "dBm_AntNoise")
        freq = _radiotap_value(frame, "ChannelFrequency")
        if signal is not None:
            entry.signals_dbm.append(float(signal))
        if noise is not None:
            entry.noises_dbm.append(float(noise))
        if freq:
            entry.freqs_mhz.append(int(freq))
    if not total:
        return ScanParse(bss=(), format="pcap", warnings=("capture holds no frames",))
    bss = tuple(_to_bss(entry) for entry in seen.values())
    warnings = [w for b in bss for w in b.warnings]
    if pcap_cut_short(data):
        warnings.insert(0, "capture is truncated (ends mid-frame); its last frame is incomplete")
    if not bss:
        warnings.append(f"capture holds {total} frames but no beacon or probe response")
    return ScanParse(bss=bss, format="pcap", warnings=tuple(warnings))


def _to_bss(entry: _Seen) -> Bss:
    facts = element_facts(entry.elements)
    warnings: list[str] = []
    # The capture channel can differ from the BSS's own (a neighbour channel leaks
    # in), so the channel the beacon announces wins over the radiotap frequency.
    heard_mhz = statistics.mode(entry.freqs_mhz) if entry.freqs_mhz else None
    channel = facts.channel or channel_of(heard_mhz)
    freq_mhz = freq_of(channel, band_of(heard_mhz)) or heard_mhz
    if facts.bss_load_malformed:
        warnings.append(f"{entry.bssid}: BSS Load element malformed; load left unknown")
    load = facts.bss_load
    return Bss(
        bssid=entry.bssid,
        ssid=facts.ssid,
        freq_mhz=freq_mhz,
        channel=channel,
        width_mhz=facts.width_mhz,
        signal_dbm=statistics.median(entry.signals_dbm) if entry.signals_dbm else None,
        noise_dbm=statistics.median(entry.noises_dbm) if entry.noises_dbm else None,
        security=security_label(facts.security_rsn, facts.security_wpa, entry.privacy),
        standard=facts.standard,
        station_count=load.station_count if load else None,
        channel_utilization_ratio=load.channel_utilization_ratio if load else None,
        hidden=facts.hidden or not facts.ssid_present,
        band=band_of(freq_mhz),
        warnings=tuple(warnings),
    )
