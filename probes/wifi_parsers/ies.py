"""Decoding raw 802.11 information elements (iwlist's ``IE: Unknown: HEX`` lines and
scapy's ``Dot11Elt`` chains) into the few facts a survey needs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

EID_SSID = 0
EID_DS_PARAMS = 3
EID_BSS_LOAD = 11
EID_HT_CAPS = 45
EID_RSN = 48
EID_HT_OP = 61
EID_VHT_CAPS = 191
EID_VHT_OP = 192
EID_VENDOR = 221
EID_EXTENSION = 255
EXT_HE_CAPS = 35
EXT_HE_OP = 36

WPA_OUI_TYPE = b"\x00\x50\xf2\x01"

# RSN AKM suite selectors 00-0f-ac:N
AKM_NAMES: dict[int, str] = {
    1: "802.1X",
    2: "PSK",
    3: "802.1X",  # FT over 802.1X
    4: "PSK",  # FT-PSK
    5: "802.1X",  # SHA256
    6: "PSK",  # PSK-SHA256
    8: "SAE",
    9: "SAE",  # FT-SAE
    11: "802.1X-SUITE-B",
    12: "802.1X-SUITE-B",
    13: "802.1X",  # FT 802.1X SHA384
    18: "OWE",
    24: "SAE",  # SAE-EXT-KEY
}


@dataclass(frozen=True)
class BssLoad:
    station_count: int
    channel_utilization_ratio: float


def iter_elements(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield (element id, body). Stops quietly at a truncated element."""
    offset = 0
    while offset + 2 <= len(data):
        eid, length = data[offset], data[offset + 1]
        body = data[offset + 2 : offset + 2 + length]
        if len(body) < length:
            return
        yield eid, body
        offset += 2 + length


def decode_ssid(raw: bytes) -> tuple[str | None, bool]:
    """(ssid, hidden). Empty or all-NUL SSIDs are hidden; undecodable bytes stay as
    ``\\xNN`` escapes so they are visible but harmless."""
    if not raw or all(b == 0 for b in raw):
        return None, True
    text = raw.decode("utf-8", errors="backslashreplace")
    cleaned = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return cleaned, False


def parse_bss_load(body: bytes) -> BssLoad | None:
    """QBSS Load element: station count (u16 LE), channel utilisation (u8 of 255),
    admission capacity (u16). Malformed -> None."""
    if len(body) != 5:
        return None
    stations = int.from_bytes(body[0:2], "little")
    return BssLoad(station_count=stations, channel_utilization_ratio=body[2] / 255)


def ht_width_mhz(ht_op: bytes) -> int | None:
    """Width from HT Operation: secondary channel offset and STA channel width bit."""
    if len(ht_op) < 2:
        return None
    info = ht_op[1]
    secondary = info & 0x03
    any_width = bool(info & 0x04)
    return 40 if secondary in (1, 3) and any_width else 20


def vht_width_mhz(vht_op: bytes) -> int | None:
    """Width from VHT Operation: 0 -> use HT, 1 -> 80 (160 if CCFS1 is set 8 apart),
    2 -> 160, 3 -> 80+80 (reported as 160)."""
    if len(vht_op) < 3:
        return None
    width, seg0, seg1 = vht_op[0], vht_op[1], vht_op[2]
    if width == 0:
        return None
    if width == 1:
        return 160 if seg1 and abs(seg1 - seg0) == 8 else 80
    return 160


def rsn_akms(body: bytes) -> list[str]:
    """AKM names from an RSN element body (or a WPA vendor element after its OUI)."""
    try:
        offset = 2 + 4  # version, group cipher
        pairwise_count = int.from_bytes(body[offset : offset + 2], "little")
        offset += 2 + 4 * pairwise_count
        akm_count = int.from_bytes(body[offset : offset + 2], "little")
        offset += 2
        names: list[str] = []
        for index in range(akm_count):
            suite = body[offset + 4 * index : offset + 4 * index + 4]
            if len(suite) < 4:
                break
            if suite[:3] in (b"\x00\x0f\xac", b"\x00\x50\xf2"):
                names.append(AKM_NAMES.get(suite[3], f"AKM-{suite[3]}"))
        return names
    except IndexError:
        return []


