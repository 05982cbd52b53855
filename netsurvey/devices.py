"""One merged device list per visit: SNMP and SSH views of each device combined.

SNMP is the primary source; SSH fills what SNMP lacked (per-port PoE watts, AP lists,
devices with SNMP switched off). ``Device.sources`` says where each section came from.
"""

from __future__ import annotations

from dataclasses import dataclass

from netsurvey.records import Measurement, Visit
from probes.device import Device, SectionCoverage, device_coverage, merge_devices

COLLECTORS = ("snmp", "ssh")


@dataclass(frozen=True)
class MergedDevice:
    device_id: str
    device: Device
    measurement_ids: tuple[str, ...]  # the records the facts came from
    warnings: tuple[str, ...] = ()  # those records' warnings (what was dropped, and why)
    partial: bool = False  # a record said it could not map everything it was given

    def coverage(self) -> tuple[SectionCoverage, ...]:
        """Which facts were read, which are missing and why (see ``device_coverage``)."""
        return device_coverage(self.device, self.warnings)


def merged_devices(visit: Visit) -> dict[str, MergedDevice]:
    latest: dict[str, dict[str, Measurement]] = {}
    for measurement in visit.measurements:
        device_id = measurement.device_id
        usable = measurement.probe in COLLECTORS and measurement.status == "ok"
        if usable and device_id and isinstance(measurement.details.get("device"), dict):
            latest.setdefault(device_id, {})[measurement.probe] = measurement
    merged: dict[str, MergedDevice] = {}
    for device_id, by_probe in latest.items():
        views = [
            (probe, Device.from_json(dict(data)))
            for probe in COLLECTORS
            if probe in by_probe and isinstance(data := by_probe[probe].details["device"], dict)
        ]
        source, device = views[0]
        if not device.sources:
            device = Device(
                **{**device.__dict__, "sources": dict.fromkeys(_present(device), source)}
            )
        for other_source, other in views[1:]:
            device = merge_devices(device, other, source, other_source)
        used = list(by_probe.values())
        merged[device_id] = MergedDevice(
            device_id,
            device,
            tuple(m.id for m in used),
            warnings=tuple(w for m in used for w in m.warnings),
            partial=any(m.details.get("partial") is True for m in used),
        )
    return merged


def _present(device: Device) -> list[str]:
    sections = {"system": device.system, "interfaces": device.interfaces, "poe": device.poe,
                "lldp": device.lldp, "wireless": device.wireless, "power": device.power}  # fmt: skip
    return [name for name, value in sections.items() if value not in (None, ())]
