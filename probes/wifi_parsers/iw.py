"""``iw dev IF scan``, ``iw dev IF link`` and ``iw dev IF station dump`` text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from probes.base import ProbeParseError
from probes.wifi_parsers.channels import band_of, channel_of
from probes.wifi_parsers.ies import decode_ssid, security_label
from probes.wifi_parsers.model import Bss, Link, ScanParse

MAC = r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}"
BSS_HEADER = re.compile(rf"^BSS ({MAC})\s*(?:\(on (\S+)\))?(.*)$")
# A BSSID masked by whoever shared the file: "xx:xx:xx:xx:3e:41", "yy:yy:yy:yy:yy:yy".
MASKED_MAC = r"[0-9A-Za-z*?]{2}(?::[0-9A-Za-z*?]{2}){5}"
REDACTED_HEADER = re.compile(rf"^BSS ({MASKED_MAC})\s*(?:\(on (\S+)\))?(.*)$")
BROKEN_HEADER = re.compile(r"^BSS\b")
ESCAPE = re.compile(rb"\\x([0-9A-Fa-f]{2})")
AUTH_SUITE = {"PSK": "PSK", "802.1X": "802.1X", "IEEE": "802.1X", "SAE": "SAE", "OWE": "OWE"}
UNKNOWN_AKM = re.compile(r"00-0f-ac:(\d+)")
AKM_BY_NUMBER = {1: "802.1X", 2: "PSK", 8: "SAE", 9: "SAE", 18: "OWE", 24: "SAE"}


def unescape_iw(text: str) -> bytes:
    """iw prints SSID bytes outside printable ASCII (and edge spaces, backslash) as \\xNN."""
    raw = text.encode("utf-8", errors="surrogateescape")
    return ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


@dataclass
class _Section:
    name: str
    lines: list[str] = field(default_factory=list)


@dataclass
class _Block:
    bssid: str
    associated: bool
    sections: list[_Section] = field(default_factory=list)

    def value(self, name: str) -> str | None:
        for section in self.sections:
            if section.name == name and section.lines:
                return section.lines[0]
        return None

    def has(self, *names: str) -> bool:
        return any(s.name in names for s in self.sections)

    def items(self, name: str) -> Iterator[str]:
        for section in self.sections:
            if section.name == name:
                yield from section.lines[1:]


KEY_LINE = re.compile(r"^\s*(\* )?(BSS |freq|signal|SSID|station count|channel utili)")


def drop_cut_line(text: str) -> tuple[str, list[str]]:
    """Output cut off mid-line (no newline at the end): its last line may hold half a
    number (``signal: -6``), so it is ignored; said when it held something we read."""
    if not text or text.endswith("\n"):
        return text, []
    head, _, last = text.rpartition("\n")
    if KEY_LINE.match(last):
        return head, [f"output ends mid-line (truncated); ignored {last.strip()[:40]!r}"]
    return head, []


def _split_blocks(text: str) -> tuple[list[_Block], list[str]]:
    text, warnings = drop_cut_line(text)
    blocks: list[_Block] = []
    base_indent: int | None = None
    current: _Block | None = None
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.expandtabs(8).rstrip()
        if not line.strip():
            continue
        header = BSS_HEADER.match(line) or REDACTED_HEADER.match(line)
        if header:
            current = _Block(header.group(1).lower(), "associated" in header.group(3))
            blocks.append(current)
            base_indent = None
            continue
        if BROKEN_HEADER.match(line):
            warnings.append(f"line {number}: BSS header cut off ({line.strip()[:40]!r}); skipped")
            current = None
            continue
        if current is None:
            continue
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        if base_indent is None:
            base_indent = indent
        if indent <= base_indent and not stripped.startswith("*"):
            name, _, rest = stripped.partition(":")
            section = _Section(name.strip())
            rest = rest.strip()
            section.lines.append("" if rest.startswith("*") else rest)
            if rest.startswith("*"):
                section.lines.append(rest.lstrip("* ").strip())
            current.sections.append(section)
        elif current.sections:
            current.sections[-1].lines.append(stripped.lstrip("* ").strip())
    return blocks, warnings


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    match = re.search(r"-?\d+(?:\.\d+)?", text)
    return float(match.group()) if match else None


def _sub(block: _Block, section: str, key: str) -> str | None:
    for item in block.items(section):
        name, sep, value = item.partition(":")
        if sep and name.strip().lower() == key:
            return value.strip()
    return None


def _akms(block: _Block, section: str) -> tuple[str, ...] | None:
    if not block.has(section):
        return None
    suites = _sub(block, section, "authentication suites") or ""
    names: list[str] = []
    for token in suites.replace("/", " ").split():
        unknown = UNKNOWN_AKM.match(token)
        if unknown:
            names.append(AKM_BY_NUMBER.get(int(unknown.group(1)), f"AKM-{unknown.group(1)}"))
        elif token in AUTH_SUITE:
            names.append(AUTH_SUITE[token])
    return tuple(names)


def _width_mhz(block: _Block) -> int:
    vht_width = _sub(block, "VHT operation", "channel width")
    if vht_width:
        code = vht_width.split()[0]
        seg1 = _number(_sub(block, "VHT operation", "center freq segment 1"))
        seg2 = _number(_sub(block, "VHT operation", "center freq segment 2"))
        if code == "1":
            return 160 if seg1 and seg2 and abs(seg2 - seg1) == 8 else 80
        if code in ("2", "3"):
            return 160
    offset = _sub(block, "HT operation", "secondary channel offset")
    sta_width = _sub(block, "HT operation", "sta channel width")
    if offset in ("above", "below") and sta_width == "any":
        return 40
    return 20


def _standard(block: _Block) -> str:
    if block.has("EHT capabilities", "EHT operation", "EHT Operation"):
        return "EHT"
    if block.has("HE capabilities", "HE Operation", "HE operation"):
        return "HE"
    if block.has("VHT capabilities", "VHT operation"):
        return "VHT"
    if block.has("HT capabilities", "HT operation"):
        return "HT"
    return "legacy"


def _bss_load(block: _Block) -> tuple[int | None, float | None, list[str]]:
    if not block.has("BSS Load"):
        return None, None, []
    stations = _number(_sub(block, "BSS Load", "station count"))
    utilisation = _sub(block, "BSS Load", "channel utilisation") or _sub(
        block, "BSS Load", "channel utilization"
    )
    match = re.fullmatch(r"(\d+)\s*/\s*255", utilisation or "")
    if stations is None or match is None or int(match.group(1)) > 255:
        return None, None, [f"{block.bssid}: BSS Load element malformed; load left unknown"]
    return int(stations), int(match.group(1)) / 255, []


def _block_to_bss(block: _Block) -> Bss:
    warnings: list[str] = []
    freq = _number(block.value("freq"))
    freq_mhz = int(freq) if freq is not None else None
    signal = _number(block.value("signal"))
    ssid_value = block.value("SSID")
    if ssid_value is None:
        ssid, hidden = None, block.has("SSID")
    else:
        ssid, hidden = decode_ssid(unescape_iw(ssid_value))
    channel = channel_of(freq_mhz)
    ds_channel = _number(block.value("DS Parameter set"))
    if channel is None and ds_channel is not None:
        channel = int(ds_channel)
    if freq_mhz is None or signal is None:
        warnings.append(f"{block.bssid}: entry incomplete (no freq or signal); output truncated?")
    capability = block.value("capability") or ""
    privacy = "Privacy" in capability if block.has("capability") else None
    stations, utilisation, load_warnings = _bss_load(block)
    warnings += load_warnings
    return Bss(
        bssid=block.bssid,
        ssid=ssid,
        freq_mhz=freq_mhz,
        channel=channel,
        width_mhz=_width_mhz(block),
        signal_dbm=signal,
        noise_dbm=None,
        security=security_label(_akms(block, "RSN"), _akms(block, "WPA"), privacy),
        standard=_standard(block),
        station_count=stations,
        channel_utilization_ratio=utilisation,
        hidden=hidden,
        band=band_of(freq_mhz),
        associated=block.associated,
        warnings=tuple(warnings),
    )


def parse_iw_scan(text: str) -> ScanParse:
    blocks, warnings = _split_blocks(text)
    if not blocks:
        if text.strip():
            raise ProbeParseError(
                "iw scan output has no 'BSS xx:xx:xx:xx:xx:xx' entries; is this an iw scan?"
            )
        return ScanParse(bss=(), format="iw", warnings=("scan found no networks",))
    bss = tuple(_block_to_bss(block) for block in blocks)
    for entry in bss:
        warnings.extend(entry.warnings)
    warnings.extend(redacted_warnings(bss))
    return ScanParse(bss=bss, format="iw", warnings=tuple(warnings))


def is_redacted(bssid: str) -> bool:
    return re.fullmatch(MAC, bssid) is None


def redacted_warnings(bss: tuple[Bss, ...]) -> list[str]:
    """One warning naming the BSSIDs someone masked before sharing the file."""
    masked = [b.bssid for b in bss if is_redacted(b.bssid)]
    if not masked:
        return []
    shown = ", ".join(dict.fromkeys(masked))
    twins = len(masked) - len(set(masked))
    return [
        f"{len(masked)} BSSID(s) in this file are redacted ({shown}): their SSID, signal "
        "and channel are kept, but they cannot be matched to an access point or told "
        "apart by BSSID" + (f" ({twins} share the same masked text)" if twins else "")
    ]


# --------------------------------------------------------------------------- link

BITRATE = re.compile(r"(?P<rate>\d+(?:\.\d+)?)\s*MBit/s(?P<rest>.*)", re.IGNORECASE)


@dataclass(frozen=True)
class Bitrate:
    bps: float | None
    mcs: int | None
    nss: int | None
    width_mhz: int | None
    standard: str | None


def parse_bitrate(text: str | None) -> Bitrate:
    """'866.7 MBit/s VHT-MCS 9 80MHz short GI VHT-NSS 2' and the HT/HE/legacy kin."""
    if not text:
        return Bitrate(None, None, None, None, None)
    match = BITRATE.search(text)
    if not match:
        return Bitrate(None, None, None, None, None)
    rest = match.group("rest")
    bps = float(match.group("rate")) * 1e6
    width_match = re.search(r"(\d+)\s*MHz", rest)
    width = int(width_match.group(1)) if width_match else None
    for prefix in ("EHT", "HE", "VHT"):
        mcs = re.search(rf"{prefix}-MCS (\d+)", rest)
        if mcs:
            nss = re.search(rf"{prefix}-NSS (\d+)", rest)
            return Bitrate(
                bps, int(mcs.group(1)), int(nss.group(1)) if nss else None, width or 20, prefix
            )
    ht = re.search(r"\bMCS (\d+)", rest)
    if ht:
        index = int(ht.group(1))
        return Bitrate(bps, index, index // 8 + 1, width or 20, "HT")
    return Bitrate(bps, None, 1, width or 20, "legacy")


def _fields(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition(":")
        if sep and name and name.lower() not in values:
            values[name.strip().lower()] = value.strip()
    return values


def parse_iw_link(text: str) -> Link:
    stripped = text.strip()
    if stripped.startswith("Not connected"):
        return Link(connected=False)
    header = re.search(rf"Connected to ({MAC})", text)
    if header is None:
        raise ProbeParseError("iw link output has no 'Connected to' or 'Not connected.' line")
    return _link_from_fields(header.group(1).lower(), _fields(text))


def parse_station_dump(text: str) -> Link:
    header = re.search(rf"Station ({MAC})", text)
    if header is None:
        if not text.strip():
            return Link(connected=False)
        raise ProbeParseError("station dump has no 'Station xx:xx:..' line")
    first = text[header.start() :]
    following = re.search(rf"\nStation {MAC}", first)
    return _link_from_fields(
        header.group(1).lower(), _fields(first[: following.start()] if following else first)
    )


def _link_from_fields(bssid: str, values: dict[str, str]) -> Link:
    tx = parse_bitrate(values.get("tx bitrate"))
    rx = parse_bitrate(values.get("rx bitrate"))
    freq = _number(values.get("freq"))
    freq_mhz = int(freq) if freq is not None else None
    ssid_raw = values.get("ssid")
    ssid = decode_ssid(unescape_iw(ssid_raw))[0] if ssid_raw is not None else None
    return Link(
        connected=True,
        bssid=bssid,
        ssid=ssid,
        freq_mhz=freq_mhz,
        channel=channel_of(freq_mhz),
        signal_dbm=_number(values.get("signal")),
        signal_avg_dbm=_number(values.get("signal avg")),
        tx_bitrate_bps=tx.bps,
        rx_bitrate_bps=rx.bps,
        tx_mcs=tx.mcs,
        rx_mcs=rx.mcs,
        nss=tx.nss or rx.nss,
        width_mhz=tx.width_mhz or rx.width_mhz,
        standard=tx.standard or rx.standard,
    )
