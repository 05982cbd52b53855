"""Pass/warn/fail limits for a classroom's Wi-Fi, passed in (from the scoring profile)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from netsurvey.errors import ProfileError


@dataclass(frozen=True)
class WifiThresholds:
    """Defaults follow common enterprise design guidance for voice/video-grade
    coverage: -67 dBm and 25 dB SNR at the seat, at most a few co-channel BSSs."""

    pass_signal_dbm: float = -67.0
    warn_signal_dbm: float = -72.0  # below this: fail
    pass_snr_db: float = 25.0
    warn_snr_db: float = 20.0
    pass_utilization_ratio: float = 0.5
    warn_utilization_ratio: float = 0.8  # above this: fail
    max_co_channel_count: int = 2  # more BSSs sharing the channel: warn
    max_adjacent_channel_count: int = 1  # overlapping neighbours (2.4 GHz): warn
    audible_dbm: float = -82.0  # a BSS this loud defers our clients (CCA threshold)
    assumed_noise_dbm: float = -95.0  # when the scan reports no noise floor
    want_5ghz: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None, where: str = "profile") -> WifiThresholds:
        """Build from a profile section; unknown keys are an error that names them."""
        if not data:
            return cls()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ProfileError(
                    f"{where}: unknown Wi-Fi threshold {key!r}",
                    hint=f"known: {', '.join(sorted(known))}",
                )
            try:
                values[key] = (
                    bool(value) if key == "want_5ghz" else type(getattr(cls(), key))(value)
                )
            except (TypeError, ValueError):
                raise ProfileError(f"{where}: {key}={value!r} is not a number") from None
        return cls(**values)