def security_label(
    rsn_akm: Iterable[str] | None, wpa_akm: Iterable[str] | None, privacy: bool | None
) -> str | None:
    """Combine what the beacon says into ``"WPA-PSK WPA2-PSK"``-style labels.
    RSN with SAE (alone) is WPA3; SAE + PSK is the WPA2/WPA3 transition mode."""
    labels: list[str] = []
    if wpa_akm is not None:
        labels += [f"WPA-{a}" for a in _unique(wpa_akm or ["?"])]
    if rsn_akm is not None:
        for akm in _unique(rsn_akm or ["?"]):
            if akm in ("SAE", "OWE") or akm.startswith("802.1X-SUITE-B"):
                labels.append(f"WPA3-{akm}")
            else:
                labels.append(f"WPA2-{akm}")
    if labels:
        return " ".join(labels)
    if privacy is None:
        return None
    return "WEP" if privacy else "open"


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


@dataclass(frozen=True)
class ElementFacts:
    """What a chain of information elements says about a BSS."""

    ssid: str | None
    hidden: bool
    ssid_present: bool
    channel: int | None
    width_mhz: int | None
    standard: str
    security_rsn: tuple[str, ...] | None
    security_wpa: tuple[str, ...] | None
    bss_load: BssLoad | None
    bss_load_malformed: bool


@dataclass
class _ElementScan:
    """Facts gathered while walking one chain of elements; the first SSID element wins."""

    ssid: str | None = None
    hidden: bool = False
    ssid_present: bool = False
    channel: int | None = None
    ht_op: bytes | None = None
    vht_op: bytes | None = None
    has_ht: bool = False
    has_vht: bool = False
    has_he: bool = False
    rsn: tuple[str, ...] | None = None
    wpa: tuple[str, ...] | None = None
    load: BssLoad | None = None
    load_malformed: bool = False

    def take(self, eid: int, body: bytes) -> None:
        if eid in (EID_SSID, EID_DS_PARAMS, EID_BSS_LOAD):
            self._take_identity(eid, body)
        elif eid in (EID_HT_CAPS, EID_HT_OP, EID_VHT_CAPS, EID_VHT_OP, EID_EXTENSION):
            self._take_phy(eid, body)
        elif eid == EID_RSN:
            self.rsn = tuple(rsn_akms(body))
        elif eid == EID_VENDOR and body.startswith(WPA_OUI_TYPE):
            self.wpa = tuple(rsn_akms(body[4:]))

    def _take_identity(self, eid: int, body: bytes) -> None:
        if eid == EID_SSID and not self.ssid_present:
            self.ssid, self.hidden = decode_ssid(body)
            self.ssid_present = True
        elif eid == EID_DS_PARAMS and len(body) >= 1:
            self.channel = body[0]
        elif eid == EID_BSS_LOAD:
            self.load = parse_bss_load(body)
            self.load_malformed = self.load is None

    def _take_phy(self, eid: int, body: bytes) -> None:
        if eid == EID_HT_CAPS:
            self.has_ht = True
        elif eid == EID_HT_OP:
            self.has_ht = True
            self.ht_op = body
            if self.channel is None and body:
                self.channel = body[0]
        elif eid == EID_VHT_CAPS:
            self.has_vht = True
        elif eid == EID_VHT_OP:
            self.has_vht = True
            self.vht_op = body
        elif eid == EID_EXTENSION and body and body[0] in (EXT_HE_CAPS, EXT_HE_OP):
            self.has_he = True

    def width_mhz(self) -> int:
        vht = vht_width_mhz(self.vht_op) if self.vht_op else None
        return vht or (ht_width_mhz(self.ht_op) if self.ht_op else None) or 20

    def standard(self) -> str:
        if self.has_he:
            return "HE"
        if self.has_vht:
            return "VHT"
        return "HT" if self.has_ht else "legacy"


def element_facts(elements: Iterable[tuple[int, bytes]]) -> ElementFacts:
    scan = _ElementScan()
    for eid, body in elements:
        scan.take(eid, body)
    return ElementFacts(
        ssid=scan.ssid,
        hidden=scan.hidden,
        ssid_present=scan.ssid_present,
        channel=scan.channel,
        width_mhz=scan.width_mhz(),
        standard=scan.standard(),
        security_rsn=scan.rsn,
        security_wpa=scan.wpa,
        bss_load=scan.load,
        bss_load_malformed=scan.load_malformed,
    )
