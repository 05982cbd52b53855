"""Survey points: a ``wifi_point`` record read back once into typed parts (the BSSs
heard, the link the laptop was on, the iperf3 test)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from netsurvey.jsontypes import JsonValue
from netsurvey.numbers import finite_float
from netsurvey.records import Measurement
from netsurvey.wifi.bssjson import bss_from_json, link_from_json
from netsurvey.wifi.pointiperf import PointIperf
from probes.wifi_parsers import Bss, Link

POINT_PROBE = "wifi_point"
WITHDRAWS = "withdraws"  # details key of an undo record: the id of the point it takes back


@dataclass(frozen=True)
class SurveyPoint:
    """A ``wifi_point`` record's details, read back for analysis. ``bss`` is the
    averaged scan, strongest first (see ``averaging.average_scans``)."""

    measurement_id: str
    room: str
    x_m: float | None
    y_m: float | None
    bss: tuple[Bss, ...]
    link: Link | None
    iperf: PointIperf | None
    status: str = "ok"
    warnings: tuple[str, ...] = field(default=())

    @classmethod
    def from_details(
        cls, measurement_id: str, details: Mapping[str, JsonValue], status: str = "ok"
    ) -> SurveyPoint:
        """The JSON boundary: everything past here reads typed fields."""
        bss = details.get("bss")
        link = details.get("link")
        iperf = details.get("iperf")
        return cls(
            measurement_id=measurement_id,
            room=str(details.get("room") or ""),
            x_m=finite_float(details.get("x_m")),
            y_m=finite_float(details.get("y_m")),
            bss=tuple(bss_from_json(b) for b in bss if isinstance(b, dict))
            if isinstance(bss, list)
            else (),
            link=link_from_json(link) if isinstance(link, dict) else None,
            iperf=PointIperf.from_json(iperf) if isinstance(iperf, dict) else None,
            status=status,
        )

    @classmethod
    def from_record(cls, record: Measurement) -> SurveyPoint:
        return cls.from_details(record.id, record.details, record.status)
