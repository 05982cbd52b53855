"""BSSID -> access point, from what SNMP/SSH learnt about the school's devices.

An AP radio sends several BSSIDs (one per SSID) derived from its base MAC, usually
differing only in the last octet; so a BSSID matches an AP when it equals one of its
MACs, else shares the first five octets and the high nibble of the last one, else
shares the first five octets with the MACs of exactly one AP."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from probes.device import Device


@dataclass(frozen=True)
class ApEntry:
    mac: str
    ap_name: str
    device_id: str | None = None
    room: str | None = None


def _normal_mac(text: object) -> str | None:
    if not isinstance(text, str):
        return None
    hex_digits = "".join(c for c in text.lower() if c in "0123456789abcdef")
    if len(hex_digits) != 12 or hex_digits == "0" * 12:
        return None
    return ":".join(hex_digits[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True)
class ApIndex:
    entries: tuple[ApEntry, ...] = ()

    def lookup(self, bssid: str | None) -> ApEntry | None:
        mac = _normal_mac(bssid)
        if mac is None:
            return None
        for entry in self.entries:
            if entry.mac == mac:
                return entry
        for entry in self.entries:
            if entry.mac[:15] == mac[:15] and entry.mac[15] == mac[15]:
                return entry
        # Radios numbered by the high nibble (base+0x10, +0x20...): accept the shared
        # five-octet prefix when it points at one AP only.
        family = {e.ap_name: e for e in self.entries if e.mac[:14] == mac[:14]}
        return next(iter(family.values())) if len(family) == 1 else None

    @classmethod
    def from_devices(
        cls, devices: Mapping[str, Device], rooms: Mapping[str, str | None]
    ) -> ApIndex:
        """``devices``: device id -> the visit's merged SNMP/SSH view of it
        (``netsurvey.devices.merged_devices``); ``rooms``: device id -> room from the
        inventory."""
        entries: list[ApEntry] = []
        for device_id, device in devices.items():
            wireless = device.wireless
            if wireless is None:
                continue
            for ap in wireless.access_points:
                mac = _normal_mac(ap.mac)
                if mac and ap.name:
                    entries.append(ApEntry(mac, ap.name, device_id, rooms.get(ap.name)))
            if not wireless.radios:
                continue
            for interface in device.interfaces:
                mac = _normal_mac(interface.mac)
                if mac:  # named by its inventory id: the name the school knows it by
                    entries.append(ApEntry(mac, device_id, device_id, rooms.get(device_id)))
        return cls(tuple(entries))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> ApIndex:
        """A hand-written ``{bssid: ap name}`` table (for APs no probe could read)."""
        entries = [
            ApEntry(mac, name) for bssid, name in mapping.items() if (mac := _normal_mac(bssid))
        ]
        return cls(tuple(entries))

    def merged(self, other: ApIndex) -> ApIndex:
        return ApIndex(self.entries + other.entries)
