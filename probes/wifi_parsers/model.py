"""The one shape every Wi-Fi parser returns: a ``Bss`` per access-point radio/SSID."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

BSS_FIELDS: tuple[str, ...] = (
    "bssid",
    "ssid",
    "freq_mhz",
    "channel",
    "width_mhz",
    "signal_dbm",
    "noise_dbm",
    "security",
    "standard",
    "station_count",
    "channel_utilization_ratio",
)


@dataclass(frozen=True)
class Bss:
    """One basic service set as a scan saw it. Unknown values are None, never 0.

    ``ssid`` is None for a hidden network; bytes that are not UTF-8 are kept as
    ``\\xNN`` escapes. ``security`` is a space-separated list such as ``"WPA2-PSK"``,
    ``"WPA-PSK WPA2-PSK"``, ``"WPA3-SAE"``, ``"WPA2-802.1X"``, ``"WEP"`` or ``"open"``.
    ``standard`` is the newest of ``"HE"``, ``"VHT"``, ``"HT"`` the BSS advertises,
    ``"legacy"`` when it advertises none of them, None when the scan does not say.
    ``signal_percent`` is set by tools that report a quality percentage instead of
    dBm (nmcli, netsh); ``signal_dbm`` is then an estimate derived from it.
    """

    bssid: str
    ssid: str | None = None
    freq_mhz: int | None = None
    channel: int | None = None
    width_mhz: int | None = None
    signal_dbm: float | None = None
    noise_dbm: float | None = None
    security: str | None = None
    standard: str | None = None
    station_count: int | None = None
    channel_utilization_ratio: float | None = None
    hidden: bool = False
    band: str | None = None
    signal_percent: float | None = None
    associated: bool = False
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Bss:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["warnings"] = tuple(known.get("warnings") or ())
        return cls(**known)


@dataclass(frozen=True)
class Link:
    """The link the laptop is connected on (``iw link`` / ``station dump`` / iwconfig)."""

    connected: bool
    bssid: str | None = None
    ssid: str | None = None
    freq_mhz: int | None = None
    channel: int | None = None
    signal_dbm: float | None = None
    signal_avg_dbm: float | None = None
    tx_bitrate_bps: float | None = None
    rx_bitrate_bps: float | None = None
    tx_mcs: int | None = None
    rx_mcs: int | None = None
    nss: int | None = None
    width_mhz: int | None = None
    standard: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScanParse:
    """What a scan parser returns: the BSS list plus what it had to skip or guess."""

    bss: tuple[Bss, ...]
    format: str
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkParse:
    """What a link parser returns: the link plus what it left out or could not read."""

    link: Link
    warnings: tuple[str, ...] = ()
    interface: str | None = None  # the interface read, where the output names several
