"""Pass/warn/fail limits for a classroom's Wi-Fi, passed in (from the scoring profile)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from netsurvey.errors import ProfileError
from netsurvey.jsontypes import JsonValue


@dataclass(frozen=True)
class WifiThresholds:
    """Defaults follow common enterprise design guidance for voice/video-grade
    coverage: -67 dBm and 25 dB SNR at the seat, at most a few co-channel BSSs."""

    pass_signal_dbm: float = -67.0
    warn_signal_dbm: float = -72.0  # below this: fail
    pass_snr_db: float = 25.0
    warn_snr_db: float = 20.0
    pass_utilisation_ratio: float = 0.5
    warn_utilisation_ratio: float = 0.8  # above this: fail
    max_co_channel_count: int = 2  # more BSSs sharing the channel: warn
    max_adjacent_channel_count: int = 1  # overlapping neighbours (2.4 GHz): warn
    audible_dbm: float = -82.0  # a BSS this loud defers our clients (CCA threshold)
    assumed_noise_dbm: float = -95.0  # when the scan reports no noise floor
    want_5ghz: bool = True

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, JsonValue] | None, where: str = "profile"
    ) -> WifiThresholds:
        """Build from a profile section; unknown keys are an error that names them."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = next((key for key in data if key not in known), None)
        if unknown is not None:
            raise ProfileError(
                f"{where}: unknown Wi-Fi threshold {unknown!r}",
                hint=f"known: {', '.join(sorted(known))}",
            )
        read = _Reader(data, where)
        d = cls()
        return cls(
            pass_signal_dbm=read.number("pass_signal_dbm", d.pass_signal_dbm),
            warn_signal_dbm=read.number("warn_signal_dbm", d.warn_signal_dbm),
            pass_snr_db=read.number("pass_snr_db", d.pass_snr_db),
            warn_snr_db=read.number("warn_snr_db", d.warn_snr_db),
            pass_utilisation_ratio=read.number("pass_utilisation_ratio", d.pass_utilisation_ratio),
            warn_utilisation_ratio=read.number("warn_utilisation_ratio", d.warn_utilisation_ratio),
            max_co_channel_count=read.count("max_co_channel_count", d.max_co_channel_count),
            max_adjacent_channel_count=read.count(
                "max_adjacent_channel_count", d.max_adjacent_channel_count
            ),
            audible_dbm=read.number("audible_dbm", d.audible_dbm),
            assumed_noise_dbm=read.number("assumed_noise_dbm", d.assumed_noise_dbm),
            want_5ghz=bool(data.get("want_5ghz", d.want_5ghz)),
        )


@dataclass(frozen=True)
class _Reader:
    """One profile section's values, each as its field's type or a ProfileError."""

    data: Mapping[str, JsonValue]
    where: str

    def _raw(self, key: str) -> int | float | str:
        value = self.data[key]
        if isinstance(value, int | float | str):
            return value
        raise ProfileError(f"{self.where}: {key}={value!r} is not a number")

    def number(self, key: str, default: float) -> float:
        if key not in self.data:
            return default
        try:
            return float(self._raw(key))
        except ValueError:
            raise ProfileError(f"{self.where}: {key}={self.data[key]!r} is not a number") from None

    def count(self, key: str, default: int) -> int:
        if key not in self.data:
            return default
        try:
            return int(self._raw(key))
        except ValueError:
            raise ProfileError(f"{self.where}: {key}={self.data[key]!r} is not a number") from None
