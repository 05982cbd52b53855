"""The iperf3 test taken at a survey point (``details.iperf`` of a ``wifi_point``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from netsurvey.jsontypes import JsonObject, JsonValue
from netsurvey.numbers import finite_float


def _texts(value: JsonValue | None) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _text(value: JsonValue | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class PointIperf:
    """``valid`` only when the test ran ok and the laptop stayed on one BSSID;
    ``status`` is then "ok", else "failed" (``error`` says why) or "invalid"
    (``reason`` says which BSSIDs it saw)."""

    server: str
    direction: str
    status: str
    valid: bool
    throughput_bps: float | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None  # the probe failed: no warnings then
    bssids_seen: tuple[str, ...] = ()
    reason: str | None = None
    link_problems: tuple[str, ...] = ()

    @property
    def valid_throughput_bps(self) -> float | None:
        """The throughput when the test counts, else None."""
        return self.throughput_bps if self.valid else None

    @property
    def problem(self) -> str:
        """Why the test does not count, in one phrase."""
        return self.reason or self.error or self.status

    def to_json(self) -> JsonObject:
        data: JsonObject = {
            "server": self.server,
            "direction": self.direction,
            "status": self.status,
            "throughput_bps": self.throughput_bps,
        }
        if self.error is None:
            data["warnings"] = list(self.warnings)
        else:
            data["error"] = self.error
        data["bssids_seen"] = list(self.bssids_seen)
        data["valid"] = self.valid
        if self.reason is not None:
            data["reason"] = self.reason
        if self.link_problems:
            data["link_problems"] = list(self.link_problems)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, JsonValue]) -> PointIperf:
        return cls(
            server=str(data.get("server") or ""),
            direction=str(data.get("direction") or ""),
            status=str(data.get("status") or ""),
            valid=data.get("valid") is True,
            throughput_bps=finite_float(data.get("throughput_bps")),
            warnings=_texts(data.get("warnings")),
            error=_text(data.get("error")),
            bssids_seen=_texts(data.get("bssids_seen")),
            reason=_text(data.get("reason")),
            link_problems=_texts(data.get("link_problems")),
        )
